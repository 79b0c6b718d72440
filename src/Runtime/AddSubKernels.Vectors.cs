using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// The int8 kernel's vector forms, 512, 256 and 128 bits wide: the same arithmetic on sixteen, eight or four
// lanes. AddSubQuantization derives their constants and checks the input form on every int8 value.
public static partial class AddSubKernels
{
    /// <summary>One vector of sixteen elements: both inputs rescaled, combined, rescaled to the output, offset and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Element<TOperation>(Vector512<int> x, Vector512<int> y, in Scales512 c)
        where TOperation : struct, IOperation
    {
        Vector512<int> r = ScaleOutput(TOperation.Apply(ScaleInput(x, c.Input1), ScaleInput(y, c.Input2)), c) + c.OutputOffset;
        return c.Clamps ? Vector512.Min(Vector512.Max(r, c.Min), c.Max) : r;
    }

    /// <summary>An int8 input's rescaling in 32-bit lanes (<see cref="AddSubQuantization.Input"/> derives and checks the form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ScaleInput(Vector512<int> q, in InputScale512 c)
    {
        Vector512<int> high = q * c.High + c.HighConstant;
        if (c.BreaksTies)
        {
            high += Vector512.LessThan(q, c.NegativeBelow);
        }
        Vector512<int> low = Vector512.ShiftRightArithmetic(q * c.Low + c.LowConstant, c.LowBits);
        return Vector512.ShiftRightArithmetic(high + low, c.Exponent);
    }

    /// <inheritdoc cref="ScaleOutput(Vector256{int}, in Scales256)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> ScaleOutput(Vector512<int> s, in Scales512 c)
    {
        Vector512<int> twice = s + s;
        Vector512<long> even = Avx512F.Multiply(twice, c.OutputMultiplier) + c.OutputRounding;
        Vector512<long> odd = Avx512F.Multiply(Vector512.ShiftRightLogical(twice.AsInt64(), 32).AsInt32(), c.OutputMultiplier) + c.OutputRounding;
        Vector512<int> high = Vector512.ConditionalSelect(Vector512.Create(0xFFFFFFFF00000000UL).AsInt32(), odd.AsInt32(), Vector512.ShiftRightLogical(even, 32).AsInt32());
        return Vector512.ShiftRightArithmetic(high + Vector512.LessThan(s, c.OutputNegativeBelow), c.OutputExponent);
    }

