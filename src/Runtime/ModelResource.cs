using System;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TinyModel;

/// <summary>
/// A model file embedded in an assembly as a manifest resource, whose bytes generated code reads in place:
/// large models keep their weights there instead of in C# initializers, which cost the compiler seconds and
/// gigabytes per 20 MB (see TinyModel's docs/build-time.md). TinyModel's build targets embed the file; the
/// generated class opens it once, in its constructor, and each large constant is a span over it.
/// </summary>
/// <remarks>
/// For an assembly loaded from a file or from bytes, and under NativeAOT, the runtime returns an
/// <see cref="UnmanagedMemoryStream"/> over the loaded image: the bytes are used where they lie, without a
/// copy. Any other stream is read once into a pinned array. The resource's length and checksum are checked
/// against what the generator read, so a stale or foreign resource fails loudly instead of computing wrong results.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class ModelResource
{
    private readonly byte* _pointer;
    private readonly int _length;

    // Keeps what the bytes belong to alive: the resource stream (and through it the assembly) or the pinned copy.
    private readonly object _owner;

    private ModelResource(byte* pointer, int length, object owner)
    {
        _pointer = pointer;
        _length = length;
        _owner = owner;
    }

    /// <summary>The resource's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => new(_pointer, _length);

    /// <summary>Whether the bytes are read in place (false: the runtime gave a plain stream, copied once).</summary>
    public bool IsInPlace => _owner is UnmanagedMemoryStream;

    /// <summary>
    /// Opens the manifest resource <paramref name="name"/> of <paramref name="assembly"/> and checks that it is the
    /// file the generator read.
    /// </summary>
    /// <param name="assembly">The assembly the generated class is in.</param>
    /// <param name="name">The resource's logical name.</param>
    /// <param name="length">The file's length in bytes when the code was generated.</param>
    /// <param name="checksum">The file's <see cref="ResourceChecksum"/> when the code was generated.</param>
    /// <returns>The resource.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing, or holds other bytes than the generator read.</exception>
    public static ModelResource Open(Assembly assembly, string name, long length, long checksum)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(name);
        Stream stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(
                $"TinyModel: assembly '{assembly.GetName().Name}' has no manifest resource '{name}', the model file whose weights its generated class reads. "
                + "TinyModel's build targets embed it (EmbeddedResource with this LogicalName); rebuild the project with them.");
        if (stream.Length != length)
        {
            throw Stale(assembly, name, $"it has {stream.Length} bytes where the generated code expects {length}");
        }

        ModelResource resource = stream is UnmanagedMemoryStream mapped
            ? new ModelResource(mapped.PositionPointer, (int)length, mapped)
            : Copy(stream, (int)length);
        long actual = ResourceChecksum.Compute(resource.Bytes);
        if (actual != checksum)
        {
            throw Stale(assembly, name, $"its checksum is 0x{actual:X16} where the generated code expects 0x{checksum:X16}");
        }
        return resource;
    }

    /// <summary>
    /// <paramref name="count"/> elements of <typeparamref name="T"/> from byte <paramref name="offset"/> of the
    /// resource (where the generator found a constant buffer of the file).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="offset">The first byte.</param>
    /// <param name="count">The number of elements.</param>
    /// <returns>A span over the resource's bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Span<T>(int offset, int count)
        where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(Bytes.Slice(offset, count * sizeof(T)));

    private static ModelResource Copy(Stream stream, int length)
    {
        byte[] copy = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        stream.ReadExactly(copy);
        stream.Dispose();
        return new ModelResource((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(copy)), length, copy);
    }

    private static InvalidOperationException Stale(Assembly assembly, string name, string problem) =>
        new($"TinyModel: the manifest resource '{name}' of assembly '{assembly.GetName().Name}' is not the model file its generated class was compiled from: "
            + $"{problem}. The model changed after the code was generated; rebuild the project.");
}
