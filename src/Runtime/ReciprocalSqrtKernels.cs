using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// TFLM's int16 RSQRT (elementwise.cc <c>RsqrtEvalQuantized</c>, zero points 0), every lane bit for bit
/// <see cref="QuantizedReciprocalSqrt.Compute"/>: each value's leading bits normalize it (the exponent of the value as
/// a float, exact for int16), five Newton-Raphson steps in gemmlowp fixed point give <c>1 / sqrt</c> as a Q0.31
/// multiplier, which is applied to 1 with 20 guard bits and then requantized. Sixteen lanes with AVX-512F, eight with
/// AVX2, four with SSE4.1 or ARM64's AdvSimd, then one value at a time (<see cref="Tier"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ReciprocalSqrtKernels
{
    /// <summary>The bits <c>RsqrtEvalQuantized</c> keeps between its two multiplications.</summary>
    private const int GuardShift = 20;

    /// <summary>The widest lanes the loop takes on this machine (those of <see cref="QuantizedBinaryKernels"/>): AVX-512F, AVX2, SSE4.1 or AdvSimd, else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => QuantizedBinaryKernels.Tier;
    }

    /// <summary>
    /// <c>output[i] = clamp(RsqrtEvalQuantized(input[i]))</c> for int16 tensors with zero points 0: an input of 0 gives
    /// 32767, and inputs of 1 or less (negative ones, which TFLM rejects at Invoke, included) the largest multiplier.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="multiplier">The Q0.31 multiplier of <c>1 / (sqrt(input scale) · output scale)</c>.</param>
    /// <param name="shift">Its exponent, as TFLite's <c>QuantizeMultiplier</c> gives it ([−31, 30]).</param>
    /// <param name="output">The result, at least as long as the input; it may be the input.</param>
    public static void Int16(ReadOnlySpan<short> input, int multiplier, int shift, Span<short> output)
    {
        QuantizedBinaryKernels.CheckShift(shift, nameof(shift));
        int n = input.Length;
        output = output.Slice(0, n);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref short y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Avx512)
        {
            i = Run<FixedPointVector512, Vector512<int>>(ref x, ref y, i, n, multiplier, shift);
        }
        if (tier >= InstructionTier.Avx2)
        {
            i = Run<FixedPointVector256, Vector256<int>>(ref x, ref y, i, n, multiplier, shift);
        }
        if (tier != InstructionTier.Scalar)
        {
            i = Run<FixedPointVector128, Vector128<int>>(ref x, ref y, i, n, multiplier, shift);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = (short)QuantizedReciprocalSqrt.Compute(Unsafe.Add(ref x, i), multiplier, shift, 0, short.MinValue, short.MaxValue);
        }
    }

    /// <summary>Whole vectors from <paramref name="i"/>; returns where the next width starts.</summary>
    private static int Run<TLanes, TVector>(ref short x, ref short y, int i, int n, int multiplier, int shift)
        where TLanes : struct, IFixedPointVector<TVector>
        where TVector : struct
    {
        for (; i <= n - TLanes.Count; i += TLanes.Count)
        {
            TLanes.Store(Element<TLanes, TVector>(TLanes.Load(ref x, i), multiplier, shift), ref y, i);
        }
        return i;
    }

    /// <summary>
    /// <see cref="QuantizedReciprocalSqrt.Compute"/> on every lane (outputs clamped to int16). For int16 inputs the
    /// normalization loop of <c>GetInvSqrtQuantizedMultiplierExp</c> never runs (inputs are below 2^29) and its exponent
    /// starts at 11. Not inlined: the loop around it would use up the JIT's inlining budget before the lane
    /// operations here, which must all inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TVector Element<TLanes, TVector>(TVector value, int multiplier, int shift)
        where TLanes : struct, IFixedPointVector<TVector>
        where TVector : struct
    {
        TVector one = TLanes.Create(1), two = TLanes.Create(2);
        // Inputs of 1 or less take the largest multiplier and exponent 0; the lanes compute 2 and select at the end.
        TVector small = TLanes.GreaterThan(two, value);
        TVector input = TLanes.Max(value, two);

        // Normalize: shift left by pairs of bits until bit 29 or 28 is the leading one. With e = ⌊log2 input⌋ the
        // leading zeros are 31 − e, so leftShiftBitPairs = (30 − e) / 2 − 1 and the exponent 11 − that.
        TVector pairs = TLanes.Subtract(TLanes.ShiftRightArithmetic(TLanes.Subtract(TLanes.Create(30), TLanes.Log2(input)), 1), one);
        TVector exponent = TLanes.Subtract(TLanes.Create(11), pairs);
        input = TLanes.MultiplyLow(input, TLanes.PowerOfTwo(TLanes.Add(pairs, pairs)));

        // Newton-Raphson in Q3.28, as QuantizedReciprocalSqrt.InvSqrtMultiplierExp: halfInput is input / 2 rounded.
        TVector halved = TLanes.ShiftRightArithmetic(input, 1);
        TVector halfInput = TLanes.Add(TLanes.ShiftRightArithmetic(halved, 1), TLanes.And(halved, one));
        TVector halfThree = TLanes.Create((1 << 28) + (1 << 27));
        TVector x = TLanes.Create(1 << 28);
        for (int step = 0; step < 5; step++)
        {
            TVector x3 = SaturatingShiftLeft<TLanes, TVector>(TLanes.HighMul(TLanes.HighMul(x, x), x), 6);
            x = SaturatingShiftLeft<TLanes, TVector>(TLanes.Subtract(TLanes.HighMul(halfThree, x), TLanes.HighMul(halfInput, x3)), 3);
        }
        TVector result = TLanes.HighMul(x, TLanes.Create(1518500250)); // sqrt(2) / 2 in Q0.31

        // A negative exponent moves into the multiplier (a left shift by 1 or 2 here), leaving exponent 0.
        TVector zero = TLanes.Create(0);
        result = TLanes.MultiplyLow(result, TLanes.PowerOfTwo(TLanes.Max(TLanes.Subtract(zero, exponent), zero)));
        exponent = TLanes.Max(exponent, zero);
        result = TLanes.Select(small, TLanes.Create(int.MaxValue), result);
        exponent = TLanes.Select(small, zero, exponent);

        // MultiplyByQuantizedMultiplier(1, result, 20 − exponent): a left shift of 16 to 20 bits, no right shift.
        TVector data = TLanes.HighMul(TLanes.PowerOfTwo(TLanes.Subtract(TLanes.Create(GuardShift), exponent)), result);
        TVector output = TLanes.MultiplyByQuantizedMultiplier(data, multiplier, shift - GuardShift);
        output = TLanes.Min(TLanes.Max(output, TLanes.Create(short.MinValue)), TLanes.Create(short.MaxValue));
        // An input of 0 gives the largest output, as TFLM.
        return TLanes.Select(TLanes.Equals(value, zero), TLanes.Create(short.MaxValue), output);
    }

    /// <summary>gemmlowp's <c>SaturatingRoundingMultiplyByPOT</c> for a positive exponent: a left shift that saturates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector SaturatingShiftLeft<TLanes, TVector>(TVector x, int exponent)
        where TLanes : struct, IFixedPointVector<TVector>
        where TVector : struct
    {
        int threshold = (1 << (31 - exponent)) - 1;
        TVector shifted = TLanes.ShiftLeft(x, exponent);
        shifted = TLanes.Select(TLanes.GreaterThan(x, TLanes.Create(threshold)), TLanes.Create(int.MaxValue), shifted);
        return TLanes.Select(TLanes.GreaterThan(TLanes.Create(-threshold), x), TLanes.Create(int.MinValue), shifted);
    }
}
