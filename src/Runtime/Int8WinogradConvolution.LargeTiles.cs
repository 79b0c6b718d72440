using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// 4×4 tiles (<see cref="Int8WinogradShape.TileSize"/> 4): Winograd's F(4×4, 3×3) in integers, 36 products per 16
/// output pixels and input channel where 2×2 tiles take 64 and the direct sum 144.
/// </summary>
/// <remarks>
/// <para>
/// <b>Input.</b> Each 6×6 window, four pixels apart, becomes <c>V = Bᵀ d B</c> with
/// <c>Bᵀ = [[4,0,−5,0,1,0],[0,−4,−4,1,1,0],[0,4,−4,−1,1,0],[0,−2,−1,2,1,0],[0,2,−1,−2,1,0],[0,4,0,−5,0,1]]</c>
/// (Lavin and Gray's): every row's absolute values sum to at most 10, so <c>|V| ≤ 100 · 255 = 25500</c>, exact in int16.
/// </para>
/// <para>
/// <b>Weights</b> (transformed by the generator): <c>U = G' g G'ᵀ</c> with
/// <c>G' = [[1,0,0],[−1,−1,−1],[−1,1,−1],[1,2,4],[1,−2,4],[0,0,1]]</c>, Lavin and Gray's <c>G</c> with its rows
/// scaled by <c>s = (4, 6, 6, 24, 24, 1)</c> to integers: <c>|U| ≤ 49 · 128 = 6272</c>, and a pair of products
/// <c>2 · 25500 · 6272</c> fits int32.
/// </para>
/// <para>
/// <b>Output.</b> Position <c>(i, j)</c>'s products are <c>s_i s_j</c> times Winograd's, so the output transform
/// <c>A'ᵀ</c> is <c>Aᵀ = [[1,1,1,1,1,0],[0,1,−1,2,−2,0],[0,1,1,4,4,0],[0,1,−1,8,−8,1]]</c> with column <c>i</c> times
/// <c>24 / s_i</c>: <c>[[6,4,4,1,1,0],[0,4,−4,2,−2,0],[0,4,4,4,4,0],[0,4,−4,8,−8,24]]</c>, and <c>Y = A'ᵀ M A'</c> is
/// 576 times each output pixel's sum, modulo 2^32. Multiplied by 9's inverse modulo 2^32 (<see cref="InverseOf9"/>) it
/// is 64 times the sum modulo 2^32, which while the sum lies within ±(2^25 − 1) (the generator proves it per output
/// channel) is the exact int32 <c>64 · sum</c>, and <c>&gt;&gt; 6</c> returns the sum.
/// </para>
/// </remarks>
public static partial class Int8WinogradConvolution
{
    /// <summary>9's multiplicative inverse modulo 2^32: <c>9 · 954437177 = 2^33 + 1</c>.</summary>
    private const int InverseOf9 = 954437177;

    /// <summary>Int32 values of the output transform's scratch: 4 × 6 intermediate vectors and 16 pixels' sums, 16 channels each.</summary>
    private const int LargeScratch = (24 + 16) * 16;

    /// <summary>
    /// The transform of one 6×6 window, every channel: 16, then 8 at a time up to <paramref name="wide"/> and
    /// <paramref name="narrow"/>, then one by one, zeros for an odd last channel's partner (whose weights are zero too);
    /// <paramref name="temp"/> holds 36 × 16 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformWindowsLarge(ref short window, nint row, int ic, ref short target, nint plane, int wide, int narrow, int tileValues, ref short temp)
    {
        int c = 0;
        for (; c < wide; c += 16)
        {
            TransformWindow<Short256, Vector256<short>>(ref Unsafe.Add(ref window, c), row, ic, ref temp, ref Unsafe.Add(ref target, c), plane);
        }
        for (; c < narrow; c += 8)
        {
            TransformWindow<Short128, Vector128<short>>(ref Unsafe.Add(ref window, c), row, ic, ref temp, ref Unsafe.Add(ref target, c), plane);
        }
        for (; c < ic; c++)
        {
            TransformWindow<Short1, short>(ref Unsafe.Add(ref window, c), row, ic, ref temp, ref Unsafe.Add(ref target, c), plane);
        }
        for (; c < tileValues; c++)
        {
            for (int xi = 0; xi < LargePositions; xi++)
            {
                Unsafe.Add(ref target, xi * plane + c) = 0;
            }
        }
    }

