using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// The int8 kernel: 16-bit inputs times the packed, offset weights in exact pairs (pmaddwd), the offset
// taken back out once per call, and TFLM's requantization.
public static partial class FullyConnectedKernels
{
    /// <summary>Groups of int8 inputs staged as 16-bit values at once: 8 KiB of stack.</summary>
    private const int MaxStagedGroups = 1024;

    /// <summary>Bytes of packed weights per panel and group.</summary>
    private const int GroupBytes = PanelUnits * Int8GroupDepth;

    /// <summary>
    /// Int8 FULLY_CONNECTED with one requantization multiplier:
    /// <c>output[u] = clamp(MultiplyByQuantizedMultiplier(bias[u] + Σ_d input[d] · w[u, d], multiplier, shift) + zeroPoint, min, max)</c>,
    /// with TensorFlow Lite Micro's double rounding.
    /// </summary>
    /// <param name="input">One row of <c>depth</c> int8 inputs, used as they are (fold the input zero point into <paramref name="bias"/>).</param>
    /// <param name="packedWeights">The weights packed as the class remarks describe, for <c>output.Length</c> units and <c>input.Length</c> inputs.</param>
    /// <param name="bias">One int32 bias per unit, or empty for none.</param>
    /// <param name="multiplier">The Q0.31 requantization multiplier.</param>
    /// <param name="shift">The requantization exponent.</param>
    /// <param name="zeroPoint">The output zero point.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">One value per unit.</param>
    public static void Int8(ReadOnlySpan<sbyte> input, ReadOnlySpan<byte> packedWeights, ReadOnlySpan<int> bias, int multiplier, int shift, int zeroPoint, int min, int max, Span<sbyte> output) =>
        Int8(input, packedWeights, bias, default, default, multiplier, shift, zeroPoint, min, max, output);

