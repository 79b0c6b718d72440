using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// ARG_MAX and ARG_MIN over a kept innermost axis: one index per column, the vectors running across the columns.
public static partial class ReductionKernels
{
    /// <summary>
    /// ARG_MAX along a reduced axis that is not the innermost, as TFLM's reference <c>ArgMinMax</c> with
    /// <c>std::greater</c>: each column starts at row 0's value and index 0, and row <c>r</c> replaces them only when
    /// <c>v &gt; best</c>, so ties keep the first index, a NaN never replaces and a NaN in row 0 is never replaced.
    /// Each lane holds a column's best value and index (32-bit lanes; int8 values sign-extended).
    /// </summary>
    /// <param name="input">The first row's first value onward.</param>
    /// <param name="rows">The reduced axis' size (at least 1).</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="output">One index per column.</param>
    public static void ArgMax(ReadOnlySpan<float> input, int rows, int rowStride, Span<int> output) =>
        ArgExtreme<float, float, FloatArgLanes, ComparisonKernels.Greater>(input, rows, rowStride, output);

    /// <summary>ARG_MIN of float: as <see cref="ArgMax(ReadOnlySpan{float}, int, int, Span{int})"/> with <c>std::less</c> (<c>v &lt; best</c>).</summary>
    /// <inheritdoc cref="ArgMax(ReadOnlySpan{float}, int, int, Span{int})"/>
    public static void ArgMin(ReadOnlySpan<float> input, int rows, int rowStride, Span<int> output) =>
        ArgExtreme<float, float, FloatArgLanes, ComparisonKernels.Less>(input, rows, rowStride, output);

    /// <summary>ARG_MAX of int8, the stored values compared (TFLM does not rescale them).</summary>
    /// <inheritdoc cref="ArgMax(ReadOnlySpan{float}, int, int, Span{int})"/>
    public static void ArgMax(ReadOnlySpan<sbyte> input, int rows, int rowStride, Span<int> output) =>
        ArgExtreme<sbyte, int, Int8ArgLanes, ComparisonKernels.Greater>(input, rows, rowStride, output);

    /// <summary>ARG_MIN of int8, the stored values compared.</summary>
    /// <inheritdoc cref="ArgMax(ReadOnlySpan{float}, int, int, Span{int})"/>
    public static void ArgMin(ReadOnlySpan<sbyte> input, int rows, int rowStride, Span<int> output) =>
        ArgExtreme<sbyte, int, Int8ArgLanes, ComparisonKernels.Less>(input, rows, rowStride, output);

    /// <summary>The search every overload shares: <typeparamref name="TLane"/> is the 32-bit lane a value is compared in.</summary>
    private static void ArgExtreme<T, TLane, TLanes, TComparison>(ReadOnlySpan<T> input, int rows, int rowStride, Span<int> output)
        where T : unmanaged, INumber<T>
        where TLanes : struct, IArgLanes<T, TLane>
        where TComparison : IComparison
    {
        int width = output.Length;
        input = Rows(input, rows, rowStride, width);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref int y = ref MemoryMarshal.GetReference(output);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= width - Vector512<int>.Count; j += Vector512<int>.Count)
            {
                Vector512<TLane> best = TLanes.Load512(ref Unsafe.Add(ref x, j));
                Vector512<int> index = Vector512<int>.Zero;
                for (int r = 1; r < rows; r++)
                {
                    Vector512<TLane> v = TLanes.Load512(ref Unsafe.Add(ref x, r * rowStride + j));
                    Vector512<TLane> better = TComparison.Invoke(v, best);
                    best = Vector512.ConditionalSelect(better, v, best);
                    index = Vector512.ConditionalSelect(better.AsInt32(), Vector512.Create(r), index);
                }
                index.StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= width - Vector256<int>.Count; j += Vector256<int>.Count)
            {
                Vector256<TLane> best = TLanes.Load256(ref Unsafe.Add(ref x, j));
                Vector256<int> index = Vector256<int>.Zero;
                for (int r = 1; r < rows; r++)
                {
                    Vector256<TLane> v = TLanes.Load256(ref Unsafe.Add(ref x, r * rowStride + j));
                    Vector256<TLane> better = TComparison.Invoke(v, best);
                    best = Vector256.ConditionalSelect(better, v, best);
                    index = Vector256.ConditionalSelect(better.AsInt32(), Vector256.Create(r), index);
                }
                index.StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= width - Vector128<int>.Count; j += Vector128<int>.Count)
            {
                Vector128<TLane> best = TLanes.Load128(ref Unsafe.Add(ref x, j));
                Vector128<int> index = Vector128<int>.Zero;
                for (int r = 1; r < rows; r++)
                {
                    Vector128<TLane> v = TLanes.Load128(ref Unsafe.Add(ref x, r * rowStride + j));
                    Vector128<TLane> better = TComparison.Invoke(v, best);
                    best = Vector128.ConditionalSelect(better, v, best);
                    index = Vector128.ConditionalSelect(better.AsInt32(), Vector128.Create(r), index);
                }
                index.StoreUnsafe(ref y, (nuint)j);
            }
        }
        for (; j < width; j++)
        {
            T best = Unsafe.Add(ref x, j);
            int index = 0;
            for (int r = 1; r < rows; r++)
            {
                T v = Unsafe.Add(ref x, r * rowStride + j);
                if (TComparison.Invoke(v, best))
                {
                    best = v;
                    index = r;
                }
            }
            Unsafe.Add(ref y, j) = index;
        }
    }

    /// <summary>A block of consecutive columns as one vector of 32-bit lanes, as many columns as the vector has lanes.</summary>
    private interface IArgLanes<T, TLane>
    {
        static abstract Vector128<TLane> Load128(ref T source);

        static abstract Vector256<TLane> Load256(ref T source);

        static abstract Vector512<TLane> Load512(ref T source);
    }

    /// <summary>Floats as stored.</summary>
    private readonly struct FloatArgLanes : IArgLanes<float, float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load128(ref float source) => Vector128.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load256(ref float source) => Vector256.LoadUnsafe(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load512(ref float source) => Vector512.LoadUnsafe(ref source);
    }

    /// <summary>int8 values sign-extended to int32 (order kept, so every comparison is the int8 one).</summary>
    private readonly struct Int8ArgLanes : IArgLanes<sbyte, int>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Load128(ref sbyte source) =>
            Sse41.IsSupported ? Sse41Lanes.SignExtend4(ref source) : PortableLanes.SignExtend4(ref source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Load256(ref sbyte source) =>
            Avx2.IsSupported
                ? Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte())
                : Vector256.Create(Load128(ref source), Load128(ref Unsafe.Add(ref source, 4)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Load512(ref sbyte source) =>
            Avx512F.IsSupported
                ? Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source))
                : Vector512.Create(Load256(ref source), Load256(ref Unsafe.Add(ref source, 8)));
    }
}
