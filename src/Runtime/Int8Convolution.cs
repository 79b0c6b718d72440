using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The int8 convolution kernel generated CONV_2D layers (and depthwise layers with one input channel) call:
/// a direct convolution on int16-staged activations, with pairs of products summed in one instruction
/// (<c>vpmaddwd</c> on x86, <c>smull</c>/<c>addp</c> on ARM64), the bias added and the result requantized as
/// TensorFlow Lite Micro does, bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// <b>Staging.</b> <see cref="Stage"/> writes int8 activations as int16 <c>x + inputOffset</c> (range
/// [-255, 255]); the generated layer leaves zeros wherever the window covers the padding, so a padded tap adds
/// exactly what TFLM's skipped tap adds: nothing. Each product then fits in 16 bits and each pair of products in
/// 32, so the pairwise multiply-add is exact, and int32 sums wrap whatever their order: the result equals TFLM's.
/// </para>
/// <para>
/// <b>Weights</b> are packed by the generator per block of 16 output channels (the last block padded with zeros):
/// for each filter row, each run of the row, each pair <c>j</c> of the run's values, 16 channels × 2 int8 weights
/// (the weight of value <c>2j</c>, then of value <c>2j + 1</c>, for channel 0, then channel 1, ...): 32 bytes per
/// pair, so that one 32-bit load of the staged pair multiplies 16 channels' weights.
/// </para>
/// <para>
/// <b>The output stage</b> is an int32 table of <see cref="OutputStageRows"/> rows of
/// <see cref="OutputStageStride"/> entries each (one per output channel, zero beyond the last): the bias, TFLite's
/// quantized multiplier, the left shift, 2 to the left shift, the right shift <c>e</c>, <c>2^e − 1</c> and
/// <c>(2^e − 1) / 2</c>. Each output is <c>clamp(MultiplyByQuantizedMultiplier(acc + bias, multiplier, shift) +
/// zeroPoint, min, max)</c> (<see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>); the vector
/// paths compute the rounding doubling high multiply as <c>floor((x · m + 2^30) / 2^31)</c>, which equals it for
/// every multiplier but <c>int.MinValue</c> (never a quantized multiplier), then TFLM's rounding right shift.
/// </para>
/// <para>
/// <b>The dot-product bias.</b> <see cref="ConvolveRow"/>'s table has one row more (<see cref="TableRows"/>): row
/// <see cref="DotProductBiasRow"/> holds, per channel, the bias plus <c>inputOffset · Σw</c> over the whole window,
/// which the generator computes at build time. ARM64's <c>SDOT</c> path multiplies the int8 values themselves
/// (<c>staged − inputOffset</c>; the padding's zeros become the zero point) four at a time, and
/// <c>Σ(x + inputOffset)·w = Σx·w + inputOffset·Σw</c> in wrapping int32 whatever the order, so it equals TFLM.
/// </para>
/// <para>
/// <b>The bounded requantization.</b> Rows 8 to 10 of <see cref="ConvolveRow"/>'s table hold, per channel with right
/// shift <c>e</c>, <c>1 + (e &gt; 0 ? 2^e : 0) + zeroPoint · 2^(e+1)</c>, <c>e &gt; 0 ? −2 : 0</c> and <c>e + 1</c>. Where
/// <see cref="Int8ConvolutionShape.BoundedAccumulators"/> says the generator proved the sums small enough, the AVX2
/// and AVX-512 paths compute <c>(floor(x · m / 2^30) + row 8 + (x &lt; 0 ? row 9 : 0)) &gt;&gt; row 10</c>, which
/// equals TFLite's two roundings plus the zero point (the proof is on the internal <c>Int8OutputStage</c>).
/// </para>
/// <para>
/// Several output pixels share each weight load (8 per block with AVX-512, 4 with AVX2, 2 with 128-bit vectors);
/// with none of them, a scalar loop computes the same sums. The kernels are compiled fully optimized at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): with dynamic PGO, the profile of whichever layer ran
/// first reshaped them, and layers of another shape ran up to three times slower.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Int8Convolution
{
    /// <summary>Rows of the output-stage table.</summary>
    public const int OutputStageRows = 7;

    /// <summary>
    /// Rows of <see cref="ConvolveRow"/>'s table: the output stage's, the dot-product bias, then the three rows of the
    /// bounded requantization (see the class remarks).
    /// </summary>
    public const int TableRows = OutputStageRows + 4;

    /// <summary>The row of <see cref="ConvolveRow"/>'s table that holds the bias plus the input offset times the window's weights.</summary>
    public const int DotProductBiasRow = OutputStageRows;

    /// <summary>The instruction set <see cref="ConvolveRow"/> uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.DotProduct ? InstructionTier.Dp : InstructionTiers.Int16Pairs;
    }

    /// <summary>Entries per row of the output-stage table for <paramref name="outputChannels"/> channels: the channels rounded up to 16, plus 8.</summary>
    public static int OutputStageStride(int outputChannels) => (outputChannels + 15) / 16 * 16 + 8;

    /// <summary>Values a staging buffer needs beyond its length for <see cref="Align"/>.</summary>
    public const int AlignmentSlack = 31;

    /// <summary>
    /// The first <paramref name="length"/> values of <paramref name="buffer"/> from its first 64-byte boundary on, so
    /// that the kernels' 512-bit loads of staged values do not straddle cache lines (each such load costs two).
    /// </summary>
    /// <param name="buffer">A buffer on the stack (which does not move) of at least <paramref name="length"/> + <see cref="AlignmentSlack"/> values.</param>
    /// <param name="length">The values needed.</param>
    public static Span<short> Align(Span<short> buffer, int length)
    {
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<short>(), ref MemoryMarshal.GetReference(buffer));
        int skip = (int)((64 - (address & 63)) & 63) / sizeof(short);
        return buffer.Slice(skip, length);
    }

    /// <summary>
    /// Stages int8 activations for <see cref="ConvolveRow"/>: <c>staged[i] = x[i] + inputOffset</c> for every
    /// value of <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The int8 values, such as the channels of a run of pixels.</param>
    /// <param name="inputOffset">Minus the input zero point.</param>
    /// <param name="staged">At least as long as <paramref name="x"/>.</param>
    public static void Stage(ReadOnlySpan<sbyte> x, int inputOffset, Span<short> staged)
    {
        int n = x.Length;
        if (staged.Length < n)
        {
            ThrowTooShort(nameof(staged), n, staged.Length);
        }
        ref sbyte source = ref MemoryMarshal.GetReference(x);
        ref short target = ref MemoryMarshal.GetReference(staged);
        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector256<short> offset = Vector256.Create((short)inputOffset);
            for (; i <= n - 16; i += 16)
            {
                (Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, (nuint)i)) + offset).StoreUnsafe(ref target, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<short> offset = Vector128.Create((short)inputOffset);
            for (; i <= n - 16; i += 16)
            {
                (Vector128<short> low, Vector128<short> high) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                (low + offset).StoreUnsafe(ref target, (nuint)i);
                (high + offset).StoreUnsafe(ref target, (nuint)i + 8);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref target, i) = (short)(Unsafe.Add(ref source, i) + inputOffset);
        }
    }

    /// <summary>
    /// Computes a run of output pixels: for each, every output channel's sum over the pixel's window of staged
    /// values times packed weights, plus the bias, requantized and clamped to int8.
    /// </summary>
    /// <param name="staged">The staged input; the first pixel's window starts at its first value.</param>
    /// <param name="shape">The window, the weights' packing and the output range.</param>
    /// <param name="weights">The packed weights (see the class remarks).</param>
    /// <param name="outputStage">The bias and requantization table, <see cref="TableRows"/> rows (see the class remarks).</param>
    /// <param name="output">
    /// The output pixels, <see cref="Int8ConvolutionShape.OutputChannels"/> values each, the first at its start and each
    /// <see cref="Int8ConvolutionShape.OutputPixelStride"/> values after the one before; it ends with the last pixel.
    /// </param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output does not end with a whole pixel.</exception>
    public static void ConvolveRow(ReadOnlySpan<short> staged, in Int8ConvolutionShape shape, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> outputStage, Span<sbyte> output)
    {
        int channels = shape.OutputChannels;
        if (channels <= 0)
        {
            throw new ArgumentException("The shape is uninitialized.", nameof(shape));
        }
        if (output.IsEmpty)
        {
            return;
        }
        int outputStride = shape.OutputPixelStride;
        int pixels = (output.Length - channels) / outputStride + 1;
        if (output.Length < channels || (long)(pixels - 1) * outputStride + channels != output.Length)
        {
            throw new ArgumentException($"The output holds {output.Length} values, not {channels}-channel pixels {outputStride} values apart ending with the last.", nameof(output));
        }
        long stagedNeeded = (long)(pixels - 1) * shape.PixelStride + shape.WindowExtent;
        if (staged.Length < stagedNeeded)
        {
            ThrowTooShort(nameof(staged), stagedNeeded, staged.Length);
        }
        long weightsNeeded = (long)shape.Blocks * shape.BlockWeights;
        if (weights.Length < weightsNeeded)
        {
            ThrowTooShort(nameof(weights), weightsNeeded, weights.Length);
        }
        int stride = OutputStageStride(channels);
        if (outputStage.Length < TableRows * stride)
        {
            ThrowTooShort(nameof(outputStage), TableRows * stride, outputStage.Length);
        }

        ref short x = ref MemoryMarshal.GetReference(staged);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref int table = ref MemoryMarshal.GetReference(outputStage);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        switch (Tier)
        {
            case InstructionTier.Avx512:
                ConvolveRowAvx512(ref x, shape, pixels, ref w, ref table, stride, ref y);
                break;
            case InstructionTier.Avx2:
                ConvolveRowAvx2(ref x, shape, pixels, ref w, ref table, stride, ref y);
                break;
            case InstructionTier.Dp:
                ConvolveRowDp(ref x, shape, pixels, ref w, ref table, stride, ref y);
                break;
            case InstructionTier.Sse or InstructionTier.AdvSimd:
                ConvolveRowVector128(ref x, shape, pixels, ref w, ref table, stride, ref y);
                break;
            default:
                ConvolveRowScalar(ref x, shape, pixels, ref w, ref table, stride, ref y);
                break;
        }
    }

    [DoesNotReturn]
    private static void ThrowTooShort(string parameterName, long needed, int actual) =>
        throw new ArgumentException($"The span holds {actual} values; the shape needs at least {needed}.", parameterName);
}
