using System.Runtime.CompilerServices;

namespace TinyModel;

// The tiles of FloatDepthwiseConvolution: one group of channels (a vector's width) for several output pixels of a row,
// written once over IFloatLanes and instantiated per vector width. Each accumulator receives its products in TFLM's
// order (filter row, then column), one multiply and one add each.
public static partial class FloatDepthwiseConvolution
{
    /// <summary>A group of channels at one vector width, for six pixels, four or one.</summary>
    private interface IDepthwiseLanes
    {
        /// <summary>Channels per group.</summary>
        static abstract int Width { get; }

        /// <summary>
        /// Six output pixels of a 3-wide window with column stride 1: <paramref name="x"/> is the first filter row's input at
        /// the tile's second column (the first pixel's middle tap); the first column is read only if <paramref name="first"/>,
        /// the last (the sixth pixel's last tap) only if <paramref name="last"/>, else they are padding.
        /// </summary>
        static abstract void SixStride1(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, bool first, bool last, ref float bias, ref float y);

        /// <summary>Six output pixels of a 3-wide window with column stride 2; the arguments as for <see cref="SixStride1"/>.</summary>
        static abstract void SixStride2(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, bool first, bool last, ref float bias, ref float y);

        /// <summary>Four output pixels whose windows lie inside the input's columns; <paramref name="x"/> is the first one's first tap.</summary>
        static abstract void Four(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, ref float bias, ref float y);

        /// <summary>One output pixel over <paramref name="columns"/> taps per filter row; <paramref name="x"/> and <paramref name="w"/> are the first tap's.</summary>
        static abstract void Single(ref float x, in FloatDepthwiseShape shape, int rows, int columns, ref float w, ref float bias, ref float y);
    }

