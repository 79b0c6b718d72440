using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The AVX-512 path of <see cref="Int8DepthwiseConvolution"/>: a block of 32 channels per pair of 512-bit vectors, four
/// pixels at a time; the channels after the last whole block of more than 16 go through the AVX2 groups.
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
                Group32Avx512(ref x, shape, grid, pixels, c, ref w, ref table, stride, ref taps, pairs, ref y);
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

    /// <summary>Channels <paramref name="c"/> to <paramref name="c"/> + 31 of every pixel, four pixels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Group32Avx512(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, int c, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        ref byte groupW = ref WeightsAt(ref w, c, pairs);
        ref int groupTable = ref Unsafe.Add(ref table, c);
        ref short groupX = ref Unsafe.Add(ref x, c);
        ref sbyte groupY = ref Unsafe.Add(ref y, c);
        for (int p = 0; p < pixels; p += 4)
        {
            // The last group ends at the last pixel, recomputing (and rewriting, identically) what it overlaps; with
            // fewer than four pixels, the last one is computed more than once.
            int first = p <= pixels - 4 ? p : pixels >= 4 ? pixels - 4 : p;
            int last = pixels - 1;
            int p1 = Min(first + 1, last), p2 = Min(first + 2, last), p3 = Min(first + 3, last);
            Tile32x4Avx512(ref Unsafe.Add(ref groupX, grid.Offset(first)), ref Unsafe.Add(ref groupX, grid.Offset(p1)),
                ref Unsafe.Add(ref groupX, grid.Offset(p2)), ref Unsafe.Add(ref groupX, grid.Offset(p3)), ref groupW, ref taps, pairs,
                ref groupTable, stride, shape, ref Unsafe.Add(ref groupY, (nint)first * channels), ref Unsafe.Add(ref groupY, (nint)p1 * channels),
                ref Unsafe.Add(ref groupY, (nint)p2 * channels), ref Unsafe.Add(ref groupY, (nint)p3 * channels), channels - c < 32 ? channels - c : 32);
        }
    }

    /// <summary>
    /// Four pixels × 32 channels: per pair of taps, the two taps' staged values interleaved (within 128-bit lanes) and
    /// multiplied by their weight pairs; then the bias and the requantization, in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile32x4Avx512(ref short x0, ref short x1, ref short x2, ref short x3, ref byte w, ref int taps, int pairs,
        ref int table, int stride, in Int8DepthwiseShape shape, ref sbyte y0, ref sbyte y1, ref sbyte y2, ref sbyte y3, int valid)
    {
        Vector512<int> low0 = Vector512<int>.Zero, high0 = low0, low1 = low0, high1 = low0, low2 = low0, high2 = low0, low3 = low0, high3 = low0;
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector512<short> wLow = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp).AsSByte());
            Vector512<short> wHigh = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp, 32).AsSByte());
            Vector512<short> xa = Vector512.LoadUnsafe(ref x0, a), xb = Vector512.LoadUnsafe(ref x0, b);
            low0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(xa, xb), wLow);
            high0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(xa, xb), wHigh);
            xa = Vector512.LoadUnsafe(ref x1, a);
            xb = Vector512.LoadUnsafe(ref x1, b);
            low1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(xa, xb), wLow);
            high1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(xa, xb), wHigh);
            xa = Vector512.LoadUnsafe(ref x2, a);
            xb = Vector512.LoadUnsafe(ref x2, b);
            low2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(xa, xb), wLow);
            high2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(xa, xb), wHigh);
            xa = Vector512.LoadUnsafe(ref x3, a);
            xb = Vector512.LoadUnsafe(ref x3, b);
            low3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(xa, xb), wLow);
            high3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(xa, xb), wHigh);
        }
        // low: channels 0-3 | 8-11 | 16-19 | 24-27, high: 4-7 | 12-15 | 20-23 | 28-31; interleave their 128-bit lanes.
        // Pixels are written last to first: where pixels repeat (fewer than four), all copies are equal anyway.
        StorePixelAvx512(low3, high3, ref table, stride, shape, ref y3, valid);
        StorePixelAvx512(low2, high2, ref table, stride, shape, ref y2, valid);
        StorePixelAvx512(low1, high1, ref table, stride, shape, ref y1, valid);
        StorePixelAvx512(low0, high0, ref table, stride, shape, ref y0, valid);
    }

    /// <summary>One pixel's 32 channels from the interleaved sums: bias, requantization, store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixelAvx512(Vector512<int> low, Vector512<int> high, ref int table, int stride, in Int8DepthwiseShape shape, ref sbyte y, int valid)
    {
        Vector512<int> first = Avx512F.PermuteVar8x64x2(low.AsInt64(), Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11), high.AsInt64()).AsInt32();
        Vector512<int> second = Avx512F.PermuteVar8x64x2(low.AsInt64(), Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15), high.AsInt64()).AsInt32();
        first += Vector512.LoadUnsafe(ref table);
        second += Vector512.LoadUnsafe(ref table, 16);
        Int8OutputStage.Store(Int8OutputStage.Requantize16(first, ref table, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax), ref y, 16);
        Int8OutputStage.Store(Int8OutputStage.Requantize16(second, ref Unsafe.Add(ref table, 16), stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax),
            ref Unsafe.Add(ref y, 16), valid - 16);
    }
}
