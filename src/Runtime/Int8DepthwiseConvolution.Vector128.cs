using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>The 128-bit path of <see cref="Int8DepthwiseConvolution"/> (SSE4.1 or AdvSimd): 8 channels at a time, two pixels at a time (a last odd one alone).</summary>
public static partial class Int8DepthwiseConvolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowVector128(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        Sums128 sums = default;
        for (int c = 0; c < channels; c += 8)
        {
            // Channels 8i to 8i + 7 of a block read the bytes at 8i and 32 + 8i of each pair of taps.
            ref byte blockW = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, (nint)(c / 32) * pairs * 64 + c % 32));
            ref int blockTable = ref Unsafe.Add(ref table, c);
            ref short blockX = ref Unsafe.Add(ref x, c);
            int valid = channels - c < 8 ? channels - c : 8;
            for (int p = 0; p < pixels; p += 2)
            {
                int count = pixels - p >= 2 ? 2 : 1;
                if (count == 2)
                {
                    Tile8Vector128<TwoPixels>(ref Unsafe.Add(ref blockX, grid.Offset(p)), ref Unsafe.Add(ref blockX, grid.Offset(p + 1)), ref blockW, ref taps, pairs, ref sums);
                }
                else
                {
                    Tile8Vector128<OnePixel>(ref Unsafe.Add(ref blockX, grid.Offset(p)), ref Unsafe.Add(ref blockX, grid.Offset(p)), ref blockW, ref taps, pairs, ref sums);
                }
                for (int i = 0; i < count; i++)
                {
                    Vector128<int> low = sums[2 * i] + Vector128.LoadUnsafe(ref blockTable);
                    Vector128<int> high = sums[2 * i + 1] + Vector128.LoadUnsafe(ref blockTable, 4);
                    Vector128<short> words = Int8OutputStage.Requantize8(low, high, ref blockTable, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
                    Vector128<sbyte> values = Int16Pairs.NarrowSaturate(words, words);
                    Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)(p + i) * channels + c), valid);
                }
            }
        }
    }

    /// <summary>Two pixels × 8 channels (or one: <typeparamref name="TPixels"/>), without the bias: per pair of taps, the two taps' staged values interleaved and multiplied by their weight pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8Vector128<TPixels>(ref short x, ref short x1, ref byte w, ref int taps, int pairs, ref Sums128 sums)
        where TPixels : struct, ITilePixels
    {
        Vector128<int> low0 = Vector128<int>.Zero, high0 = Vector128<int>.Zero, low1 = Vector128<int>.Zero, high1 = Vector128<int>.Zero;
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector128<short> wLow = Int16Pairs.Widen8(ref wp), wHigh = Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 32));
            Vector128<short> xa = Vector128.LoadUnsafe(ref x, a), xb = Vector128.LoadUnsafe(ref x, b);
            low0 += Int16Pairs.MultiplyAdd(Int16Pairs.InterleaveLower(xa, xb), wLow);
            high0 += Int16Pairs.MultiplyAdd(Int16Pairs.InterleaveUpper(xa, xb), wHigh);
            if (TPixels.Count > 1)
            {
                xa = Vector128.LoadUnsafe(ref x1, a);
                xb = Vector128.LoadUnsafe(ref x1, b);
                low1 += Int16Pairs.MultiplyAdd(Int16Pairs.InterleaveLower(xa, xb), wLow);
                high1 += Int16Pairs.MultiplyAdd(Int16Pairs.InterleaveUpper(xa, xb), wHigh);
            }
        }
        sums[0] = low0;
        sums[1] = high0;
        sums[2] = low1;
        sums[3] = high1;
    }

    /// <summary>The sums of a tile: 2 pixels × 8 channels.</summary>
    [InlineArray(4)]
    private struct Sums128
    {
        private Vector128<int> _element;
    }
}
