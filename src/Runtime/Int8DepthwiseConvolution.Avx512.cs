using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The AVX-512 path of <see cref="Int8DepthwiseConvolution"/>: a block of 32 channels per pair of 512-bit vectors, four
/// pixels at a time (the last one to three in a tile of their own); the channels after the last whole block of more than 16 go through the AVX2 groups.
/// </summary>
public static partial class Int8DepthwiseConvolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowAvx512(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        for (int c = 0; c < channels; c += 32)
        {
            if (channels - c > 16)
            {
                if (shape.BoundedAccumulators)
                {
                    Group32Avx512<BoundedForm>(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
                }
                else
                {
                    Group32Avx512<GeneralForm>(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
                }
                continue;
            }
            Group16Avx2Or8(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
        }
    }

    /// <summary>The last 16 channels or fewer.</summary>
    private static void Group16Avx2Or8(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, int c, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
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

    /// <summary>
    /// Channels <paramref name="c"/> to <paramref name="c"/> + 31 of every pixel, four pixels at a time, then a tile of the
    /// one to three left, requantized in the form <typeparamref name="TForm"/> (the shape's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group32Avx512<TForm>(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, int c, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
        where TForm : struct, IOutputForm
    {
        ref byte groupW = ref WeightsAt(ref w, c, pairs);
        ref int groupTable = ref Unsafe.Add(ref table, c);
        ref short groupX = ref Unsafe.Add(ref x, c);
        ref sbyte groupY = ref Unsafe.Add(ref y, c);
        int valid = shape.Channels - c < 32 ? shape.Channels - c : 32;
        int p = 0;
        for (; p <= pixels - 4; p += 4)
        {
            Tile32Avx512<FourPixels, TForm>(ref groupX, grid, p, ref groupW, ref taps, pairs, ref groupTable, stride, shape, ref groupY, valid);
        }
        switch (pixels - p)
        {
            case 3:
                Tile32Avx512<ThreePixels, TForm>(ref groupX, grid, p, ref groupW, ref taps, pairs, ref groupTable, stride, shape, ref groupY, valid);
                break;
            case 2:
                Tile32Avx512<TwoPixels, TForm>(ref groupX, grid, p, ref groupW, ref taps, pairs, ref groupTable, stride, shape, ref groupY, valid);
                break;
            case 1:
                Tile32Avx512<OnePixel, TForm>(ref groupX, grid, p, ref groupW, ref taps, pairs, ref groupTable, stride, shape, ref groupY, valid);
                break;
        }
    }

    /// <summary>
    /// Pixels <paramref name="first"/> onwards (<typeparamref name="TPixels"/> of them, up to four) × 32 channels: per pair
    /// of taps, the two taps' staged values interleaved (within 128-bit lanes) and multiplied by their weight pairs; then
    /// the bias and the requantization in the form <typeparamref name="TForm"/>, in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile32Avx512<TPixels, TForm>(ref short groupX, in PixelGrid grid, int first, ref byte w, ref int taps, int pairs,
        ref int table, int stride, in Int8DepthwiseShape shape, ref sbyte groupY, int valid)
        where TPixels : struct, ITilePixels
        where TForm : struct, IOutputForm
    {
        int n = TPixels.Count;
        // Pixels past the tile's last alias it; their work is compiled out.
        ref short x0 = ref Unsafe.Add(ref groupX, grid.Offset(first));
        ref short x1 = ref n > 1 ? ref Unsafe.Add(ref groupX, grid.Offset(first + 1)) : ref x0;
        ref short x2 = ref n > 2 ? ref Unsafe.Add(ref groupX, grid.Offset(first + 2)) : ref x1;
        ref short x3 = ref n > 3 ? ref Unsafe.Add(ref groupX, grid.Offset(first + 3)) : ref x2;
        // The sums start at the bias, in the order the interleaved products leave the channels in (see below).
        Vector512<long> bias0 = Vector512.LoadUnsafe(ref table).AsInt64(), bias1 = Vector512.LoadUnsafe(ref table, 16).AsInt64();
        Vector512<int> low0 = Avx512F.PermuteVar8x64x2(bias0, Vector512.Create(0L, 1, 4, 5, 8, 9, 12, 13), bias1).AsInt32();
        Vector512<int> high0 = Avx512F.PermuteVar8x64x2(bias0, Vector512.Create(2L, 3, 6, 7, 10, 11, 14, 15), bias1).AsInt32();
        Vector512<int> low1 = low0, high1 = high0, low2 = low0, high2 = high0, low3 = low0, high3 = high0;
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector512<short> wLow = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp).AsSByte());
            Vector512<short> wHigh = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp, 32).AsSByte());
            low0 += TapPairsAvx512(ref x0, a, b, wLow, upper: false);
            high0 += TapPairsAvx512(ref x0, a, b, wHigh, upper: true);
            if (n > 1)
            {
                low1 += TapPairsAvx512(ref x1, a, b, wLow, upper: false);
                high1 += TapPairsAvx512(ref x1, a, b, wHigh, upper: true);
            }
            if (n > 2)
            {
                low2 += TapPairsAvx512(ref x2, a, b, wLow, upper: false);
                high2 += TapPairsAvx512(ref x2, a, b, wHigh, upper: true);
            }
            if (n > 3)
            {
                low3 += TapPairsAvx512(ref x3, a, b, wLow, upper: false);
                high3 += TapPairsAvx512(ref x3, a, b, wHigh, upper: true);
            }
        }
        // low: channels 0-3 | 8-11 | 16-19 | 24-27, high: 4-7 | 12-15 | 20-23 | 28-31; interleave their 128-bit lanes.
        nint channels = shape.Channels;
        ref sbyte y = ref Unsafe.Add(ref groupY, first * channels);
        if (TForm.Bounded)
        {
            // The rows read once for the tile's pixels (a store in between would make the JIT read them again).
            var stage = Int8OutputStage.BoundedRows16(ref table, stride);
            var stage16 = Int8OutputStage.BoundedRows16(ref Unsafe.Add(ref table, 16), stride);
            int min = shape.OutputMin, max = shape.OutputMax;
            BoundedPixelAvx512(low0, high0, stage, stage16, min, max, ref y, valid);
            if (n > 1)
            {
                BoundedPixelAvx512(low1, high1, stage, stage16, min, max, ref Unsafe.Add(ref y, channels), valid);
            }
            if (n > 2)
            {
                BoundedPixelAvx512(low2, high2, stage, stage16, min, max, ref Unsafe.Add(ref y, 2 * channels), valid);
            }
            if (n > 3)
            {
                BoundedPixelAvx512(low3, high3, stage, stage16, min, max, ref Unsafe.Add(ref y, 3 * channels), valid);
            }
            return;
        }
        StorePixelAvx512(low0, high0, ref table, stride, shape, ref y, valid);
        if (n > 1)
        {
            StorePixelAvx512(low1, high1, ref table, stride, shape, ref Unsafe.Add(ref y, channels), valid);
        }
        if (n > 2)
        {
            StorePixelAvx512(low2, high2, ref table, stride, shape, ref Unsafe.Add(ref y, 2 * channels), valid);
        }
        if (n > 3)
        {
            StorePixelAvx512(low3, high3, ref table, stride, shape, ref Unsafe.Add(ref y, 3 * channels), valid);
        }
    }

    /// <summary>
    /// One pixel's products for a pair of taps: the staged values at <paramref name="a"/> and <paramref name="b"/>
    /// interleaved (the lower or <paramref name="upper"/> halves of each 128-bit lane) times their weight pairs, summed pairwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> TapPairsAvx512(ref short x, nuint a, nuint b, Vector512<short> weights, bool upper)
    {
        Vector512<short> xa = Vector512.LoadUnsafe(ref x, a), xb = Vector512.LoadUnsafe(ref x, b);
        return Avx512BW.MultiplyAddAdjacent(upper ? Avx512BW.UnpackHigh(xa, xb) : Avx512BW.UnpackLow(xa, xb), weights);
    }

    /// <summary>One pixel's 32 channels from the interleaved sums (bias included): requantization in the general form, store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixelAvx512(Vector512<int> low, Vector512<int> high, ref int table, int stride, in Int8DepthwiseShape shape, ref sbyte y, int valid)
    {
        Int8OutputStage.Store(Int8OutputStage.Requantize16(First16(low, high), ref table, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax), ref y, 16);
        Int8OutputStage.Store(Int8OutputStage.Requantize16(Second16(low, high), ref Unsafe.Add(ref table, 16), stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax),
            ref Unsafe.Add(ref y, 16), valid - 16);
    }

    /// <summary>One pixel's 32 channels from the interleaved sums (bias included): requantization in the bounded form, store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BoundedPixelAvx512(Vector512<int> low, Vector512<int> high, in Int8OutputStage.BoundedRows<Vector512<int>> stage, in Int8OutputStage.BoundedRows<Vector512<int>> stage16,
        int min, int max, ref sbyte y, int valid)
    {
        Int8OutputStage.Store(Int8OutputStage.Narrow16(Int8OutputStage.RequantizeBounded16(First16(low, high), stage), min, max), ref y, 16);
        Int8OutputStage.Store(Int8OutputStage.Narrow16(Int8OutputStage.RequantizeBounded16(Second16(low, high), stage16), min, max), ref Unsafe.Add(ref y, 16), valid - 16);
    }

    /// <summary>Channels 0-15 of the interleaved sums, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> First16(Vector512<int> low, Vector512<int> high) =>
        Avx512F.PermuteVar8x64x2(low.AsInt64(), Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11), high.AsInt64()).AsInt32();

    /// <summary>Channels 16-31 of the interleaved sums, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Second16(Vector512<int> low, Vector512<int> high) =>
        Avx512F.PermuteVar8x64x2(low.AsInt64(), Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15), high.AsInt64()).AsInt32();
}