    /// <summary>
    /// One window's transform for <c>TLanes</c>' channels: <c>d B</c> row by row into <paramref name="temp"/>, then
    /// <c>Bᵀ (d B)</c> column by column, position <c>6k + l</c> at <paramref name="v"/> + <c>(6k + l) · plane</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformWindow<TLanes, TVector>(ref short d, nint row, nint pixel, ref short temp, ref short v, nint plane)
        where TLanes : struct, IShortLanes<TVector>
        where TVector : struct
    {
        for (int i = 0; i < 6; i++)
        {
            ref short r = ref Unsafe.Add(ref d, i * row);
            ref short o = ref Unsafe.Add(ref temp, i * 6 * 16);
            Forward<TLanes, TVector>(TLanes.Load(ref r), TLanes.Load(ref Unsafe.Add(ref r, pixel)), TLanes.Load(ref Unsafe.Add(ref r, 2 * pixel)),
                TLanes.Load(ref Unsafe.Add(ref r, 3 * pixel)), TLanes.Load(ref Unsafe.Add(ref r, 4 * pixel)), TLanes.Load(ref Unsafe.Add(ref r, 5 * pixel)),
                ref o, 16);
        }
        for (int l = 0; l < 6; l++)
        {
            ref short c = ref Unsafe.Add(ref temp, l * 16);
            Forward<TLanes, TVector>(TLanes.Load(ref c), TLanes.Load(ref Unsafe.Add(ref c, 6 * 16)), TLanes.Load(ref Unsafe.Add(ref c, 12 * 16)),
                TLanes.Load(ref Unsafe.Add(ref c, 18 * 16)), TLanes.Load(ref Unsafe.Add(ref c, 24 * 16)), TLanes.Load(ref Unsafe.Add(ref c, 30 * 16)),
                ref Unsafe.Add(ref v, l * plane), 6 * plane);
        }
    }

    /// <summary>
    /// <c>Bᵀ</c> times six values (a row or column of the window), stored <paramref name="apart"/> values apart: each
    /// partial sum within the final one's bound, so int16 holds every step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Forward<TLanes, TVector>(TVector d0, TVector d1, TVector d2, TVector d3, TVector d4, TVector d5, ref short o, nint apart)
        where TLanes : struct, IShortLanes<TVector>
        where TVector : struct
    {
        TVector d42 = TLanes.Subtract(d4, d2), d31 = TLanes.Subtract(d3, d1);
        TLanes.Store(TLanes.Add(TLanes.Times4(TLanes.Subtract(d0, d2)), d42), ref o);
        TLanes.Store(TLanes.Subtract(TLanes.Add(d3, d4), TLanes.Times4(TLanes.Add(d1, d2))), ref Unsafe.Add(ref o, apart));
        TLanes.Store(TLanes.Add(TLanes.Subtract(d4, d3), TLanes.Times4(TLanes.Subtract(d1, d2))), ref Unsafe.Add(ref o, 2 * apart));
        TLanes.Store(TLanes.Add(d42, TLanes.Times2(d31)), ref Unsafe.Add(ref o, 3 * apart));
        TLanes.Store(TLanes.Subtract(d42, TLanes.Times2(d31)), ref Unsafe.Add(ref o, 4 * apart));
        TLanes.Store(TLanes.Add(TLanes.Times4(TLanes.Subtract(d1, d3)), TLanes.Subtract(d5, d3)), ref Unsafe.Add(ref o, 5 * apart));
    }

    /// <summary>
    /// The output transform of one tile for <c>TLanes</c>' channels: from the 36 positions' products (<paramref name="m"/>,
    /// positions <paramref name="apart"/> values apart), each of the 16 pixels' exact sum (row by row) at
    /// <paramref name="sums"/> + <c>16 · pixel</c>; <paramref name="temp"/> holds 24 × 16 values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformOutputLarge<TLanes, TVector>(ref int m, nint apart, ref int temp, ref int sums)
        where TLanes : struct, IIntLanes<TVector>
        where TVector : struct
    {
        TransformColumnsLarge<TLanes, TVector>(ref m, apart, ref temp);
        for (int k = 0; k < 4; k++)
        {
            TransformRowLarge<TLanes, TVector>(ref temp, k, out TVector y0, out TVector y1, out TVector y2, out TVector y3);
            ref int s = ref Unsafe.Add(ref sums, k * 4 * 16);
            TLanes.Store(y0, ref s);
            TLanes.Store(y1, ref Unsafe.Add(ref s, 16));
            TLanes.Store(y2, ref Unsafe.Add(ref s, 2 * 16));
            TLanes.Store(y3, ref Unsafe.Add(ref s, 3 * 16));
        }
    }

