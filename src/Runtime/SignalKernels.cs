using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.BinaryKernels;
using static TinyModel.Int16PairLanes;

namespace TinyModel;

/// <summary>
/// The lane-wise steps of TensorFlow Lite Micro's signal library (tflite-micro <c>signal/src</c>), bit for bit:
/// windowing (SignalWindow), the energy of complex bins (SignalEnergy) and the FFT's automatic scaling
/// (SignalFftAutoScale). Values are int16 pairs in int32 lanes (<see cref="Int16PairLanes"/>), 512, 256 then 128
/// bits (SSE on x64, AdvSimd on ARM64), then a scalar tail.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class SignalKernels
{
    /// <summary>The widest vectors the kernels take on this machine (the portable tiers: 512, 256, 128 bits, else scalar).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>
    /// TFLM's <c>ApplyWindow</c> on each frame of <paramref name="input"/>: <c>(input · window) &gt;&gt; shift</c> in
    /// int32, saturated to int16.
    /// </summary>
    /// <param name="input">Whole frames of <c>window.Length</c> samples.</param>
    /// <param name="window">The window's weights.</param>
    /// <param name="shift">The right shift after the product (0 to 31).</param>
    /// <param name="output">The windowed samples, as long as the input.</param>
    public static void ApplyWindow(ReadOnlySpan<short> input, ReadOnlySpan<short> window, int shift, Span<short> output)
    {
        Check(input.Length, output.Length, nameof(input));
        int length = window.Length;
        if (length == 0 || input.Length % length != 0)
        {
            ThrowHelper.ThrowWrongLength(nameof(input), "input", (input.Length + length - 1) / Math.Max(length, 1) * length, input.Length);
        }
        // C#'s shift counts are taken modulo 32; the vector shifts are given the same count.
        shift &= 31;
        ref short w = ref MemoryMarshal.GetReference(window);
        for (int frame = 0; frame < input.Length; frame += length)
        {
            ref short x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), frame);
            ref short o = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), frame);
            int i = 0;
            InstructionTier tier = Tier;
            if (tier == InstructionTier.Vector512)
            {
                i = Window<Int32Lanes512, Vector512<int>>(ref x, ref w, ref o, length, shift, i);
            }
            if (tier >= InstructionTier.Vector256)
            {
                i = Window<Int32Lanes256, Vector256<int>>(ref x, ref w, ref o, length, shift, i);
            }
            if (tier >= InstructionTier.Vector128)
            {
                i = Window<Int32Lanes128, Vector128<int>>(ref x, ref w, ref o, length, shift, i);
            }
            for (; i < length; i++)
            {
                int raw = (Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i)) >> shift;
                Unsafe.Add(ref o, i) = (short)Math.Clamp(raw, short.MinValue, short.MaxValue);
            }
        }
    }

    /// <summary>
    /// TFLM's <c>SpectrumToEnergy</c>: <c>re² + im²</c> (int32, wrapping) of the complex bins
    /// [<paramref name="start"/>, <paramref name="end"/>); the other outputs are not written.
    /// </summary>
    /// <param name="spectrum">Complex int16 bins, real and imaginary parts interleaved.</param>
    /// <param name="start">The first bin.</param>
    /// <param name="end">The bin after the last.</param>
    /// <param name="output">The energies, indexed by bin.</param>
    public static void Energy(ReadOnlySpan<short> spectrum, int start, int end, Span<uint> output)
    {
        if ((uint)start > (uint)end || end > output.Length || 2L * end > spectrum.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(spectrum), "input", 2 * end, spectrum.Length);
        }
        ref int bins = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(spectrum));
        ref int o = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(output));
        int i = start;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            i = Energy<Int32Lanes512, Vector512<int>>(ref bins, ref o, i, end);
        }
        if (tier >= InstructionTier.Vector256)
        {
            i = Energy<Int32Lanes256, Vector256<int>>(ref bins, ref o, i, end);
        }
        if (tier >= InstructionTier.Vector128)
        {
            i = Energy<Int32Lanes128, Vector128<int>>(ref bins, ref o, i, end);
        }
        for (; i < end; i++)
        {
            int real = spectrum[2 * i], imaginary = spectrum[2 * i + 1];
            output[i] = unchecked((uint)(real * real + imaginary * imaginary));
        }
    }

    /// <summary>
    /// TFLM's <c>FftAutoScale</c>: the headroom of the samples' largest magnitude (<c>MaxAbs16</c>), 16 - msb - 1 bits
    /// and at least 0, then every sample times 2^headroom (truncated to int16).
    /// </summary>
    /// <param name="input">The samples.</param>
    /// <param name="output">The scaled samples, as long as the input.</param>
    /// <returns>The headroom applied (the shift the square root of the filter bank undoes).</returns>
    public static int FftAutoScale(ReadOnlySpan<short> input, Span<short> output)
    {
        Check(input.Length, output.Length, nameof(input));
        ref short x = ref MemoryMarshal.GetReference(input);
        ref short o = ref MemoryMarshal.GetReference(output);
        int n = input.Length & ~1, i = 0, max = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            i = MaxAbs<Int32Lanes512, Vector512<int>>(ref x, n, i, ref max);
        }
        if (tier >= InstructionTier.Vector256)
        {
            i = MaxAbs<Int32Lanes256, Vector256<int>>(ref x, n, i, ref max);
        }
        if (tier >= InstructionTier.Vector128)
        {
            i = MaxAbs<Int32Lanes128, Vector128<int>>(ref x, n, i, ref max);
        }
        for (; i < input.Length; i++)
        {
            max = Math.Max(max, Math.Abs((int)input[i]));
        }
        // A -32768 makes TFLM's running maximum wrap to -32768 and carry on from there: follow it value by value.
        int scaleBits = 16 - SignalMath.MostSignificantBit32(unchecked((uint)(max > short.MaxValue ? SequentialMaxAbs(input) : max))) - 1;
        scaleBits = Math.Max(scaleBits, 0);

        i = 0;
        if (tier == InstructionTier.Vector512)
        {
            i = ShiftLeft<Int32Lanes512, Vector512<int>>(ref x, ref o, n, i, scaleBits);
        }
        if (tier >= InstructionTier.Vector256)
        {
            i = ShiftLeft<Int32Lanes256, Vector256<int>>(ref x, ref o, n, i, scaleBits);
        }
        if (tier >= InstructionTier.Vector128)
        {
            i = ShiftLeft<Int32Lanes128, Vector128<int>>(ref x, ref o, n, i, scaleBits);
        }
        for (; i < input.Length; i++)
        {
            output[i] = unchecked((short)(input[i] << scaleBits));
        }
        return scaleBits;
    }

    /// <summary>TFLM's <c>MaxAbs16</c> as written: a running int16 maximum that <c>-(-32768)</c> wraps.</summary>
    private static short SequentialMaxAbs(ReadOnlySpan<short> input)
    {
        short max = 0;
        foreach (short value in input)
        {
            if (value > max)
            {
                max = value;
            }
            else if (-value > max)
            {
                max = unchecked((short)-value);
            }
        }
        return max;
    }

    /// <summary>Windows samples from <paramref name="i"/> in pairs, a vector at a time; returns where it stopped.</summary>
    private static int Window<TL, TV>(ref short x, ref short w, ref short o, int length, int shift, int i)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV low = TL.Broadcast(short.MinValue), high = TL.Broadcast(short.MaxValue);
        for (; i <= length - 2 * TL.Count; i += 2 * TL.Count)
        {
            TV samples = TL.Load(ref Unsafe.As<short, int>(ref Unsafe.Add(ref x, i)));
            TV weights = TL.Load(ref Unsafe.As<short, int>(ref Unsafe.Add(ref w, i)));
            TV first = TL.ShiftRightArithmetic(TL.Multiply(Low<TL, TV>(samples), Low<TL, TV>(weights)), shift);
            TV second = TL.ShiftRightArithmetic(TL.Multiply(High<TL, TV>(samples), High<TL, TV>(weights)), shift);
            TV packed = Pack<TL, TV>(TL.Min(TL.Max(first, low), high), TL.Min(TL.Max(second, low), high));
            TL.Store(packed, ref Unsafe.As<short, int>(ref Unsafe.Add(ref o, i)));
        }
        return i;
    }

    /// <summary>The energies of bins <paramref name="i"/> onward, a vector at a time; returns where it stopped.</summary>
    private static int Energy<TL, TV>(ref int bins, ref int o, int i, int end)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        for (; i <= end - TL.Count; i += TL.Count)
        {
            TV pairs = TL.Load(ref Unsafe.Add(ref bins, i));
            TV real = Low<TL, TV>(pairs), imaginary = High<TL, TV>(pairs);
            TL.Store(TL.Add(TL.Multiply(real, real), TL.Multiply(imaginary, imaginary)), ref Unsafe.Add(ref o, i));
        }
        return i;
    }

    /// <summary>The largest magnitude (as int32: 32768 for -32768) of samples <paramref name="i"/> to <paramref name="n"/>, into <paramref name="max"/>.</summary>
    private static int MaxAbs<TL, TV>(ref short x, int n, int i, ref int max)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        if (i > n - 2 * TL.Count)
        {
            return i;
        }
        TV largest = TL.Broadcast(max);
        for (; i <= n - 2 * TL.Count; i += 2 * TL.Count)
        {
            TV pairs = TL.Load(ref Unsafe.As<short, int>(ref Unsafe.Add(ref x, i)));
            TV first = Low<TL, TV>(pairs), second = High<TL, TV>(pairs);
            TV zero = TL.Broadcast(0);
            TV magnitudes = TL.Max(TL.Max(first, TL.Subtract(zero, first)), TL.Max(second, TL.Subtract(zero, second)));
            largest = TL.Max(largest, magnitudes);
        }
        max = TL.MaxAcross(largest);
        return i;
    }

    /// <summary>Samples <paramref name="i"/> to <paramref name="n"/> shifted left by <paramref name="bits"/>, each int16 half on its own.</summary>
    private static int ShiftLeft<TL, TV>(ref short x, ref short o, int n, int i, int bits)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV lowHalf = TL.Broadcast(0xFFFF), highHalf = TL.Broadcast(unchecked((int)0xFFFF0000));
        for (; i <= n - 2 * TL.Count; i += 2 * TL.Count)
        {
            TV pairs = TL.Load(ref Unsafe.As<short, int>(ref Unsafe.Add(ref x, i)));
            TV shifted = TL.Or(TL.ShiftLeft(TL.And(pairs, highHalf), bits), TL.And(TL.ShiftLeft(pairs, bits), lowHalf));
            TL.Store(shifted, ref Unsafe.As<short, int>(ref Unsafe.Add(ref o, i)));
        }
        return i;
    }
}
