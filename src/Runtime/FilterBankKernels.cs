using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// TensorFlow Lite Micro's mel filter bank (SignalFilterBank, signal/src/filter_bank.cc
/// <c>FilterbankAccumulateChannels</c>), bit for bit: each channel sums its band's uint32 energies times int16
/// weights into a uint64, the band's remainder (the unweights) carrying into the next channel; channel 0 is scratch.
/// </summary>
/// <remarks>
/// The 128-bit path (SSE on x64, AdvSimd on ARM64) takes four bins of a band at a time. Each energy splits into its
/// 16-bit halves, so that a weight times a half is an exact int32 product; the products are summed in int64 lanes and
/// the high halves' sum shifted up by 16 at the end of the band. That is TFLM's sum modulo 2^64 whatever the order,
/// since wrapping addition and multiplication are exact modulo 2^64. Bands are a few bins wide, hence 128 bits.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FilterBankKernels
{
    /// <summary>The path the bands take on this machine: 128-bit vectors, else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.IsHardwareAccelerated ? InstructionTier.Vector128 : InstructionTier.Scalar;
    }

    /// <summary>The filter bank of <c>output.Length</c> channels (the tables hold one more: channel 0, dropped).</summary>
    /// <param name="input">The energies.</param>
    /// <param name="weights">The weights, indexed from each channel's weight start.</param>
    /// <param name="unweights">The unweights (the complement of each weight), indexed as the weights.</param>
    /// <param name="frequencyStarts">Each channel's first energy.</param>
    /// <param name="weightStarts">Each channel's first weight.</param>
    /// <param name="widths">Each channel's number of energies.</param>
    /// <param name="output">The channels' sums.</param>
    public static void Accumulate(ReadOnlySpan<uint> input, ReadOnlySpan<short> weights, ReadOnlySpan<short> unweights,
        ReadOnlySpan<short> frequencyStarts, ReadOnlySpan<short> weightStarts, ReadOnlySpan<short> widths, Span<ulong> output)
    {
        ulong weighted = 0, unweighted = 0;
        for (int c = 0; c <= output.Length; c++)
        {
            int width = widths[c];
            ReadOnlySpan<uint> energies = input.Slice(frequencyStarts[c], width);
            ReadOnlySpan<short> w = weights.Slice(weightStarts[c], width), u = unweights.Slice(weightStarts[c], width);
            int j = 0;
            if (Tier == InstructionTier.Vector128 && width >= Vector128<int>.Count)
            {
                j = Band(energies, w, u, ref weighted, ref unweighted);
            }
            for (; j < width; j++)
            {
                // int16 weights widen to uint64 as C++ converts them (sign-extended, modulo 2^64).
                weighted = unchecked(weighted + (ulong)(long)w[j] * energies[j]);
                unweighted = unchecked(unweighted + (ulong)(long)u[j] * energies[j]);
            }
            if (c > 0)
            {
                output[c - 1] = weighted;
            }
            weighted = unweighted;
            unweighted = 0;
        }
    }

    /// <summary>Adds four bins of the band at a time to the two sums; returns the bins done.</summary>
    private static int Band(ReadOnlySpan<uint> energies, ReadOnlySpan<short> weights, ReadOnlySpan<short> unweights, ref ulong weighted, ref ulong unweighted)
    {
        ref int e = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(energies));
        ref short w = ref MemoryMarshal.GetReference(weights);
        ref short u = ref MemoryMarshal.GetReference(unweights);
        Vector128<long> weightedLow = Vector128<long>.Zero, weightedHigh = Vector128<long>.Zero;
        Vector128<long> unweightedLow = Vector128<long>.Zero, unweightedHigh = Vector128<long>.Zero;
        Vector128<int> lowHalf = Vector128.Create(0xFFFF);
        int j = 0;
        for (; j <= energies.Length - Vector128<int>.Count; j += Vector128<int>.Count)
        {
            Vector128<int> energy = Vector128.LoadUnsafe(ref e, (nuint)j);
            Vector128<int> low = energy & lowHalf, high = Vector128.ShiftRightLogical(energy, 16);
            Vector128<int> wj = PortableLanes.SignExtend4(ref Unsafe.Add(ref w, j)), uj = PortableLanes.SignExtend4(ref Unsafe.Add(ref u, j));
            weightedLow += SumPairs(wj * low);
            weightedHigh += SumPairs(wj * high);
            unweightedLow += SumPairs(uj * low);
            unweightedHigh += SumPairs(uj * high);
        }
        weighted = unchecked(weighted + (ulong)Vector128.Sum(weightedLow) + ((ulong)Vector128.Sum(weightedHigh) << 16));
        unweighted = unchecked(unweighted + (ulong)Vector128.Sum(unweightedLow) + ((ulong)Vector128.Sum(unweightedHigh) << 16));
        return j;
    }

    /// <summary>Four int32 values sign-extended and summed into two int64 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> SumPairs(Vector128<int> products)
    {
        (Vector128<long> lower, Vector128<long> upper) = Vector128.Widen(products);
        return lower + upper;
    }
}
