using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TinyModel;

/// <summary>
/// The int8 depthwise convolution kernel (depth multiplier 1) generated DEPTHWISE_CONV_2D layers call: each channel
/// of each output pixel is the sum of its taps' staged inputs times their weights, two taps at a time in one
/// pairwise multiply-add, then the bias and TensorFlow Lite Micro's requantization, bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// The input is staged as for <see cref="Int8Convolution"/> (<see cref="Int8Convolution.Stage"/>: int16
/// <c>x + inputOffset</c>, zeros in the padding), channels innermost. The staged values of two taps are interleaved
/// in registers (<c>vpunpcklwd</c>/<c>zip</c>), so that one pairwise multiply-add sums both taps' products per channel.
/// Products fit in 16 bits and pairs in 32, and int32 sums wrap whatever their order: the result equals TFLM's.
/// </para>
/// <para>
/// <b>Weights</b> are packed per block of 32 channels (the last block padded with zeros): for each pair of taps
/// (taps in the filter's row-major order, an odd last one paired with a zero weight), 64 bytes: the (first tap,
/// second tap) weight pairs of channels 0–3, 8–11, 16–19 and 24–27, then of 4–7, 12–15, 20–23 and 28–31, the order
/// in which interleaving within 128-bit lanes leaves them. <b>The output stage</b> is <see cref="Int8Convolution"/>'s table:
/// its first <see cref="Int8Convolution.OutputStageRows"/> rows, or all <see cref="Int8Convolution.TableRows"/> with
/// <see cref="Int8DepthwiseShape.BoundedAccumulators"/> (the dot-product bias row unused).
/// </para>
/// <para>
/// Reads of a block of channels may run past a pixel's last channel (into the next pixel, or past the end by up to 31
/// values, which the staged span must hold): those lanes meet zero weights and are never stored.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Int8DepthwiseConvolution
{
    /// <summary>The instruction set <see cref="ConvolveRow"/> and <see cref="ConvolveRows"/> uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Int16Pairs;
    }

    /// <summary>
    /// Computes a run of output pixels: for each, every channel's sum over the taps of staged values times weights,
    /// plus the bias, requantized and clamped to int8.
    /// </summary>
    /// <param name="staged">The staged input; the first pixel's first tap is its first value.</param>
    /// <param name="shape">The taps and the output range.</param>
    /// <param name="weights">The packed weights (see the class remarks).</param>
    /// <param name="outputStage">The bias and requantization table (see <see cref="Int8Convolution"/>).</param>
    /// <param name="output">The output pixels, <see cref="Int8DepthwiseShape.Channels"/> values each.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output is not whole pixels.</exception>
    public static void ConvolveRow(ReadOnlySpan<short> staged, in Int8DepthwiseShape shape, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> outputStage, Span<sbyte> output) =>
        ConvolveRows(staged, shape, 0, 0, weights, outputStage, output);

    /// <summary>
    /// Computes output rows of <paramref name="outputWidth"/> pixels each, as <see cref="ConvolveRow"/> computes one,
    /// in one call: the pixels are grouped into tiles across the ends of rows, so that a narrow image wastes no work.
    /// </summary>
    /// <param name="staged">The staged input; the first pixel's first tap is its first value.</param>
    /// <param name="shape">The taps and the output range.</param>
    /// <param name="outputWidth">Pixels per output row; 0 for a single row of every output pixel.</param>
    /// <param name="outputRowStride">Staged values from one output row's first window to the next row's.</param>
    /// <param name="weights">The packed weights (see the class remarks).</param>
    /// <param name="outputStage">The bias and requantization table (see <see cref="Int8Convolution"/>).</param>
    /// <param name="output">The output rows, one after the other, <see cref="Int8DepthwiseShape.Channels"/> values per pixel.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output is not whole rows of pixels.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or the row stride is negative.</exception>
    public static void ConvolveRows(ReadOnlySpan<short> staged, in Int8DepthwiseShape shape, int outputWidth, int outputRowStride,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> outputStage, Span<sbyte> output) =>
        Convolve(staged, shape, outputWidth, outputRowStride, default, weights, outputStage, output);

    /// <summary>
    /// Computes a run of output pixels as <see cref="ConvolveRow"/> does, with each filter row's staged input where
    /// <paramref name="rowOffsets"/> says instead of <see cref="Int8DepthwiseShape.RowStride"/> apart: the layer keeps its
    /// staged input rows in a ring, each staged once however many output rows read it.
    /// </summary>
    /// <param name="staged">The staged input rows.</param>
    /// <param name="shape">The taps and the output range (its row stride is not used).</param>
    /// <param name="rowOffsets">Per filter row, the staged offset of the first pixel's window in that row.</param>
    /// <param name="weights">The packed weights (see the class remarks).</param>
    /// <param name="outputStage">The bias and requantization table (see <see cref="Int8Convolution"/>).</param>
    /// <param name="output">The output pixels, <see cref="Int8DepthwiseShape.Channels"/> values each.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, an offset is negative, or the output is not whole pixels.</exception>
    public static void ConvolveRingRow(ReadOnlySpan<short> staged, in Int8DepthwiseShape shape, ReadOnlySpan<int> rowOffsets,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> outputStage, Span<sbyte> output)
    {
        if (rowOffsets.Length != shape.Rows)
        {
            throw new ArgumentException($"The shape has {shape.Rows} filter rows; {rowOffsets.Length} row offsets were given.", nameof(rowOffsets));
        }
        Convolve(staged, shape, 0, 0, rowOffsets, weights, outputStage, output);
    }

    /// <summary>The checks and the dispatch of every entry point; filter row r at <paramref name="rowOffsets"/>[r], or r row strides when it is empty.</summary>
    private static void Convolve(ReadOnlySpan<short> staged, in Int8DepthwiseShape shape, int outputWidth, int outputRowStride, ReadOnlySpan<int> rowOffsets,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> outputStage, Span<sbyte> output)
    {
        int channels = shape.Channels;
        if (channels <= 0)
        {
            throw new ArgumentException("The shape is uninitialized.", nameof(shape));
        }
        if (outputWidth < 0 || outputRowStride < 0)
        {
            throw new ArgumentOutOfRangeException(outputWidth < 0 ? nameof(outputWidth) : nameof(outputRowStride), "The width and the row stride must not be negative.");
        }
        int pixels = output.Length / channels;
        if (pixels * channels != output.Length)
        {
            throw new ArgumentException($"The output holds {output.Length} values, not a whole number of {channels}-channel pixels.", nameof(output));
        }
        if (pixels == 0)
        {
            return;
        }
        int width = outputWidth == 0 ? pixels : outputWidth;
        int rows = pixels / width;
        if (rows * width != pixels || (long)pixels * width >= 1L << 32)
        {
            throw new ArgumentException($"The output holds {pixels} pixels, not whole rows of {width} (or too many to index).", nameof(output));
        }
        long lastRow = (long)(shape.Rows - 1) * shape.RowStride;
        if (!rowOffsets.IsEmpty)
        {
            lastRow = 0;
            foreach (int offset in rowOffsets)
            {
                if (offset < 0)
                {
                    throw new ArgumentException("Row offsets must not be negative.", nameof(rowOffsets));
                }
                lastRow = Math.Max(lastRow, offset);
            }
        }
        long stagedNeeded = (long)(rows - 1) * outputRowStride + (long)(width - 1) * shape.PixelStride + lastRow + shape.RowExtent;
        if (staged.Length < stagedNeeded)
        {
            ThrowTooShort(nameof(staged), stagedNeeded, staged.Length);
        }
        int pairs = shape.TapPairs;
        long weightsNeeded = (long)shape.Blocks * pairs * 64;
        if (weights.Length < weightsNeeded)
        {
            ThrowTooShort(nameof(weights), weightsNeeded, weights.Length);
        }
        int stride = Int8Convolution.OutputStageStride(channels);
        int tableRows = shape.BoundedAccumulators ? Int8Convolution.TableRows : Int8Convolution.OutputStageRows;
        if (outputStage.Length < tableRows * stride)
        {
            ThrowTooShort(nameof(outputStage), tableRows * stride, outputStage.Length);
        }
        var grid = new PixelGrid(width, shape.PixelStride, outputRowStride);

        // Where each tap reads, relative to the pixel; an odd last tap is paired with the first, under a zero weight.
        Span<int> offsets = stackalloc int[2 * pairs];
        int tap = 0;
        for (int r = 0; r < shape.Rows; r++)
        {
            for (int column = 0; column < shape.Columns; column++)
            {
                offsets[tap++] = (rowOffsets.IsEmpty ? r * shape.RowStride : rowOffsets[r]) + column * shape.ColumnStride;
            }
        }
        if (tap < offsets.Length)
        {
            offsets[tap] = 0;
        }

        ref short x = ref MemoryMarshal.GetReference(staged);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref int table = ref MemoryMarshal.GetReference(outputStage);
        ref int taps = ref MemoryMarshal.GetReference(offsets);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        switch (Tier)
        {
            case InstructionTier.Avx512:
                ConvolveRowAvx512(ref x, shape, grid, pixels, ref w, ref table, stride, ref taps, pairs, ref y);
                break;
            case InstructionTier.Avx2:
                ConvolveRowAvx2(ref x, shape, grid, pixels, ref w, ref table, stride, ref taps, pairs, ref y);
                break;
            case InstructionTier.Sse or InstructionTier.AdvSimd:
                ConvolveRowVector128(ref x, shape, grid, pixels, ref w, ref table, stride, ref taps, pairs, ref y);
                break;
            default:
                ConvolveRowScalar(ref x, shape, grid, pixels, ref w, ref table, stride, ref taps, pairs, ref y);
                break;
        }
    }

    /// <summary>Byte offset, within a 64-byte pair of taps, of the weights of channel <paramref name="lane"/> (0–31) of a block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WeightOffset(int lane) => ((lane >> 2) & 1) * 32 + (lane >> 3) * 8 + (lane & 3) * 2;

    [DoesNotReturn]
    private static void ThrowTooShort(string parameterName, long needed, int actual) =>
        throw new ArgumentException($"The span holds {actual} values; the shape needs at least {needed}.", parameterName);
}
