using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>The AVX2 path of <see cref="Int8WinogradConvolution"/>: 8 output channels per vector, four tiles per weight load.</summary>
public static partial class Int8WinogradConvolution
{
    /// <summary>The AVX2 micro-kernels; the output transform is the 128-bit path's.</summary>
    private readonly struct Avx2Kernels : IKernels
    {
        public static int GroupTiles => 4;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Products(ref short values, int tileValues, ref short weights, int pairs, ref int m)
        {
            Vector256<int> a0 = Vector256<int>.Zero, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            nint step = (nint)tileValues * 2;
            ref byte p0 = ref Unsafe.As<short, byte>(ref values);
            ref byte wp = ref Unsafe.As<short, byte>(ref weights);
            for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 64))
            {
                Vector256<short> w0 = Vector256.LoadUnsafe(ref wp).AsInt16(), w1 = Vector256.LoadUnsafe(ref wp, 32).AsInt16();
                Vector256<short> x0 = Int8Convolution.Pair256(ref p0);
                a0 += Avx2.MultiplyAddAdjacent(x0, w0);
                b0 += Avx2.MultiplyAddAdjacent(x0, w1);
                Vector256<short> x1 = Int8Convolution.Pair256(ref Unsafe.Add(ref p0, step));
                a1 += Avx2.MultiplyAddAdjacent(x1, w0);
                b1 += Avx2.MultiplyAddAdjacent(x1, w1);
                Vector256<short> x2 = Int8Convolution.Pair256(ref Unsafe.Add(ref p0, 2 * step));
                a2 += Avx2.MultiplyAddAdjacent(x2, w0);
                b2 += Avx2.MultiplyAddAdjacent(x2, w1);
                Vector256<short> x3 = Int8Convolution.Pair256(ref Unsafe.Add(ref p0, 3 * step));
                a3 += Avx2.MultiplyAddAdjacent(x3, w0);
                b3 += Avx2.MultiplyAddAdjacent(x3, w1);
            }
            a0.StoreUnsafe(ref m);
            b0.StoreUnsafe(ref m, 8);
            a1.StoreUnsafe(ref m, TileProducts);
            b1.StoreUnsafe(ref m, TileProducts + 8);
            a2.StoreUnsafe(ref m, 2 * TileProducts);
            b2.StoreUnsafe(ref m, 2 * TileProducts + 8);
            a3.StoreUnsafe(ref m, 3 * TileProducts);
            b3.StoreUnsafe(ref m, 3 * TileProducts + 8);
        }

        public static bool Products4(ref short values, int tileValues, ref short weights, int pairs, ref int m) => false;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Products1(ref short values, ref short weights, int pairs, ref int m)
        {
            Vector256<int> a0 = Vector256<int>.Zero, b0 = a0;
            ref byte p0 = ref Unsafe.As<short, byte>(ref values);
            ref byte wp = ref Unsafe.As<short, byte>(ref weights);
            for (int j = 0; j < pairs; j++, p0 = ref Unsafe.Add(ref p0, 4), wp = ref Unsafe.Add(ref wp, 64))
            {
                Vector256<short> x0 = Int8Convolution.Pair256(ref p0);
                a0 += Avx2.MultiplyAddAdjacent(x0, Vector256.LoadUnsafe(ref wp).AsInt16());
                b0 += Avx2.MultiplyAddAdjacent(x0, Vector256.LoadUnsafe(ref wp, 32).AsInt16());
            }
            a0.StoreUnsafe(ref m);
            b0.StoreUnsafe(ref m, 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Output(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid) =>
            Output128(ref m, shape, pixel, ref table, stride, ref y, valid);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void OutputLarge(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch) =>
            OutputLarge128<Int256, Vector256<int>>(ref m, shape, pixel, ref table, stride, ref y, valid, ref scratch);
    }
}
