using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The AVX-512 path of <see cref="Int8WinogradConvolution"/>: a block of 16 output channels is one 512-bit vector;
/// eight tiles share each weight load, and their 16 positions' products are transformed back in registers.
/// </summary>
public static partial class Int8WinogradConvolution
{
    /// <summary>The AVX-512 micro-kernels.</summary>
    private readonly struct Avx512Kernels : IKernels
    {
        public static int GroupTiles => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Products(ref short values, int tileValues, ref short weights, int pairs, ref int m) => ProductsAvx512<EightTiles>(ref values, tileValues, ref weights, pairs, ref m);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Products1(ref short values, ref short weights, int pairs, ref int m) => Products1Avx512(ref values, ref weights, pairs, ref m);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Products4(ref short values, int tileValues, ref short weights, int pairs, ref int m)
        {
            ProductsAvx512<FourTiles>(ref values, tileValues, ref weights, pairs, ref m);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid) =>
            OutputAvx512(ref m, shape, pixel, ref table, stride, ref y, valid);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputLarge(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch) =>
            OutputLarge512(ref m, shape, pixel, ref table, stride, ref y, valid, ref scratch);
    }

    /// <summary>
    /// One position's products of eight tiles × 16 channels (each weight load serves eight tiles), or, with
    /// <typeparamref name="TCount"/> <see cref="FourTiles"/>, of four tiles (layers of 4 to 7 tiles: with 4×4 tiles, an 8×8 output).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProductsAvx512<TCount>(ref short values, int tileValues, ref short weights, int pairs, ref int m)
        where TCount : struct, ITileCount
    {
        Vector512<int> a0 = Vector512<int>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        nint step = (nint)tileValues * 2;
        ref byte p0 = ref Unsafe.As<short, byte>(ref values);
        ref byte p4 = ref Unsafe.Add(ref p0, 4 * step);
        ref byte wp = ref Unsafe.As<short, byte>(ref weights);
        for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), p4 = ref Unsafe.Add(ref p4, 4), wp = ref Unsafe.Add(ref wp, 64))
        {
            Vector512<short> w = Vector512.LoadUnsafe(ref wp).AsInt16();
            a0 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref p0), w);
            a1 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p0, step)), w);
            a2 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p0, 2 * step)), w);
            a3 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p0, 3 * step)), w);
            if (TCount.Tiles == 8)
            {
                a4 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref p4), w);
                a5 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p4, step)), w);
                a6 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p4, 2 * step)), w);
                a7 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref Unsafe.Add(ref p4, 3 * step)), w);
            }
        }
        a0.StoreUnsafe(ref m);
        a1.StoreUnsafe(ref m, TileProducts);
        a2.StoreUnsafe(ref m, 2 * TileProducts);
        a3.StoreUnsafe(ref m, 3 * TileProducts);
        if (TCount.Tiles == 8)
        {
            a4.StoreUnsafe(ref m, 4 * TileProducts);
            a5.StoreUnsafe(ref m, 5 * TileProducts);
            a6.StoreUnsafe(ref m, 6 * TileProducts);
            a7.StoreUnsafe(ref m, 7 * TileProducts);
        }
    }

    /// <summary>How many tiles a micro-kernel instantiation computes.</summary>
    private interface ITileCount
    {
        static abstract int Tiles { get; }
    }

    private readonly struct EightTiles : ITileCount
    {
        public static int Tiles => 8;
    }

    private readonly struct FourTiles : ITileCount
    {
        public static int Tiles => 4;
    }

    /// <summary>One position's products of one tile × 16 channels, for strips of fewer than eight tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products1Avx512(ref short values, ref short weights, int pairs, ref int m)
    {
        Vector512<int> a0 = Vector512<int>.Zero;
        ref byte p0 = ref Unsafe.As<short, byte>(ref values);
        ref byte wp = ref Unsafe.As<short, byte>(ref weights);
        for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 64))
        {
            a0 += Avx512BW.MultiplyAddAdjacent(Int8Convolution.Pair512(ref p0), Vector512.LoadUnsafe(ref wp).AsInt16());
        }
        a0.StoreUnsafe(ref m);
    }

    /// <summary>One tile's output transform, bias and requantization for 16 channels (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputAvx512(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid)
    {
        Vector512<int> r00 = P512(ref m, 0) + P512(ref m, 4) + P512(ref m, 8), r01 = P512(ref m, 1) + P512(ref m, 5) + P512(ref m, 9);
        Vector512<int> r02 = P512(ref m, 2) + P512(ref m, 6) + P512(ref m, 10), r03 = P512(ref m, 3) + P512(ref m, 7) + P512(ref m, 11);
        Vector512<int> r10 = P512(ref m, 4) - P512(ref m, 8) - P512(ref m, 12), r11 = P512(ref m, 5) - P512(ref m, 9) - P512(ref m, 13);
        Vector512<int> r12 = P512(ref m, 6) - P512(ref m, 10) - P512(ref m, 14), r13 = P512(ref m, 7) - P512(ref m, 11) - P512(ref m, 15);
        Vector512<int> bias = Vector512.LoadUnsafe(ref table);
        nint channels = shape.OutputChannels, under = (nint)shape.OutputWidth * channels;
        ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin);
        bool right = pixel.Right(shape), below = pixel.Below(shape);
        Output16(Vector512.ShiftRightArithmetic(r00 + r01 + r02, 2) + bias, shape, ref table, stride, ref origin, valid);
        if (right)
        {
            Output16(Vector512.ShiftRightArithmetic(r01 - r02 - r03, 2) + bias, shape, ref table, stride,
                ref Unsafe.Add(ref origin, channels), valid);
        }
        if (below)
        {
            Output16(Vector512.ShiftRightArithmetic(r10 + r11 + r12, 2) + bias, shape, ref table, stride,
                ref Unsafe.Add(ref origin, under), valid);
            if (right)
            {
                Output16(Vector512.ShiftRightArithmetic(r11 - r12 - r13, 2) + bias, shape, ref table, stride,
                    ref Unsafe.Add(ref origin, under + channels), valid);
            }
        }
    }

    /// <summary>Requantizes 16 channels' sums of one pixel and stores the first <paramref name="valid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Output16(Vector512<int> acc, in Int8WinogradShape shape, ref int table, int stride, ref sbyte y, int valid) =>
        Int8OutputStage.Store16(acc, ref table, stride, shape.BoundedAccumulators, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax, ref y, valid);

    /// <summary>Position <paramref name="position"/>'s products of a tile, 16 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> P512(ref int m, int position) => Vector512.LoadUnsafe(ref m, (nuint)(position * 16));
}
