using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// Reductions (SUM, MEAN, REDUCE_MAX, REDUCE_MIN of float; SUM and MEAN of int8 requantized; REDUCE_MAX and
/// REDUCE_MIN of int8; ARG_MAX and ARG_MIN of float and int8) whose innermost dimension is kept: <c>rows</c> rows of
/// <c>output.Length</c> contiguous values, <c>rowStride</c> apart, combined column by column. The vectors run
/// across the kept columns, so each column's accumulator meets its values in the order TFLM's reference loop
/// does (input memory order), and float sums keep their bits; a global average pool (MEAN over height and width
/// of NHWC) is the common case.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class ReductionKernels
{
    /// <summary>SUM: <c>output[j] = 0 + row0[j] + row1[j] + …</c>, left to right.</summary>
    /// <param name="input">The first row's first value onward.</param>
    /// <param name="rows">Rows combined into each output (at least 1).</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<float> input, int rows, int rowStride, Span<float> output) =>
        Reduce<Addition>(input, Blocks.One, rows, rowStride, output);

    /// <summary>MEAN: the <see cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/> of each column divided by <paramref name="rows"/>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/>
    public static void Mean(ReadOnlySpan<float> input, int rows, int rowStride, Span<float> output) =>
        Reduce<Average>(input, Blocks.One, rows, rowStride, output);

    /// <summary>REDUCE_MAX: from <see cref="float.MinValue"/>, <c>best = v &gt; best ? v : best</c> (a NaN never replaces it, as in TFLM).</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<float> input, int rows, int rowStride, Span<float> output) =>
        Reduce<Maximum>(input, Blocks.One, rows, rowStride, output);

    /// <summary>REDUCE_MIN: from <see cref="float.MaxValue"/>, <c>best = v &lt; best ? v : best</c>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<float> input, int rows, int rowStride, Span<float> output) =>
        Reduce<Minimum>(input, Blocks.One, rows, rowStride, output);

    /// <summary>
    /// Quantized int8 SUM or MEAN as TFLM's <c>QuantizedMeanOrSum</c>: each column summed in int32, then
    /// <c>clamp(MultiplyByQuantizedMultiplier(sum − inputZeroPoint · rows, multiplier, shift) + outputZeroPoint, −128, 127)</c>
    /// (MEAN has 1/rows folded into the multiplier).
    /// </summary>
    /// <param name="input">The first row's first value onward.</param>
    /// <param name="rows">Rows combined into each output (at least 1).</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<sbyte> input, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSum(input, Blocks.One, rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>Quantized int16 SUM or MEAN, as the int8 one (<see cref="Sum(ReadOnlySpan{sbyte}, int, int, int, int, int, int, Span{sbyte})"/>), clamped to int16.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{sbyte}, int, int, int, int, int, int, Span{sbyte})"/>
    public static void Sum(ReadOnlySpan<short> input, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSum(input, Blocks.One, rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>The int8 and int16 SUM: columns summed in int32 lanes (wrapping as the scalar sum does), requantized, clamped and narrowed.</summary>
    private static void QuantizedSum<T>(ReadOnlySpan<T> input, Blocks blocks, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, int min, int max, Span<T> output)
        where T : unmanaged
    {
        int width = output.Length;
        input = Rows(input, blocks, rows, rowStride, width);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T y = ref MemoryMarshal.GetReference(output);
        int offset = unchecked(inputZeroPoint * rows * blocks.Count);
        int j = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift), zo = Vector256.Create(outputZeroPoint);
            for (; j <= width - 8; j += 8)
            {
                Vector256<int> sum = Vector256<int>.Zero;
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        sum += SignExtend8(ref Unsafe.Add(ref x, q));
                    }
                }
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(sum - Vector256.Create(offset), m, s) + zo;
                v = Vector256.Min(Vector256.Max(v, Vector256.Create(min)), Vector256.Create(max));
                Vector128<short> shorts = Vector128.Narrow(v.GetLower(), v.GetUpper());
                ref byte target = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref y, j));
                if (typeof(T) == typeof(sbyte))
                {
                    Unsafe.WriteUnaligned(ref target, Vector128.Narrow(shorts, shorts).AsInt64().ToScalar());
                }
                else
                {
                    Unsafe.WriteUnaligned(ref target, shorts);
                }
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> m = Vector128.Create(multiplier), zo = Vector128.Create(outputZeroPoint);
            for (; j <= width - 4; j += 4)
            {
                Vector128<int> sum = Vector128<int>.Zero;
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        ref T row = ref Unsafe.Add(ref x, q);
                        sum += typeof(T) == typeof(sbyte) ? PortableLanes.SignExtend4(ref Unsafe.As<T, sbyte>(ref row)) : PortableLanes.SignExtend4(ref Unsafe.As<T, short>(ref row));
                    }
                }
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(sum - Vector128.Create(offset), m, shift) + zo;
                v = FixedPointLanes.Min(FixedPointLanes.Max(v, Vector128.Create(min)), Vector128.Create(max));
                Vector128<short> shorts = Vector128.Narrow(v, v);
                ref byte target = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref y, j));
                if (typeof(T) == typeof(sbyte))
                {
                    Unsafe.WriteUnaligned(ref target, Vector128.Narrow(shorts, shorts).AsInt32().ToScalar());
                }
                else
                {
                    Unsafe.WriteUnaligned(ref target, shorts.AsInt64().ToScalar());
                }
            }
        }
        for (; j < width; j++)
        {
            int sum = 0;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = j + blocks.Offset(b);
                for (int r = 0, q = p; r < rows; r++, q += rowStride)
                {
                    sum += QuantizedBinaryKernels.ToInt(Unsafe.Add(ref x, q));
                }
            }
            int v = RequantizeSum(sum, offset, multiplier, shift, outputZeroPoint, min, max);
            Unsafe.Add(ref y, j) = typeof(T) == typeof(sbyte) ? Unsafe.BitCast<sbyte, T>((sbyte)v) : Unsafe.BitCast<short, T>((short)v);
        }
    }

    /// <summary>Eight int8 or int16 values, sign-extended to int32 lanes (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> SignExtend8<T>(ref T source)
        where T : unmanaged =>
        typeof(T) == typeof(sbyte)
            ? Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<T, byte>(ref source))).AsSByte())
            : Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref source)));

    /// <summary>REDUCE_MAX of int8 (input and output share their quantization, as TFLM demands): the largest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<sbyte> input, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Maximum>(input, Blocks.One, rows, rowStride, output);

    /// <summary>REDUCE_MIN of int8: the smallest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<sbyte> input, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Minimum>(input, Blocks.One, rows, rowStride, output);

    // Each column starts from its first value and meets every value, the first again (harmless: max(v, v) = v).
    private static void Extreme<TOperation>(ReadOnlySpan<sbyte> input, Blocks blocks, int rows, int rowStride, Span<sbyte> output)
        where TOperation : struct, IInt8Extreme
    {
        int width = output.Length;
        input = Rows(input, blocks, rows, rowStride, width);
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= width - Vector256<sbyte>.Count; j += Vector256<sbyte>.Count)
            {
                Vector256<sbyte> best = Vector256.LoadUnsafe(ref x, (nuint)j);
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        best = TOperation.Combine(best, Vector256.LoadUnsafe(ref x, (nuint)q));
                    }
                }
                best.StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= width - Vector128<sbyte>.Count; j += Vector128<sbyte>.Count)
            {
                Vector128<sbyte> best = Vector128.LoadUnsafe(ref x, (nuint)j);
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        best = TOperation.Combine(best, Vector128.LoadUnsafe(ref x, (nuint)q));
                    }
                }
                best.StoreUnsafe(ref y, (nuint)j);
            }
        }
        for (; j < width; j++)
        {
            sbyte best = Unsafe.Add(ref x, j);
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = j + blocks.Offset(b);
                for (int r = 0, q = p; r < rows; r++, q += rowStride)
                {
                    best = TOperation.Combine(best, Unsafe.Add(ref x, q));
                }
            }
            Unsafe.Add(ref y, j) = best;
        }
    }

    /// <summary>The rows' span, checked once: <c>(rows − 1) · rowStride + width</c> elements.</summary>
    private static ReadOnlySpan<T> Rows<T>(ReadOnlySpan<T> input, int rows, int rowStride, int width) =>
        Rows(input, Blocks.One, rows, rowStride, width);

    /// <summary>The span of blocks of rows, checked once: the last block's offset + <c>(rows − 1) · rowStride + width</c> elements.</summary>
    private static ReadOnlySpan<T> Rows<T>(ReadOnlySpan<T> input, Blocks blocks, int rows, int rowStride, int width)
    {
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "A reduction combines at least one row.");
        }
        return input.Slice(0, checked(blocks.Extent() + (rows - 1) * rowStride + width));
    }

    // Blocks outer, rows inner: each column meets its values in input memory order, as TFLM's loop does.
    private static void Reduce<TOperation>(ReadOnlySpan<float> input, Blocks blocks, int rows, int rowStride, Span<float> output)
        where TOperation : struct, IFloatReduction
    {
        int width = output.Length;
        input = Rows(input, blocks, rows, rowStride, width);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        float count = (float)((long)blocks.Count * rows);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= width - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                Vector512<float> best = Vector512.Create(TOperation.Initial);
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        best = TOperation.Combine(best, Vector512.LoadUnsafe(ref x, (nuint)q));
                    }
                }
                TOperation.Finish(best, count).StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= width - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> best = Vector256.Create(TOperation.Initial);
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        best = TOperation.Combine(best, Vector256.LoadUnsafe(ref x, (nuint)q));
                    }
                }
                TOperation.Finish(best, count).StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= width - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                Vector128<float> best = Vector128.Create(TOperation.Initial);
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        best = TOperation.Combine(best, Vector128.LoadUnsafe(ref x, (nuint)q));
                    }
                }
                TOperation.Finish(best, count).StoreUnsafe(ref y, (nuint)j);
            }
        }
        for (; j < width; j++)
        {
            float best = TOperation.Initial;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = j + blocks.Offset(b);
                for (int r = 0, q = p; r < rows; r++, q += rowStride)
                {
                    best = TOperation.Combine(best, Unsafe.Add(ref x, q));
                }
            }
            Unsafe.Add(ref y, j) = TOperation.Finish(best, count);
        }
    }

    /// <summary>The larger or the smaller of two int8 values, lane by lane (starting from the first row is the same as from the type's bound).</summary>
    private interface IInt8Extreme
    {
        static abstract sbyte Combine(sbyte running, sbyte value);

        static abstract Vector128<sbyte> Combine(Vector128<sbyte> running, Vector128<sbyte> value);

        static abstract Vector256<sbyte> Combine(Vector256<sbyte> running, Vector256<sbyte> value);

        static abstract Vector512<sbyte> Combine(Vector512<sbyte> running, Vector512<sbyte> value);
    }

    /// <summary>A column reduction: its starting value, how a value joins the running one, and the last step.</summary>
    private interface IFloatReduction
    {
        static abstract float Initial { get; }

        static abstract float Combine(float running, float value);

        static abstract Vector128<float> Combine(Vector128<float> running, Vector128<float> value);

        static abstract Vector256<float> Combine(Vector256<float> running, Vector256<float> value);

        static abstract Vector512<float> Combine(Vector512<float> running, Vector512<float> value);

        static abstract float Finish(float running, float count);

        static abstract Vector128<float> Finish(Vector128<float> running, float count);

        static abstract Vector256<float> Finish(Vector256<float> running, float count);

        static abstract Vector512<float> Finish(Vector512<float> running, float count);
    }

    private readonly struct Addition : IFloatReduction
    {
        public static float Initial => 0f;

        public static float Combine(float running, float value) => running + value;

        public static Vector128<float> Combine(Vector128<float> running, Vector128<float> value) => running + value;

        public static Vector256<float> Combine(Vector256<float> running, Vector256<float> value) => running + value;

        public static Vector512<float> Combine(Vector512<float> running, Vector512<float> value) => running + value;

        public static float Finish(float running, float count) => running;

        public static Vector128<float> Finish(Vector128<float> running, float count) => running;

        public static Vector256<float> Finish(Vector256<float> running, float count) => running;

        public static Vector512<float> Finish(Vector512<float> running, float count) => running;
    }

    private readonly struct Average : IFloatReduction
    {
        public static float Initial => 0f;

        public static float Combine(float running, float value) => running + value;

        public static Vector128<float> Combine(Vector128<float> running, Vector128<float> value) => running + value;

        public static Vector256<float> Combine(Vector256<float> running, Vector256<float> value) => running + value;

        public static Vector512<float> Combine(Vector512<float> running, Vector512<float> value) => running + value;

        public static float Finish(float running, float count) => running / count;

        public static Vector128<float> Finish(Vector128<float> running, float count) => running / Vector128.Create(count);

        public static Vector256<float> Finish(Vector256<float> running, float count) => running / Vector256.Create(count);

        public static Vector512<float> Finish(Vector512<float> running, float count) => running / Vector512.Create(count);
    }

    private readonly struct Maximum : IFloatReduction, IInt8Extreme
    {
        public static sbyte Combine(sbyte running, sbyte value) => Math.Max(running, value);

        public static Vector128<sbyte> Combine(Vector128<sbyte> running, Vector128<sbyte> value) => Vector128.Max(running, value);

        public static Vector256<sbyte> Combine(Vector256<sbyte> running, Vector256<sbyte> value) => Vector256.Max(running, value);

        public static Vector512<sbyte> Combine(Vector512<sbyte> running, Vector512<sbyte> value) => Vector512.Max(running, value);

        public static float Initial => float.MinValue;

        public static float Combine(float running, float value) => value > running ? value : running;

        public static Vector128<float> Combine(Vector128<float> running, Vector128<float> value) => Vector128.ConditionalSelect(Vector128.GreaterThan(value, running), value, running);

        public static Vector256<float> Combine(Vector256<float> running, Vector256<float> value) => Vector256.ConditionalSelect(Vector256.GreaterThan(value, running), value, running);

        public static Vector512<float> Combine(Vector512<float> running, Vector512<float> value) => Vector512.ConditionalSelect(Vector512.GreaterThan(value, running), value, running);

        public static float Finish(float running, float count) => running;

        public static Vector128<float> Finish(Vector128<float> running, float count) => running;

        public static Vector256<float> Finish(Vector256<float> running, float count) => running;

        public static Vector512<float> Finish(Vector512<float> running, float count) => running;
    }

    private readonly struct Minimum : IFloatReduction, IInt8Extreme
    {
        public static sbyte Combine(sbyte running, sbyte value) => Math.Min(running, value);

        public static Vector128<sbyte> Combine(Vector128<sbyte> running, Vector128<sbyte> value) => Vector128.Min(running, value);

        public static Vector256<sbyte> Combine(Vector256<sbyte> running, Vector256<sbyte> value) => Vector256.Min(running, value);

        public static Vector512<sbyte> Combine(Vector512<sbyte> running, Vector512<sbyte> value) => Vector512.Min(running, value);

        public static float Initial => float.MaxValue;

        public static float Combine(float running, float value) => value < running ? value : running;

        public static Vector128<float> Combine(Vector128<float> running, Vector128<float> value) => Vector128.ConditionalSelect(Vector128.LessThan(value, running), value, running);

        public static Vector256<float> Combine(Vector256<float> running, Vector256<float> value) => Vector256.ConditionalSelect(Vector256.LessThan(value, running), value, running);

        public static Vector512<float> Combine(Vector512<float> running, Vector512<float> value) => Vector512.ConditionalSelect(Vector512.LessThan(value, running), value, running);

        public static float Finish(float running, float count) => running;

        public static Vector128<float> Finish(Vector128<float> running, float count) => running;

        public static Vector256<float> Finish(Vector256<float> running, float count) => running;

        public static Vector512<float> Finish(Vector512<float> running, float count) => running;
    }
}
