using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// Where the windows of a run of output pixels start in a staged input: rows of <c>width</c> pixels, the pixels of a
/// row <c>pixelStride</c> values apart, the rows <c>rowStride</c> apart. A kernel that walks the pixels of several
/// output rows in one run groups them across the row ends, so narrow images waste no tile on a row's last pixels.
/// </summary>
internal readonly struct PixelGrid
{
    private readonly uint _width;
    private readonly ulong _reciprocal;
    private readonly nint _pixelStride;
    private readonly nint _rowStride;

    /// <summary>A grid of rows of <paramref name="width"/> pixels, for pixel indices below 2^32 / <paramref name="width"/>.</summary>
    public PixelGrid(int width, nint pixelStride, nint rowStride)
    {
        _width = (uint)width;
        // floor(p · (2^32 / w + 1) / 2^32) = floor(p / w) while p · w < 2^32: the error term p · (w − 2^32 mod w) / (w · 2^32)
        // stays below 1 / w, less than the distance from p / w to the next integer.
        _reciprocal = (1UL << 32) / _width + 1;
        _pixelStride = pixelStride;
        _rowStride = rowStride;
    }

    /// <summary>The staged offset of pixel <paramref name="pixel"/>'s window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Offset(int pixel)
    {
        uint row = (uint)(((ulong)(uint)pixel * _reciprocal) >> 32);
        return (nint)row * _rowStride + (nint)((uint)pixel - row * _width) * _pixelStride;
    }
}