    /// <summary>Sixteen int8 values, sign-extended to int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Load16(ref sbyte source, int offset) =>
        Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source, (nuint)offset));

    /// <summary>The constants of one input's rescaling, broadcast.</summary>
    private readonly struct InputScale512(in AddSubQuantization.Input input)
    {
        public readonly bool BreaksTies = input.NegativeBelow != int.MinValue;
        public readonly int LowBits = input.LowBits, Exponent = -input.Shift;
        public readonly Vector512<int> High = Vector512.Create(input.MultiplierHigh), HighConstant = Vector512.Create(input.HighConstant);
        public readonly Vector512<int> Low = Vector512.Create(input.MultiplierLow), LowConstant = Vector512.Create(input.LowConstant);
        public readonly Vector512<int> NegativeBelow = Vector512.Create(input.NegativeBelow);
    }

    /// <summary>Every constant of the int8 kernel, broadcast once per call.</summary>
    private readonly struct Scales512(in AddSubQuantization q)
    {
        public readonly bool Clamps = q.Min > sbyte.MinValue || q.Max < sbyte.MaxValue;
        public readonly InputScale512 Input1 = new(q.Input1), Input2 = new(q.Input2);
        public readonly int OutputExponent = -q.OutputShift;
        public readonly Vector512<int> OutputMultiplier = Vector512.Create(q.OutputMultiplier), OutputNegativeBelow = Vector512.Create(q.OutputNegativeBelow);
        public readonly Vector512<long> OutputRounding = Vector512.Create(q.OutputRounding);
        public readonly Vector512<int> OutputOffset = Vector512.Create(q.OutputOffset), Min = Vector512.Create(q.Min), Max = Vector512.Create(q.Max);
    }

    /// <summary>One vector of elements: both inputs rescaled, combined, rescaled to the output, offset and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Element<TOperation>(Vector256<int> x, Vector256<int> y, in Scales256 c)
        where TOperation : struct, IOperation
    {
        Vector256<int> r = ScaleOutput(TOperation.Apply(ScaleInput(x, c.Input1), ScaleInput(y, c.Input2)), c) + c.OutputOffset;
        return c.Clamps ? Vector256.Min(Vector256.Max(r, c.Min), c.Max) : r;
    }

    /// <inheritdoc cref="Element{TOperation}(Vector256{int}, Vector256{int}, in Scales256)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Element<TOperation>(Vector128<int> x, Vector128<int> y, in Scales128 c)
        where TOperation : struct, IOperation
    {
        Vector128<int> r = ScaleOutput(TOperation.Apply(ScaleInput(x, c.Input1), ScaleInput(y, c.Input2)), c) + c.OutputOffset;
        return c.Clamps ? Vector128.Min(Vector128.Max(r, c.Min), c.Max) : r;
    }

    /// <summary>An int8 input's rescaling in 32-bit lanes (<see cref="AddSubQuantization.Input"/> derives and checks the form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ScaleInput(Vector256<int> q, in InputScale256 c)
    {
        Vector256<int> high = q * c.High + c.HighConstant;
        if (c.BreaksTies)
        {
            high += Vector256.LessThan(q, c.NegativeBelow);
        }
        Vector256<int> low = Vector256.ShiftRightArithmetic(q * c.Low + c.LowConstant, c.LowBits);
        return Vector256.ShiftRightArithmetic(high + low, c.Exponent);
    }

    /// <inheritdoc cref="ScaleInput(Vector256{int}, in InputScale256)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ScaleInput(Vector128<int> q, in InputScale128 c)
    {
        Vector128<int> high = q * c.High + c.HighConstant;
        if (c.BreaksTies)
        {
            high += Vector128.LessThan(q, c.NegativeBelow);
        }
        Vector128<int> low = Vector128.ShiftRightArithmetic(q * c.Low + c.LowConstant, c.LowBits);
        return Vector128.ShiftRightArithmetic(high + low, c.Exponent);
    }

    /// <summary>
    /// TFLM's output rescaling, <c>RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(s, m), e)</c>, for sums below
    /// 2^30 in magnitude (int8 inputs give less than 2^29). Its two roundings are one floor,
    /// <c>floor((2·s·m + 2^31 + 2^(31+e) − c·2^32) / 2^(32+e))</c> with <c>c = [s·m &lt; −2^30]</c>: the high half of
    /// each 64-bit product of <c>2s</c> (<c>vpmuldq</c>) plus the rounding constant, minus <c>c</c>, shifted by e.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ScaleOutput(Vector256<int> s, in Scales256 c)
    {
        Vector256<int> twice = s + s;
        Vector256<long> even = Avx2.Multiply(twice, c.OutputMultiplier) + c.OutputRounding;
        Vector256<long> odd = Avx2.Multiply(Vector256.ShiftRightLogical(twice.AsInt64(), 32).AsInt32(), c.OutputMultiplier) + c.OutputRounding;
        Vector256<int> high = Avx2.Blend(Vector256.ShiftRightLogical(even, 32).AsInt32(), odd.AsInt32(), 0b1010_1010);
        return Vector256.ShiftRightArithmetic(high + Vector256.LessThan(s, c.OutputNegativeBelow), c.OutputExponent);
    }

    /// <inheritdoc cref="ScaleOutput(Vector256{int}, in Scales256)"/>
    /// <remarks>On ARM, <c>SQRDMULH</c> is the rounding doubling high multiply itself, and the rounding right shift follows in 32 bits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ScaleOutput(Vector128<int> s, in Scales128 c)
    {
        if (AdvSimd.IsSupported)
        {
            Vector128<int> h = AdvSimd.MultiplyRoundedDoublingSaturateHigh(s, c.OutputMultiplier);
            return Vector128.ShiftRightArithmetic(h + c.OutputHalf + Vector128.ShiftRightArithmetic(h, 31), c.OutputExponent);
        }
        Vector128<int> twice = s + s;
        Vector128<long> even = Sse41.Multiply(twice, c.OutputMultiplier) + c.OutputRounding;
        Vector128<long> odd = Sse41.Multiply(Vector128.ShiftRightLogical(twice.AsInt64(), 32).AsInt32(), c.OutputMultiplier) + c.OutputRounding;
        Vector128<int> high = Sse41.Blend(Vector128.ShiftRightLogical(even, 32).AsInt16(), odd.AsInt16(), 0b1100_1100).AsInt32();
        return Vector128.ShiftRightArithmetic(high + Vector128.LessThan(s, c.OutputNegativeBelow), c.OutputExponent);
    }

    /// <summary>Eight int8 values, sign-extended to int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load8(ref sbyte source, int offset) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref source, offset)))).AsSByte());

    /// <summary>Narrows two vectors of int32 to int16, saturating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> NarrowSaturate(Vector128<int> low, Vector128<int> high) =>
        Sse2.IsSupported ? Sse2.PackSignedSaturate(low, high) : AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(low), high);

    /// <summary>Narrows two vectors of int16 to int8, saturating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> NarrowSaturate(Vector128<short> low, Vector128<short> high) =>
        Sse2.IsSupported ? Sse2.PackSignedSaturate(low, high) : AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(low), high);

    /// <summary>The constants of one input's rescaling, broadcast.</summary>
    private readonly struct InputScale256(in AddSubQuantization.Input input)
    {
        public readonly bool BreaksTies = input.NegativeBelow != int.MinValue;
        public readonly int LowBits = input.LowBits, Exponent = -input.Shift;
        public readonly Vector256<int> High = Vector256.Create(input.MultiplierHigh), HighConstant = Vector256.Create(input.HighConstant);
        public readonly Vector256<int> Low = Vector256.Create(input.MultiplierLow), LowConstant = Vector256.Create(input.LowConstant);
        public readonly Vector256<int> NegativeBelow = Vector256.Create(input.NegativeBelow);
    }

    /// <summary>The constants of one input's rescaling, broadcast.</summary>
    private readonly struct InputScale128(in AddSubQuantization.Input input)
    {
        public readonly bool BreaksTies = input.NegativeBelow != int.MinValue;
        public readonly int LowBits = input.LowBits, Exponent = -input.Shift;
        public readonly Vector128<int> High = Vector128.Create(input.MultiplierHigh), HighConstant = Vector128.Create(input.HighConstant);
        public readonly Vector128<int> Low = Vector128.Create(input.MultiplierLow), LowConstant = Vector128.Create(input.LowConstant);
        public readonly Vector128<int> NegativeBelow = Vector128.Create(input.NegativeBelow);
    }

    /// <summary>Every constant of the int8 kernel, broadcast once per call.</summary>
    private readonly struct Scales256(in AddSubQuantization q)
    {
        public readonly bool Clamps = q.Min > sbyte.MinValue || q.Max < sbyte.MaxValue;
        public readonly InputScale256 Input1 = new(q.Input1), Input2 = new(q.Input2);
        public readonly int OutputExponent = -q.OutputShift;
        public readonly Vector256<int> OutputMultiplier = Vector256.Create(q.OutputMultiplier), OutputNegativeBelow = Vector256.Create(q.OutputNegativeBelow);
        public readonly Vector256<long> OutputRounding = Vector256.Create(q.OutputRounding);
        public readonly Vector256<int> OutputOffset = Vector256.Create(q.OutputOffset), Min = Vector256.Create(q.Min), Max = Vector256.Create(q.Max);
    }

    /// <summary>Every constant of the int8 kernel, broadcast once per call.</summary>
    private readonly struct Scales128(in AddSubQuantization q)
    {
        public readonly bool Clamps = q.Min > sbyte.MinValue || q.Max < sbyte.MaxValue;
        public readonly InputScale128 Input1 = new(q.Input1), Input2 = new(q.Input2);
        public readonly int OutputExponent = -q.OutputShift;
        public readonly Vector128<int> OutputMultiplier = Vector128.Create(q.OutputMultiplier), OutputNegativeBelow = Vector128.Create(q.OutputNegativeBelow);
        public readonly Vector128<long> OutputRounding = Vector128.Create(q.OutputRounding);
        public readonly Vector128<int> OutputHalf = Vector128.Create(q.OutputShift < 0 ? 1 << (-q.OutputShift - 1) : 0);
        public readonly Vector128<int> OutputOffset = Vector128.Create(q.OutputOffset), Min = Vector128.Create(q.Min), Max = Vector128.Create(q.Max);
    }
}
