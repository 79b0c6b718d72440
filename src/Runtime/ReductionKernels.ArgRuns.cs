using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// ARG_MAX and ARG_MIN along the innermost axis: each output searches one contiguous run. TFLM's loop (from index 0,
// replaced only on a strict improvement) returns the first index holding the run's extreme, NaN aside: a NaN never
// replaces, and a NaN at index 0 is never replaced. So the kernel finds the extreme with vectors (from the value at
// index 0, which a NaN elsewhere cannot displace), then the first index equal to it.
public static partial class ReductionKernels
{
    /// <summary>
    /// ARG_MAX along the innermost axis, as TFLM's reference <c>ArgMinMax</c> with <c>std::greater</c>: output <c>o</c>
    /// is the first index of the largest value of the run <c>input[o · runLength ..]</c>; NaNs never win, and a run
    /// starting with a NaN answers 0.
    /// </summary>
    /// <param name="input"><c>output.Length</c> runs, one after the other.</param>
    /// <param name="runLength">The axis' size (at least 1).</param>
    /// <param name="output">One index per run.</param>
    public static void ArgMaxRuns(ReadOnlySpan<float> input, int runLength, Span<int> output) =>
        ArgRuns<Maximum, ComparisonKernels.Greater>(input, runLength, output);

    /// <summary>ARG_MIN of float along the innermost axis: as <see cref="ArgMaxRuns(ReadOnlySpan{float}, int, Span{int})"/> with <c>std::less</c>.</summary>
    /// <inheritdoc cref="ArgMaxRuns(ReadOnlySpan{float}, int, Span{int})"/>
    public static void ArgMinRuns(ReadOnlySpan<float> input, int runLength, Span<int> output) =>
        ArgRuns<Minimum, ComparisonKernels.Less>(input, runLength, output);

    /// <summary>ARG_MAX of int8 along the innermost axis: the first index of each run's largest stored value.</summary>
    /// <inheritdoc cref="ArgMaxRuns(ReadOnlySpan{float}, int, Span{int})"/>
    public static void ArgMaxRuns(ReadOnlySpan<sbyte> input, int runLength, Span<int> output) =>
        ArgRuns<Maximum, ComparisonKernels.Greater>(input, runLength, output);

    /// <summary>ARG_MIN of int8 along the innermost axis: the first index of each run's smallest stored value.</summary>
    /// <inheritdoc cref="ArgMaxRuns(ReadOnlySpan{float}, int, Span{int})"/>
    public static void ArgMinRuns(ReadOnlySpan<sbyte> input, int runLength, Span<int> output) =>
        ArgRuns<Minimum, ComparisonKernels.Less>(input, runLength, output);

    private static void ArgRuns<TOperation, TComparison>(ReadOnlySpan<float> input, int runLength, Span<int> output)
        where TOperation : struct, IFloatReduction
        where TComparison : IComparison
    {
        ref float x = ref MemoryMarshal.GetReference(Runs(input, runLength, output.Length));
        bool vectors = Tier >= InstructionTier.Vector128 && runLength >= Vector128<float>.Count;
        for (int o = 0; o < output.Length; o++)
        {
            ref float run = ref Unsafe.Add(ref x, o * runLength);
            output[o] = !vectors ? ArgLoop<float, TComparison>(ref run, runLength)
                : float.IsNaN(run) ? 0
                : FirstIndexOf(ref run, runLength, RunExtreme<TOperation>(ref run, runLength, run));
        }
    }

    private static void ArgRuns<TOperation, TComparison>(ReadOnlySpan<sbyte> input, int runLength, Span<int> output)
        where TOperation : struct, IInt8Extreme
        where TComparison : IComparison
    {
        ref sbyte x = ref MemoryMarshal.GetReference(Runs(input, runLength, output.Length));
        bool vectors = Tier >= InstructionTier.Vector128 && runLength >= Vector128<sbyte>.Count;
        for (int o = 0; o < output.Length; o++)
        {
            ref sbyte run = ref Unsafe.Add(ref x, o * runLength);
            output[o] = vectors ? FirstIndexOf(ref run, runLength, RunExtreme<TOperation>(ref run, runLength)) : ArgLoop<sbyte, TComparison>(ref run, runLength);
        }
    }

