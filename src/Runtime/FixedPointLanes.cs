using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> on every lane of a vector, bit for
/// bit: sixteen lanes with AVX-512F, eight with AVX2, four with SSE4.1 or ARM64's AdvSimd.
/// </summary>
/// <remarks>
/// <para>
/// The vector forms rest on an identity of TFLite's rounding doubling high multiply: for the 64-bit
/// product <c>p</c>, <c>(p + nudge) / 2^31</c> truncated toward zero, with nudge <c>2^30</c> or
/// <c>1 − 2^30</c> by the sign of <c>p</c>, equals <c>(p + 2^30) &gt;&gt; 31</c> rounded toward minus
/// infinity in both cases, which vector shifts compute. ARM64's <c>sqrdmulh</c> computes exactly that,
/// saturating the one overflowing case as gemmlowp does.
/// </para>
/// <para>
/// Per-lane shift counts are the hard part below AVX2: SSE4.1 shifts every lane by one count. There a
/// left shift is a multiply by <c>2^k</c> (built from a float's exponent field), and an arithmetic right
/// shift by <c>e</c> is <c>((h + 2^31) · 2^(31−e)) &gt;&gt; 31</c>, an unsigned 32×32→64-bit multiply and a
/// shift by a constant, minus <c>2^(31−e)</c>: exact for every <c>h</c> and every <c>e</c> in [0, 31]. Shifts
/// are TFLite's range, [−31, 31] (its <c>QuantizeMultiplier</c> never leaves [−31, 30]).
/// </para>
/// <para>
/// The four-lane forms call x86 intrinsics without their own <c>Sse41.IsSupported</c> checks: callers check
/// <see cref="IsVector128Supported"/> once before a loop, and a NativeAOT binary for the x64 baseline (SSE2)
/// compiles SSE4.1 code after such a check instead of testing again at every operation.
/// </para>
/// </remarks>
internal static class FixedPointLanes
{
    /// <summary>Whether the four-lane forms run as vector code here (SSE4.1 or AdvSimd); otherwise callers stay scalar.</summary>
    public static bool IsVector128Supported => Sse41.IsSupported || AdvSimd.IsSupported;

    /// <summary>Eight lanes of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> with a shift per lane (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, Vector256<int> multiplier, Vector256<int> shift)
    {
        Vector256<int> zero = Vector256<int>.Zero;
        Vector256<uint> left = Avx2.Max(shift, zero).AsUInt32();
        Vector256<uint> right = Avx2.Max(zero - shift, zero).AsUInt32();
        Vector256<int> high = SaturatingRoundingDoublingHighMul(Avx2.ShiftLeftLogicalVariable(x, left), multiplier);

        // Rounding divide by 2^right, ties away from zero.
        Vector256<int> mask = Avx2.ShiftLeftLogicalVariable(Vector256<int>.One, right) - Vector256<int>.One;
        Vector256<int> remainder = high & mask;
        Vector256<int> threshold = Avx2.ShiftRightArithmetic(mask, 1) - Avx2.CompareGreaterThan(zero, high);
        return Avx2.ShiftRightArithmeticVariable(high, right) - Avx2.CompareGreaterThan(remainder, threshold);
    }

    /// <summary>
    /// Sixteen lanes of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> with a shift per lane
    /// (AVX-512F only): the eight-lane form's steps on 512-bit vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, Vector512<int> multiplier, Vector512<int> shift)
    {
        Vector512<int> zero = Vector512<int>.Zero;
        Vector512<uint> left = Avx512F.Max(shift, zero).AsUInt32();
        Vector512<uint> right = Avx512F.Max(zero - shift, zero).AsUInt32();
        Vector512<int> high = SaturatingRoundingDoublingHighMul(Avx512F.ShiftLeftLogicalVariable(x, left), multiplier);

        // Rounding divide by 2^right, ties away from zero.
        Vector512<int> mask = Avx512F.ShiftLeftLogicalVariable(Vector512<int>.One, right) - Vector512<int>.One;
        Vector512<int> remainder = high & mask;
        Vector512<int> threshold = Avx512F.ShiftRightArithmetic(mask, 1) - Vector512.GreaterThan(zero, high);
        return Avx512F.ShiftRightArithmeticVariable(high, right) - Vector512.GreaterThan(remainder, threshold);
    }

