using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The row loops of TensorFlow Lite Micro's SOFTMAX (reference/softmax.h), bit for bit: the row maximum on 128-bit
/// vectors, the int8 kernel's fixed-point output stage four values at a time, and the float kernel's normalization.
/// What stays one value at a time, and why: the int8 kernel's exponentials are table look-ups (gathers, which neither
/// SSE nor AdvSimd has), and the float kernel's <c>exp</c> is the C library's, which a vector polynomial would not
/// round the same way; its sum is sequential, as TFLM's float additions are.
/// </summary>
/// <remarks>
/// Rows are short (a classifier's classes, two to a few thousand), so 128-bit vectors are the width here: wider ones
/// would leave most rows to the scalar remainder.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SoftmaxKernels
{
    /// <summary>
    /// The path the row loops take on this machine: 128-bit vectors where the fixed-point lanes run as vector code
    /// (SSE4.1 or AdvSimd), else scalar.
    /// </summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => FixedPointLanes.IsVector128Supported && Vector128.IsHardwareAccelerated ? InstructionTier.Vector128 : InstructionTier.Scalar;
    }

    /// <summary>The row's largest value (TFLM's running <c>std::max</c> from the type's lowest value).</summary>
    /// <param name="row">The row.</param>
    public static int Max(ReadOnlySpan<sbyte> row) => MaxOf(row);

    /// <inheritdoc cref="Max(ReadOnlySpan{sbyte})"/>
    public static int Max(ReadOnlySpan<short> row) => MaxOf(row);

    /// <summary>
    /// The row's largest value as TFLM's float kernel finds it: a NaN never becomes the maximum. Of a row whose largest
    /// values are <c>+0</c> and <c>−0</c> either may be returned; every difference <c>x − max</c> is the same then
    /// except in the sign of a zero, whose exponential is 1 either way.
    /// </summary>
    /// <param name="row">The row.</param>
    public static float Max(ReadOnlySpan<float> row) => MaxOf(row);

    /// <summary>
    /// TFLM's int8 SOFTMAX of one row to int8 output (scale 1/256, zero point −128): the row maximum, the Q12.19 sum
    /// of <c>expSum[max − x]</c>, its fixed-point reciprocal, then each <c>exp[max − x]</c> scaled by it.
    /// </summary>
    /// <param name="input">The row.</param>
    /// <param name="exp">exp(beta · scale · d) in Q0.31 for each difference d = 0, −1, …, −255 to the maximum (index −d).</param>
    /// <param name="expSum">The same exponentials in Q12.19, the terms of the row's sum.</param>
    /// <param name="output">The row's probabilities, as long as <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or a table has fewer than 256 entries.</exception>
    public static void Int8(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> exp, ReadOnlySpan<int> expSum, Span<sbyte> output) =>
        Int8Row<sbyte>(input, exp, expSum, output);

    /// <summary>TFLM's int8 SOFTMAX of one row to int16 output (scale 1/65536, zero point −32768).</summary>
    /// <inheritdoc cref="Int8(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{sbyte})"/>
    public static void Int8(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> exp, ReadOnlySpan<int> expSum, Span<short> output) =>
        Int8Row<short>(input, exp, expSum, output);

    /// <summary>
    /// TFLM's float SOFTMAX of one row: <c>e = exp((x − max) · beta)</c> value by value with <see cref="MathF.Exp"/>,
    /// summed in order, then each <c>e / sum</c>.
    /// </summary>
    /// <param name="input">The row.</param>
    /// <param name="output">The row's probabilities, as long as <paramref name="input"/>.</param>
    /// <param name="beta">The softmax's beta.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Float(ReadOnlySpan<float> input, Span<float> output, float beta)
    {
        CheckLengths(input.Length, output.Length);
        float max = MaxOf(input);
        float sum = 0f;
        for (int c = 0; c < input.Length; c++)
        {
            float e = MathF.Exp((input[c] - max) * beta);
            output[c] = e;
            sum += e;
        }
        ref float y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Tier == InstructionTier.Vector128)
        {
            Vector128<float> divisor = Vector128.Create(sum);
            for (; i <= output.Length - 4; i += 4)
            {
                (Vector128.LoadUnsafe(ref y, (nuint)i) / divisor).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < output.Length; i++)
        {
            Unsafe.Add(ref y, i) /= sum;
        }
    }

    /// <summary>
    /// TFLM's int16 SOFTMAX of one row (Q0.15 output): each difference to the row maximum scaled by
    /// <c>MultiplyByQuantizedMultiplier</c> onto [−10, 0] and looked up in the interpolated exp table, the Q16.15 sum
    /// inverted with the 1 / (1 + x) table, then each exponential scaled by the reciprocal. The scaling and the output
    /// stage run in lanes; the two table look-ups are gathers (which SSE and AdvSimd lack), value by value.
    /// </summary>
    /// <param name="input">The row.</param>
    /// <param name="inputMultiplier">The Q0.31 multiplier of the differences.</param>
    /// <param name="inputShift">Its exponent, in [−31, 30].</param>
    /// <param name="expLut">TFLM's exp table (513 entries).</param>
    /// <param name="reciprocalLut">TFLM's 1 / (1 + x) table (513 entries).</param>
    /// <param name="output">The row's probabilities, as long as <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ, or a table has fewer than 513 entries.</exception>
    public static void Int16(ReadOnlySpan<short> input, int inputMultiplier, int inputShift, ReadOnlySpan<short> expLut, ReadOnlySpan<short> reciprocalLut, Span<short> output)
    {
        CheckLengths(input.Length, output.Length);
        if (expLut.Length < 513 || reciprocalLut.Length < 513)
        {
            ThrowHelper.ThrowWrongLength(expLut.Length < 513 ? nameof(expLut) : nameof(reciprocalLut), "softmax look-up table", 513, Math.Min(expLut.Length, reciprocalLut.Length));
        }
        QuantizedBinaryKernels.CheckShift(inputShift, nameof(inputShift));
        int n = input.Length;
        if (n == 0)
        {
            return;
        }
        int max = MaxOf(input);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref short y = ref MemoryMarshal.GetReference(output);
        int sum = 0; // Q16.15; int32 sums wrap the same in any order.
        int i = 0;
        bool vector = Tier == InstructionTier.Vector128;
        if (vector)
        {
            Vector128<int> multiplier = Vector128.Create(inputMultiplier), maximum = Vector128.Create(max), sums = Vector128<int>.Zero;
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> differences = QuantizedBinaryKernels.Widen4<short, BinaryKernels.Elements>(ref x, i) - maximum;
                Vector128<int> scaled = Requantization.Clamp(FixedPointLanes.MultiplyByQuantizedMultiplier(differences, multiplier, inputShift), 32767, short.MinValue, short.MaxValue);
                Vector128<int> e = Vector128.Create(
                    (int)SoftmaxMath.LookupInt16(scaled.GetElement(0), expLut), SoftmaxMath.LookupInt16(scaled.GetElement(1), expLut),
                    SoftmaxMath.LookupInt16(scaled.GetElement(2), expLut), SoftmaxMath.LookupInt16(scaled.GetElement(3), expLut));
                sums += e;
                // The output holds the exponentials until the sum is known, as in TFLM.
                QuantizedBinaryKernels.Store4(e, ref y, i);
            }
            sum = Vector128.Sum(sums);
        }
        for (; i < n; i++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref x, i) - max, inputMultiplier, inputShift) + 32767;
            short e = SoftmaxMath.LookupInt16(Math.Min(Math.Max(scaled, short.MinValue), short.MaxValue), expLut);
            Unsafe.Add(ref y, i) = e;
            sum += e;
        }

        int headroomPlusOne = BitOperations.LeadingZeroCount((uint)sum);
        int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
        int reciprocal = SoftmaxMath.LookupInt16(Math.Min(Math.Max(shiftedSum - ((1 << 15) + (1 << 16)), short.MinValue), short.MaxValue), reciprocalLut);
        int rightShift = 31 - headroomPlusOne;
        long round = 1L << (rightShift - 1);
        i = 0;
        // e · reciprocal + round < 2^30 + 2^29 whenever the shift is in [1, 30] (both factors are below 2^15): int32 lanes hold it.
        if (vector && rightShift is >= 1 and <= 30)
        {
            Vector128<int> factor = Vector128.Create(reciprocal), rounding = Vector128.Create((int)round);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> e = QuantizedBinaryKernels.Widen4<short, BinaryKernels.Elements>(ref y, i);
                Vector128<int> product = Sse41.IsSupported ? Sse41.MultiplyLow(e, factor) : e * factor;
                Vector128<int> result = Vector128.ShiftRightArithmetic(product + rounding, rightShift);
                QuantizedBinaryKernels.Store4(Requantization.Clamp(result, 0, 0, short.MaxValue), ref y, i);
            }
        }
        for (; i < n; i++)
        {
            int result = (int)(((long)Unsafe.Add(ref y, i) * reciprocal + round) >> rightShift);
            Unsafe.Add(ref y, i) = (short)Math.Min(Math.Max(result, 0), short.MaxValue);
        }
    }

    private static void Int8Row<TOutput>(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> exp, ReadOnlySpan<int> expSum, Span<TOutput> output)
        where TOutput : unmanaged
    {
        CheckLengths(input.Length, output.Length);
        if (exp.Length < 256 || expSum.Length < 256)
        {
            ThrowHelper.ThrowWrongLength(exp.Length < 256 ? nameof(exp) : nameof(expSum), "softmax exponentials", 256, Math.Min(exp.Length, expSum.Length));
        }
        int n = input.Length;
        if (n == 0)
        {
            return;
        }
        int max = MaxOf(input);
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref int e = ref MemoryMarshal.GetReference(exp);
        ref int eSum = ref MemoryMarshal.GetReference(expSum);
        int sum = 0; // Q12.19; int32 sums wrap the same in any order, and these never wrap.
        for (int c = 0; c < n; c++)
        {
            sum += Unsafe.Add(ref eSum, max - Unsafe.Add(ref x, c));
        }
        int outputBits = Unsafe.SizeOf<TOutput>() * 8;
        int min = outputBits == 16 ? short.MinValue : sbyte.MinValue, top = outputBits == 16 ? short.MaxValue : sbyte.MaxValue;
        int scale = SoftmaxMath.Reciprocal(sum, 12, out int bitsOverUnit);
        int exponent = bitsOverUnit + 31 - outputBits;
        ref TOutput y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        // Past 31 (rows of hundreds of equal maxima) the scalar shift's count wraps as TFLM's does on x86: stay scalar.
        if (Tier == InstructionTier.Vector128 && exponent <= 31)
        {
            Vector128<int> multiplier = Vector128.Create(scale), low = Vector128.Create(min), high = Vector128.Create(top);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> terms = Vector128.Create(
                    Unsafe.Add(ref e, max - Unsafe.Add(ref x, i)),
                    Unsafe.Add(ref e, max - Unsafe.Add(ref x, i + 1)),
                    Unsafe.Add(ref e, max - Unsafe.Add(ref x, i + 2)),
                    Unsafe.Add(ref e, max - Unsafe.Add(ref x, i + 3)));
                // RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(scale, e), exponent): the rounding doubling
                // high multiply is symmetric, so this is MultiplyByQuantizedMultiplier(e, scale, −exponent).
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(terms, multiplier, -exponent) + low;
                v = FixedPointLanes.Min(FixedPointLanes.Max(v, low), high);
                Vector128<short> narrow = Vector128.Narrow(v, v);
                if (outputBits == 16)
                {
                    Unsafe.WriteUnaligned(ref Unsafe.As<TOutput, byte>(ref Unsafe.Add(ref y, i)), narrow.AsInt64().ToScalar());
                }
                else
                {
                    Unsafe.WriteUnaligned(ref Unsafe.As<TOutput, byte>(ref Unsafe.Add(ref y, i)), Vector128.Narrow(narrow, narrow).AsInt32().ToScalar());
                }
            }
        }
        for (; i < n; i++)
        {
            int v = FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(scale, Unsafe.Add(ref e, max - Unsafe.Add(ref x, i))), exponent) + min;
            v = Math.Min(Math.Max(v, min), top);
            if (outputBits == 16)
            {
                Unsafe.As<TOutput, short>(ref Unsafe.Add(ref y, i)) = (short)v;
            }
            else
            {
                Unsafe.As<TOutput, sbyte>(ref Unsafe.Add(ref y, i)) = (sbyte)v;
            }
        }
    }

    /// <summary>The running maximum, sixteen bytes of the row per step on the vector path, then across the lanes and the rest.</summary>
    private static T MaxOf<T>(ReadOnlySpan<T> row)
        where T : unmanaged, INumber<T>
    {
        ref T x = ref MemoryMarshal.GetReference(row);
        T max = PoolingLanes1<T>.Lowest;
        int i = 0, n = row.Length;
        if (Tier == InstructionTier.Vector128 && n >= Vector128<T>.Count)
        {
            Vector128<T> acc = Vector128.Create(max);
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                acc = PoolingLanes128<T>.Max(acc, Vector128.LoadUnsafe(ref x, (nuint)i));
            }
            for (int lane = 0; lane < Vector128<T>.Count; lane++)
            {
                max = PoolingLanes1<T>.Max(max, acc.GetElement(lane));
            }
        }
        for (; i < n; i++)
        {
            max = PoolingLanes1<T>.Max(max, Unsafe.Add(ref x, i));
        }
        return max;
    }

    private static void CheckLengths(int inputLength, int outputLength)
    {
        if (outputLength != inputLength)
        {
            ThrowHelper.ThrowWrongLength("output", "softmax row", inputLength, outputLength);
        }
    }
}
