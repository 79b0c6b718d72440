using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The 128-bit path of <see cref="Int8Convolution"/>, 4 output channels per vector: SSE4.1 (x86-64-v2, the
/// NativeAOT default) or AdvSimd (ARM64). Only the pairwise multiply-add, the narrowing and the variable shifts
/// differ between the two.
/// </summary>
public static partial class Int8Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowVector128(ref short x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels;
        int blockWeights = shape.BlockWeights;
        nint pixelStride = shape.PixelStride;
        Sums128 sums = default;
        for (int c = 0; c < channels; c += 16)
        {
            ref sbyte blockW = ref Unsafe.Add(ref w, (nint)(c / 16) * blockWeights);
            ref int blockTable = ref Unsafe.Add(ref table, c);
            int valid = channels - c < 16 ? channels - c : 16;
            if (pixels < 2)
            {
                Tile1Vector128(ref x, shape, ref blockW, ref blockTable, ref sums);
                StoreVector128(ref sums[0], 1, ref blockTable, stride, shape, ref Unsafe.Add(ref y, c), valid);
                continue;
            }
            // Pairs of pixels; the last pair ends at the last pixel, recomputing (and rewriting, identically) what it overlaps.
            for (int p = 0; p < pixels; p += 2)
            {
                int first = p <= pixels - 2 ? p : pixels - 2;
                Tile2Vector128(ref Unsafe.Add(ref x, first * pixelStride), shape, ref blockW, ref blockTable, ref sums);
                StoreVector128(ref sums[0], 2, ref blockTable, stride, shape, ref Unsafe.Add(ref y, (nint)first * shape.OutputPixelStride + c), valid);
            }
        }
    }

    /// <summary>Two output pixels × 16 channels: each set of four weight vectors serves both pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2Vector128(ref short x, in Int8ConvolutionShape shape, ref sbyte w, ref int table, ref Sums128 sums)
    {
        Vector128<int> a0 = Vector128.LoadUnsafe(ref table), b0 = Vector128.LoadUnsafe(ref table, 4);
        Vector128<int> c0 = Vector128.LoadUnsafe(ref table, 8), d0 = Vector128.LoadUnsafe(ref table, 12);
        Vector128<int> a1 = a0, b1 = b0, c1 = c0, d1 = d0;
        nint step = (nint)shape.PixelStride * 2;
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref Unsafe.As<sbyte, byte>(ref w);
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    Vector128<short> w0 = Int16Pairs.Widen8(ref wp), w1 = Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 8));
                    Vector128<short> w2 = Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 16)), w3 = Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 24));
                    Vector128<short> x0 = Int16Pairs.Broadcast(ref p0);
                    a0 += Int16Pairs.MultiplyAdd(x0, w0);
                    b0 += Int16Pairs.MultiplyAdd(x0, w1);
                    c0 += Int16Pairs.MultiplyAdd(x0, w2);
                    d0 += Int16Pairs.MultiplyAdd(x0, w3);
                    Vector128<short> x1 = Int16Pairs.Broadcast(ref Unsafe.Add(ref p0, step));
                    a1 += Int16Pairs.MultiplyAdd(x1, w0);
                    b1 += Int16Pairs.MultiplyAdd(x1, w1);
                    c1 += Int16Pairs.MultiplyAdd(x1, w2);
                    d1 += Int16Pairs.MultiplyAdd(x1, w3);
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
    }

    /// <summary>One output pixel × 16 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Vector128(ref short x, in Int8ConvolutionShape shape, ref sbyte w, ref int table, ref Sums128 sums)
    {
        Vector128<int> a0 = Vector128.LoadUnsafe(ref table), b0 = Vector128.LoadUnsafe(ref table, 4);
        Vector128<int> c0 = Vector128.LoadUnsafe(ref table, 8), d0 = Vector128.LoadUnsafe(ref table, 12);
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref Unsafe.As<sbyte, byte>(ref w);
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    Vector128<short> x0 = Int16Pairs.Broadcast(ref p0);
                    a0 += Int16Pairs.MultiplyAdd(x0, Int16Pairs.Widen8(ref wp));
                    b0 += Int16Pairs.MultiplyAdd(x0, Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 8)));
                    c0 += Int16Pairs.MultiplyAdd(x0, Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 16)));
                    d0 += Int16Pairs.MultiplyAdd(x0, Int16Pairs.Widen8(ref Unsafe.Add(ref wp, 24)));
                }
            }
        }
        sums[0] = a0;
        sums[1] = b0;
        sums[2] = c0;
        sums[3] = d0;
    }

    /// <summary>Requantizes and stores the sums of <paramref name="pixels"/> pixels × 16 channels (four vectors per pixel from <paramref name="sums"/> on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreVector128(ref Vector128<int> sums, int pixels, ref int table, int stride, in Int8ConvolutionShape shape, ref sbyte y, int valid)
    {
        for (int p = 0; p < pixels; p++)
        {
            ref Vector128<int> pixel = ref Unsafe.Add(ref sums, 4 * p);
            Vector128<sbyte> values = Int8OutputStage.Requantize16(pixel, Unsafe.Add(ref pixel, 1), Unsafe.Add(ref pixel, 2), Unsafe.Add(ref pixel, 3), ref table, stride,
                shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
            Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride), valid);
        }
    }

    /// <summary>The sums of a tile: 2 pixels × 16 channels.</summary>
    [InlineArray(8)]
    private struct Sums128
    {
        private Vector128<int> _element;
    }
}
