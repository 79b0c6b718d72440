using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// The float kernel: each unit's products summed in TFLM's order, sixteen units side by side in vector lanes.
public static partial class FullyConnectedKernels
{
    /// <summary>
    /// <c>output[u] = clamp(Σ_d input[d] · w[u, d] + bias[u], min, max)</c> in float, with TensorFlow Lite Micro's
    /// summation order per unit and its clamp (<c>std::max</c>, then <c>std::min</c>).
    /// </summary>
    /// <param name="input">One row of <c>depth</c> inputs.</param>
    /// <param name="packedWeights">The weights packed as the remarks describe, for <c>output.Length</c> units and <c>input.Length</c> inputs.</param>
    /// <param name="bias">One bias per unit, or empty for none (0 is added, as TFLM does).</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">One value per unit.</param>
    public static void Float(ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias, float min, float max, Span<float> output)
    {
        int depth = input.Length, units = output.Length, panels = Panels(units);
        CheckOperands(packedWeights.Length, PackedFloatLength(units, depth), bias.Length, units);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(packedWeights);
        int stride = depth * PanelUnits;
        Span<float> sums = stackalloc float[MaxPanelsPerPass * PanelUnits];
        for (int p = 0; p < panels;)
        {
            int count = Math.Min(panels - p, MaxPanelsPerPass);
            count = SumFloatPanels(ref x, depth, ref Unsafe.Add(ref w, p * stride), stride, count, ref MemoryMarshal.GetReference(sums));
            int first = p * PanelUnits, n = Math.Min(count * PanelUnits, units - first);
            FinishFloat(sums.Slice(0, n), bias.IsEmpty ? bias : bias.Slice(first, n), min, max, output.Slice(first, n));
            p += count;
        }
    }

    /// <summary>
    /// Sums up to <paramref name="count"/> float panels into <paramref name="sums"/> (16 per panel) and returns
    /// how many it summed: as many as the widest vectors keep in registers.
    /// </summary>
    private static int SumFloatPanels(ref float x, int depth, ref float w, int stride, int count, ref float sums)
    {
        InstructionTier tier = FloatTier;
        if (tier == InstructionTier.Vector512)
        {
            if (count >= 4)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                ref float w1 = ref Unsafe.Add(ref w, stride), w2 = ref Unsafe.Add(ref w, 2 * stride), w3 = ref Unsafe.Add(ref w, 3 * stride);
                for (int d = 0; d < depth; d++)
                {
                    Vector512<float> xv = Vector512.Create(Unsafe.Add(ref x, d));
                    nuint o = (nuint)(d * PanelUnits);
                    a0 += xv * Vector512.LoadUnsafe(ref w, o);
                    a1 += xv * Vector512.LoadUnsafe(ref w1, o);
                    a2 += xv * Vector512.LoadUnsafe(ref w2, o);
                    a3 += xv * Vector512.LoadUnsafe(ref w3, o);
                }
                a0.StoreUnsafe(ref sums);
                a1.StoreUnsafe(ref sums, 16);
                a2.StoreUnsafe(ref sums, 32);
                a3.StoreUnsafe(ref sums, 48);
                return 4;
            }
            Vector512<float> a = default;
            for (int d = 0; d < depth; d++)
            {
                a += Vector512.Create(Unsafe.Add(ref x, d)) * Vector512.LoadUnsafe(ref w, (nuint)(d * PanelUnits));
            }
            a.StoreUnsafe(ref sums);
            return 1;
        }
        if (tier == InstructionTier.Vector256)
        {
            if (count >= 2)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                ref float w1 = ref Unsafe.Add(ref w, stride);
                for (int d = 0; d < depth; d++)
                {
                    Vector256<float> xv = Vector256.Create(Unsafe.Add(ref x, d));
                    nuint o = (nuint)(d * PanelUnits);
                    a0 += xv * Vector256.LoadUnsafe(ref w, o);
                    a1 += xv * Vector256.LoadUnsafe(ref w, o + 8);
                    a2 += xv * Vector256.LoadUnsafe(ref w1, o);
                    a3 += xv * Vector256.LoadUnsafe(ref w1, o + 8);
                }
                a0.StoreUnsafe(ref sums);
                a1.StoreUnsafe(ref sums, 8);
                a2.StoreUnsafe(ref sums, 16);
                a3.StoreUnsafe(ref sums, 24);
                return 2;
            }
            Vector256<float> b0 = default, b1 = default;
            for (int d = 0; d < depth; d++)
            {
                Vector256<float> xv = Vector256.Create(Unsafe.Add(ref x, d));
                nuint o = (nuint)(d * PanelUnits);
                b0 += xv * Vector256.LoadUnsafe(ref w, o);
                b1 += xv * Vector256.LoadUnsafe(ref w, o + 8);
            }
            b0.StoreUnsafe(ref sums);
            b1.StoreUnsafe(ref sums, 8);
            return 1;
        }
        if (tier == InstructionTier.Vector128)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int d = 0; d < depth; d++)
            {
                Vector128<float> xv = Vector128.Create(Unsafe.Add(ref x, d));
                nuint o = (nuint)(d * PanelUnits);
                a0 += xv * Vector128.LoadUnsafe(ref w, o);
                a1 += xv * Vector128.LoadUnsafe(ref w, o + 4);
                a2 += xv * Vector128.LoadUnsafe(ref w, o + 8);
                a3 += xv * Vector128.LoadUnsafe(ref w, o + 12);
            }
            a0.StoreUnsafe(ref sums);
            a1.StoreUnsafe(ref sums, 4);
            a2.StoreUnsafe(ref sums, 8);
            a3.StoreUnsafe(ref sums, 12);
            return 1;
        }
        for (int j = 0; j < PanelUnits; j++)
        {
            float sum = 0f;
            for (int d = 0; d < depth; d++)
            {
                float product = Unsafe.Add(ref x, d) * Unsafe.Add(ref w, d * PanelUnits + j);
                sum += product;
            }
            Unsafe.Add(ref sums, j) = sum;
        }
        return 1;
    }

    /// <summary>Adds the bias to a panel's sums, then clamps and stores them as TFLM's <c>ActivationFunctionWithMinMax</c> does.</summary>
    private static void FinishFloat(Span<float> sums, ReadOnlySpan<float> bias, float min, float max, Span<float> output)
    {
        int n = sums.Length, i = 0;
        if (FloatTier != InstructionTier.Scalar)
        {
            Vector128<float> lo = Vector128.Create(min), hi = Vector128.Create(max);
            for (; i <= n - 4; i += 4)
            {
                Vector128<float> v = Vector128.Create(sums.Slice(i, 4)) + (bias.IsEmpty ? Vector128<float>.Zero : Vector128.Create(bias.Slice(i, 4)));
                v = Vector128.ConditionalSelect(Vector128.LessThan(v, lo), lo, v);
                v = Vector128.ConditionalSelect(Vector128.LessThan(hi, v), hi, v);
                v.CopyTo(output.Slice(i, 4));
            }
        }
        for (; i < n; i++)
        {
            float v = sums[i] + (bias.IsEmpty ? 0f : bias[i]);
            v = v < min ? min : v;
            output[i] = max < v ? max : v;
        }
    }
}