    /// <summary>The first half of the output transform, <c>A'ᵀ M</c> column by column: row <c>k</c> of it at <paramref name="temp"/> + <c>6k · 16</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformColumnsLarge<TLanes, TVector>(ref int m, nint apart, ref int temp)
        where TLanes : struct, IIntLanes<TVector>
        where TVector : struct
    {
        for (int l = 0; l < 6; l++)
        {
            ref int c = ref Unsafe.Add(ref m, l * apart);
            Back<TLanes, TVector>(TLanes.Load(ref c), TLanes.Load(ref Unsafe.Add(ref c, 6 * apart)), TLanes.Load(ref Unsafe.Add(ref c, 12 * apart)),
                TLanes.Load(ref Unsafe.Add(ref c, 18 * apart)), TLanes.Load(ref Unsafe.Add(ref c, 24 * apart)), TLanes.Load(ref Unsafe.Add(ref c, 30 * apart)),
                out TVector o0, out TVector o1, out TVector o2, out TVector o3);
            ref int t = ref Unsafe.Add(ref temp, l * 16);
            TLanes.Store(o0, ref t);
            TLanes.Store(o1, ref Unsafe.Add(ref t, 6 * 16));
            TLanes.Store(o2, ref Unsafe.Add(ref t, 12 * 16));
            TLanes.Store(o3, ref Unsafe.Add(ref t, 18 * 16));
        }
    }

    /// <summary>
    /// The second half for output row <paramref name="k"/>, <c>(A'ᵀ M) A'</c> (576 times the sums modulo 2^32), made
    /// exact: the row's four pixels' sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformRowLarge<TLanes, TVector>(ref int temp, int k, out TVector y0, out TVector y1, out TVector y2, out TVector y3)
        where TLanes : struct, IIntLanes<TVector>
        where TVector : struct
    {
        ref int r = ref Unsafe.Add(ref temp, k * 6 * 16);
        Back<TLanes, TVector>(TLanes.Load(ref r), TLanes.Load(ref Unsafe.Add(ref r, 16)), TLanes.Load(ref Unsafe.Add(ref r, 2 * 16)),
            TLanes.Load(ref Unsafe.Add(ref r, 3 * 16)), TLanes.Load(ref Unsafe.Add(ref r, 4 * 16)), TLanes.Load(ref Unsafe.Add(ref r, 5 * 16)),
            out y0, out y1, out y2, out y3);
        y0 = TLanes.Exact(y0);
        y1 = TLanes.Exact(y1);
        y2 = TLanes.Exact(y2);
        y3 = TLanes.Exact(y3);
    }

