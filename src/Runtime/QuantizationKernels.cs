using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// QUANTIZE from float and DEQUANTIZE to float as TFLite's reference <c>AffineQuantize</c> and <c>Dequantize</c>
/// compute them, sixteen elements at a time in 256-bit or 128-bit vectors (AVX2, SSE2, ARM64's AdvSimd), with the
/// bits of the scalar code every lane: <c>scale · (q − zeroPoint)</c> is an exact conversion and one multiply;
/// <c>round(x / scale)</c> is one division and <c>MathF.Round</c>'s away-from-zero rule (the truncation, plus the
/// sign where the fraction is at least one half), exact in any width.
/// </summary>
/// <remarks>
/// A quantized value whose rounded quotient is NaN or beyond ±2^30 takes the scalar code for its sixteen
/// elements: there, C#'s float-to-int conversion and the int addition of the zero point decide the result, and
/// they differ between runtimes (.NET 9 saturates, .NET 8 on x64 gives <see cref="int.MinValue"/>).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class QuantizationKernels
{
    private const int Block = 16;

    /// <summary>The widest vectors QUANTIZE and DEQUANTIZE take on this machine: 256 or 128 bits, else scalar.</summary>
    public static InstructionTier FloatTier => InstructionTiers.Portable256;

    /// <summary>The widest fixed-point lanes the int-to-int requantizations take on this machine: AVX2, SSE4.1 or AdvSimd, else scalar.</summary>
    public static InstructionTier RequantizeTier => InstructionTiers.FixedPoint;

    /// <summary>DEQUANTIZE int8: <c>output[i] = scale · (input[i] − zeroPoint)</c>.</summary>
    /// <param name="input">The quantized values.</param>
    /// <param name="scale">The input's scale.</param>
    /// <param name="zeroPoint">The input's zero point.</param>
    /// <param name="output">The real values, at least as long as the input.</param>
    public static void Dequantize(ReadOnlySpan<sbyte> input, float scale, int zeroPoint, Span<float> output) =>
        Dequantize<Int8Source, sbyte>(input, scale, zeroPoint, output);

    /// <summary>DEQUANTIZE uint8: <c>output[i] = scale · (input[i] − zeroPoint)</c>.</summary>
    /// <inheritdoc cref="Dequantize(ReadOnlySpan{sbyte}, float, int, Span{float})"/>
    public static void Dequantize(ReadOnlySpan<byte> input, float scale, int zeroPoint, Span<float> output) =>
        Dequantize<UInt8Source, byte>(input, scale, zeroPoint, output);

    /// <summary>DEQUANTIZE int16: <c>output[i] = scale · (input[i] − zeroPoint)</c>.</summary>
    /// <inheritdoc cref="Dequantize(ReadOnlySpan{sbyte}, float, int, Span{float})"/>
    public static void Dequantize(ReadOnlySpan<short> input, float scale, int zeroPoint, Span<float> output) =>
        Dequantize<Int16Source, short>(input, scale, zeroPoint, output);

    /// <summary>QUANTIZE to int8: <c>output[i] = clamp(round(input[i] / scale) + zeroPoint, -128, 127)</c>, ties away from zero.</summary>
    /// <param name="input">The real values.</param>
    /// <param name="scale">The output's scale.</param>
    /// <param name="zeroPoint">The output's zero point.</param>
    /// <param name="output">The quantized values, at least as long as the input.</param>
    public static void Quantize(ReadOnlySpan<float> input, float scale, int zeroPoint, Span<sbyte> output) =>
        Quantize<ByteSink, sbyte>(input, scale, zeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>QUANTIZE to uint8: <c>output[i] = clamp(round(input[i] / scale) + zeroPoint, 0, 255)</c>, ties away from zero.</summary>
    /// <inheritdoc cref="Quantize(ReadOnlySpan{float}, float, int, Span{sbyte})"/>
    public static void Quantize(ReadOnlySpan<float> input, float scale, int zeroPoint, Span<byte> output) =>
        Quantize<ByteSink, byte>(input, scale, zeroPoint, byte.MinValue, byte.MaxValue, output);

    /// <summary>QUANTIZE to int16: <c>output[i] = clamp(round(input[i] / scale) + zeroPoint, -32768, 32767)</c>, ties away from zero.</summary>
    /// <inheritdoc cref="Quantize(ReadOnlySpan{float}, float, int, Span{sbyte})"/>
    public static void Quantize(ReadOnlySpan<float> input, float scale, int zeroPoint, Span<short> output) =>
        Quantize<Int16Sink, short>(input, scale, zeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>
    /// Integer to integer, as TFLite's <c>Requantize</c> and the quantized RELU and LEAKY_RELU kernels compute it:
    /// <c>x = input[i] − inputZeroPoint</c>, then
    /// <c>clamp(MultiplyByQuantizedMultiplier(x, x ≥ 0 ? multiplier : negativeMultiplier, x ≥ 0 ? shift : negativeShift) + outputZeroPoint, min, max)</c>
    /// (one multiplier for both signs but LEAKY_RELU's).
    /// </summary>
    /// <param name="input">The quantized input.</param>
    /// <param name="requantization">The zero points, multipliers, shifts and clamp.</param>
    /// <param name="output">The quantized output, at least as long as the input; it may be the input when the types match.</param>
    public static void Requantize(ReadOnlySpan<sbyte> input, in IntegerRequantization requantization, Span<sbyte> output) =>
        Requantize<Int8Source, sbyte, ByteSink, sbyte>(input, requantization, output);

    /// <inheritdoc cref="Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>
    public static void Requantize(ReadOnlySpan<sbyte> input, in IntegerRequantization requantization, Span<byte> output) =>
        Requantize<Int8Source, sbyte, ByteSink, byte>(input, requantization, output);

    /// <inheritdoc cref="Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>
    public static void Requantize(ReadOnlySpan<sbyte> input, in IntegerRequantization requantization, Span<short> output) =>
        Requantize<Int8Source, sbyte, Int16Sink, short>(input, requantization, output);

    /// <inheritdoc cref="Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>
    public static void Requantize(ReadOnlySpan<byte> input, in IntegerRequantization requantization, Span<sbyte> output) =>
        Requantize<UInt8Source, byte, ByteSink, sbyte>(input, requantization, output);

    /// <inheritdoc cref="Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>
    public static void Requantize(ReadOnlySpan<short> input, in IntegerRequantization requantization, Span<sbyte> output) =>
        Requantize<Int16Source, short, ByteSink, sbyte>(input, requantization, output);

    /// <inheritdoc cref="Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>
    public static void Requantize(ReadOnlySpan<short> input, in IntegerRequantization requantization, Span<short> output) =>
        Requantize<Int16Source, short, Int16Sink, short>(input, requantization, output);

    private static void Requantize<TSource, TIn, TSink, TOut>(ReadOnlySpan<TIn> input, in IntegerRequantization q, Span<TOut> output)
        where TSource : struct, ILanes16Source<TIn>
        where TIn : unmanaged
        where TSink : struct, ILanes16Sink<TOut>
        where TOut : unmanaged
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref TIn x = ref MemoryMarshal.GetReference(input);
        ref TOut y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Vector256<int> zi = Vector256.Create(q.InputZeroPoint), zo = Vector256.Create(q.OutputZeroPoint), lo = Vector256.Create(q.Min), hi = Vector256.Create(q.Max);
            Vector256<int> m = Vector256.Create(q.Multiplier), s = Vector256.Create(q.Shift), mn = Vector256.Create(q.NegativeMultiplier), sn = Vector256.Create(q.NegativeShift);
            for (; i <= n - Block; i += Block)
            {
                (Vector256<int> a, Vector256<int> b) = TSource.Load16(ref Unsafe.Add(ref x, i));
                a -= zi;
                b -= zi;
                Vector256<int> na = Vector256.LessThan(a, Vector256<int>.Zero), nb = Vector256.LessThan(b, Vector256<int>.Zero);
                a = FixedPointLanes.MultiplyByQuantizedMultiplier(a, Vector256.ConditionalSelect(na, mn, m), Vector256.ConditionalSelect(na, sn, s)) + zo;
                b = FixedPointLanes.MultiplyByQuantizedMultiplier(b, Vector256.ConditionalSelect(nb, mn, m), Vector256.ConditionalSelect(nb, sn, s)) + zo;
                TSink.Store16(Vector256.Min(Vector256.Max(a, lo), hi), Vector256.Min(Vector256.Max(b, lo), hi), ref Unsafe.Add(ref y, i));
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> zi = Vector128.Create(q.InputZeroPoint), zo = Vector128.Create(q.OutputZeroPoint), lo = Vector128.Create(q.Min), hi = Vector128.Create(q.Max);
            Vector128<int> m = Vector128.Create(q.Multiplier), s = Vector128.Create(q.Shift), mn = Vector128.Create(q.NegativeMultiplier), sn = Vector128.Create(q.NegativeShift);
            for (; i <= n - Block; i += Block)
            {
                (Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) = TSource.Load16Narrow(ref Unsafe.Add(ref x, i));
                TSink.Store16(
                    Requantize(a - zi, m, s, mn, sn, zo, lo, hi),
                    Requantize(b - zi, m, s, mn, sn, zo, lo, hi),
                    Requantize(c - zi, m, s, mn, sn, zo, lo, hi),
                    Requantize(d - zi, m, s, mn, sn, zo, lo, hi),
                    ref Unsafe.Add(ref y, i));
            }
        }
        for (; i < n; i++)
        {
            int v = TSource.ToInt(Unsafe.Add(ref x, i)) - q.InputZeroPoint;
            v = v >= 0 ? FixedPoint.MultiplyByQuantizedMultiplier(v, q.Multiplier, q.Shift) : FixedPoint.MultiplyByQuantizedMultiplier(v, q.NegativeMultiplier, q.NegativeShift);
            Unsafe.Add(ref y, i) = TSink.FromInt(Math.Min(Math.Max(v + q.OutputZeroPoint, q.Min), q.Max));
        }
    }

    /// <summary>Four lanes of <see cref="Requantize{TSource, TIn, TSink, TOut}"/> after the input offset (requires <see cref="FixedPointLanes.IsVector128Supported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Requantize(Vector128<int> x, Vector128<int> m, Vector128<int> s, Vector128<int> mn, Vector128<int> sn, Vector128<int> zo, Vector128<int> lo, Vector128<int> hi)
    {
        Vector128<int> negative = Vector128.LessThan(x, Vector128<int>.Zero);
        x = FixedPointLanes.MultiplyByQuantizedMultiplier(x, Vector128.ConditionalSelect(negative, mn, m), Vector128.ConditionalSelect(negative, sn, s)) + zo;
        return FixedPointLanes.Min(FixedPointLanes.Max(x, lo), hi);
    }

    private static void Dequantize<TSource, T>(ReadOnlySpan<T> input, float scale, int zeroPoint, Span<float> output)
        where TSource : struct, ILanes16Source<T>
        where T : unmanaged
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<int> offset = Vector256.Create(zeroPoint);
            Vector256<float> s = Vector256.Create(scale);
            for (; i <= n - Block; i += Block)
            {
                (Vector256<int> a, Vector256<int> b) = TSource.Load16(ref Unsafe.Add(ref x, i));
                (s * Vector256.ConvertToSingle(a - offset)).StoreUnsafe(ref y, (nuint)i);
                (s * Vector256.ConvertToSingle(b - offset)).StoreUnsafe(ref y, (nuint)(i + 8));
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<int> offset = Vector128.Create(zeroPoint);
            Vector128<float> s = Vector128.Create(scale);
            for (; i <= n - Block; i += Block)
            {
                (Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) = TSource.Load16Narrow(ref Unsafe.Add(ref x, i));
                (s * Vector128.ConvertToSingle(a - offset)).StoreUnsafe(ref y, (nuint)i);
                (s * Vector128.ConvertToSingle(b - offset)).StoreUnsafe(ref y, (nuint)(i + 4));
                (s * Vector128.ConvertToSingle(c - offset)).StoreUnsafe(ref y, (nuint)(i + 8));
                (s * Vector128.ConvertToSingle(d - offset)).StoreUnsafe(ref y, (nuint)(i + 12));
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = scale * (TSource.ToInt(Unsafe.Add(ref x, i)) - zeroPoint);
        }
    }

    private static void Quantize<TSink, T>(ReadOnlySpan<float> input, float scale, int zeroPoint, int min, int max, Span<T> output)
        where TSink : struct, ILanes16Sink<T>
        where T : unmanaged
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref T y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(scale);
            Vector256<int> offset = Vector256.Create(zeroPoint), lo = Vector256.Create(min), hi = Vector256.Create(max);
            for (; i <= n - Block; i += Block)
            {
                Vector256<float> a = RoundAwayFromZero(Vector256.LoadUnsafe(ref x, (nuint)i) / s);
                Vector256<float> b = RoundAwayFromZero(Vector256.LoadUnsafe(ref x, (nuint)(i + 8)) / s);
                if (!InRange(a) || !InRange(b))
                {
                    Scalar<TSink, T>(ref x, scale, zeroPoint, min, max, ref y, i, i + Block);
                    continue;
                }
                TSink.Store16(
                    Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(a) + offset, lo), hi),
                    Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(b) + offset, lo), hi),
                    ref Unsafe.Add(ref y, i));
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s = Vector128.Create(scale);
            Vector128<int> offset = Vector128.Create(zeroPoint), lo = Vector128.Create(min), hi = Vector128.Create(max);
            for (; i <= n - Block; i += Block)
            {
                Vector128<float> a = RoundAwayFromZero(Vector128.LoadUnsafe(ref x, (nuint)i) / s);
                Vector128<float> b = RoundAwayFromZero(Vector128.LoadUnsafe(ref x, (nuint)(i + 4)) / s);
                Vector128<float> c = RoundAwayFromZero(Vector128.LoadUnsafe(ref x, (nuint)(i + 8)) / s);
                Vector128<float> d = RoundAwayFromZero(Vector128.LoadUnsafe(ref x, (nuint)(i + 12)) / s);
                if (!InRange(a) || !InRange(b) || !InRange(c) || !InRange(d))
                {
                    Scalar<TSink, T>(ref x, scale, zeroPoint, min, max, ref y, i, i + Block);
                    continue;
                }
                TSink.Store16(
                    Vector128.Min(Vector128.Max(Vector128.ConvertToInt32(a) + offset, lo), hi),
                    Vector128.Min(Vector128.Max(Vector128.ConvertToInt32(b) + offset, lo), hi),
                    Vector128.Min(Vector128.Max(Vector128.ConvertToInt32(c) + offset, lo), hi),
                    Vector128.Min(Vector128.Max(Vector128.ConvertToInt32(d) + offset, lo), hi),
                    ref Unsafe.Add(ref y, i));
            }
        }
        Scalar<TSink, T>(ref x, scale, zeroPoint, min, max, ref y, i, n);
    }

    /// <summary>The scalar code the generator wrote before these kernels, on elements [start, end).</summary>
    private static void Scalar<TSink, T>(ref float x, float scale, int zeroPoint, int min, int max, ref T y, int start, int end)
        where TSink : struct, ILanes16Sink<T>
        where T : unmanaged
    {
        for (int i = start; i < end; i++)
        {
            int q = (int)MathF.Round(Unsafe.Add(ref x, i) / scale, MidpointRounding.AwayFromZero) + zeroPoint;
            Unsafe.Add(ref y, i) = TSink.FromInt(Math.Min(Math.Max(q, min), max));
        }
    }

    /// <summary>Whether every lane is a number within ±2^30, where conversion and offset cannot overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InRange(Vector256<float> rounded) => Vector256.LessThanAll(Vector256.Abs(rounded), Vector256.Create(1073741824f));

    /// <inheritdoc cref="InRange(Vector256{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InRange(Vector128<float> rounded) => Vector128.LessThanAll(Vector128.Abs(rounded), Vector128.Create(1073741824f));

    /// <summary>
    /// <c>MathF.Round(q, MidpointRounding.AwayFromZero)</c> per lane: the truncation, plus the sign of <c>q</c> where the
    /// fraction (exact: <c>q</c> minus its truncation) is at least one half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RoundAwayFromZero(Vector256<float> q)
    {
        Vector256<float> negative = Vector256.LessThan(q, Vector256<float>.Zero);
        Vector256<float> truncated = Vector256.ConditionalSelect(negative, Vector256.Ceiling(q), Vector256.Floor(q));
        Vector256<float> half = Vector256.GreaterThanOrEqual(Vector256.Abs(q - truncated), Vector256.Create(0.5f));
        Vector256<float> step = Vector256.ConditionalSelect(negative, Vector256.Create(-1f), Vector256<float>.One);
        return truncated + (step & half);
    }

    /// <inheritdoc cref="RoundAwayFromZero(Vector256{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RoundAwayFromZero(Vector128<float> q)
    {
        Vector128<float> negative = Vector128.LessThan(q, Vector128<float>.Zero);
        Vector128<float> truncated = Vector128.ConditionalSelect(negative, Vector128.Ceiling(q), Vector128.Floor(q));
        Vector128<float> half = Vector128.GreaterThanOrEqual(Vector128.Abs(q - truncated), Vector128.Create(0.5f));
        Vector128<float> step = Vector128.ConditionalSelect(negative, Vector128.Create(-1f), Vector128<float>.One);
        return truncated + (step & half);
    }
}

/// <summary>The constants of <see cref="QuantizationKernels.Requantize(ReadOnlySpan{sbyte}, in IntegerRequantization, Span{sbyte})"/>.</summary>
/// <param name="InputZeroPoint">Subtracted from each input first.</param>
/// <param name="Multiplier">The Q0.31 multiplier for offset inputs at or above zero.</param>
/// <param name="Shift">Its power-of-two exponent, in [−31, 30].</param>
/// <param name="NegativeMultiplier">The multiplier for offset inputs below zero (LEAKY_RELU's alpha side; else <paramref name="Multiplier"/>).</param>
/// <param name="NegativeShift">Its exponent.</param>
/// <param name="OutputZeroPoint">Added after the multiply.</param>
/// <param name="Min">The lower clamp, within the output type.</param>
/// <param name="Max">The upper clamp, within the output type.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct IntegerRequantization(int InputZeroPoint, int Multiplier, int Shift, int NegativeMultiplier, int NegativeShift, int OutputZeroPoint, int Min, int Max);
