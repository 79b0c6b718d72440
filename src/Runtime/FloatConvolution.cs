using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The float convolution kernel generated CONV_2D layers call: a direct convolution over weights packed at build
/// time, vectorized across output channels, several output pixels per weight load, bit-identical to TensorFlow Lite
/// Micro's reference kernel on every instruction set.
/// </summary>
/// <remarks>
/// <para>
/// <b>Order.</b> TFLM sums each output value from 0 over filter rows, then columns, then input channels, one product
/// at a time, then adds the bias and clamps. Here each vector lane is one output channel's accumulator, and it
/// receives the same products in the same order, one multiply and one add each (never a fused multiply-add): the
/// same bits, whatever the vector width. Where the window covers the padding, <see cref="ConvolveImage"/> skips the
/// padded taps as TFLM does (it reads the input in place, each window cut to the taps inside it); otherwise the
/// generated layer passes <see cref="ConvolveRow"/> an input staged with zeros there: a padded tap then adds
/// <c>0 · w</c>, a zero, to a sum that is never −0 (it starts at +0 in round-to-nearest), which leaves it unchanged,
/// as TFLM's skipped tap does; the generator stages only layers with finite weights, where that holds.
/// </para>
/// <para>
/// <b>Weights</b> are packed per block of <see cref="BlockChannels"/> output channels (the last block padded with
/// zeros): for each filter row, each run of the row and each value of the run, the weights of the block's 16
/// channels, side by side.
/// </para>
/// <para>
/// Several output pixels share each weight load: 8 per block with 512-bit vectors, 4 with 256-bit ones, 2 with
/// 128-bit ones (SSE on x64, AdvSimd on ARM64); with none of them a scalar loop computes the same sums. The kernels
/// are compiled fully optimized at once (<see cref="MethodImplOptions.AggressiveOptimization"/>), so that no layer's
/// profile reshapes them for another's shape.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class FloatConvolution
{
    /// <summary>Output channels per block of packed weights: one 512-bit vector of accumulators.</summary>
    public const int BlockChannels = 16;

    /// <summary>
    /// Computes a run of output pixels: for each, every output channel's sum over the pixel's window of input values
    /// times packed weights, in TFLM's order, plus the bias, clamped to the shape's range.
    /// </summary>
    /// <param name="input">The input; the first pixel's window starts at its first value.</param>
    /// <param name="shape">The window, the weights' packing and the output range.</param>
    /// <param name="weights">The packed weights (see the class remarks).</param>
    /// <param name="bias">One bias per output channel, or empty for none (TFLM then adds 0).</param>
    /// <param name="output">The output pixels, <see cref="FloatConvolutionShape.OutputChannels"/> values each.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output is not whole pixels.</exception>
    public static void ConvolveRow(ReadOnlySpan<float> input, in FloatConvolutionShape shape, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int channels = shape.OutputChannels;
        int pixels = PixelsOf(channels, output.Length);
        if (pixels == 0)
        {
            return;
        }
        CheckLength(nameof(input), (long)(pixels - 1) * shape.PixelStride + shape.WindowExtent, input.Length);
        CheckLength(nameof(weights), (long)shape.Blocks * shape.BlockWeights, weights.Length);
        if (!bias.IsEmpty)
        {
            CheckLength(nameof(bias), channels, bias.Length);
        }

        Span<float> blockBias = stackalloc float[shape.Blocks * BlockChannels];
        PadBias(bias, channels, blockBias);

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float b = ref MemoryMarshal.GetReference(blockBias);
        ref float y = ref MemoryMarshal.GetReference(output);
        switch (Tier)
        {
            case InstructionTier.Vector512:
                ConvolveBlocks<Tiles512>(ref x, shape, pixels, ref w, ref b, ref y, 0, 0);
                break;
            case InstructionTier.Vector256:
                ConvolveBlocks<Tiles256>(ref x, shape, pixels, ref w, ref b, ref y, 0, 0);
                break;
            case InstructionTier.Vector128:
                ConvolveBlocks<Tiles128>(ref x, shape, pixels, ref w, ref b, ref y, 0, 0);
                break;
            default:
                ConvolveBlocks<ScalarTiles>(ref x, shape, pixels, ref w, ref b, ref y, 0, 0);
                break;
        }
    }

    /// <summary>
    /// The bias (none: zeros) padded with zeros to whole blocks of <see cref="BlockChannels"/>, so that every block loads whole
    /// vectors of it.
    /// </summary>
    private static void PadBias(ReadOnlySpan<float> bias, int channels, Span<float> blockBias)
    {
        blockBias.Clear();
        if (!bias.IsEmpty)
        {
            bias.Slice(0, channels).CopyTo(blockBias);
        }
    }

    /// <summary>
    /// Every block of output channels over every pixel, with <typeparamref name="TTiles"/>, or for a block of at most 8
    /// channels (a layer with few of them) with 256-bit tiles of its low half. The first pixel's first <paramref name="lead"/>
    /// values of each window row and the last pixel's last <paramref name="trail"/> are padding, skipped (see <see cref="ConvolveBlock"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveBlocks<TTiles>(ref float x, in FloatConvolutionShape shape, int pixels, ref float w, ref float bias, ref float y, int lead, int trail)
        where TTiles : struct, IFloatConvolutionTiles
    {
        int channels = shape.OutputChannels, blockWeights = shape.BlockWeights;
        for (int c = 0; c < channels; c += BlockChannels)
        {
            ref float blockW = ref Unsafe.Add(ref w, (nint)(c / BlockChannels) * blockWeights);
            int valid = Math.Min(BlockChannels, channels - c);
            if (valid <= 8 && TTiles.Pixels > 1 && InstructionTiers.Has256(Tier))
            {
                ConvolveBlock<HalfTiles256>(ref x, shape, pixels, ref blockW, ref Unsafe.Add(ref bias, c), ref Unsafe.Add(ref y, c), valid, lead, trail);
            }
            else
            {
                ConvolveBlock<TTiles>(ref x, shape, pixels, ref blockW, ref Unsafe.Add(ref bias, c), ref Unsafe.Add(ref y, c), valid, lead, trail);
            }
        }
    }

    /// <summary>
    /// One block of output channels over every pixel: whole tiles of <c>TTiles.Pixels</c> pixels, then the rest of the row
    /// as cheaply as it goes: a whole tile ending at the last pixel if more than half a tile is left (recomputing, and
    /// rewriting identically, the pixels it overlaps), half tiles, a half tile ending at the last pixel, single pixels.
    /// The first pixel's window rows start <paramref name="lead"/> values late (<paramref name="x"/> is its first value
    /// after them; the next pixel's window starts <c>PixelStride - lead</c> further on) and the last pixel's end
    /// <paramref name="trail"/> values early: taps in the padding at the image's left and right edges.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveBlock<TTiles>(ref float x, in FloatConvolutionShape shape, int pixels, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        where TTiles : struct, IFloatConvolutionTiles
    {
        int channels = shape.OutputPixelStride, tile = TTiles.Pixels, half = tile / 2;
        nint pixelStride = shape.PixelStride;
        int p = 0;
        for (; p <= pixels - tile; p += tile)
        {
            TTiles.Tile(ref Window(ref x, p, pixelStride, lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)p * channels), valid,
                p == 0 ? lead : 0, p + tile == pixels ? trail : 0);
        }
        while (p < pixels)
        {
            int left = pixels - p;
            if (left > half && pixels >= tile)
            {
                p = pixels - tile;
                TTiles.Tile(ref Window(ref x, p, pixelStride, lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)p * channels), valid, p == 0 ? lead : 0, trail);
                return;
            }
            if (half > 1 && (left >= half || (left > half / 2 && pixels >= half)))
            {
                p = Math.Min(p, pixels - half);
                TTiles.Half(ref Window(ref x, p, pixelStride, lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)p * channels), valid,
                    p == 0 ? lead : 0, p + half == pixels ? trail : 0);
                p += half;
                continue;
            }
            TTiles.Single(ref Window(ref x, p, pixelStride, lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)p * channels), valid,
                p == 0 ? lead : 0, p + 1 == pixels ? trail : 0);
            p++;
        }
    }

    /// <summary>Where pixel <paramref name="p"/>'s reading starts: its window, or for the first pixel its first value after the lead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Window(ref float x, int p, nint pixelStride, int lead) => ref p == 0 ? ref x : ref Unsafe.Add(ref x, p * pixelStride - lead);

    /// <summary>The output pixels a row kernel writes: <paramref name="outputLength"/> must be whole pixels of a shape built by its constructor.</summary>
    internal static int PixelsOf(int channels, int outputLength)
    {
        if (channels <= 0)
        {
            throw new ArgumentException("The shape is uninitialized.", "shape");
        }
        int pixels = outputLength / channels;
        if (pixels * channels != outputLength)
        {
            throw new ArgumentException($"The output holds {outputLength} values, not a whole number of {channels}-channel pixels.", "output");
        }
        return pixels;
    }

    /// <summary>Throws unless a span holds at least the values the shape needs.</summary>
    internal static void CheckLength(string parameterName, long needed, int actual)
    {
        if (actual < needed)
        {
            ThrowTooShort(parameterName, needed, actual);
        }
    }

    [DoesNotReturn]
    private static void ThrowTooShort(string parameterName, long needed, int actual) =>
        throw new ArgumentException($"The span holds {actual} values; the shape needs at least {needed}.", parameterName);
}