    /// <summary><c>A'ᵀ</c> times six values (see the class remarks), in wrapping int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Back<TLanes, TVector>(TVector m0, TVector m1, TVector m2, TVector m3, TVector m4, TVector m5,
        out TVector o0, out TVector o1, out TVector o2, out TVector o3)
        where TLanes : struct, IIntLanes<TVector>
        where TVector : struct
    {
        TVector s12 = TLanes.Add(m1, m2), d12 = TLanes.Subtract(m1, m2), s34 = TLanes.Add(m3, m4), d34 = TLanes.Subtract(m3, m4);
        TVector d12x4 = TLanes.ShiftLeft(d12, 2);
        // 6·m0 + 4·s12 + s34; 4·d12 + 2·d34; 4·(s12 + s34); 4·d12 + 8·d34 + 24·m5.
        o0 = TLanes.Add(TLanes.Add(TLanes.ShiftLeft(m0, 2), TLanes.ShiftLeft(m0, 1)), TLanes.Add(TLanes.ShiftLeft(s12, 2), s34));
        o1 = TLanes.Add(d12x4, TLanes.ShiftLeft(d34, 1));
        o2 = TLanes.ShiftLeft(TLanes.Add(s12, s34), 2);
        o3 = TLanes.Add(TLanes.Add(d12x4, TLanes.ShiftLeft(d34, 3)), TLanes.Add(TLanes.ShiftLeft(m5, 4), TLanes.ShiftLeft(m5, 3)));
    }

    /// <summary>One channel's output transform, bias and requantization for a 4×4 tile (the scalar path): <paramref name="m"/> holds its 36 products in a row.</summary>
    private static void OutputLargeScalar(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int lane, int stride, ref sbyte y, ref int scratch)
    {
        ref int sums = ref Unsafe.Add(ref scratch, 24 * 16);
        TransformOutputLarge<Int1, int>(ref m, 1, ref scratch, ref sums);
        int rows = pixel.Rows(shape), columns = pixel.Columns(shape);
        nint channels = shape.OutputChannels, under = (nint)shape.OutputWidth * channels;
        ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Unsafe.Add(ref origin, i * under + j * channels) = Int8OutputStage.Requantize(unchecked(Unsafe.Add(ref sums, (4 * i + j) * 16) + lane), ref lane, stride,
                    shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
            }
        }
    }

    /// <summary>
    /// A 4×4 tile's output transform, bias and requantization for a block of 16 channels with the 128-bit
    /// requantization (the AVX2 and 128-bit paths): the transform <c>TLanes</c>' channels at a time, then each pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputLarge128<TLanes, TVector>(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch)
        where TLanes : struct, IIntLanes<TVector>
        where TVector : struct
    {
        ref int sums = ref Unsafe.Add(ref scratch, 24 * 16);
        for (int q = 0; q < 16; q += TLanes.Count)
        {
            TransformOutputLarge<TLanes, TVector>(ref Unsafe.Add(ref m, q), 16, ref Unsafe.Add(ref scratch, q), ref Unsafe.Add(ref sums, q));
        }
        Vector128<int> b0 = Vector128.LoadUnsafe(ref table), b1 = Vector128.LoadUnsafe(ref table, 4);
        Vector128<int> b2 = Vector128.LoadUnsafe(ref table, 8), b3 = Vector128.LoadUnsafe(ref table, 12);
        int rows = pixel.Rows(shape), columns = pixel.Columns(shape);
        nint channels = shape.OutputChannels, under = (nint)shape.OutputWidth * channels;
        ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                ref int s = ref Unsafe.Add(ref sums, (4 * i + j) * 16);
                Int8OutputStage.Store(Int8OutputStage.Requantize16(Vector128.LoadUnsafe(ref s) + b0, Vector128.LoadUnsafe(ref s, 4) + b1,
                    Vector128.LoadUnsafe(ref s, 8) + b2, Vector128.LoadUnsafe(ref s, 12) + b3, ref table, stride,
                    shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax), ref Unsafe.Add(ref origin, i * under + j * channels), valid);
            }
        }
    }

    /// <summary>
    /// A 4×4 tile's output transform, bias and requantization for a block of 16 channels, one 512-bit vector each
    /// (AVX-512): each row of pixels requantized as the transform's second half computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputLarge512(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch)
    {
        TransformColumnsLarge<Int512, Vector512<int>>(ref m, 16, ref scratch);
        Vector512<int> bias = Vector512.LoadUnsafe(ref table);
        int rows = pixel.Rows(shape), columns = pixel.Columns(shape);
        nint channels = shape.OutputChannels, under = (nint)shape.OutputWidth * channels;
        ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin);
        for (int i = 0; i < rows; i++, origin = ref Unsafe.Add(ref origin, under))
        {
            TransformRowLarge<Int512, Vector512<int>>(ref scratch, i, out Vector512<int> y0, out Vector512<int> y1, out Vector512<int> y2, out Vector512<int> y3);
            Output16(y0 + bias, shape, ref table, stride, ref origin, valid);
            if (columns == 4)
            {
                Output16(y1 + bias, shape, ref table, stride, ref Unsafe.Add(ref origin, channels), valid);
                Output16(y2 + bias, shape, ref table, stride, ref Unsafe.Add(ref origin, 2 * channels), valid);
                Output16(y3 + bias, shape, ref table, stride, ref Unsafe.Add(ref origin, 3 * channels), valid);
                continue;
            }
            if (columns > 1)
            {
                Output16(y1 + bias, shape, ref table, stride, ref Unsafe.Add(ref origin, channels), valid);
            }
            if (columns > 2)
            {
                Output16(y2 + bias, shape, ref table, stride, ref Unsafe.Add(ref origin, 2 * channels), valid);
            }
        }
    }

    /// <summary>The int16 operations of the input transform, per vector width, so that it is written once.</summary>
    private interface IShortLanes<TVector>
        where TVector : struct
    {
        static abstract TVector Load(ref short source);

        static abstract void Store(TVector value, ref short destination);

        static abstract TVector Add(TVector a, TVector b);

        static abstract TVector Subtract(TVector a, TVector b);

        static abstract TVector Times2(TVector a);

        static abstract TVector Times4(TVector a);
    }

    private readonly struct Short256 : IShortLanes<Vector256<short>>
    {
        public static Vector256<short> Load(ref short source) => Vector256.LoadUnsafe(ref source);

        public static void Store(Vector256<short> value, ref short destination) => value.StoreUnsafe(ref destination);

        public static Vector256<short> Add(Vector256<short> a, Vector256<short> b) => a + b;

        public static Vector256<short> Subtract(Vector256<short> a, Vector256<short> b) => a - b;

        public static Vector256<short> Times2(Vector256<short> a) => a + a;

        public static Vector256<short> Times4(Vector256<short> a) => Vector256.ShiftLeft(a, 2);
    }

    private readonly struct Short128 : IShortLanes<Vector128<short>>
    {
        public static Vector128<short> Load(ref short source) => Vector128.LoadUnsafe(ref source);

        public static void Store(Vector128<short> value, ref short destination) => value.StoreUnsafe(ref destination);

        public static Vector128<short> Add(Vector128<short> a, Vector128<short> b) => a + b;

        public static Vector128<short> Subtract(Vector128<short> a, Vector128<short> b) => a - b;

        public static Vector128<short> Times2(Vector128<short> a) => a + a;

        public static Vector128<short> Times4(Vector128<short> a) => Vector128.ShiftLeft(a, 2);
    }

    private readonly struct Short1 : IShortLanes<short>
    {
        public static short Load(ref short source) => source;

        public static void Store(short value, ref short destination) => destination = value;

        public static short Add(short a, short b) => (short)(a + b);

        public static short Subtract(short a, short b) => (short)(a - b);

        public static short Times2(short a) => (short)(a + a);

        public static short Times4(short a) => (short)(a << 2);
    }

    /// <summary>The wrapping int32 operations of the output transform, per vector width, so that it is written once.</summary>
    private interface IIntLanes<TVector>
        where TVector : struct
    {
        /// <summary>Channels per vector.</summary>
        static abstract int Count { get; }

        static abstract TVector Load(ref int source);

        static abstract void Store(TVector value, ref int destination);

        static abstract TVector Add(TVector a, TVector b);

        static abstract TVector Subtract(TVector a, TVector b);

        static abstract TVector ShiftLeft(TVector a, int count);

        /// <summary>The sum from 576 times it modulo 2^32: times 9's inverse, then an arithmetic shift by 6.</summary>
        static abstract TVector Exact(TVector y);
    }

    private readonly struct Int512 : IIntLanes<Vector512<int>>
    {
        public static int Count => 16;

        public static Vector512<int> Load(ref int source) => Vector512.LoadUnsafe(ref source);

        public static void Store(Vector512<int> value, ref int destination) => value.StoreUnsafe(ref destination);

        public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

        public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;

        public static Vector512<int> ShiftLeft(Vector512<int> a, int count) => Vector512.ShiftLeft(a, count);

        public static Vector512<int> Exact(Vector512<int> y) => Vector512.ShiftRightArithmetic(y * Vector512.Create(InverseOf9), 6);
    }

    private readonly struct Int256 : IIntLanes<Vector256<int>>
    {
        public static int Count => 8;

        public static Vector256<int> Load(ref int source) => Vector256.LoadUnsafe(ref source);

        public static void Store(Vector256<int> value, ref int destination) => value.StoreUnsafe(ref destination);

        public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

        public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;

        public static Vector256<int> ShiftLeft(Vector256<int> a, int count) => Vector256.ShiftLeft(a, count);

        public static Vector256<int> Exact(Vector256<int> y) => Vector256.ShiftRightArithmetic(y * Vector256.Create(InverseOf9), 6);
    }

    private readonly struct Int128 : IIntLanes<Vector128<int>>
    {
        public static int Count => 4;

        public static Vector128<int> Load(ref int source) => Vector128.LoadUnsafe(ref source);

        public static void Store(Vector128<int> value, ref int destination) => value.StoreUnsafe(ref destination);

        public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

        public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;

        public static Vector128<int> ShiftLeft(Vector128<int> a, int count) => Vector128.ShiftLeft(a, count);

        public static Vector128<int> Exact(Vector128<int> y) => Vector128.ShiftRightArithmetic(y * Vector128.Create(InverseOf9), 6);
    }

    private readonly struct Int1 : IIntLanes<int>
    {
        public static int Count => 1;

        public static int Load(ref int source) => source;

        public static void Store(int value, ref int destination) => destination = value;

        public static int Add(int a, int b) => unchecked(a + b);

        public static int Subtract(int a, int b) => unchecked(a - b);

        public static int ShiftLeft(int a, int count) => a << count;

        public static int Exact(int y) => unchecked(y * InverseOf9) >> 6;
    }
}
