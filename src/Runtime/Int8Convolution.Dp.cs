using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace TinyModel;

/// <summary>
/// The ARM64 dot-product path of <see cref="Int8Convolution"/>: <c>SDOT</c> sums four int8 products into each
/// 32-bit lane, 4 output channels per vector, 4 pixels per set of weight vectors.
/// </summary>
/// <remarks>
/// The staged int16 values go back to int8 (<c>staged − inputOffset</c>) once per call, into a buffer on the stack;
/// the accumulators start from the dot-product bias row, where the generator folded in <c>inputOffset · Σw</c>.
/// The weights keep the shared packing (16 channels × 2 per pair): interleaving the 16-bit halves of two pairs'
/// vectors (<c>ZIP1</c>/<c>ZIP2</c>) gives each channel's four weights in one lane, in the order of the four values
/// one 32-bit load of the run reads. A run of an odd number of pairs ends with one pair zipped with zeros.
/// </remarks>
public static partial class Int8Convolution
{
    /// <summary>The most int8 values the path puts on the stack at once; longer rows go a chunk of pixels at a time.</summary>
    private const int MaxNarrowedValues = 32 * 1024;

    /// <summary>Values read past the last pixel's window: an odd run's last pair is read as four values.</summary>
    private const int NarrowedSlack = 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowDp(ref short x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        long window = shape.WindowExtent + NarrowedSlack;
        if (window > MaxNarrowedValues)
        {
            // Never for generated layers (their staged rows fit in 32 K values); correct all the same.
            ConvolveRowVector128(ref x, shape, pixels, ref w, ref table, stride, ref y);
            return;
        }
        int pixelStride = shape.PixelStride;
        int chunk = pixelStride == 0 ? pixels : (int)Math.Min(pixels, (MaxNarrowedValues - window) / pixelStride + 1);
        int length = (int)((long)(chunk - 1) * pixelStride + window);
        Span<sbyte> narrowed = stackalloc sbyte[length];
        ref sbyte values = ref MemoryMarshal.GetReference(narrowed);
        for (int first = 0; first < pixels; first += chunk)
        {
            int count = Math.Min(chunk, pixels - first);
            // The last two values may lie past the staged span: narrow only what the windows hold.
            Narrow(ref Unsafe.Add(ref x, (nint)first * pixelStride), (int)((long)(count - 1) * pixelStride + window - NarrowedSlack), shape.InputOffset, ref values);
            ConvolveNarrowedDp(ref values, shape, count, ref w, ref table, stride, ref Unsafe.Add(ref y, (nint)first * shape.OutputPixelStride));
        }
    }