    /// <summary><see cref="IDepthwiseLanes"/> at the width of <typeparamref name="TLanes"/>: one accumulator per channel and pixel.</summary>
    private readonly struct Lanes<TLanes, TVector> : IDepthwiseLanes
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        public static int Width => TLanes.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void SixStride1(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, bool first, bool last, ref float bias, ref float y)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            nint c = shape.Channels, rowStride = (nint)shape.DilationHeight * shape.InputWidth * c;
            ref float row = ref x;
            ref float wp = ref w;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), wp = ref Unsafe.Add(ref wp, 3 * c))
            {
                TVector w0 = TLanes.Load(ref wp), w1 = TLanes.Load(ref Unsafe.Add(ref wp, c)), w2 = TLanes.Load(ref Unsafe.Add(ref wp, 2 * c));
                // Column k of the tile is tap k − p of pixel p: each pixel's taps arrive in order, one column after another.
                if (first)
                {
                    a0 = TLanes.Add(a0, TLanes.Multiply(TLanes.Load(ref Unsafe.Subtract(ref row, c)), w0));
                }
                TVector v = TLanes.Load(ref row);
                TVector m0 = TLanes.Multiply(v, w1), m1 = TLanes.Multiply(v, w0);
                a0 = TLanes.Add(a0, m0);
                a1 = TLanes.Add(a1, m1);
                v = TLanes.Load(ref Unsafe.Add(ref row, c));
                m0 = TLanes.Multiply(v, w2);
                m1 = TLanes.Multiply(v, w1);
                TVector m2 = TLanes.Multiply(v, w0);
                a0 = TLanes.Add(a0, m0);
                a1 = TLanes.Add(a1, m1);
                a2 = TLanes.Add(a2, m2);
                v = TLanes.Load(ref Unsafe.Add(ref row, 2 * c));
                m1 = TLanes.Multiply(v, w2);
                m2 = TLanes.Multiply(v, w1);
                TVector m3 = TLanes.Multiply(v, w0);
                a1 = TLanes.Add(a1, m1);
                a2 = TLanes.Add(a2, m2);
                a3 = TLanes.Add(a3, m3);
                v = TLanes.Load(ref Unsafe.Add(ref row, 3 * c));
                m2 = TLanes.Multiply(v, w2);
                m3 = TLanes.Multiply(v, w1);
                TVector m4 = TLanes.Multiply(v, w0);
                a2 = TLanes.Add(a2, m2);
                a3 = TLanes.Add(a3, m3);
                a4 = TLanes.Add(a4, m4);
                v = TLanes.Load(ref Unsafe.Add(ref row, 4 * c));
                m3 = TLanes.Multiply(v, w2);
                m4 = TLanes.Multiply(v, w1);
                TVector m5 = TLanes.Multiply(v, w0);
                a3 = TLanes.Add(a3, m3);
                a4 = TLanes.Add(a4, m4);
                a5 = TLanes.Add(a5, m5);
                v = TLanes.Load(ref Unsafe.Add(ref row, 5 * c));
                m4 = TLanes.Multiply(v, w2);
                m5 = TLanes.Multiply(v, w1);
                a4 = TLanes.Add(a4, m4);
                a5 = TLanes.Add(a5, m5);
                if (last)
                {
                    a5 = TLanes.Add(a5, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 6 * c)), w2));
                }
            }
            StoreSix(a0, a1, a2, a3, a4, a5, shape, ref bias, ref y);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void SixStride2(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, bool first, bool last, ref float bias, ref float y)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            nint c = shape.Channels, rowStride = (nint)shape.DilationHeight * shape.InputWidth * c;
            ref float row = ref x;
            ref float wp = ref w;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), wp = ref Unsafe.Add(ref wp, 3 * c))
            {
                TVector w0 = TLanes.Load(ref wp), w1 = TLanes.Load(ref Unsafe.Add(ref wp, c)), w2 = TLanes.Load(ref Unsafe.Add(ref wp, 2 * c));
                // Pixel p's taps are columns 2p, 2p + 1 and 2p + 2 of the tile: an even column ends one pixel's window and starts the next's.
                if (first)
                {
                    a0 = TLanes.Add(a0, TLanes.Multiply(TLanes.Load(ref Unsafe.Subtract(ref row, c)), w0));
                }
                a0 = TLanes.Add(a0, TLanes.Multiply(TLanes.Load(ref row), w1));
                TVector v = TLanes.Load(ref Unsafe.Add(ref row, c));
                TVector m0 = TLanes.Multiply(v, w2), m1 = TLanes.Multiply(v, w0);
                a0 = TLanes.Add(a0, m0);
                a1 = TLanes.Add(a1, m1);
                a1 = TLanes.Add(a1, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 2 * c)), w1));
                v = TLanes.Load(ref Unsafe.Add(ref row, 3 * c));
                m1 = TLanes.Multiply(v, w2);
                TVector m2 = TLanes.Multiply(v, w0);
                a1 = TLanes.Add(a1, m1);
                a2 = TLanes.Add(a2, m2);
                a2 = TLanes.Add(a2, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 4 * c)), w1));
                v = TLanes.Load(ref Unsafe.Add(ref row, 5 * c));
                m2 = TLanes.Multiply(v, w2);
                TVector m3 = TLanes.Multiply(v, w0);
                a2 = TLanes.Add(a2, m2);
                a3 = TLanes.Add(a3, m3);
                a3 = TLanes.Add(a3, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 6 * c)), w1));
                v = TLanes.Load(ref Unsafe.Add(ref row, 7 * c));
                m3 = TLanes.Multiply(v, w2);
                TVector m4 = TLanes.Multiply(v, w0);
                a3 = TLanes.Add(a3, m3);
                a4 = TLanes.Add(a4, m4);
                a4 = TLanes.Add(a4, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 8 * c)), w1));
                v = TLanes.Load(ref Unsafe.Add(ref row, 9 * c));
                m4 = TLanes.Multiply(v, w2);
                TVector m5 = TLanes.Multiply(v, w0);
                a4 = TLanes.Add(a4, m4);
                a5 = TLanes.Add(a5, m5);
                a5 = TLanes.Add(a5, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 10 * c)), w1));
                if (last)
                {
                    a5 = TLanes.Add(a5, TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref row, 11 * c)), w2));
                }
            }
            StoreSix(a0, a1, a2, a3, a4, a5, shape, ref bias, ref y);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Four(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, ref float bias, ref float y)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default;
            nint c = shape.Channels, step = shape.StrideWidth * c, columnStride = shape.DilationWidth * c;
            nint rowStride = (nint)shape.DilationHeight * shape.InputWidth * c;
            int columns = shape.FilterWidth;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float tap = ref row;
                for (int k = 0; k < columns; k++, tap = ref Unsafe.Add(ref tap, columnStride), wp = ref Unsafe.Add(ref wp, c))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Load(ref tap), wv), m1 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, 2 * step)), wv), m3 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, 3 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                }
            }
            float min = shape.OutputMin, max = shape.OutputMax;
            TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, TLanes.Count);
            TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * c), TLanes.Count);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Single(ref float x, in FloatDepthwiseShape shape, int rows, int columns, ref float w, ref float bias, ref float y)
        {
            TVector a = default;
            nint c = shape.Channels, columnStride = shape.DilationWidth * c, filterRow = shape.FilterWidth * c;
            nint rowStride = (nint)shape.DilationHeight * shape.InputWidth * c;
            ref float wRow = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), wRow = ref Unsafe.Add(ref wRow, filterRow))
            {
                ref float tap = ref row;
                ref float wp = ref wRow;
                for (int k = 0; k < columns; k++, tap = ref Unsafe.Add(ref tap, columnStride), wp = ref Unsafe.Add(ref wp, c))
                {
                    a = TLanes.Add(a, TLanes.Multiply(TLanes.Load(ref tap), TLanes.Load(ref wp)));
                }
            }
            TLanes.Store(TLanes.Finish(a, ref bias, shape.OutputMin, shape.OutputMax), ref y, TLanes.Count);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreSix(TVector a0, TVector a1, TVector a2, TVector a3, TVector a4, TVector a5, in FloatDepthwiseShape shape, ref float bias, ref float y)
        {
            float min = shape.OutputMin, max = shape.OutputMax;
            nint c = shape.Channels;
            TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, TLanes.Count);
            TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a4, ref bias, min, max), ref Unsafe.Add(ref y, 4 * c), TLanes.Count);
            TLanes.Store(TLanes.Finish(a5, ref bias, min, max), ref Unsafe.Add(ref y, 5 * c), TLanes.Count);
        }
    }
}
