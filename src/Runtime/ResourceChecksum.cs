// One source for both sides: the generator records the checksum of a model file it reads weights from, and
// ModelResource checks the embedded copy against it at run time. The generator compiles it (linked) as an
// internal class of its own namespace.
#if TINYMODEL_GENERATOR
namespace TinyModel.Generator.Emitting;
#else
namespace TinyModel;
#endif

/// <summary>
/// A 64-bit checksum of a model file, fast enough to check tens of megabytes once at start-up (8 bytes per
/// step): each step XORs in a little-endian word, multiplies by the FNV prime and folds the high bits down,
/// all invertible, so any change confined to one word always changes the result. It guards against a stale
/// or foreign resource, not against tampering.
/// </summary>
#if TINYMODEL_GENERATOR
internal static class ResourceChecksum
#else
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class ResourceChecksum
#endif
{
    /// <summary>The checksum of <paramref name="bytes"/> (their length included).</summary>
    /// <param name="bytes">The bytes to check.</param>
    /// <returns>The checksum, as a signed 64-bit number (how generated code writes it).</returns>
    public static long Compute(System.ReadOnlySpan<byte> bytes)
    {
        const ulong Prime = 1099511628211UL;
        ulong hash = 14695981039346656037UL ^ (ulong)bytes.Length;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            hash = Mix(hash ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8)), Prime);
        }
        for (; i < bytes.Length; i++)
        {
            hash = Mix(hash ^ bytes[i], Prime);
        }
        return unchecked((long)hash);
    }

    private static ulong Mix(ulong value, ulong prime)
    {
        ulong product = unchecked(value * prime);
        return product ^ (product >> 29);
    }
}
