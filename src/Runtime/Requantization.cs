using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// A row of 32-bit accumulators (one output pixel's channels, say) requantized to int8 or int16 outputs
/// exactly as TensorFlow Lite Micro's reference kernels do it one by one:
/// <c>clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, min, max)</c>, with the
/// double rounding of <see cref="FixedPoint"/>. Eight channels at a time where the machine has AVX2, four
/// with SSE4.1 or ARM64's AdvSimd (<see cref="FixedPointLanes"/>), the rest one by one.
/// </summary>
/// <remarks>
/// <c>min</c> and <c>max</c> lie within the output type's range (the fused
/// activation's bounds), so the clamped lanes narrow to it without saturation.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Requantization
{
    /// <summary>The widest lanes these loops take on this machine: AVX2 (eight), SSE4.1 or AdvSimd (four), else scalar.</summary>
    public static InstructionTier Tier => InstructionTiers.FixedPoint;

    /// <summary>Requantizes to int8 with one multiplier and exponent per channel.</summary>
    public static void ToInt8(ReadOnlySpan<int> acc, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<sbyte> output)
    {
        int n = acc.Length;
        multipliers = multipliers.Slice(0, n);
        shifts = shifts.Slice(0, n);
        output = output.Slice(0, n);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref int s = ref MemoryMarshal.GetReference(shifts);
        ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
        int c = 0;
        if (Avx2.IsSupported)
        {
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref a, (nuint)c), Vector256.LoadUnsafe(ref m, (nuint)c), Vector256.LoadUnsafe(ref s, (nuint)c));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToBytes(Clamp(v, zeroPoint, min, max)));
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            for (; c <= n - 4; c += 4)
            {
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref a, (nuint)c), Vector128.LoadUnsafe(ref m, (nuint)c), Vector128.LoadUnsafe(ref s, (nuint)c));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToInt8(Clamp(v, zeroPoint, min, max)));
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
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
        int c = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref a, (nuint)c), m, s);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToBytes(Clamp(v, zeroPoint, min, max)));
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> m = Vector128.Create(multiplier);
            for (; c <= n - 4; c += 4)
            {
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref a, (nuint)c), m, shift);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, c), NarrowToInt8(Clamp(v, zeroPoint, min, max)));
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
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref int m = ref MemoryMarshal.GetReference(multipliers);
        ref int s = ref MemoryMarshal.GetReference(shifts);
        ref short y = ref MemoryMarshal.GetReference(output);
        int c = 0;
        if (Avx2.IsSupported)
        {
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref a, (nuint)c), Vector256.LoadUnsafe(ref m, (nuint)c), Vector256.LoadUnsafe(ref s, (nuint)c));
                NarrowToShorts(Clamp(v, zeroPoint, min, max)).StoreUnsafe(ref y, (nuint)c);
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            for (; c <= n - 4; c += 4)
            {
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref a, (nuint)c), Vector128.LoadUnsafe(ref m, (nuint)c), Vector128.LoadUnsafe(ref s, (nuint)c));
                Unsafe.WriteUnaligned(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref y, c)), NarrowToInt16(Clamp(v, zeroPoint, min, max)));
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
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref short y = ref MemoryMarshal.GetReference(output);
        int c = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref a, (nuint)c), m, s);
                NarrowToShorts(Clamp(v, zeroPoint, min, max)).StoreUnsafe(ref y, (nuint)c);
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> m = Vector128.Create(multiplier);
            for (; c <= n - 4; c += 4)
            {
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref a, (nuint)c), m, shift);
                Unsafe.WriteUnaligned(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref y, c)), NarrowToInt16(Clamp(v, zeroPoint, min, max)));
            }
        }
        for (; c < n; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc[c], multiplier, shift) + zeroPoint;
            output[c] = (short)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>Adds the zero point and clamps to [min, max], eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> Clamp(Vector256<int> v, int zeroPoint, int min, int max) =>
        Avx2.Min(Avx2.Max(v + Vector256.Create(zeroPoint), Vector256.Create(min)), Vector256.Create(max));

    /// <summary>Adds the zero point and clamps to [min, max], four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Clamp(Vector128<int> v, int zeroPoint, int min, int max) =>
        FixedPointLanes.Min(FixedPointLanes.Max(v + Vector128.Create(zeroPoint), Vector128.Create(min)), Vector128.Create(max));

    /// <summary>The low bytes of eight clamped lanes, as one 64-bit value to store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long NarrowToBytes(Vector256<int> v)
    {
        Vector128<short> shorts = NarrowToShorts(v);
        return Vector128.Narrow(shorts, shorts).AsInt64().ToScalar();
    }

    /// <summary>
    /// The low bytes of four clamped lanes, as one 32-bit value to store. On x86 the saturating packs (SSE2,
    /// the x64 baseline) give the same bits for lanes within range, in one instruction each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NarrowToInt8(Vector128<int> v)
    {
        if (Sse2.IsSupported)
        {
            Vector128<short> packed = Sse2.PackSignedSaturate(v, v);
            return Sse2.PackSignedSaturate(packed, packed).AsInt32().ToScalar();
        }
        Vector128<short> shorts = Vector128.Narrow(v, v);
        return Vector128.Narrow(shorts, shorts).AsInt32().ToScalar();
    }

    /// <summary>The low halves of four clamped lanes, as one 64-bit value to store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long NarrowToInt16(Vector128<int> v) =>
        (Sse2.IsSupported ? Sse2.PackSignedSaturate(v, v) : Vector128.Narrow(v, v)).AsInt64().ToScalar();

    /// <summary>The low halves of eight clamped lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<short> NarrowToShorts(Vector256<int> v) => Vector256.Narrow(v, v).GetLower();
}
