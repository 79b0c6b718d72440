using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// Integer dot products for generated kernels, vectorized where the hardware allows. Integer sums wrap
/// modulo 2^32 whatever their order, so the result equals TensorFlow Lite Micro's sequential int32
/// accumulation bit for bit.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DotProduct
{
    /// <summary>The instruction set <see cref="Int8"/> uses on this machine (for 16 values or more).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported ? InstructionTier.Avx2
            : InstructionTiers.DotProduct ? InstructionTier.Dp
            : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128
            : InstructionTier.Scalar;
    }

    /// <summary>
    /// <c>Σ x[i] · w[i]</c> over <paramref name="x"/>'s length, exact in 64 bits, as TFLM's int16 × int8 kernels accumulate
    /// (the int16 LSTM's gate products); vectorized as the int16 FULLY_CONNECTED's (<see cref="FullyConnectedKernels.Int16Tier"/>).
    /// </summary>
    /// <remarks><paramref name="w"/> must be at least as long as <paramref name="x"/>.</remarks>
    public static long Int16(ReadOnlySpan<short> x, ReadOnlySpan<sbyte> w)
    {
        if ((uint)w.Length < (uint)x.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(w), "weights", x.Length, w.Length);
        }
        return FullyConnectedKernels.Dot16x8(x, w.Slice(0, x.Length));
    }

    /// <summary>
    /// <c>Σ x[i] · w[i]</c> over <paramref name="x"/>'s length in wrapping int32, as TFLM's int8 kernels
    /// accumulate (each product fits in 16 bits, pairs of them in 32).
    /// </summary>
    /// <remarks><paramref name="w"/> must be at least as long as <paramref name="x"/>.</remarks>
    public static int Int8(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w)
    {
        int length = x.Length;
        if ((uint)w.Length < (uint)length)
        {
            ThrowHelper.ThrowWrongLength(nameof(w), "weights", length, w.Length);
        }
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int i = 0;
        int sum = 0;
        InstructionTier tier = length >= 16 ? Tier : InstructionTier.Scalar;
        if (tier == InstructionTier.Avx2)
        {
            Vector256<int> acc = Vector256<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                Vector256<short> a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref xs, (nuint)i));
                Vector256<short> b = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ws, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(a, b));
            }
            sum = Vector256.Sum(acc);
        }
        else if (tier == InstructionTier.Dp)
        {
            // SDOT: four byte products summed into each 32-bit lane, exactly.
            Vector128<int> acc = Vector128<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                acc = Dp.DotProduct(acc, Vector128.LoadUnsafe(ref xs, (nuint)i), Vector128.LoadUnsafe(ref ws, (nuint)i));
            }
            sum = Vector128.Sum(acc);
        }
        else if (tier == InstructionTier.Vector128)
        {
            Vector128<int> acc = Vector128<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                (Vector128<short> aLow, Vector128<short> aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref xs, (nuint)i));
                (Vector128<short> bLow, Vector128<short> bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref ws, (nuint)i));
                acc += MultiplyAddAdjacent(aLow, bLow) + MultiplyAddAdjacent(aHigh, bHigh);
            }
            sum = Vector128.Sum(acc);
        }
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ws, i);
        }
        return sum;
    }

    /// <summary>
    /// Four int32 sums, each of two adjacent int16 products: <c>pmaddwd</c> on x86; elsewhere the int16
    /// products (exact, since int8 · int8 fits in 16 bits) widened and added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyAddAdjacent(Vector128<short> a, Vector128<short> b)
    {
        if (Sse2.IsSupported)
        {
            return Sse2.MultiplyAddAdjacent(a, b);
        }
        (Vector128<int> low, Vector128<int> high) = Vector128.Widen(a * b);
        return low + high;
    }
}
