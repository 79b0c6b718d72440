using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The AVX-512 path of <see cref="Int8Convolution"/>: a block of 16 output channels is one 512-bit vector, and with 32
/// vector registers eight pixels share each weight load and are requantized in registers.
/// </summary>
public static partial class Int8Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowAvx512(ref short x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels;
        int blockWeights = shape.BlockWeights;
        nint pixelStride = shape.PixelStride;
        for (int c = 0; c < channels; c += 16)
        {
            ref byte blockW = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, (nint)(c / 16) * blockWeights));
            ref int blockTable = ref Unsafe.Add(ref table, c);
            int valid = channels - c < 16 ? channels - c : 16;
            if (valid <= 8 && pixels >= 8)
            {
                // A last block of at most 8 channels (24-channel layers): 256-bit vectors, half the work of 16 channels.
                // Groups of eight, the last one ending at the last pixel (recomputing, and rewriting identically, what it overlaps).
                for (int first = 0; first < pixels; first += 8)
                {
                    int q = first <= pixels - 8 ? first : pixels - 8;
                    Tile8HalfAvx512(ref Unsafe.Add(ref x, q * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)q * shape.OutputPixelStride + c), valid);
                }
                continue;
            }
            // Groups of eight; the pixels left over by a group of four and single pixels, or, where that costs more
            // (a single pixel reuses no weight load), a last group that ends at the last pixel, recomputing (and
            // rewriting, identically) the pixels it overlaps.
            int p = 0;
            for (; p <= pixels - 8; p += 8)
            {
                Tile8Avx512(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
            }
            int left = pixels - p;
            if (left >= 6 && pixels >= 8)
            {
                p = pixels - 8;
                Tile8Avx512(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
                continue;
            }
            if (left >= 4)
            {
                Tile4Avx512(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
                p += 4;
                left -= 4;
            }
            if (left == 3 && pixels >= 4)
            {
                p = pixels - 4;
                Tile4Avx512(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
            }
            else
            {
                for (; p < pixels; p++)
                {
                    Tile1Avx512(ref Unsafe.Add(ref x, p * pixelStride), shape, ref blockW, ref blockTable, stride, ref Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c), valid);
                }
            }
        }
    }

    /// <summary>Eight output pixels × 16 channels: each weight load serves eight pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8Avx512(ref short x, in Int8ConvolutionShape shape, ref byte w, ref int table, int stride, ref sbyte y, int valid)
    {
        Vector512<int> a0 = Vector512.LoadUnsafe(ref table);
        Vector512<int> a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        nint step = (nint)shape.PixelStride * 2;
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref w;
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                ref byte p4 = ref Unsafe.Add(ref segment, 4 * step);
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), p4 = ref Unsafe.Add(ref p4, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    Vector512<short> weights = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp).AsSByte());
                    a0 += Avx512BW.MultiplyAddAdjacent(Pair512(ref p0), weights);
                    a1 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, step)), weights);
                    a2 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, 2 * step)), weights);
                    a3 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, 3 * step)), weights);
                    a4 += Avx512BW.MultiplyAddAdjacent(Pair512(ref p4), weights);
                    a5 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p4, step)), weights);
                    a6 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p4, 2 * step)), weights);
                    a7 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p4, 3 * step)), weights);
                }
            }
        }
        nint next = shape.OutputPixelStride;
        if (shape.BoundedAccumulators && valid == 16)
        {
            BoundedOutput512 output = new(ref table, stride, shape.OutputMin, shape.OutputMax);
            output.Store4(a0, a1, a2, a3, ref y, next);
            output.Store4(a4, a5, a6, a7, ref Unsafe.Add(ref y, 4 * next), next);
            return;
        }
        Output16(a0, ref table, stride, shape, ref y, valid);
        Output16(a1, ref table, stride, shape, ref Unsafe.Add(ref y, next), valid);
        Output16(a2, ref table, stride, shape, ref Unsafe.Add(ref y, 2 * next), valid);
        Output16(a3, ref table, stride, shape, ref Unsafe.Add(ref y, 3 * next), valid);
        Output16(a4, ref table, stride, shape, ref Unsafe.Add(ref y, 4 * next), valid);
        Output16(a5, ref table, stride, shape, ref Unsafe.Add(ref y, 5 * next), valid);
        Output16(a6, ref table, stride, shape, ref Unsafe.Add(ref y, 6 * next), valid);
        Output16(a7, ref table, stride, shape, ref Unsafe.Add(ref y, 7 * next), valid);
    }

    /// <summary>
    /// Eight output pixels × the first 8 channels of a block (the packed pairs' first 16 bytes), in 256-bit vectors: the
    /// last block of a layer whose channels leave at most 8 in it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8HalfAvx512(ref short x, in Int8ConvolutionShape shape, ref byte w, ref int table, int stride, ref sbyte y, int valid)
    {
        Vector256<int> a0 = Vector256.LoadUnsafe(ref table);
        Vector256<int> a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        nint step = (nint)shape.PixelStride * 2;
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref w;
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                ref byte p4 = ref Unsafe.Add(ref segment, 4 * step);
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), p4 = ref Unsafe.Add(ref p4, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    Vector256<short> weights = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp).AsSByte());
                    a0 += Avx2.MultiplyAddAdjacent(Pair256(ref p0), weights);
                    a1 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p0, step)), weights);
                    a2 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p0, 2 * step)), weights);
                    a3 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p0, 3 * step)), weights);
                    a4 += Avx2.MultiplyAddAdjacent(Pair256(ref p4), weights);
                    a5 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p4, step)), weights);
                    a6 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p4, 2 * step)), weights);
                    a7 += Avx2.MultiplyAddAdjacent(Pair256(ref Unsafe.Add(ref p4, 3 * step)), weights);
                }
            }
        }
        nint next = shape.OutputPixelStride;
        Output8(a0, ref table, stride, shape, ref y, valid);
        Output8(a1, ref table, stride, shape, ref Unsafe.Add(ref y, next), valid);
        Output8(a2, ref table, stride, shape, ref Unsafe.Add(ref y, 2 * next), valid);
        Output8(a3, ref table, stride, shape, ref Unsafe.Add(ref y, 3 * next), valid);
        Output8(a4, ref table, stride, shape, ref Unsafe.Add(ref y, 4 * next), valid);
        Output8(a5, ref table, stride, shape, ref Unsafe.Add(ref y, 5 * next), valid);
        Output8(a6, ref table, stride, shape, ref Unsafe.Add(ref y, 6 * next), valid);
        Output8(a7, ref table, stride, shape, ref Unsafe.Add(ref y, 7 * next), valid);
    }

    /// <summary>Requantizes 8 channels' sums of one pixel and stores the first <paramref name="valid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Output8(Vector256<int> acc, ref int table, int stride, in Int8ConvolutionShape shape, ref sbyte y, int valid)
    {
        Vector128<sbyte> values;
        if (shape.BoundedAccumulators)
        {
            Vector256<int> requantized = Int8OutputStage.RequantizeBounded8(acc, ref table, stride);
            values = Int8OutputStage.Narrow16(requantized, requantized, shape.OutputMin, shape.OutputMax);
        }
        else
        {
            values = Int8OutputStage.Requantize8(acc, ref table, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
        }
        Int8OutputStage.Store(values, ref y, valid);
    }

    /// <summary>Four output pixels × 16 channels, for layers (or the ends of rows) of fewer than eight pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4Avx512(ref short x, in Int8ConvolutionShape shape, ref byte w, ref int table, int stride, ref sbyte y, int valid)
    {
        Vector512<int> a0 = Vector512.LoadUnsafe(ref table);
        Vector512<int> a1 = a0, a2 = a0, a3 = a0;
        nint step = (nint)shape.PixelStride * 2;
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref w;
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    Vector512<short> weights = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp).AsSByte());
                    a0 += Avx512BW.MultiplyAddAdjacent(Pair512(ref p0), weights);
                    a1 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, step)), weights);
                    a2 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, 2 * step)), weights);
                    a3 += Avx512BW.MultiplyAddAdjacent(Pair512(ref Unsafe.Add(ref p0, 3 * step)), weights);
                }
            }
        }
        nint next = shape.OutputPixelStride;
        if (shape.BoundedAccumulators && valid == 16)
        {
            new BoundedOutput512(ref table, stride, shape.OutputMin, shape.OutputMax).Store4(a0, a1, a2, a3, ref y, next);
            return;
        }
        Output16(a0, ref table, stride, shape, ref y, valid);
        Output16(a1, ref table, stride, shape, ref Unsafe.Add(ref y, next), valid);
        Output16(a2, ref table, stride, shape, ref Unsafe.Add(ref y, 2 * next), valid);
        Output16(a3, ref table, stride, shape, ref Unsafe.Add(ref y, 3 * next), valid);
    }

    /// <summary>One output pixel × 16 channels, for layers of fewer than four pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1Avx512(ref short x, in Int8ConvolutionShape shape, ref byte w, ref int table, int stride, ref sbyte y, int valid)
    {
        Vector512<int> a0 = Vector512.LoadUnsafe(ref table);
        nint rowBytes = (nint)shape.RowStride * 2, segmentBytes = (nint)shape.SegmentStride * 2;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        ref byte wp = ref w;
        ref byte row = ref Unsafe.As<short, byte>(ref x);
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowBytes))
        {
            ref byte segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentBytes))
            {
                ref byte p0 = ref segment;
                for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 32))
                {
                    a0 += Avx512BW.MultiplyAddAdjacent(Pair512(ref p0), Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref wp).AsSByte()));
                }
            }
        }
        Output16(a0, ref table, stride, shape, ref y, valid);
    }

    /// <summary>Requantizes 16 channels' sums of one pixel and stores the first <paramref name="valid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Output16(Vector512<int> acc, ref int table, int stride, in Int8ConvolutionShape shape, ref sbyte y, int valid) =>
        Int8OutputStage.Store16(acc, ref table, stride, shape.BoundedAccumulators, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax, ref y, valid);

    /// <summary>A staged pair of int16 values in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<short> Pair512(ref byte pair) => Vector512.Create(Unsafe.ReadUnaligned<int>(ref pair)).AsInt16();
}