    /// <summary><c>values[i] = staged[i] − inputOffset</c>: the int8 inputs again, and the zero point where staging left padding zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Narrow(ref short staged, int n, int inputOffset, ref sbyte values)
    {
        Vector128<short> offset = Vector128.Create((short)inputOffset);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            Vector128.Narrow(Vector128.LoadUnsafe(ref staged, (nuint)i) - offset, Vector128.LoadUnsafe(ref staged, (nuint)i + 8) - offset)
                .StoreUnsafe(ref values, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref values, i) = unchecked((sbyte)(Unsafe.Add(ref staged, i) - inputOffset));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveNarrowedDp(ref sbyte x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels;
        int blockWeights = shape.BlockWeights;
        nint pixelStride = shape.PixelStride;
        SumsDp sums = default;
        for (int c = 0; c < channels; c += 16)
        {
            ref sbyte blockW = ref Unsafe.Add(ref w, (nint)(c / 16) * blockWeights);
            ref int blockTable = ref Unsafe.Add(ref table, c);
            int valid = channels - c < 16 ? channels - c : 16;
            if (pixels < 4)
            {
                for (int p = 0; p < pixels; p++)
                {
                    TileDp(ref Unsafe.Add(ref x, p * pixelStride), shape, 1, ref blockW, ref Unsafe.Add(ref blockTable, DotProductBiasRow * stride), ref sums);
                    StoreVector128(ref sums[0], 1, ref blockTable, stride, shape, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
                }
                continue;
            }
            // Groups of four; the last group ends at the last pixel, recomputing (and rewriting, identically) what it overlaps.
            for (int p = 0; p < pixels; p += 4)
            {
                int first = p <= pixels - 4 ? p : pixels - 4;
                TileDp(ref Unsafe.Add(ref x, first * pixelStride), shape, 4, ref blockW, ref Unsafe.Add(ref blockTable, DotProductBiasRow * stride), ref sums);
                StoreVector128(ref sums[0], 4, ref blockTable, stride, shape, ref Unsafe.Add(ref y, (nint)first * shape.OutputPixelStride + c), valid);
            }
        }
    }

    /// <summary>
    /// Four (or one) output pixels × 16 channels: per four values of a run, four zipped weight vectors, each serving
    /// every pixel. The one-pixel form is the same loop with the other pixels' work skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileDp(ref sbyte x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int bias, ref SumsDp sums)
    {
        Vector128<int> a0 = Vector128.LoadUnsafe(ref bias), b0 = Vector128.LoadUnsafe(ref bias, 4);
        Vector128<int> c0 = Vector128.LoadUnsafe(ref bias, 8), d0 = Vector128.LoadUnsafe(ref bias, 12);
        Vector128<int> a1 = a0, b1 = b0, c1 = c0, d1 = d0, a2 = a0, b2 = b0, c2 = c0, d2 = d0, a3 = a0, b3 = b0, c3 = c0, d3 = d0;
        bool four = pixels == 4;
        nint step = shape.PixelStride;
        nint rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref Unsafe.As<sbyte, byte>(ref w);
        ref byte row = ref Unsafe.As<sbyte, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
            {
                ref byte p0 = ref segment;
                for (int j = 0; j < pairs; j += 2, p0 = ref Unsafe.Add(ref p0, 4))
                {
                    // Pair j's 16 channels × 2 weights, and pair j + 1's (zeros past the run's last pair).
                    Vector128<short> low0 = Vector128.LoadUnsafe(ref wp).AsInt16(), low1 = Vector128.LoadUnsafe(ref wp, 16).AsInt16();
                    Vector128<short> high0 = Vector128<short>.Zero, high1 = Vector128<short>.Zero;
                    if (j + 1 < pairs)
                    {
                        high0 = Vector128.LoadUnsafe(ref wp, 32).AsInt16();
                        high1 = Vector128.LoadUnsafe(ref wp, 48).AsInt16();
                        wp = ref Unsafe.Add(ref wp, 64);
                    }
                    else
                    {
                        wp = ref Unsafe.Add(ref wp, 32);
                    }
                    Vector128<sbyte> w0 = AdvSimd.Arm64.ZipLow(low0, high0).AsSByte(), w1 = AdvSimd.Arm64.ZipHigh(low0, high0).AsSByte();
                    Vector128<sbyte> w2 = AdvSimd.Arm64.ZipLow(low1, high1).AsSByte(), w3 = AdvSimd.Arm64.ZipHigh(low1, high1).AsSByte();
                    Vector128<sbyte> x0 = Quad(ref p0);
                    a0 = Dp.DotProduct(a0, w0, x0);
                    b0 = Dp.DotProduct(b0, w1, x0);
                    c0 = Dp.DotProduct(c0, w2, x0);
                    d0 = Dp.DotProduct(d0, w3, x0);
                    if (four)
                    {
                        Vector128<sbyte> x1 = Quad(ref Unsafe.Add(ref p0, step));
                        a1 = Dp.DotProduct(a1, w0, x1);
                        b1 = Dp.DotProduct(b1, w1, x1);
                        c1 = Dp.DotProduct(c1, w2, x1);
                        d1 = Dp.DotProduct(d1, w3, x1);
                        Vector128<sbyte> x2 = Quad(ref Unsafe.Add(ref p0, 2 * step));
                        a2 = Dp.DotProduct(a2, w0, x2);
                        b2 = Dp.DotProduct(b2, w1, x2);
                        c2 = Dp.DotProduct(c2, w2, x2);
                        d2 = Dp.DotProduct(d2, w3, x2);
                        Vector128<sbyte> x3 = Quad(ref Unsafe.Add(ref p0, 3 * step));
                        a3 = Dp.DotProduct(a3, w0, x3);
                        b3 = Dp.DotProduct(b3, w1, x3);
                        c3 = Dp.DotProduct(c3, w2, x3);
                        d3 = Dp.DotProduct(d3, w3, x3);
                    }
                }
            }
        }
        // Through memory, as in Tile4Avx2.
        sums[0] = a0;
        sums[1] = b0;
        sums[2] = c0;
        sums[3] = d0;
        sums[4] = a1;
        sums[5] = b1;
        sums[6] = c1;
        sums[7] = d1;
        sums[8] = a2;
        sums[9] = b2;
        sums[10] = c2;
        sums[11] = d2;
        sums[12] = a3;
        sums[13] = b3;
        sums[14] = c3;
        sums[15] = d3;
    }

    /// <summary>Four consecutive int8 values (one 32-bit load) in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Quad(ref byte values) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref values)).AsSByte();

    /// <summary>The sums of a tile: 4 pixels × 16 channels.</summary>
    [InlineArray(16)]
    private struct SumsDp
    {
        private Vector128<int> _element;
    }
}
