using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The integer SVDF's stages after its feature dot products (TFLM's <c>EvalIntegerSvdfReference</c>), bit for
/// bit: the projections requantized into each filter's newest memory slot, and each unit's time sum, the dot
/// products of the time weights with the filters' memories. Integer sums wrap as TFLM's do in any order, so the
/// time dot products take eight int16 (or int8, widened) pairs per step: <c>pmaddwd</c> with SSE2 or AVX2, two
/// widening multiplies and a pairwise add on ARM64's AdvSimd (<see cref="Tier"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SvdfKernels
{
    /// <summary>The lanes the kernels take on this machine: AVX2 (sixteen pairs), SSE (eight), AdvSimd (eight), else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported ? InstructionTier.Avx2
            : Sse41.IsSupported ? InstructionTier.Sse
            : AdvSimd.Arm64.IsSupported ? InstructionTier.AdvSimd
            : InstructionTier.Scalar;
    }

    /// <summary>
    /// Each filter's projection requantized into its newest memory slot:
    /// <c>memory[f · memorySize + memorySize − 1] = (T)(clamp(MBQM(dots[f]), T's range) + zeroPoint)</c>, the zero
    /// point added after the clamp and wrapping, as TFLM does (tflite-micro#2721).
    /// </summary>
    /// <typeparam name="T">The state's type: <see cref="short"/> or <see cref="sbyte"/>.</typeparam>
    /// <param name="dots">Per filter, the feature dot product (input zero point folded in).</param>
    /// <param name="multiplier">The Q0.31 multiplier of input × feature weights → state.</param>
    /// <param name="shift">Its exponent, in [−31, 30].</param>
    /// <param name="zeroPoint">The state's zero point.</param>
    /// <param name="memory">The batch's state, [filters, memorySize].</param>
    /// <param name="memorySize">Each filter's memory length.</param>
    public static void StoreProjections<T>(ReadOnlySpan<int> dots, int multiplier, int shift, int zeroPoint, Span<T> memory, int memorySize)
        where T : unmanaged
    {
        if (typeof(T) != typeof(short) && typeof(T) != typeof(sbyte))
        {
            throw new NotSupportedException($"The SVDF state is int16 (short) or int8 (sbyte), not {typeof(T).Name}.");
        }
        int n = dots.Length;
        if (memorySize <= 0 || (long)n * memorySize > memory.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(memory), "filters × memory size", n * Math.Max(memorySize, 1), memory.Length);
        }
        QuantizedBinaryKernels.CheckShift(shift, nameof(shift));
        int min = typeof(T) == typeof(sbyte) ? sbyte.MinValue : short.MinValue;
        int max = typeof(T) == typeof(sbyte) ? sbyte.MaxValue : short.MaxValue;
        ref int d = ref MemoryMarshal.GetReference(dots);
        ref T slot = ref Unsafe.Add(ref MemoryMarshal.GetReference(memory), memorySize - 1);
        int f = 0;
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> m = Vector128.Create(multiplier);
            for (; f <= n - 4; f += 4)
            {
                // The memory slots are a filter apart: the lanes are requantized together and stored one by one.
                Vector128<int> v = Requantization.Clamp(FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref d, (nuint)f), m, shift), 0, min, max)
                    + Vector128.Create(zeroPoint);
                Store(ref slot, f * memorySize, v.GetElement(0));
                Store(ref slot, (f + 1) * memorySize, v.GetElement(1));
                Store(ref slot, (f + 2) * memorySize, v.GetElement(2));
                Store(ref slot, (f + 3) * memorySize, v.GetElement(3));
            }
        }
        for (; f < n; f++)
        {
            Store(ref slot, f * memorySize, Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref d, f), multiplier, shift), min), max) + zeroPoint);
        }
    }

    /// <summary>
    /// Each unit's time sum: <c>sums[u] = bias[u] + Σ over its <paramref name="rank"/> filters of
    /// (offsets[f] + Σ_j weights[f, j] · memory[f, j])</c>, in wrapping int32.
    /// </summary>
    /// <typeparam name="T">The state's and time weights' type: <see cref="short"/> or <see cref="sbyte"/>.</typeparam>
    /// <param name="weights">The time weights, [filters, memorySize].</param>
    /// <param name="memory">The batch's state, [filters, memorySize].</param>
    /// <param name="memorySize">Each filter's memory length.</param>
    /// <param name="rank">The filters per unit.</param>
    /// <param name="bias">Per unit, the bias; empty for none.</param>
    /// <param name="offsets">Per filter, the state zero point's fold (<c>−zeroPoint · Σ weights</c>); empty for none.</param>
    /// <param name="sums">Per unit, the result.</param>
    public static void TimeSums<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> memory, int memorySize, int rank, ReadOnlySpan<int> bias, ReadOnlySpan<int> offsets, Span<int> sums)
        where T : unmanaged
    {
        if (typeof(T) != typeof(short) && typeof(T) != typeof(sbyte))
        {
            throw new NotSupportedException($"The SVDF state is int16 (short) or int8 (sbyte), not {typeof(T).Name}.");
        }
        int units = sums.Length;
        int filters = units * rank;
        if (rank <= 0 || memorySize <= 0 || (long)filters * memorySize > weights.Length || (long)filters * memorySize > memory.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(memory), "units × rank × memory size", filters * Math.Max(memorySize, 1), Math.Min(weights.Length, memory.Length));
        }
        if ((!bias.IsEmpty && bias.Length < units) || (!offsets.IsEmpty && offsets.Length < filters))
        {
            ThrowHelper.ThrowWrongLength(nameof(offsets), "one bias per unit and one offset per filter", filters, offsets.Length);
        }
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T m = ref MemoryMarshal.GetReference(memory);
        for (int u = 0; u < units; u++)
        {
            int sum = bias.IsEmpty ? 0 : bias[u];
            for (int f = u * rank; f < (u + 1) * rank; f++)
            {
                sum += (offsets.IsEmpty ? 0 : offsets[f]) + Dot(ref Unsafe.Add(ref w, f * memorySize), ref Unsafe.Add(ref m, f * memorySize), memorySize);
            }
            sums[u] = sum;
        }
    }

    /// <summary><c>Σ w[j] · m[j]</c> over <paramref name="length"/> values, wrapping int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Dot<T>(ref T w, ref T m, int length)
        where T : unmanaged
    {
        int j = 0;
        int sum = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Avx2 && length >= 16)
        {
            Vector256<int> acc = Vector256<int>.Zero;
            for (; j <= length - 16; j += 16)
            {
                acc += Avx2.MultiplyAddAdjacent(Load16(ref w, j), Load16(ref m, j));
            }
            sum = Vector256.Sum(acc);
        }
        if (tier != InstructionTier.Scalar)
        {
            Vector128<int> acc = Vector128<int>.Zero;
            for (; j <= length - 8; j += 8)
            {
                acc += Int16Pairs.MultiplyAdd(Load8(ref w, j), Load8(ref m, j));
            }
            sum += Vector128.Sum(acc);
        }
        for (; j < length; j++)
        {
            sum += QuantizedBinaryKernels.ToInt(Unsafe.Add(ref w, j)) * QuantizedBinaryKernels.ToInt(Unsafe.Add(ref m, j));
        }
        return sum;
    }

    /// <summary>Eight values from <paramref name="i"/> as int16 lanes (int8 sign-extended).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Load8<T>(ref T source, int i)
        where T : unmanaged =>
        typeof(T) == typeof(short)
            ? Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref Unsafe.Add(ref source, i)))
            : Int16Pairs.Widen8(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, i)));

    /// <summary>Sixteen values from <paramref name="i"/> as int16 lanes (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Load16<T>(ref T source, int i)
        where T : unmanaged =>
        typeof(T) == typeof(short)
            ? Vector256.LoadUnsafe(ref Unsafe.As<T, short>(ref Unsafe.Add(ref source, i)))
            : Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.As<T, sbyte>(ref Unsafe.Add(ref source, i))));

    /// <summary>Stores a value's low bits (wrapping, as TFLM's cast does) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T slot, int offset, int value)
        where T : unmanaged =>
        Unsafe.Add(ref slot, offset) = typeof(T) == typeof(sbyte) ? Unsafe.BitCast<sbyte, T>(unchecked((sbyte)value)) : Unsafe.BitCast<short, T>(unchecked((short)value));
}