    /// <summary>Four lanes of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> with a shift per lane (requires <see cref="IsVector128Supported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, Vector128<int> multiplier, Vector128<int> shift)
    {
        Vector128<int> left = Max(shift, Vector128<int>.Zero);
        Vector128<int> right = Max(-shift, Vector128<int>.Zero);
        Vector128<int> high = SaturatingRoundingDoublingHighMul(ShiftLeft(x, left), multiplier);

        // Rounding divide by 2^right, ties away from zero: add one where the remainder passes half.
        Vector128<int> mask = ShiftLeft(Vector128<int>.One, right) - Vector128<int>.One;
        return ShiftRightArithmetic(high, right) - RoundsUp(high, mask);
    }

    /// <summary>Four lanes of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> with one shift for all (requires <see cref="IsVector128Supported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, Vector128<int> multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        Vector128<int> high = SaturatingRoundingDoublingHighMul(Vector128.ShiftLeft(x, left), multiplier);
        Vector128<int> mask = Vector128.Create((int)((1L << right) - 1));
        return Vector128.ShiftRightArithmetic(high, right) - RoundsUp(high, mask);
    }

    /// <summary>The larger of each pair of lanes (requires <see cref="IsVector128Supported"/>: on x86 the SSE4.1 form, unguarded, since that check is made).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Max(Vector128<int> left, Vector128<int> right) =>
        AdvSimd.IsSupported ? AdvSimd.Max(left, right) : Sse41.Max(left, right);

    /// <summary>The smaller of each pair of lanes (requires <see cref="IsVector128Supported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Min(Vector128<int> left, Vector128<int> right) =>
        AdvSimd.IsSupported ? AdvSimd.Min(left, right) : Sse41.Min(left, right);

    /// <summary>
    /// All ones where <see cref="FixedPoint.RoundingDivideByPOT"/> rounds <paramref name="value"/> up past its
    /// floor: the remainder under <paramref name="mask"/> (<c>2^e − 1</c>) exceeds half, ties going away from zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> RoundsUp(Vector128<int> value, Vector128<int> mask)
    {
        Vector128<int> threshold = Vector128.ShiftRightArithmetic(mask, 1) - Vector128.LessThan(value, Vector128<int>.Zero);
        return Vector128.GreaterThan(value & mask, threshold);
    }

    /// <summary>
    /// Eight lanes of <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> (AVX2 only): <c>(a · b + 2^30) &gt;&gt; 31</c>,
    /// the even and odd lanes' 64-bit products apart, and the one overflowing case saturated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SaturatingRoundingDoublingHighMul(Vector256<int> a, Vector256<int> b)
    {
        Vector256<long> round = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.ShiftRightLogical(Avx2.Multiply(a, b) + round, 31);
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(b.AsInt64(), 32).AsInt32()) + round;
        odd = Avx2.ShiftLeftLogical(Avx2.ShiftRightLogical(odd, 31), 32);
        Vector256<int> high = Avx2.Blend(even.AsInt32(), odd.AsInt32(), 0b1010_1010);
        Vector256<int> minValue = Vector256.Create(int.MinValue);
        Vector256<int> overflow = Avx2.CompareEqual(a, minValue) & Avx2.CompareEqual(b, minValue);
        return Avx2.BlendVariable(high, Vector256.Create(int.MaxValue), overflow);
    }

    /// <summary>Sixteen lanes of <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> (AVX-512F only): the eight-lane form's steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> SaturatingRoundingDoublingHighMul(Vector512<int> a, Vector512<int> b)
    {
        Vector512<long> round = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.ShiftRightLogical(Avx512F.Multiply(a, b) + round, 31);
        Vector512<long> odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), Avx512F.ShiftRightLogical(b.AsInt64(), 32).AsInt32()) + round;
        odd = Avx512F.ShiftLeftLogical(Avx512F.ShiftRightLogical(odd, 31), 32);
        Vector512<int> high = Vector512.ConditionalSelect(Vector512.Create(0xFFFFFFFF00000000UL).AsInt32(), odd.AsInt32(), even.AsInt32());
        Vector512<int> minValue = Vector512.Create(int.MinValue);
        Vector512<int> overflow = Vector512.Equals(a, minValue) & Vector512.Equals(b, minValue);
        return Vector512.ConditionalSelect(overflow, Vector512.Create(int.MaxValue), high);
    }

    /// <summary>
    /// Four lanes of <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> (requires <see cref="IsVector128Supported"/>):
    /// ARM64's <c>sqrdmulh</c>, or on x86 the 64-bit products of the even and odd lanes (<c>pmuldq</c>) rounded and recombined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SaturatingRoundingDoublingHighMul(Vector128<int> a, Vector128<int> b)
    {
        if (AdvSimd.IsSupported)
        {
            return AdvSimd.MultiplyRoundedDoublingSaturateHigh(a, b);
        }
        Vector128<long> round = Vector128.Create(1L << 30);
        // Even lanes: bits 31..62 of p + 2^30 are the result; a logical shift puts them in the low half.
        Vector128<long> even = Sse2.ShiftRightLogical(Sse41.Multiply(a, b) + round, 31);
        // Odd lanes: one bit left puts the same bits in the high half, where they belong.
        Vector128<long> odd = Sse2.ShiftLeftLogical(Sse41.Multiply(OddLanes(a), OddLanes(b)) + round, 1);
        Vector128<int> high = Sse41.Blend(even.AsSingle(), odd.AsSingle(), 0b1010).AsInt32();
        Vector128<int> minValue = Vector128.Create(int.MinValue);
        Vector128<int> overflow = Vector128.Equals(a, minValue) & Vector128.Equals(b, minValue);
        return Vector128.ConditionalSelect(overflow, Vector128.Create(int.MaxValue), high);
    }

    /// <summary><c>value &lt;&lt; count</c> per lane, for counts in [0, 31].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftLeft(Vector128<int> value, Vector128<int> count) =>
        AdvSimd.IsSupported ? AdvSimd.ShiftLogical(value, count) : Sse41.MultiplyLow(value, PowerOfTwo(count));

    /// <summary><c>value &gt;&gt; count</c> (arithmetic) per lane, for counts in [0, 31].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftRightArithmetic(Vector128<int> value, Vector128<int> count)
    {
        if (AdvSimd.IsSupported)
        {
            // sshl shifts right by a negative count.
            return AdvSimd.ShiftArithmetic(value, -count);
        }
        // floor(v / 2^e) = floor((v + 2^31) / 2^e) − 2^(31−e), the first term being the high bits of the
        // unsigned product (v + 2^31) · 2^(31−e) < 2^63 above bit 31. All wraps below are exact mod 2^32.
        Vector128<uint> biased = (value ^ Vector128.Create(int.MinValue)).AsUInt32();
        Vector128<uint> scale = PowerOfTwo(Vector128.Create(31) - count).AsUInt32();
        Vector128<ulong> even = Sse2.ShiftRightLogical(Sse2.Multiply(biased, scale), 31);
        Vector128<ulong> odd = Sse2.ShiftLeftLogical(Sse2.Multiply(OddLanes(biased), OddLanes(scale)), 1);
        return Sse41.Blend(even.AsSingle(), odd.AsSingle(), 0b1010).AsInt32() - scale.AsInt32();
    }

    /// <summary>
    /// <c>2^k</c> per lane as a 32-bit pattern, for k in [0, 31] (x86 only): the float whose exponent field is
    /// <c>k + 127</c>, truncated to an integer. For k = 31, <c>cvttps2dq</c> gives its out-of-range value,
    /// 0x80000000, which is exactly 2^31's bit pattern.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> PowerOfTwo(Vector128<int> k) =>
        Sse2.ConvertToVector128Int32WithTruncation(Vector128.ShiftLeft(k + Vector128.Create(127), 23).AsSingle());

    /// <summary>Lanes 1 and 3 moved to lanes 0 and 2, where <c>pmuldq</c>/<c>pmuludq</c> read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> OddLanes<T>(Vector128<T> value) where T : struct =>
        Sse2.ShiftRightLogical(value.AsUInt64(), 32).As<ulong, T>();
}
