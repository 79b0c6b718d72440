using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// A row of 32-bit accumulators (one output pixel's channels, say) requantized to int8 or int16 outputs
/// exactly as TensorFlow Lite Micro's reference kernels do it one by one:
/// <c>clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, min, max)</c>, with the
/// double rounding of <see cref="FixedPoint"/>. Eight channels at a time where the machine has AVX2.
/// </summary>
/// <remarks>
/// The vector form rests on an identity of TFLite's rounding doubling high multiply: for the 64-bit
/// product <c>p</c>, <c>(p + nudge) / 2^31</c> truncated toward zero, with nudge <c>2^30</c> or
/// <c>1 − 2^30</c> by the sign of <c>p</c>, equals <c>(p + 2^30) &gt;&gt; 31</c> rounded toward minus
/// infinity in both cases, which vector shifts compute.
/// </remarks>
public static class Requantization
{
    /// <summary>Requantizes to int8 with one multiplier and exponent per channel.</summary>
    public static void ToInt8(ReadOnlySpan<int> acc, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<sbyte> output)
    {
        int n = acc.Length;
        multipliers = multipliers.Slice(0, n);
        shifts = shifts.Slice(0, n);
        output = output.Slice(0, n);
        int c = 0;
        if (Avx2.IsSupported)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref int m = ref MemoryMarshal.GetReference(multipliers);
            ref int s = ref MemoryMarshal.GetReference(shifts);
            ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = Scale(Vector256.LoadUnsafe(ref a, (nuint)c), Vector256.LoadUnsafe(ref m, (nuint)c), Vector256.LoadUnsafe(ref s, (nuint)c), zeroPoint, min, max);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToBytes(v));
            }
        }
        for (; c < n; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc[c], multipliers[c], shifts[c]) + zeroPoint;
            output[c] = (sbyte)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>Requantizes to int8 with one multiplier and exponent for every channel.</summary>
    public static void ToInt8(ReadOnlySpan<int> acc, int multiplier, int shift, int zeroPoint, int min, int max, Span<sbyte> output)
    {
        int n = acc.Length;
        output = output.Slice(0, n);
        int c = 0;
        if (Avx2.IsSupported)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = Scale(Vector256.LoadUnsafe(ref a, (nuint)c), m, s, zeroPoint, min, max);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToBytes(v));
            }
        }
        for (; c < n; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc[c], multiplier, shift) + zeroPoint;
            output[c] = (sbyte)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>Requantizes to int16 with one multiplier and exponent per channel.</summary>
    public static void ToInt16(ReadOnlySpan<int> acc, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<short> output)
    {
        int n = acc.Length;
        multipliers = multipliers.Slice(0, n);
        shifts = shifts.Slice(0, n);
        output = output.Slice(0, n);
        int c = 0;
        if (Avx2.IsSupported)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref int m = ref MemoryMarshal.GetReference(multipliers);
            ref int s = ref MemoryMarshal.GetReference(shifts);
            ref short y = ref MemoryMarshal.GetReference(output);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = Scale(Vector256.LoadUnsafe(ref a, (nuint)c), Vector256.LoadUnsafe(ref m, (nuint)c), Vector256.LoadUnsafe(ref s, (nuint)c), zeroPoint, min, max);
                Vector256.Narrow(v, Vector256<int>.Zero).GetLower().StoreUnsafe(ref y, (nuint)c);
            }
        }
        for (; c < n; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc[c], multipliers[c], shifts[c]) + zeroPoint;
            output[c] = (short)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>Requantizes to int16 with one multiplier and exponent for every channel.</summary>
    public static void ToInt16(ReadOnlySpan<int> acc, int multiplier, int shift, int zeroPoint, int min, int max, Span<short> output)
    {
        int n = acc.Length;
        output = output.Slice(0, n);
        int c = 0;
        if (Avx2.IsSupported)
        {
            ref int a = ref MemoryMarshal.GetReference(acc);
            ref short y = ref MemoryMarshal.GetReference(output);
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = Scale(Vector256.LoadUnsafe(ref a, (nuint)c), m, s, zeroPoint, min, max);
                Vector256.Narrow(v, Vector256<int>.Zero).GetLower().StoreUnsafe(ref y, (nuint)c);
            }
        }
        for (; c < n; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc[c], multiplier, shift) + zeroPoint;
            output[c] = (short)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>Eight lanes of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>, offset and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Scale(Vector256<int> x, Vector256<int> multiplier, Vector256<int> shift, int zeroPoint, int min, int max)
    {
        Vector256<int> zero = Vector256<int>.Zero;
        Vector256<uint> left = Avx2.Max(shift, zero).AsUInt32();
        Vector256<uint> right = Avx2.Max(zero - shift, zero).AsUInt32();
        x = Avx2.ShiftLeftLogicalVariable(x, left);

        // Rounding doubling high multiply: (x · m + 2^30) >> 31 per lane, even and odd lanes apart.
        Vector256<long> round = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.ShiftRightLogical(Avx2.Multiply(x, multiplier) + round, 31);
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32()) + round;
        odd = Avx2.ShiftLeftLogical(Avx2.ShiftRightLogical(odd, 31), 32);
        Vector256<int> high = Avx2.Blend(even.AsInt32(), odd.AsInt32(), 0b1010_1010);
        Vector256<int> minValue = Vector256.Create(int.MinValue);
        Vector256<int> overflow = Avx2.CompareEqual(x, minValue) & Avx2.CompareEqual(multiplier, minValue);
        high = Avx2.BlendVariable(high, Vector256.Create(int.MaxValue), overflow);

        // Rounding divide by 2^right, ties away from zero.
        Vector256<int> mask = Avx2.ShiftLeftLogicalVariable(Vector256<int>.One, right) - Vector256<int>.One;
        Vector256<int> remainder = high & mask;
        Vector256<int> threshold = Avx2.ShiftRightArithmetic(mask, 1) - Avx2.CompareGreaterThan(zero, high);
        Vector256<int> result = Avx2.ShiftRightArithmeticVariable(high, right) - Avx2.CompareGreaterThan(remainder, threshold);

        result += Vector256.Create(zeroPoint);
        return Avx2.Min(Avx2.Max(result, Vector256.Create(min)), Vector256.Create(max));
    }

    /// <summary>The low bytes of eight clamped lanes, as one 64-bit value to store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long NarrowToBytes(Vector256<int> v)
    {
        Vector128<short> shorts = Vector256.Narrow(v, Vector256<int>.Zero).GetLower();
        return Vector128.Narrow(shorts, Vector128<short>.Zero).AsInt64().ToScalar();
    }
}