    /// <summary>TFLM's loop itself, for runs shorter than a vector (one pass beats the two the vector search takes).</summary>
    private static int ArgLoop<T, TComparison>(ref T x, int n)
        where T : INumber<T>
        where TComparison : IComparison
    {
        T best = x;
        int index = 0;
        for (int i = 1; i < n; i++)
        {
            T v = Unsafe.Add(ref x, i);
            if (TComparison.Invoke(v, best))
            {
                best = v;
                index = i;
            }
        }
        return index;
    }

    /// <summary>
    /// The largest or smallest of <paramref name="n"/> floats by TFLM's strict comparison, starting from
    /// <paramref name="start"/> (not a NaN): every lane starts there, so no NaN ever enters, and the lanes are combined
    /// in any order (exact: a maximum of non-NaN values), except that ±0 compare equal, so a zero result may carry
    /// either sign (the callers settle it by the first zero of the run).
    /// </summary>
    private static float RunExtreme<TOperation>(ref float x, int n, float start)
        where TOperation : struct, IFloatReduction
    {
        int i = 0;
        float best = start;
        InstructionTier tier = Tier;
        if (tier >= InstructionTier.Vector128 && n >= Vector128<float>.Count)
        {
            Vector128<float> lanes = Vector128.Create(best);
            if (tier == InstructionTier.Vector512 && n >= Vector512<float>.Count)
            {
                Vector512<float> wide = Vector512.Create(best);
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    wide = TOperation.Combine(wide, Vector512.LoadUnsafe(ref x, (nuint)i));
                }
                lanes = TOperation.Combine(TOperation.Combine(wide.GetLower().GetLower(), wide.GetLower().GetUpper()), TOperation.Combine(wide.GetUpper().GetLower(), wide.GetUpper().GetUpper()));
            }
            if (tier >= InstructionTier.Vector256 && n - i >= Vector256<float>.Count)
            {
                Vector256<float> wide = Vector256.Create(best);
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    wide = TOperation.Combine(wide, Vector256.LoadUnsafe(ref x, (nuint)i));
                }
                lanes = TOperation.Combine(lanes, TOperation.Combine(wide.GetLower(), wide.GetUpper()));
            }
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                lanes = TOperation.Combine(lanes, Vector128.LoadUnsafe(ref x, (nuint)i));
            }
            lanes = TOperation.Combine(lanes, Vector128.Shuffle(lanes, Vector128.Create(2, 3, 0, 1)));
            lanes = TOperation.Combine(lanes, Vector128.Shuffle(lanes, Vector128.Create(1, 0, 3, 2)));
            best = lanes.ToScalar();
        }
        for (; i < n; i++)
        {
            best = TOperation.Combine(best, Unsafe.Add(ref x, i));
        }
        return best;
    }

    /// <summary>The first index of <paramref name="value"/> among <paramref name="n"/> values (it is there: the run's extreme).</summary>
    private static int FirstIndexOf<T>(ref T x, int n, T value)
        where T : unmanaged, INumber<T>
    {
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            Vector512<T> target = Vector512.Create(value);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                ulong found = Vector512.Equals(Vector512.LoadUnsafe(ref x, (nuint)i), target).ExtractMostSignificantBits();
                if (found != 0)
                {
                    return i + BitOperations.TrailingZeroCount(found);
                }
            }
        }
        if (tier >= InstructionTier.Vector256)
        {
            Vector256<T> target = Vector256.Create(value);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                uint found = Vector256.Equals(Vector256.LoadUnsafe(ref x, (nuint)i), target).ExtractMostSignificantBits();
                if (found != 0)
                {
                    return i + BitOperations.TrailingZeroCount(found);
                }
            }
        }
        if (tier >= InstructionTier.Vector128)
        {
            Vector128<T> target = Vector128.Create(value);
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                uint found = Vector128.Equals(Vector128.LoadUnsafe(ref x, (nuint)i), target).ExtractMostSignificantBits();
                if (found != 0)
                {
                    return i + BitOperations.TrailingZeroCount(found);
                }
            }
        }
        for (; i < n; i++)
        {
            if (Unsafe.Add(ref x, i) == value)
            {
                return i;
            }
        }
        return 0;
    }
}
