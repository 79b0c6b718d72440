using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>The AVX2 path of <see cref="Int8Convolution"/>: 256-bit vectors, 8 output channels per vector.</summary>
public static partial class Int8Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowAvx2(ref short x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels;
        int blockWeights = shape.BlockWeights;
        nint pixelStride = shape.PixelStride;
        Sums256 sums = default;
        for (int c = 0; c < channels; c += 16)
        {
            ref sbyte blockW = ref Unsafe.Add(ref w, (nint)(c / 16) * blockWeights);
            ref int blockTable = ref Unsafe.Add(ref table, c);
            int valid = channels - c < 16 ? channels - c : 16;
            if (pixels < 4)
            {
                for (int p = 0; p < pixels; p++)
                {
                    Tile1Avx2(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, ref sums);
                    StoreAvx2(ref sums, 1, ref blockTable, stride, shape, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
                }
                continue;
            }
            // Groups of four; the last group ends at the last pixel, recomputing (and rewriting, identically) what it overlaps.
            for (int p = 0; p < pixels; p += 4)
            {
                int first = p <= pixels - 4 ? p : pixels - 4;
                Tile4Avx2(ref Unsafe.Add(ref x, first * pixelStride), shape, ref blockW, ref blockTable, ref sums);
                StoreAvx2(ref sums, 4, ref blockTable, stride, shape, ref Unsafe.Add(ref y, (nint)first * shape.OutputPixelStride + c), valid);
            }
        }
    }

    /// <summary>Four output pixels × 16 channels: each pair of weight vectors serves four pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Avx2(ref short x, in Int8ConvolutionShape shape, ref sbyte w, ref int table, ref Sums256 sums)
    {
        Vector256<int> a0 = Vector256.LoadUnsafe(ref table), b0 = Vector256.LoadUnsafe(ref table, 8);
        Vector256<int> a1 = a0, b1 = b0, a2 = a0, b2 = b0, a3 = a0, b3 = b0;
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
                    Vector256<short> w0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp).AsSByte());
                    Vector256<short> w1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp, 16).AsSByte());
                    Vector256<short> x0 = Pair256(ref p0);
                    a0 += Avx2.MultiplyAddAdjacent(x0, w0);
                    b0 += Avx2.MultiplyAddAdjacent(x0, w1);
                    Vector256<short> x1 = Pair256(ref Unsafe.Add(ref p0, step));
                    a1 += Avx2.MultiplyAddAdjacent(x1, w0);
                    b1 += Avx2.MultiplyAddAdjacent(x1, w1);
                    Vector256<short> x2 = Pair256(ref Unsafe.Add(ref p0, 2 * step));
                    a2 += Avx2.MultiplyAddAdjacent(x2, w0);
                    b2 += Avx2.MultiplyAddAdjacent(x2, w1);
                    Vector256<short> x3 = Pair256(ref Unsafe.Add(ref p0, 3 * step));
                    a3 += Avx2.MultiplyAddAdjacent(x3, w0);
                    b3 += Avx2.MultiplyAddAdjacent(x3, w1);
                }
            }
        }
        // The sums go through memory: requantizing needs registers, and were the accumulators live across it, the
        // JIT would spill them inside the loop.
        sums[0] = a0;
        sums[1] = b0;
        sums[2] = a1;
        sums[3] = b1;
        sums[4] = a2;
        sums[5] = b2;
        sums[6] = a3;
        sums[7] = b3;
    }

    /// <summary>One output pixel × 16 channels, for the pixels left over after the groups of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Avx2(ref short x, in Int8ConvolutionShape shape, ref sbyte w, ref int table, ref Sums256 sums)
    {
        Vector256<int> a0 = Vector256.LoadUnsafe(ref table), b0 = Vector256.LoadUnsafe(ref table, 8);
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
                    Vector256<short> x0 = Pair256(ref p0);
                    a0 += Avx2.MultiplyAddAdjacent(x0, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp).AsSByte()));
                    b0 += Avx2.MultiplyAddAdjacent(x0, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp, 16).AsSByte()));
                }
            }
        }
        sums[0] = a0;
        sums[1] = b0;
    }

    /// <summary>Requantizes and stores the sums of <paramref name="pixels"/> pixels × 16 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreAvx2(ref Sums256 sums, int pixels, ref int table, int stride, in Int8ConvolutionShape shape, ref sbyte y, int valid)
    {
        int p = 0;
        if (shape.BoundedAccumulators && valid == 16)
        {
            // Two pixels at a time: their 32 values saturated to bytes together, clamped once (for bounds within int8,
            // clamping after the saturation equals clamping before it), and put in channel order by one permutation.
            bool clampsMin = shape.OutputMin != sbyte.MinValue, clampsMax = shape.OutputMax != sbyte.MaxValue;
            Vector256<sbyte> min = Vector256.Create((sbyte)shape.OutputMin), max = Vector256.Create((sbyte)shape.OutputMax);
            ref int high = ref Unsafe.Add(ref table, 8);
            for (; p + 1 < pixels; p += 2)
            {
                Vector256<short> first = Avx2.PackSignedSaturate(Int8OutputStage.RequantizeBounded8(sums[2 * p], ref table, stride),
                    Int8OutputStage.RequantizeBounded8(sums[2 * p + 1], ref high, stride));
                Vector256<short> second = Avx2.PackSignedSaturate(Int8OutputStage.RequantizeBounded8(sums[2 * p + 2], ref table, stride),
                    Int8OutputStage.RequantizeBounded8(sums[2 * p + 3], ref high, stride));
                // Dwords: channels 0-3, 8-11 of the first pixel, the same of the second, then channels 4-7, 12-15 of each.
                Vector256<sbyte> bytes = Avx2.PackSignedSaturate(first, second);
                if (clampsMin)
                {
                    bytes = Avx2.Max(bytes, min);
                }
                if (clampsMax)
                {
                    bytes = Avx2.Min(bytes, max);
                }
                Vector256<sbyte> pixelsInOrder = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
                pixelsInOrder.GetLower().StoreUnsafe(ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride));
                pixelsInOrder.GetUpper().StoreUnsafe(ref Unsafe.Add(ref y, (nint)(p + 1) * shape.OutputPixelStride));
            }
        }
        for (; p < pixels; p++)
        {
            Vector128<sbyte> values = shape.BoundedAccumulators
                ? Int8OutputStage.Narrow16(Int8OutputStage.RequantizeBounded8(sums[2 * p], ref table, stride),
                    Int8OutputStage.RequantizeBounded8(sums[2 * p + 1], ref Unsafe.Add(ref table, 8), stride), shape.OutputMin, shape.OutputMax)
                : Int8OutputStage.Requantize16(sums[2 * p], sums[2 * p + 1], ref table, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
            Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride), valid);
        }
    }

    /// <summary>The sums of a tile: 4 pixels × 16 channels.</summary>
    [InlineArray(8)]
    private struct Sums256
    {
        private Vector256<int> _element;
    }

    /// <summary>A staged pair of int16 values in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<short> Pair256(ref byte pair) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref pair)).AsInt16();
}
