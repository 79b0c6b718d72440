namespace TinyModel.Generator.Model;

/// <summary>
/// Where a constant buffer lies in the model file, and a hash of its bytes: lets a flavor read weights from the
/// file itself, embedded as a resource (the NanoFramework flavor does, for weights beyond what an assembly's
/// array initializers can hold), by finding the buffer whose bytes a layer's weights are.
/// </summary>
/// <param name="Offset">The buffer's first byte in the file.</param>
/// <param name="Length">The buffer's length in bytes.</param>
/// <param name="Hash">The 64-bit FNV-1a hash of its bytes.</param>
internal sealed record ModelBlob(int Offset, int Length, long Hash)
{
    /// <summary>The 64-bit FNV-1a hash of <paramref name="bytes"/>.</summary>
    public static long HashOf(System.ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return unchecked((long)hash);
    }
}
