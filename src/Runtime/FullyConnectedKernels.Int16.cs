using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// The 16x8 kernel (int16 activations, int8 weights): one exact 64-bit dot product per unit along the model's
// own rows, as TFLM's int64 accumulator sums them, then TFLM's 64-bit requantization.
public static partial class FullyConnectedKernels
{
    /// <summary>
    /// Vector iterations whose pair sums one 32-bit lane can take without overflow: each adds at most
    /// 2 · 32768 · 128 = 2^23, and 128 · 2^23 = 2^30. The lanes are then added into 64-bit sums.
    /// </summary>
    private const int Int16BlockIterations = 128;

    /// <summary>
    /// FULLY_CONNECTED with int16 inputs and int8 weights (TFLM's 16x8 scheme), one requantization multiplier:
    /// <c>output[u] = clamp(MultiplyByQuantizedMultiplier(bias[u] + Σ_d input[d] · w[u, d], multiplier, shift) + zeroPoint, min, max)</c>
    /// with a 64-bit sum and TFLM's 64-bit <see cref="FixedPoint.MultiplyByQuantizedMultiplier(long, int, int)"/>.
    /// </summary>
    /// <param name="input">One row of <c>depth</c> int16 inputs (TFLM's int16 zero point is 0).</param>
    /// <param name="weights">The weights as the model stores them, <c>[units, depth]</c> row-major, with zero point 0.</param>
    /// <param name="bias">One int64 bias per unit, or empty for none.</param>
    /// <param name="multiplier">The Q0.31 requantization multiplier.</param>
    /// <param name="shift">The requantization exponent.</param>
    /// <param name="zeroPoint">The output zero point.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">One value per unit.</param>
    public static void Int16(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias, int multiplier, int shift, int zeroPoint, int min, int max, Span<short> output) =>
        Int16(input, weights, bias, default, default, multiplier, shift, zeroPoint, min, max, output);

    /// <summary>The 16x8 FULLY_CONNECTED with one requantization multiplier and exponent per unit (per-channel weights).</summary>
    /// <param name="input">One row of <c>depth</c> int16 inputs (TFLM's int16 zero point is 0).</param>
    /// <param name="weights">The weights as the model stores them, <c>[units, depth]</c> row-major, with zero point 0.</param>
    /// <param name="bias">One int64 bias per unit, or empty for none.</param>
    /// <param name="multipliers">One Q0.31 multiplier per unit.</param>
    /// <param name="shifts">One exponent per unit.</param>
    /// <param name="zeroPoint">The output zero point.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">One value per unit.</param>
    public static void Int16(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<short> output)
    {
        if (multipliers.Length < output.Length || shifts.Length < output.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(multipliers), "per-unit multipliers and shifts", output.Length, Math.Min(multipliers.Length, shifts.Length));
        }
        Int16(input, weights, bias, multipliers, shifts, 0, 0, zeroPoint, min, max, output);
    }

    private static void Int16(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int multiplier, int shift, int zeroPoint, int min, int max, Span<short> output)
    {
        int depth = input.Length, units = output.Length;
        CheckOperands(weights.Length, units * depth, bias.Length, units);
        bool perChannel = !multipliers.IsEmpty;
        for (int u = 0; u < units; u++)
        {
            long sum = (bias.IsEmpty ? 0 : bias[u]) + Dot16x8(input, weights.Slice(u * depth, depth));
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(sum, perChannel ? multipliers[u] : multiplier, perChannel ? shifts[u] : shift) + zeroPoint;
            output[u] = (short)Math.Min(Math.Max(scaled, min), max);
        }
    }

    /// <summary>
    /// <c>Σ x[i] · w[i]</c>, exact in 64 bits: pairs of products summed by <c>pmaddwd</c> (or portable widening
    /// multiplies) into 32-bit lanes, which are added into 64-bit sums every <see cref="Int16BlockIterations"/> steps.
    /// </summary>
    internal static long Dot16x8(ReadOnlySpan<short> x, ReadOnlySpan<sbyte> w)
    {
        int n = x.Length, i = 0;
        ref short xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        long sum = 0;
        InstructionTier tier = Int16Tier;
        if (tier == InstructionTier.Avx512)
        {
            Vector512<long> total = Vector512<long>.Zero;
            while (i <= n - 32)
            {
                Vector512<int> lanes = Vector512<int>.Zero;
                for (int k = 0; k < Int16BlockIterations && i <= n - 32; k++, i += 32)
                {
                    lanes += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref xs, (nuint)i), Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref ws, (nuint)i)));
                }
                (Vector512<long> low, Vector512<long> high) = Vector512.Widen(lanes);
                total += low + high;
            }
            sum = Vector512.Sum(total);
        }
        else if (tier == InstructionTier.Avx2)
        {
            Vector256<long> total = Vector256<long>.Zero;
            while (i <= n - 16)
            {
                Vector256<int> lanes = Vector256<int>.Zero;
                for (int k = 0; k < Int16BlockIterations && i <= n - 16; k++, i += 16)
                {
                    lanes += Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref xs, (nuint)i), Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ws, (nuint)i)));
                }
                (Vector256<long> low, Vector256<long> high) = Vector256.Widen(lanes);
                total += low + high;
            }
            sum = Vector256.Sum(total);
        }
        else if (tier is InstructionTier.Sse or InstructionTier.Vector128)
        {
            Vector128<long> total = Vector128<long>.Zero;
            while (i <= n - 8)
            {
                Vector128<int> lanes = Vector128<int>.Zero;
                for (int k = 0; k < Int16BlockIterations && i <= n - 8; k++, i += 8)
                {
                    Vector128<short> xv = Vector128.LoadUnsafe(ref xs, (nuint)i);
                    Vector128<short> wv = Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref ws, i)))).AsSByte());
                    if (tier == InstructionTier.Sse)
                    {
                        lanes += Sse2.MultiplyAddAdjacent(xv, wv);
                    }
                    else
                    {
                        // Each product fits in 32 bits; two per lane per step, as pmaddwd adds them.
                        (Vector128<int> x0, Vector128<int> x1) = Vector128.Widen(xv);
                        (Vector128<int> w0, Vector128<int> w1) = Vector128.Widen(wv);
                        lanes += x0 * w0 + x1 * w1;
                    }
                }
                (Vector128<long> low, Vector128<long> high) = Vector128.Widen(lanes);
                total += low + high;
            }
            sum = Vector128.Sum(total);
        }
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ws, i);
        }
        return sum;
    }
}
