using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The AVX2 path of <see cref="Int8DepthwiseConvolution"/>: 16 channels per pair of 256-bit vectors, two pixels at a
/// time; a last group of 8 channels or fewer with a pixel in each 128-bit half, four pixels at a time. A last odd pixel
/// (or last one or two of four) goes in a smaller tile.
/// </summary>
public static partial class Int8DepthwiseConvolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowAvx2(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        for (int c = 0; c < shape.Channels; c += 16)
        {
            if (shape.Channels - c > 8)
            {
                Group16Avx2(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
            }
            else
            {
                Group8Avx2(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
            }
        }
    }

    /// <summary>Channels <paramref name="c"/> to <paramref name="c"/> + 15 of every pixel, two pixels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group16Avx2(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, int c, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        int valid = channels - c < 16 ? channels - c : 16;
        ref byte groupW = ref WeightsAt(ref w, c, pairs);
        ref int groupTable = ref Unsafe.Add(ref table, c);
        ref short groupX = ref Unsafe.Add(ref x, c);
        // The bias and the bounded form's rows, read once for every pixel of the group.
        Vector256<int> biasLow = Vector256.LoadUnsafe(ref groupTable), biasHigh = Vector256.LoadUnsafe(ref groupTable, 8);
        bool bounded = shape.BoundedAccumulators;
        Int8OutputStage.BoundedRows<Vector256<int>> stageLow = bounded ? Int8OutputStage.BoundedRows8(ref groupTable, stride) : default;
        Int8OutputStage.BoundedRows<Vector256<int>> stageHigh = bounded ? Int8OutputStage.BoundedRows8(ref Unsafe.Add(ref groupTable, 8), stride) : default;
        int zeroPoint = shape.OutputZeroPoint, min = shape.OutputMin, max = shape.OutputMax;
        Sums256 sums = default;
        for (int p = 0; p < pixels; p += 2)
        {
            int count = pixels - p >= 2 ? 2 : 1;
            if (count == 2)
            {
                Tile16Avx2<TwoPixels>(ref Unsafe.Add(ref groupX, grid.Offset(p)), ref Unsafe.Add(ref groupX, grid.Offset(p + 1)), ref groupW, ref taps, pairs, ref sums);
            }
            else
            {
                Tile16Avx2<OnePixel>(ref Unsafe.Add(ref groupX, grid.Offset(p)), ref Unsafe.Add(ref groupX, grid.Offset(p)), ref groupW, ref taps, pairs, ref sums);
            }
            for (int i = 0; i < count; i++)
            {
                Vector256<int> low = sums[2 * i] + biasLow, high = sums[2 * i + 1] + biasHigh;
                Vector128<sbyte> values = bounded
                    ? Int8OutputStage.Narrow16(Int8OutputStage.RequantizeBounded8(low, stageLow), Int8OutputStage.RequantizeBounded8(high, stageHigh), min, max)
                    : Int8OutputStage.Requantize16(low, high, ref groupTable, stride, zeroPoint, min, max);
                Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)(p + i) * channels + c), valid);
            }
        }
    }

    /// <summary>Channels <paramref name="c"/> to <paramref name="c"/> + 7 (or fewer) of every pixel, four pixels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group8Avx2(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, int c, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        int valid = channels - c < 8 ? channels - c : 8;
        ref byte groupW = ref WeightsAt(ref w, c, pairs);
        ref int groupTable = ref Unsafe.Add(ref table, c);
        ref short groupX = ref Unsafe.Add(ref x, c);
        Vector256<int> bias = Vector256.LoadUnsafe(ref groupTable);
        bool bounded = shape.BoundedAccumulators;
        Int8OutputStage.BoundedRows<Vector256<int>> stage = bounded ? Int8OutputStage.BoundedRows8(ref groupTable, stride) : default;
        int zeroPoint = shape.OutputZeroPoint, min = shape.OutputMin, max = shape.OutputMax;
        Sums256 sums = default;
        for (int p = 0; p < pixels; p += 4)
        {
            // The last group ends at the last pixel, recomputing (and rewriting, identically) what it overlaps;
            // with fewer than four pixels, the last one is computed more than once.
            // A last one or two pixels go in a tile of two (one vector), three in one of four.
            int first = p <= pixels - 4 ? p : pixels >= 4 && pixels - p == 3 ? pixels - 4 : p;
            int last = pixels - 1;
            ref short x0 = ref Unsafe.Add(ref groupX, grid.Offset(first)), x1 = ref Unsafe.Add(ref groupX, grid.Offset(Min(first + 1, last)));
            ref short x2 = ref Unsafe.Add(ref groupX, grid.Offset(Min(first + 2, last))), x3 = ref Unsafe.Add(ref groupX, grid.Offset(Min(first + 3, last)));
            if (pixels - first <= 2)
            {
                Tile8x4Avx2<TwoPixels>(ref x0, ref x1, ref x2, ref x3, ref groupW, ref taps, pairs, ref sums);
            }
            else
            {
                Tile8x4Avx2<FourPixels>(ref x0, ref x1, ref x2, ref x3, ref groupW, ref taps, pairs, ref sums);
            }
            for (int i = 0; i < 4 && first + i < pixels; i++)
            {
                Vector128<sbyte> values = bounded
                    ? Int8OutputStage.Narrow8(Int8OutputStage.RequantizeBounded8(sums[i] + bias, stage), min, max)
                    : Int8OutputStage.Requantize8(sums[i] + bias, ref groupTable, stride, zeroPoint, min, max);
                Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)(first + i) * channels + c), valid);
            }
        }
    }

    /// <summary>
    /// Two pixels × 16 channels (or one: <typeparamref name="TPixels"/>), without the bias: per pair of taps, the two taps'
    /// staged values interleaved (within 128-bit lanes) and multiplied by their weight pairs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile16Avx2<TPixels>(ref short x, ref short x1, ref byte w, ref int taps, int pairs, ref Sums256 sums)
        where TPixels : struct, ITilePixels
    {
        Vector256<int> low0 = Vector256<int>.Zero, high0 = Vector256<int>.Zero, low1 = Vector256<int>.Zero, high1 = Vector256<int>.Zero;
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector256<short> wLow = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp).AsSByte());
            Vector256<short> wHigh = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp, 32).AsSByte());
            Vector256<short> xa = Vector256.LoadUnsafe(ref x, a), xb = Vector256.LoadUnsafe(ref x, b);
            low0 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
            high0 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
            if (TPixels.Count > 1)
            {
                xa = Vector256.LoadUnsafe(ref x1, a);
                xb = Vector256.LoadUnsafe(ref x1, b);
                low1 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
                high1 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
            }
        }
        // low: channels 0-3 | 8-11; high: 4-7 | 12-15. Through memory, as in Int8Convolution's tiles.
        sums[0] = Avx2.Permute2x128(low0, high0, 0x20);
        sums[1] = Avx2.Permute2x128(low0, high0, 0x31);
        sums[2] = Avx2.Permute2x128(low1, high1, 0x20);
        sums[3] = Avx2.Permute2x128(low1, high1, 0x31);
    }

    /// <summary>Four pixels × 8 channels (or fewer), without the bias: two pixels per vector, one in each 128-bit half; only the first vector's two for <see cref="TwoPixels"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x4Avx2<TPixels>(ref short x0, ref short x1, ref short x2, ref short x3, ref byte w, ref int taps, int pairs, ref Sums256 sums)
        where TPixels : struct, ITilePixels
    {
        Vector256<int> low01 = Vector256<int>.Zero, high01 = Vector256<int>.Zero, low23 = Vector256<int>.Zero, high23 = Vector256<int>.Zero;
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            // The eight weights of channels 0-3 (and of 4-7) in both halves.
            Vector256<short> wLow = Avx2.ConvertToVector256Int16(Vector128.Create(Unsafe.ReadUnaligned<long>(ref wp)).AsSByte());
            Vector256<short> wHigh = Avx2.ConvertToVector256Int16(Vector128.Create(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref wp, 32))).AsSByte());
            Vector256<short> xa = Vector256.Create(Vector128.LoadUnsafe(ref x0, a), Vector128.LoadUnsafe(ref x1, a));
            Vector256<short> xb = Vector256.Create(Vector128.LoadUnsafe(ref x0, b), Vector128.LoadUnsafe(ref x1, b));
            low01 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
            high01 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
            if (TPixels.Count > 2)
            {
                xa = Vector256.Create(Vector128.LoadUnsafe(ref x2, a), Vector128.LoadUnsafe(ref x3, a));
                xb = Vector256.Create(Vector128.LoadUnsafe(ref x2, b), Vector128.LoadUnsafe(ref x3, b));
                low23 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
                high23 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
            }
        }
        // low: pixel 0 channels 0-3 | pixel 1 channels 0-3; high: the same for channels 4-7.
        sums[0] = Avx2.Permute2x128(low01, high01, 0x20);
        sums[1] = Avx2.Permute2x128(low01, high01, 0x31);
        sums[2] = Avx2.Permute2x128(low23, high23, 0x20);
        sums[3] = Avx2.Permute2x128(low23, high23, 0x31);
    }

    /// <summary>The weights of the group of channels starting at <paramref name="c"/>: its block's, from byte <c>c % 32</c> of each pair of taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte WeightsAt(ref sbyte w, int c, int pairs) => ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, (nint)(c / 32) * pairs * 64 + c % 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Min(int a, int b) => a < b ? a : b;

    /// <summary>The sums of a tile: 2 pixels × 16 channels, or 4 pixels × 8.</summary>
    [InlineArray(4)]
    private struct Sums256
    {
        private Vector256<int> _element;
    }
}