    /// <summary>Int8 FULLY_CONNECTED with one requantization multiplier and exponent per unit (per-channel weights).</summary>
    /// <param name="input">One row of <c>depth</c> int8 inputs, used as they are (fold the input zero point into <paramref name="bias"/>).</param>
    /// <param name="packedWeights">The weights packed as the class remarks describe, for <c>output.Length</c> units and <c>input.Length</c> inputs.</param>
    /// <param name="bias">One int32 bias per unit, or empty for none.</param>
    /// <param name="multipliers">One Q0.31 multiplier per unit.</param>
    /// <param name="shifts">One exponent per unit.</param>
    /// <param name="zeroPoint">The output zero point.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">One value per unit.</param>
    public static void Int8(ReadOnlySpan<sbyte> input, ReadOnlySpan<byte> packedWeights, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int zeroPoint, int min, int max, Span<sbyte> output)
    {
        if (multipliers.Length < output.Length || shifts.Length < output.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(multipliers), "per-unit multipliers and shifts", output.Length, Math.Min(multipliers.Length, shifts.Length));
        }
        Int8(input, packedWeights, bias, multipliers, shifts, 0, 0, zeroPoint, min, max, output);
    }

    private static void Int8(ReadOnlySpan<sbyte> input, ReadOnlySpan<byte> packedWeights, ReadOnlySpan<int> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts,
        int multiplier, int shift, int zeroPoint, int min, int max, Span<sbyte> output)
    {
        int depth = input.Length, units = output.Length, panels = Panels(units), groups = Groups(depth);
        CheckOperands(packedWeights.Length, PackedInt8Length(units, depth), bias.Length, units);
        ref byte w = ref MemoryMarshal.GetReference(packedWeights);
        int stride = groups * GroupBytes;
        bool perChannel = !multipliers.IsEmpty;

        // The inputs as 16-bit values, a bounded chunk of groups at a time (once for all panels when the depth fits).
        int chunkGroups = Math.Min(groups, MaxStagedGroups);
        Span<short> staged = stackalloc short[chunkGroups * Int8GroupDepth];
        Span<int> sums = stackalloc int[MaxPanelsPerPass * PanelUnits];
        int inputSum = chunkGroups == groups ? Stage(input, 0, staged) : SumOf(input);

        // Σ x · (w + 128) − 128 · Σ x = Σ x · w; int32 wraps alike in any order.
        int offset = -128 * inputSum;
        for (int p = 0; p < panels;)
        {
            int count = Int8PanelsPerPass(panels - p);
            sums.Clear();
            for (int g = 0; g < groups; g += chunkGroups)
            {
                int n = Math.Min(chunkGroups, groups - g);
                if (chunkGroups < groups)
                {
                    Stage(input, g, staged);
                }
                int first = g * Int8GroupDepth;
                SumInt8Panels(input.Slice(first, Math.Min(n * Int8GroupDepth, depth - first)), staged.Slice(0, n * Int8GroupDepth),
                    ref Unsafe.Add(ref w, p * stride + g * GroupBytes), stride, count, ref MemoryMarshal.GetReference(sums));
            }
            int unit = p * PanelUnits, outputs = Math.Min(count * PanelUnits, units - unit);
            Span<int> acc = sums.Slice(0, outputs);
            AddOffsets(acc, bias.IsEmpty ? bias : bias.Slice(unit, outputs), offset);
            if (perChannel)
            {
                Requantization.ToInt8(acc, multipliers.Slice(unit, outputs), shifts.Slice(unit, outputs), zeroPoint, min, max, output.Slice(unit, outputs));
            }
            else
            {
                Requantization.ToInt8(acc, multiplier, shift, zeroPoint, min, max, output.Slice(unit, outputs));
            }
            p += count;
        }
    }

    /// <summary>Int8 panels one pass sums: as many as the widest vectors keep in registers.</summary>
    private static int Int8PanelsPerPass(int remaining) =>
        Int8Tier == InstructionTier.Avx512 ? (remaining >= 4 ? 4 : 1)
        : Int8Tier == InstructionTier.Avx2 ? (remaining >= 2 ? 2 : 1)
        : 1;

    /// <summary>
    /// Adds to <paramref name="sums"/> (16 per panel) one chunk's products with <paramref name="count"/> panels of
    /// offset weights: <c>sums[16k + j] += Σ_d x[d] · (w[16(p + k) + j, d] + 128)</c>, wrapping.
    /// </summary>
    /// <param name="input">The chunk's int8 inputs (for the instruction sets that multiply bytes).</param>
    /// <param name="staged">The same inputs as 16-bit values, zero-padded to whole groups.</param>
    /// <param name="w">The first panel's weights for the chunk's first group.</param>
    /// <param name="stride">Bytes from one panel's weights to the next.</param>
    /// <param name="count">How many panels: what <see cref="Int8PanelsPerPass"/> allows.</param>
    /// <param name="sums">The running sums.</param>
    private static void SumInt8Panels(ReadOnlySpan<sbyte> input, ReadOnlySpan<short> staged, ref byte w, int stride, int count, ref int sums)
    {
        int groups = staged.Length / Int8GroupDepth;
        // Each group's inputs as two 32-bit words: the 16-bit pair (4g, 4g + 1), then (4g + 2, 4g + 3).
        ref int pairs = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(staged));
        if (Int8Tier == InstructionTier.Avx512)
        {
            if (count == 4)
            {
                Vector512<int> a0 = Vector512.LoadUnsafe(ref sums), a1 = Vector512.LoadUnsafe(ref sums, 16);
                Vector512<int> a2 = Vector512.LoadUnsafe(ref sums, 32), a3 = Vector512.LoadUnsafe(ref sums, 48);
                ref byte w1 = ref Unsafe.Add(ref w, stride), w2 = ref Unsafe.Add(ref w, 2 * stride), w3 = ref Unsafe.Add(ref w, 3 * stride);
                for (int g = 0; g < groups; g++)
                {
                    Vector512<short> low = Vector512.Create(Unsafe.Add(ref pairs, 2 * g)).AsInt16();
                    Vector512<short> high = Vector512.Create(Unsafe.Add(ref pairs, 2 * g + 1)).AsInt16();
                    nuint o = (nuint)(g * GroupBytes);
                    a0 += MultiplyGroup(Vector512.LoadUnsafe(ref w, o), low, high);
                    a1 += MultiplyGroup(Vector512.LoadUnsafe(ref w1, o), low, high);
                    a2 += MultiplyGroup(Vector512.LoadUnsafe(ref w2, o), low, high);
                    a3 += MultiplyGroup(Vector512.LoadUnsafe(ref w3, o), low, high);
                }
                a0.StoreUnsafe(ref sums);
                a1.StoreUnsafe(ref sums, 16);
                a2.StoreUnsafe(ref sums, 32);
                a3.StoreUnsafe(ref sums, 48);
                return;
            }
            Vector512<int> a = Vector512.LoadUnsafe(ref sums);
            for (int g = 0; g < groups; g++)
            {
                Vector512<short> low = Vector512.Create(Unsafe.Add(ref pairs, 2 * g)).AsInt16();
                Vector512<short> high = Vector512.Create(Unsafe.Add(ref pairs, 2 * g + 1)).AsInt16();
                a += MultiplyGroup(Vector512.LoadUnsafe(ref w, (nuint)(g * GroupBytes)), low, high);
            }
            a.StoreUnsafe(ref sums);
            return;
        }
        if (Int8Tier == InstructionTier.Avx2)
        {
            Vector256<int> a0 = Vector256.LoadUnsafe(ref sums), a1 = Vector256.LoadUnsafe(ref sums, 8);
            if (count == 2)
            {
                Vector256<int> a2 = Vector256.LoadUnsafe(ref sums, 16), a3 = Vector256.LoadUnsafe(ref sums, 24);
                ref byte w1 = ref Unsafe.Add(ref w, stride);
                for (int g = 0; g < groups; g++)
                {
                    Vector256<short> low = Vector256.Create(Unsafe.Add(ref pairs, 2 * g)).AsInt16();
                    Vector256<short> high = Vector256.Create(Unsafe.Add(ref pairs, 2 * g + 1)).AsInt16();
                    nuint o = (nuint)(g * GroupBytes);
                    a0 += MultiplyGroup(Vector256.LoadUnsafe(ref w, o), low, high);
                    a1 += MultiplyGroup(Vector256.LoadUnsafe(ref w, o + 32), low, high);
                    a2 += MultiplyGroup(Vector256.LoadUnsafe(ref w1, o), low, high);
                    a3 += MultiplyGroup(Vector256.LoadUnsafe(ref w1, o + 32), low, high);
                }
                a2.StoreUnsafe(ref sums, 16);
                a3.StoreUnsafe(ref sums, 24);
            }
            else
            {
                for (int g = 0; g < groups; g++)
                {
                    Vector256<short> low = Vector256.Create(Unsafe.Add(ref pairs, 2 * g)).AsInt16();
                    Vector256<short> high = Vector256.Create(Unsafe.Add(ref pairs, 2 * g + 1)).AsInt16();
                    nuint o = (nuint)(g * GroupBytes);
                    a0 += MultiplyGroup(Vector256.LoadUnsafe(ref w, o), low, high);
                    a1 += MultiplyGroup(Vector256.LoadUnsafe(ref w, o + 32), low, high);
                }
            }
            a0.StoreUnsafe(ref sums);
            a1.StoreUnsafe(ref sums, 8);
            return;
        }
        if (Int8Tier == InstructionTier.Sse)
        {
            Vector128<int> a0 = Vector128.LoadUnsafe(ref sums), a1 = Vector128.LoadUnsafe(ref sums, 4);
            Vector128<int> a2 = Vector128.LoadUnsafe(ref sums, 8), a3 = Vector128.LoadUnsafe(ref sums, 12);
            for (int g = 0; g < groups; g++)
            {
                Vector128<short> low = Vector128.Create(Unsafe.Add(ref pairs, 2 * g)).AsInt16();
                Vector128<short> high = Vector128.Create(Unsafe.Add(ref pairs, 2 * g + 1)).AsInt16();
                ref byte row = ref Unsafe.Add(ref w, g * GroupBytes);
                a0 += MultiplyGroup(Vector128.LoadUnsafe(ref row), low, high);
                a1 += MultiplyGroup(Vector128.LoadUnsafe(ref row, 16), low, high);
                a2 += MultiplyGroup(Vector128.LoadUnsafe(ref row, 32), low, high);
                a3 += MultiplyGroup(Vector128.LoadUnsafe(ref row, 48), low, high);
            }
            a0.StoreUnsafe(ref sums);
            a1.StoreUnsafe(ref sums, 4);
            a2.StoreUnsafe(ref sums, 8);
            a3.StoreUnsafe(ref sums, 12);
            return;
        }
        if (Int8Tier == InstructionTier.Dp)
        {
            // ARM's SDOT sums four byte products into each 32-bit lane: the weights back to signed bytes, the
            // inputs' bytes in the lane's order; the offset's share, 128 · Σ x, is added at the end.
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector128<byte> signBit = Vector128.Create((byte)0x80);
            for (int g = 0; g < groups; g++)
            {
                Vector128<sbyte> xv = Vector128.Create(InputWord(input, g)).AsSByte();
                ref byte row = ref Unsafe.Add(ref w, g * GroupBytes);
                a0 = Dp.DotProduct(a0, (Vector128.LoadUnsafe(ref row) ^ signBit).AsSByte(), xv);
                a1 = Dp.DotProduct(a1, (Vector128.LoadUnsafe(ref row, 16) ^ signBit).AsSByte(), xv);
                a2 = Dp.DotProduct(a2, (Vector128.LoadUnsafe(ref row, 32) ^ signBit).AsSByte(), xv);
                a3 = Dp.DotProduct(a3, (Vector128.LoadUnsafe(ref row, 48) ^ signBit).AsSByte(), xv);
            }
            Vector128<int> shared = Vector128.Create(128 * SumOf(input));
            (Vector128.LoadUnsafe(ref sums) + a0 + shared).StoreUnsafe(ref sums);
            (Vector128.LoadUnsafe(ref sums, 4) + a1 + shared).StoreUnsafe(ref sums, 4);
            (Vector128.LoadUnsafe(ref sums, 8) + a2 + shared).StoreUnsafe(ref sums, 8);
            (Vector128.LoadUnsafe(ref sums, 12) + a3 + shared).StoreUnsafe(ref sums, 12);
            return;
        }
        if (Int8Tier == InstructionTier.Vector128)
        {
            // Portable form: each lane's four bytes apart, times the broadcast inputs they pair with.
            Vector128<int> a0 = Vector128.LoadUnsafe(ref sums), a1 = Vector128.LoadUnsafe(ref sums, 4);
            Vector128<int> a2 = Vector128.LoadUnsafe(ref sums, 8), a3 = Vector128.LoadUnsafe(ref sums, 12);
            ref short xs = ref MemoryMarshal.GetReference(staged);
            for (int g = 0; g < groups; g++)
            {
                ref short x = ref Unsafe.Add(ref xs, g * Int8GroupDepth);
                var x0 = Vector128.Create((int)x);
                var x1 = Vector128.Create((int)Unsafe.Add(ref x, 1));
                var x2 = Vector128.Create((int)Unsafe.Add(ref x, 2));
                var x3 = Vector128.Create((int)Unsafe.Add(ref x, 3));
                ref byte row = ref Unsafe.Add(ref w, g * GroupBytes);
                a0 += MultiplyBytes(Vector128.LoadUnsafe(ref row).AsInt32(), x0, x1, x2, x3);
                a1 += MultiplyBytes(Vector128.LoadUnsafe(ref row, 16).AsInt32(), x0, x1, x2, x3);
                a2 += MultiplyBytes(Vector128.LoadUnsafe(ref row, 32).AsInt32(), x0, x1, x2, x3);
                a3 += MultiplyBytes(Vector128.LoadUnsafe(ref row, 48).AsInt32(), x0, x1, x2, x3);
            }
            a0.StoreUnsafe(ref sums);
            a1.StoreUnsafe(ref sums, 4);
            a2.StoreUnsafe(ref sums, 8);
            a3.StoreUnsafe(ref sums, 12);
            return;
        }
        for (int j = 0; j < PanelUnits; j++)
        {
            int sum = Unsafe.Add(ref sums, j);
            for (int g = 0; g < groups; g++)
            {
                for (int k = 0; k < Int8GroupDepth; k++)
                {
                    sum += staged[g * Int8GroupDepth + LanePosition(k)] * Unsafe.Add(ref w, (g * PanelUnits + j) * Int8GroupDepth + k);
                }
            }
            Unsafe.Add(ref sums, j) = sum;
        }
    }

    /// <summary>Which input of its group byte <paramref name="k"/> of a packed lane weighs: the order (0, 2, 1, 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LanePosition(int k) => k is 1 or 2 ? 3 - k : k;

    /// <summary>
    /// One group of four inputs times 16 units' packed weights: the low bytes of each 16-bit half (inputs
    /// 4g, 4g + 1) with <paramref name="low"/>, the high bytes (4g + 2, 4g + 3) with <paramref name="high"/>,
    /// each pair of products summed exactly by <c>vpmaddwd</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MultiplyGroup(Vector512<byte> w, Vector512<short> low, Vector512<short> high)
    {
        Vector512<short> words = w.AsInt16();
        return Avx512BW.MultiplyAddAdjacent(words & Vector512.Create((short)0xFF), low)
            + Avx512BW.MultiplyAddAdjacent(Vector512.ShiftRightLogical(words, 8), high);
    }

    /// <inheritdoc cref="MultiplyGroup(Vector512{byte}, Vector512{short}, Vector512{short})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MultiplyGroup(Vector256<byte> w, Vector256<short> low, Vector256<short> high)
    {
        Vector256<short> words = w.AsInt16();
        return Avx2.MultiplyAddAdjacent(words & Vector256.Create((short)0xFF), low)
            + Avx2.MultiplyAddAdjacent(Vector256.ShiftRightLogical(words, 8), high);
    }

    /// <inheritdoc cref="MultiplyGroup(Vector512{byte}, Vector512{short}, Vector512{short})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyGroup(Vector128<byte> w, Vector128<short> low, Vector128<short> high)
    {
        Vector128<short> words = w.AsInt16();
        return Sse2.MultiplyAddAdjacent(words & Vector128.Create((short)0xFF), low)
            + Sse2.MultiplyAddAdjacent(Vector128.ShiftRightLogical(words, 8), high);
    }

    /// <summary>Per 32-bit lane, its four unsigned bytes times the inputs they weigh (byte k, input <see cref="LanePosition"/>(k)), in portable operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyBytes(Vector128<int> w, Vector128<int> x0, Vector128<int> x1, Vector128<int> x2, Vector128<int> x3)
    {
        Vector128<int> mask = Vector128.Create(0xFF);
        return (w & mask) * x0
            + (Vector128.ShiftRightLogical(w, 8) & mask) * x2
            + (Vector128.ShiftRightLogical(w, 16) & mask) * x1
            + Vector128.ShiftRightLogical(w, 24) * x3;
    }

    /// <summary>Group <paramref name="g"/>'s int8 inputs as one 32-bit word, bytes in the packed lanes' order, zero past the end.</summary>
    private static int InputWord(ReadOnlySpan<sbyte> input, int g)
    {
        int word = 0;
        for (int k = 0; k < Int8GroupDepth; k++)
        {
            int d = g * Int8GroupDepth + LanePosition(k);
            if (d < input.Length)
            {
                word |= (byte)input[d] << (8 * k);
            }
        }
        return word;
    }

    /// <summary>
    /// Writes the inputs from group <paramref name="firstGroup"/> on as 16-bit values into <paramref name="staged"/>
    /// (as many as it holds), zero past the input's end, and returns their sum.
    /// </summary>
    private static int Stage(ReadOnlySpan<sbyte> input, int firstGroup, Span<short> staged)
    {
        int start = firstGroup * Int8GroupDepth;
        int n = Math.Min(staged.Length, input.Length - start);
        ReadOnlySpan<sbyte> x = input.Slice(start, n);
        int i = 0, sum = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<int> total = Vector128<int>.Zero;
            for (; i <= n - 16; i += 16)
            {
                (Vector128<short> low, Vector128<short> high) = Vector128.Widen(Vector128.Create(x.Slice(i, 16)));
                low.CopyTo(staged.Slice(i, 8));
                high.CopyTo(staged.Slice(i + 8, 8));
                (Vector128<int> a, Vector128<int> b) = Vector128.Widen(low + high);
                total += a + b;
            }
            sum = Vector128.Sum(total);
        }
        for (; i < n; i++)
        {
            staged[i] = x[i];
            sum += x[i];
        }
        staged.Slice(n).Clear();
        return sum;
    }

    /// <summary>The sum of the inputs (for depths staged a chunk at a time).</summary>
    private static int SumOf(ReadOnlySpan<sbyte> values)
    {
        int sum = 0;
        foreach (sbyte v in values)
        {
            sum += v;
        }
        return sum;
    }

    /// <summary><c>acc[i] += bias[i] + offset</c> (no bias when it is empty), wrapping.</summary>
    private static void AddOffsets(Span<int> acc, ReadOnlySpan<int> bias, int offset)
    {
        int n = acc.Length, i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<int> shared = Vector128.Create(offset);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> v = Vector128.Create(acc.Slice(i, 4)) + shared;
                (bias.IsEmpty ? v : v + Vector128.Create(bias.Slice(i, 4))).CopyTo(acc.Slice(i, 4));
            }
        }
        for (; i < n; i++)
        {
            acc[i] += offset + (bias.IsEmpty ? 0 : bias[i]);
        }
    }
}
