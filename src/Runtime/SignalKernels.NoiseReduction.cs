using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// The audio front end's per-channel noise steps: spectral subtraction (SignalFilterBankSpectralSubtraction,
/// signal/src/filter_bank_spectral_subtraction.cc) and PCAN (SignalPCAN, signal/src/pcan_argc_fixed.cc), bit for bit.
/// Their uint32 × uint32 products are kept in 64 bits and shifted (<see cref="IInt32Lanes{TVector}.MultiplyAddWideShiftRight"/>),
/// a vector of channels at a time; the channels' parity stays the lanes' parity (vectors hold an even number of
/// lanes), so spectral subtraction's alternating smoothing is one constant vector.
/// </summary>
public static partial class SignalKernels
{
    /// <summary>
    /// TFLM's <c>FilterbankSpectralSubtraction</c> over <c>noiseEstimate.Length</c> channels: the noise estimate is
    /// smoothed toward the signal scaled up by <paramref name="smoothingBits"/> (even channels with
    /// <paramref name="smoothing"/>, odd ones with <paramref name="alternateSmoothing"/>, over
    /// 2^<paramref name="spectralSubtractionBits"/>), and the output is the signal minus the estimate, at least
    /// <paramref name="minSignalRemaining"/> / 2^<paramref name="spectralSubtractionBits"/> of the signal.
    /// </summary>
    /// <param name="input">The filter bank's channels, one per noise estimate.</param>
    /// <param name="noiseEstimate">The noise estimate carried from the previous window, updated in place.</param>
    /// <param name="output">The channels with the noise subtracted.</param>
    /// <param name="smoothing">The even channels' smoothing.</param>
    /// <param name="oneMinusSmoothing">The even channels' complement of it.</param>
    /// <param name="alternateSmoothing">The odd channels' smoothing.</param>
    /// <param name="alternateOneMinusSmoothing">The odd channels' complement of it.</param>
    /// <param name="minSignalRemaining">The least part of the signal kept, over 2^<paramref name="spectralSubtractionBits"/>.</param>
    /// <param name="smoothingBits">The estimate's extra fractional bits (C#'s shift count: modulo 32).</param>
    /// <param name="spectralSubtractionBits">The scale of the coefficients (modulo 64, as C# shifts a uint64).</param>
    /// <param name="clamping">Whether an estimate above the signal is brought down to it.</param>
    public static void SpectralSubtraction(ReadOnlySpan<uint> input, Span<uint> noiseEstimate, Span<uint> output,
        uint smoothing, uint oneMinusSmoothing, uint alternateSmoothing, uint alternateOneMinusSmoothing,
        uint minSignalRemaining, int smoothingBits, int spectralSubtractionBits, bool clamping)
    {
        int n = noiseEstimate.Length;
        Check(input.Length, n, nameof(input));
        Check(output.Length, n, nameof(output));
        var p = new SpectralSubtractionParameters(smoothing, oneMinusSmoothing, alternateSmoothing, alternateOneMinusSmoothing,
            minSignalRemaining, smoothingBits & 31, spectralSubtractionBits & 63, clamping);
        ref int x = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(input));
        ref int e = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(noiseEstimate));
        ref int o = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(output));
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            i = SpectralSubtraction<Int32Lanes512, Vector512<int>>(ref x, ref e, ref o, n, i, p);
        }
        if (tier >= InstructionTier.Vector256)
        {
            i = SpectralSubtraction<Int32Lanes256, Vector256<int>>(ref x, ref e, ref o, n, i, p);
        }
        if (tier >= InstructionTier.Vector128)
        {
            i = SpectralSubtraction<Int32Lanes128, Vector128<int>>(ref x, ref e, ref o, n, i, p);
        }
        for (; i < n; i++)
        {
            bool even = (i & 1) == 0;
            ulong s = even ? smoothing : alternateSmoothing, complement = even ? oneMinusSmoothing : alternateOneMinusSmoothing;
            uint signalScaledUp = input[i] << p.SmoothingBits;
            noiseEstimate[i] = unchecked((uint)((signalScaledUp * s + noiseEstimate[i] * complement) >> p.SpectralSubtractionBits));
            uint estimateScaledUp = Math.Min(noiseEstimate[i], signalScaledUp);
            if (clamping)
            {
                noiseEstimate[i] = estimateScaledUp;
            }
            uint floor = unchecked((uint)(((ulong)input[i] * minSignalRemaining) >> p.SpectralSubtractionBits));
            output[i] = Math.Max((signalScaledUp - estimateScaledUp) >> p.SmoothingBits, floor);
        }
    }

    /// <summary>
    /// TFLM's <c>ApplyPcanAutoGainControlFixed</c>: each channel times the gain of its noise estimate
    /// (<see cref="SignalMath.PcanGain"/>, a table walk, value by value), shifted right by <paramref name="snrShift"/> in
    /// 64 bits, then compressed (<see cref="SignalMath.PcanShrink"/>).
    /// </summary>
    /// <param name="input">The channels.</param>
    /// <param name="noiseEstimate">Each channel's noise estimate.</param>
    /// <param name="gainTable">PCAN's gain table: three coefficients per power of two.</param>
    /// <param name="snrShift">The right shift of the gained signal (modulo 64, as C# shifts a uint64).</param>
    /// <param name="output">The normalized channels.</param>
    public static void Pcan(ReadOnlySpan<uint> input, ReadOnlySpan<uint> noiseEstimate, ReadOnlySpan<short> gainTable, int snrShift, Span<uint> output)
    {
        int n = output.Length;
        Check(input.Length, n, nameof(input));
        Check(noiseEstimate.Length, n, nameof(noiseEstimate));
        snrShift &= 63;
        ref int x = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(input));
        ref int o = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(output));
        // The gains of one vector of channels: looked up one by one, then loaded as a vector.
        Span<int> gains = stackalloc int[Vector512<int>.Count];
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            i = Pcan<Int32Lanes512, Vector512<int>>(ref x, noiseEstimate, gainTable, snrShift, gains, ref o, n, i);
        }
        if (tier >= InstructionTier.Vector256)
        {
            i = Pcan<Int32Lanes256, Vector256<int>>(ref x, noiseEstimate, gainTable, snrShift, gains, ref o, n, i);
        }
        if (tier >= InstructionTier.Vector128)
        {
            i = Pcan<Int32Lanes128, Vector128<int>>(ref x, noiseEstimate, gainTable, snrShift, gains, ref o, n, i);
        }
        for (; i < n; i++)
        {
            // The int16 gain widens to uint32 as C++ converts it.
            uint gain = unchecked((uint)SignalMath.PcanGain(noiseEstimate[i], gainTable));
            output[i] = SignalMath.PcanShrink(unchecked((uint)(((ulong)input[i] * gain) >> snrShift)));
        }
    }

    /// <summary>Spectral subtraction of channels <paramref name="i"/> onward, a vector at a time; returns where it stopped.</summary>
    private static int SpectralSubtraction<TL, TV>(ref int x, ref int e, ref int o, int n, int i, in SpectralSubtractionParameters p)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV smoothing = TL.BroadcastPair((int)p.Smoothing, (int)p.AlternateSmoothing);
        TV complement = TL.BroadcastPair((int)p.OneMinusSmoothing, (int)p.AlternateOneMinusSmoothing);
        TV minSignalRemaining = TL.Broadcast((int)p.MinSignalRemaining);
        for (; i <= n - TL.Count; i += TL.Count)
        {
            TV signal = TL.Load(ref Unsafe.Add(ref x, i));
            TV signalScaledUp = TL.ShiftLeft(signal, p.SmoothingBits);
            TV estimate = TL.MultiplyAddWideShiftRight(signalScaledUp, smoothing, TL.Load(ref Unsafe.Add(ref e, i)), complement, p.SpectralSubtractionBits);
            TV estimateScaledUp = TL.MinUnsigned(estimate, signalScaledUp);
            TL.Store(p.Clamping ? estimateScaledUp : estimate, ref Unsafe.Add(ref e, i));
            TV floor = TL.MultiplyWideShiftRight(signal, minSignalRemaining, p.SpectralSubtractionBits);
            TV subtracted = TL.ShiftRightLogical(TL.Subtract(signalScaledUp, estimateScaledUp), p.SmoothingBits);
            TL.Store(TL.MaxUnsigned(subtracted, floor), ref Unsafe.Add(ref o, i));
        }
        return i;
    }

    /// <summary>PCAN of channels <paramref name="i"/> onward, a vector at a time; returns where it stopped.</summary>
    private static int Pcan<TL, TV>(ref int x, ReadOnlySpan<uint> noiseEstimate, ReadOnlySpan<short> gainTable, int snrShift, Span<int> gains, ref int o, int n, int i)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        // PcanShrink: x²/4 below 2 (x of 12 fractional bits in, 6 out, the square exact in 32 bits there), x - 1 above.
        TV two = TL.Broadcast(2 << SignalMath.PcanSnrBits), one = TL.Broadcast(1 << SignalMath.PcanOutputBits);
        const int squareShift = 2 + 2 * SignalMath.PcanSnrBits - SignalMath.PcanOutputBits, linearShift = SignalMath.PcanSnrBits - SignalMath.PcanOutputBits;
        for (; i <= n - TL.Count; i += TL.Count)
        {
            for (int j = 0; j < TL.Count; j++)
            {
                gains[j] = SignalMath.PcanGain(noiseEstimate[i + j], gainTable);
            }
            TV snr = TL.MultiplyWideShiftRight(TL.Load(ref Unsafe.Add(ref x, i)), TL.Load(ref MemoryMarshal.GetReference(gains)), snrShift);
            TV squared = TL.MultiplyWideShiftRight(snr, snr, squareShift);
            TV linear = TL.Subtract(TL.ShiftRightLogical(snr, linearShift), one);
            TL.Store(TL.Select(TL.LessThanUnsigned(snr, two), squared, linear), ref Unsafe.Add(ref o, i));
        }
        return i;
    }

    /// <summary>The spectral subtraction's settings, shift counts reduced as C# reduces them.</summary>
    private readonly record struct SpectralSubtractionParameters(
        uint Smoothing,
        uint OneMinusSmoothing,
        uint AlternateSmoothing,
        uint AlternateOneMinusSmoothing,
        uint MinSignalRemaining,
        int SmoothingBits,
        int SpectralSubtractionBits,
        bool Clamping);
}
