using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The 128-bit path of <see cref="Int8WinogradConvolution"/> (SSE4.1 or AdvSimd, 4 output channels per vector), and
/// the output transform the 256-bit path shares with it.
/// </summary>
public static partial class Int8WinogradConvolution
{
    /// <summary>The 128-bit micro-kernels: two tiles share each set of four weight vectors.</summary>
    private readonly struct Vector128Kernels : IKernels
    {
        public static int GroupTiles => 2;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Products(ref short values, int tileValues, ref short weights, int pairs, ref int m)
        {
            Vector128<int> a0 = Vector128<int>.Zero, b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
            nint step = (nint)tileValues * 2;
            ref byte p0 = ref Unsafe.As<short, byte>(ref values);
            ref byte wp = ref Unsafe.As<short, byte>(ref weights);
            for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 64))
            {
                Vector128<short> w0 = Vector128.LoadUnsafe(ref wp).AsInt16(), w1 = Vector128.LoadUnsafe(ref wp, 16).AsInt16();
                Vector128<short> w2 = Vector128.LoadUnsafe(ref wp, 32).AsInt16(), w3 = Vector128.LoadUnsafe(ref wp, 48).AsInt16();
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
            a0.StoreUnsafe(ref m);
            b0.StoreUnsafe(ref m, 4);
            c0.StoreUnsafe(ref m, 8);
            d0.StoreUnsafe(ref m, 12);
            a1.StoreUnsafe(ref m, TileProducts);
            b1.StoreUnsafe(ref m, TileProducts + 4);
            c1.StoreUnsafe(ref m, TileProducts + 8);
            d1.StoreUnsafe(ref m, TileProducts + 12);
        }

        public static bool Products4(ref short values, int tileValues, ref short weights, int pairs, ref int m) => false;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Products1(ref short values, ref short weights, int pairs, ref int m)
        {
            Vector128<int> a0 = Vector128<int>.Zero, b0 = a0, c0 = a0, d0 = a0;
            ref byte p0 = ref Unsafe.As<short, byte>(ref values);
            ref byte wp = ref Unsafe.As<short, byte>(ref weights);
            for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 64))
            {
                Vector128<short> x0 = Int16Pairs.Broadcast(ref p0);
                a0 += Int16Pairs.MultiplyAdd(x0, Vector128.LoadUnsafe(ref wp).AsInt16());
                b0 += Int16Pairs.MultiplyAdd(x0, Vector128.LoadUnsafe(ref wp, 16).AsInt16());
                c0 += Int16Pairs.MultiplyAdd(x0, Vector128.LoadUnsafe(ref wp, 32).AsInt16());
                d0 += Int16Pairs.MultiplyAdd(x0, Vector128.LoadUnsafe(ref wp, 48).AsInt16());
            }
            a0.StoreUnsafe(ref m);
            b0.StoreUnsafe(ref m, 4);
            c0.StoreUnsafe(ref m, 8);
            d0.StoreUnsafe(ref m, 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid) =>
            Output128(ref m, shape, pixel, ref table, stride, ref y, valid);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputLarge(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch) =>
            OutputLarge128<Int128, Vector128<int>>(ref m, shape, pixel, ref table, stride, ref y, valid, ref scratch);
    }

    /// <summary>One tile's output transform, bias and requantization for 16 channels, four at a time (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Output128(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid)
    {
        PixelSums128 sums = default;
        for (int q = 0; q < 16; q += 4)
        {
            ref int lanes = ref Unsafe.Add(ref m, q);
            Vector128<int> r00 = P128(ref lanes, 0) + P128(ref lanes, 4) + P128(ref lanes, 8), r01 = P128(ref lanes, 1) + P128(ref lanes, 5) + P128(ref lanes, 9);
            Vector128<int> r02 = P128(ref lanes, 2) + P128(ref lanes, 6) + P128(ref lanes, 10), r03 = P128(ref lanes, 3) + P128(ref lanes, 7) + P128(ref lanes, 11);
            Vector128<int> r10 = P128(ref lanes, 4) - P128(ref lanes, 8) - P128(ref lanes, 12), r11 = P128(ref lanes, 5) - P128(ref lanes, 9) - P128(ref lanes, 13);
            Vector128<int> r12 = P128(ref lanes, 6) - P128(ref lanes, 10) - P128(ref lanes, 14), r13 = P128(ref lanes, 7) - P128(ref lanes, 11) - P128(ref lanes, 15);
            Vector128<int> bias = Vector128.LoadUnsafe(ref table, (nuint)q);
            sums[q / 4] = Vector128.ShiftRightArithmetic(r00 + r01 + r02, 2) + bias;
            sums[4 + q / 4] = Vector128.ShiftRightArithmetic(r01 - r02 - r03, 2) + bias;
            sums[8 + q / 4] = Vector128.ShiftRightArithmetic(r10 + r11 + r12, 2) + bias;
            sums[12 + q / 4] = Vector128.ShiftRightArithmetic(r11 - r12 - r13, 2) + bias;
        }
        nint channels = shape.OutputChannels, under = (nint)shape.OutputWidth * channels;
        ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin);
        bool right = pixel.Right(shape), below = pixel.Below(shape);
        StorePixel128(ref sums, 0, ref table, stride, shape, ref origin, valid);
        if (right)
        {
            StorePixel128(ref sums, 1, ref table, stride, shape, ref Unsafe.Add(ref origin, channels), valid);
        }
        if (below)
        {
            StorePixel128(ref sums, 2, ref table, stride, shape, ref Unsafe.Add(ref origin, under), valid);
            if (right)
            {
                StorePixel128(ref sums, 3, ref table, stride, shape, ref Unsafe.Add(ref origin, under + channels), valid);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePixel128(ref PixelSums128 sums, int pixel, ref int table, int stride, in Int8WinogradShape shape, ref sbyte y, int valid) =>
        Int8OutputStage.Store(Int8OutputStage.Requantize16(sums[4 * pixel], sums[4 * pixel + 1], sums[4 * pixel + 2], sums[4 * pixel + 3], ref table, stride,
            shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax), ref y, valid);

    /// <summary>Four channels of position <paramref name="position"/>'s products of a tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> P128(ref int m, int position) => Vector128.LoadUnsafe(ref m, (nuint)(position * 16));

    /// <summary>A tile's four pixels × 16 channels of sums, bias included, four channels per vector.</summary>
    [InlineArray(16)]
    private struct PixelSums128
    {
        private Vector128<int> _element;
    }
}
