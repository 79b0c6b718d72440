using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// Reductions over the innermost axes: each output combines one contiguous run of the input. Integer sums (wrapping
// int32), maxima and minima do not depend on the order the values meet in, so a run is reduced across vector lanes
// and then horizontally, with the scalar loop's result. A float maximum or minimum is order-free too but for the sign
// of a zero, which the run's first zero settles (TFLM's strict comparison keeps the first of equal values). (Float
// sums keep the generated loop: a horizontal float sum would change the bits.)
public static partial class ReductionKernels
{
    /// <summary>
    /// The widest vectors the run kernels (<see cref="SumRuns(ReadOnlySpan{sbyte}, int, int, int, int, int, Span{sbyte})"/>,
    /// <see cref="MaxRuns(ReadOnlySpan{float}, int, Span{float})"/>, <see cref="MinRuns(ReadOnlySpan{sbyte}, int, Span{sbyte})"/>, <see cref="ArgMaxRuns(ReadOnlySpan{float}, int, Span{int})"/> and the other
    /// ARG_MAX/ARG_MIN runs) take on this machine: the portable tiers, 512, 256 or 128 bits, else scalar.
    /// </summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>
    /// int8 SUM or MEAN over the innermost axes, as TFLM's <c>QuantizedMeanOrSum</c>: output <c>o</c> sums the run
    /// <c>input[o · runLength ..]</c> in int32, then
    /// <c>clamp(MultiplyByQuantizedMultiplier(sum − inputZeroPoint · runLength, multiplier, shift) + outputZeroPoint, −128, 127)</c>.
    /// </summary>
    /// <param name="input"><c>output.Length</c> runs, one after the other.</param>
    /// <param name="runLength">Values combined into each output (at least 1).</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per run.</param>
    public static void SumRuns(ReadOnlySpan<sbyte> input, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSumRuns(input, Blocks.One, runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>int16 SUM or MEAN over the innermost axes, as the int8 one, clamped to int16.</summary>
    /// <inheritdoc cref="SumRuns(ReadOnlySpan{sbyte}, int, int, int, int, int, Span{sbyte})"/>
    public static void SumRuns(ReadOnlySpan<short> input, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSumRuns(input, Blocks.One, runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>int8 REDUCE_MAX over the innermost axes: the largest value of each run.</summary>
    /// <param name="input"><c>output.Length</c> runs, one after the other.</param>
    /// <param name="runLength">Values combined into each output (at least 1).</param>
    /// <param name="output">One value per run.</param>
    public static void MaxRuns(ReadOnlySpan<sbyte> input, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Maximum>(input, Blocks.One, runLength, output);

    /// <summary>int8 REDUCE_MIN over the innermost axes: the smallest value of each run.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<sbyte> input, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Minimum>(input, Blocks.One, runLength, output);

    /// <summary>
    /// float REDUCE_MAX over the innermost axes, as TFLM's <c>best = v &gt; best ? v : best</c> from
    /// <see cref="float.MinValue"/> along each run: NaNs and −∞ never win (a run of them gives <see cref="float.MinValue"/>),
    /// and a zero maximum has the sign of the run's first zero.
    /// </summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, Span{sbyte})"/>
    public static void MaxRuns(ReadOnlySpan<float> input, int runLength, Span<float> output) =>
        ExtremeRuns<Maximum>(input, Blocks.One, runLength, output);

    /// <summary>float REDUCE_MIN over the innermost axes: as <see cref="MaxRuns(ReadOnlySpan{float}, int, Span{float})"/> with <c>&lt;</c> from <see cref="float.MaxValue"/>.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<float> input, int runLength, Span<float> output) =>
        ExtremeRuns<Minimum>(input, Blocks.One, runLength, output);

    /// <summary>The runs' span, checked once: <c>runs · runLength</c> elements.</summary>
    private static ReadOnlySpan<T> Runs<T>(ReadOnlySpan<T> input, int runLength, int runs) =>
        Runs(input, Blocks.One, runLength, runs);

    /// <summary>The span of blocks of runs, checked once: the last block's offset + <c>runs · runLength</c> elements.</summary>
    private static ReadOnlySpan<T> Runs<T>(ReadOnlySpan<T> input, Blocks blocks, int runLength, int runs)
    {
        if (runLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(runLength), runLength, "A reduction combines at least one value.");
        }
        return input.Slice(0, checked(blocks.Extent() + runs * runLength));
    }

    /// <summary>The int8 and int16 run SUM: each output's runs (one per block) summed in int32, requantized and clamped to <c>[min, max]</c>.</summary>
    private static void QuantizedSumRuns<T>(ReadOnlySpan<T> input, Blocks blocks, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, int min, int max, Span<T> output)
        where T : unmanaged
    {
        ref T x = ref MemoryMarshal.GetReference(Runs(input, blocks, runLength, output.Length));
        int offset = unchecked(inputZeroPoint * runLength * blocks.Count);
        for (int o = 0; o < output.Length; o++)
        {
            int sum = 0;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = o * runLength + blocks.Offset(b);
                sum += RunSum(ref Unsafe.Add(ref x, p), runLength);
            }
            int v = RequantizeSum(sum, offset, multiplier, shift, outputZeroPoint, min, max);
            output[o] = typeof(T) == typeof(sbyte) ? Unsafe.BitCast<sbyte, T>((sbyte)v) : Unsafe.BitCast<short, T>((short)v);
        }
    }

    /// <summary>TFLM's requantization of an int32 sum, clamped to <c>[min, max]</c> (shared by the column and run kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RequantizeSum(int sum, int offset, int multiplier, int shift, int outputZeroPoint, int min, int max) =>
        Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(unchecked(sum - offset), multiplier, shift) + outputZeroPoint, min), max);

    /// <summary>The wrapping int32 sum of <paramref name="n"/> int8 or int16 values: widened to int32 lanes, summed across them, then the tail.</summary>
    private static int RunSum<T>(ref T x, int n)
        where T : unmanaged
    {
        int i = 0, sum = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512 && n >= Vector512<T>.Count)
        {
            Vector512<int> lanes = Vector512<int>.Zero;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                lanes += Widened(Vector512.LoadUnsafe(ref x, (nuint)i));
            }
            sum += Vector512.Sum(lanes);
        }
        if (tier >= InstructionTier.Vector256 && n - i >= Vector256<T>.Count)
        {
            Vector256<int> lanes = Vector256<int>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                lanes += Widened(Vector256.LoadUnsafe(ref x, (nuint)i));
            }
            sum += Vector256.Sum(lanes);
        }
        if (tier >= InstructionTier.Vector128 && n - i >= Vector128<T>.Count)
        {
            Vector128<int> lanes = Vector128<int>.Zero;
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                lanes += Widened(Vector128.LoadUnsafe(ref x, (nuint)i));
            }
            sum += Vector128.Sum(lanes);
        }
        for (; i < n; i++)
        {
            sum += QuantizedBinaryKernels.ToInt(Unsafe.Add(ref x, i));
        }
        return sum;
    }

    /// <summary>A vector of int8 or int16 values folded into int32 lanes (each lane the sum of the 4 or 2 values widened into it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Widened<T>(Vector512<T> v)
    {
        if (typeof(T) == typeof(sbyte))
        {
            (Vector512<short> low, Vector512<short> high) = Vector512.Widen(v.AsSByte());
            (Vector512<int> a, Vector512<int> b) = Vector512.Widen(low + high);
            return a + b;
        }
        (Vector512<int> c, Vector512<int> d) = Vector512.Widen(v.AsInt16());
        return c + d;
    }

    /// <inheritdoc cref="Widened{T}(Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widened<T>(Vector256<T> v)
    {
        if (typeof(T) == typeof(sbyte))
        {
            (Vector256<short> low, Vector256<short> high) = Vector256.Widen(v.AsSByte());
            (Vector256<int> a, Vector256<int> b) = Vector256.Widen(low + high);
            return a + b;
        }
        (Vector256<int> c, Vector256<int> d) = Vector256.Widen(v.AsInt16());
        return c + d;
    }

    /// <inheritdoc cref="Widened{T}(Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Widened<T>(Vector128<T> v)
    {
        if (typeof(T) == typeof(sbyte))
        {
            (Vector128<short> low, Vector128<short> high) = Vector128.Widen(v.AsSByte());
            (Vector128<int> a, Vector128<int> b) = Vector128.Widen(low + high);
            return a + b;
        }
        (Vector128<int> c, Vector128<int> d) = Vector128.Widen(v.AsInt16());
        return c + d;
    }

    private static void ExtremeRuns<TOperation>(ReadOnlySpan<sbyte> input, Blocks blocks, int runLength, Span<sbyte> output)
        where TOperation : struct, IInt8Extreme
    {
        ref sbyte x = ref MemoryMarshal.GetReference(Runs(input, blocks, runLength, output.Length));
        for (int o = 0; o < output.Length; o++)
        {
            sbyte best = RunExtreme<TOperation>(ref Unsafe.Add(ref x, o * runLength + blocks.Offset(0)), runLength);
            for (int b = 1; b < blocks.Count; b++)
            {
                int p = o * runLength + blocks.Offset(b);
                best = TOperation.Combine(best, RunExtreme<TOperation>(ref Unsafe.Add(ref x, p), runLength));
            }
            output[o] = best;
        }
    }

    private static void ExtremeRuns<TOperation>(ReadOnlySpan<float> input, Blocks blocks, int runLength, Span<float> output)
        where TOperation : struct, IFloatReduction
    {
        ref float x = ref MemoryMarshal.GetReference(Runs(input, blocks, runLength, output.Length));
        for (int o = 0; o < output.Length; o++)
        {
            float best = TOperation.Initial;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = o * runLength + blocks.Offset(b);
                best = TOperation.Combine(best, RunExtreme<TOperation>(ref Unsafe.Add(ref x, p), runLength, TOperation.Initial));
            }
            // The lanes may disagree on a zero's sign; TFLM's loop keeps the first zero in memory order (a later one never
            // compares past it): it lies in the first run whose own extreme is zero (the runs before it hold no zero).
            for (int b = 0; best == 0f && b < blocks.Count; b++)
            {
                int p = o * runLength + blocks.Offset(b);
                ref float run = ref Unsafe.Add(ref x, p);
                if (RunExtreme<TOperation>(ref run, runLength, TOperation.Initial) == 0f)
                {
                    best = Unsafe.Add(ref run, FirstIndexOf(ref run, runLength, 0f));
                    break;
                }
            }
            output[o] = best;
        }
    }

    /// <summary>The largest or smallest of <paramref name="n"/> int8 values: lane by lane, then across the lanes, then the tail.</summary>
    private static sbyte RunExtreme<TOperation>(ref sbyte x, int n)
        where TOperation : struct, IInt8Extreme
    {
        int i = 0;
        sbyte best = Unsafe.Add(ref x, 0);
        InstructionTier tier = Tier;
        if (tier >= InstructionTier.Vector128 && n >= Vector128<sbyte>.Count)
        {
            Vector128<sbyte> lanes = Vector128.LoadUnsafe(ref x);
            if (tier == InstructionTier.Vector512 && n >= Vector512<sbyte>.Count)
            {
                Vector512<sbyte> wide = Vector512.LoadUnsafe(ref x);
                for (i = Vector512<sbyte>.Count; i <= n - Vector512<sbyte>.Count; i += Vector512<sbyte>.Count)
                {
                    wide = TOperation.Combine(wide, Vector512.LoadUnsafe(ref x, (nuint)i));
                }
                lanes = TOperation.Combine(TOperation.Combine(wide.GetLower().GetLower(), wide.GetLower().GetUpper()), TOperation.Combine(wide.GetUpper().GetLower(), wide.GetUpper().GetUpper()));
            }
            if (tier >= InstructionTier.Vector256 && n - i >= Vector256<sbyte>.Count)
            {
                Vector256<sbyte> wide = Vector256.LoadUnsafe(ref x, (nuint)i);
                for (i += Vector256<sbyte>.Count; i <= n - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
                {
                    wide = TOperation.Combine(wide, Vector256.LoadUnsafe(ref x, (nuint)i));
                }
                lanes = TOperation.Combine(lanes, TOperation.Combine(wide.GetLower(), wide.GetUpper()));
            }
            for (; i <= n - Vector128<sbyte>.Count; i += Vector128<sbyte>.Count)
            {
                lanes = TOperation.Combine(lanes, Vector128.LoadUnsafe(ref x, (nuint)i));
            }
            // Across the 16 lanes: fold the upper half onto the lower, then within 64 bits by 32, 16 and 8 (lane 0 ends with all).
            lanes = TOperation.Combine(lanes, Vector128.Shuffle(lanes.AsInt64(), Vector128.Create(1L, 0L)).AsSByte());
            lanes = TOperation.Combine(lanes, Vector128.ShiftRightLogical(lanes.AsUInt64(), 32).AsSByte());
            lanes = TOperation.Combine(lanes, Vector128.ShiftRightLogical(lanes.AsUInt64(), 16).AsSByte());
            lanes = TOperation.Combine(lanes, Vector128.ShiftRightLogical(lanes.AsUInt64(), 8).AsSByte());
            best = lanes.ToScalar();
        }
        for (; i < n; i++)
        {
            best = TOperation.Combine(best, Unsafe.Add(ref x, i));
        }
        return best;
    }
}
