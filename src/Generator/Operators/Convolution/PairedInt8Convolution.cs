using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The .NET flavor's int8 convolution (CONV_2D without groups, and DEPTHWISE_CONV_2D with one input channel,
/// which is the same thing): the layer stages its input as int16 <c>x − zeroPoint</c> with zeros in the padding
/// and calls <c>TinyModel.Int8Convolution.ConvolveRow</c> per output row, which multiplies pairs of staged values
/// by pairs of weights in one instruction. This class lays out the weights and the output stage the way that
/// kernel reads them, and writes the layer's loop.
/// </summary>
/// <remarks>
/// Under each filter row, the window of one output pixel covers a contiguous run of staged values (the columns
/// times the input channels) unless the columns are dilated, in which case each column is a run of its own. The
/// weights are packed per block of 16 output channels, run by run, pair by pair, 16 channels × 2 weights per pair
/// (a run of odd length gets a zero weight for the value after it). The output stage is one int32 table: bias,
/// multiplier, left shift, 2^left shift, right shift, its mask and half mask, one row of each per channel
/// (<see cref="Int8OutputStageTable"/>).
/// </remarks>
internal static class PairedInt8Convolution
{
    /// <summary>Staged values after the last: a run of odd length reads the value after it (times a zero weight).</summary>
    private const int Slack = 1;

    /// <summary>
    /// Output rows shorter than this compute a column of the output image per kernel call instead of a row (where the
    /// padded image fits on the stack): the kernel shares each weight load among up to 8 pixels of a call, and a row of
    /// kws_ref_model's first layer (5 pixels) left it computing 4 and then 1 (6.1 µs; by columns of 25 pixels, 5.2 µs).
    /// </summary>
    private const int ShortRow = 8;

    /// <summary>Whether the kernel takes a layer of this geometry (its staged rows fit on the stack).</summary>
    public static bool Supports(ConvolutionGeometry g) => Int8StagedInput.Fits(g, Slack);

    /// <summary>A line of the layer's XML summary saying how the kernel computes it.</summary>
    public static string Describe(ConvolutionGeometry g) => Int8StagedInput.IsPointwise(g)
        ? "The input is staged as int16 (value minus the input zero point), a run of pixels at a time; each block of 16 output channels then sums pairs of staged input channels times pairs of weights, several pixels per weight load."
        : "Per output row, the filter rows' input rows are staged as int16 (value minus the input zero point, zero in the padding); each block of 16 output channels then sums pairs of staged values times pairs of weights over each pixel's window, several pixels per weight load.";

    /// <summary>
    /// Writes the body of the layer's method: the constants, the staging buffer and the loop. <paramref name="filter"/>
    /// returns the weight of output channel <c>oc</c> at filter row <c>ky</c>, column <c>kx</c> and input channel
    /// <c>ic</c>; <paramref name="bias"/> names the int32 bias constant, if any.
    /// </summary>
    public static void Write(SourceWriter writer, EmitContext context, LayerSpec layer, ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter,
        string? bias, int inputOffset, ChannelRequantization requantization, ActivationRange activation)
    {
        bool pointwise = Int8StagedInput.IsPointwise(g);
        int ic = g.InputChannels, oc = g.OutputChannels;
        bool dilatedColumns = g.DilationWidth > 1 && g.FilterWidth > 1;
        int segments = dilatedColumns ? g.FilterWidth : 1;
        int run = dilatedColumns ? ic : g.FilterWidth * ic;
        int pairs = (run + 1) / 2;
        int rowStride = pointwise ? 0 : Int8StagedInput.RowStride(g, Slack);
        bool columns = !pointwise && g.OutputWidth < ShortRow && g.OutputHeight > g.OutputWidth && Int8StagedInput.ImageFits(g, Slack);
        long pixelStride = pointwise ? ic : columns ? (long)g.StrideHeight * Int8StagedInput.StagedWidth(g) * ic : (long)g.StrideWidth * ic;

        byte[] packed = PackWeights(g, filter, segments, run, pairs);
        string weights = LayerWeights.AddConstant(context, layer, ElementType.Int8, packed,
            $"filter, int8, packed for TinyModel.Int8Convolution: {Literals.Count((oc + 15) / 16, "block")} of 16 output channels × {Literals.Count(g.FilterHeight * segments, "run")} × {Literals.Count(pairs, "pair")} × 16 × 2");
        // The dot-product path adds back inputOffset · Σw (it multiplies the int8 values without the offset); the
        // bounded requantization needs the largest staged magnitude (a value plus the offset; padding is 0) times Σ|w|.
        (long[] sums, long[] magnitudes) = WeightSums(packed, oc);
        long staged = Math.Max(Math.Abs(sbyte.MinValue + inputOffset), Math.Abs(sbyte.MaxValue + inputOffset));
        long[] windowBounds = Array.ConvertAll(magnitudes, magnitude => staged * magnitude);
        string outputStage = Int8OutputStageTable.Add(context, layer, bias, requantization, oc,
            inputOffsetShares: Array.ConvertAll(sums, sum => unchecked((int)(inputOffset * sum))), boundedRows: true, windowBounds: windowBounds);
        bool bounded = Int8OutputStageTable.AccumulatorsBounded(context, bias, requantization, windowBounds, constantChannelsZeroed: true);

        writer.WriteLine($"{EmitContext.ReadOnlySpan}<sbyte> weights = {context.Constant(weights)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> outputStage = {context.Constant(outputStage)};");
        writer.WriteLine($"global::TinyModel.Int8ConvolutionShape shape = new(pixelStride: {I(pixelStride)}, rows: {I(g.FilterHeight)}, rowStride: {I(rowStride)}, " +
            $"segments: {I(segments)}, segmentStride: {I(dilatedColumns ? g.DilationWidth * ic : 0)}, pairs: {I(pairs)}, outputChannels: {I(oc)}, " +
            $"outputZeroPoint: {I(requantization.OutputZeroPoint)}, outputMin: {I(activation.QuantizedMin)}, outputMax: {I(activation.QuantizedMax)}, inputOffset: {I(inputOffset)}" +
            (bounded ? ", boundedAccumulators: true" : "") + (columns ? $", outputPixelStride: {I((long)g.OutputWidth * oc)}" : "") + ");");
        Func<string, string, string> call = (staged, output) => $"global::TinyModel.Int8Convolution.ConvolveRow({staged}, shape, weights, outputStage, {output});";
        if (pointwise)
        {
            Int8StagedInput.WritePointwise(writer, g, inputOffset, Slack, call);
        }
        else
        {
            Int8StagedInput.WriteRows(writer, g, inputOffset, Slack, call, byColumns: columns);
        }
    }

    private static byte[] PackWeights(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int segments, int run, int pairs)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int blocks = (oc + 15) / 16;
        byte[] packed = new byte[blocks * g.FilterHeight * segments * pairs * 32];
        for (int block = 0; block < blocks; block++)
        {
            for (int ky = 0; ky < g.FilterHeight; ky++)
            {
                for (int s = 0; s < segments; s++)
                {
                    for (int j = 0; j < pairs; j++)
                    {
                        int at = (((block * g.FilterHeight + ky) * segments + s) * pairs + j) * 32;
                        for (int lane = 0; lane < 16; lane++)
                        {
                            int channel = block * 16 + lane;
                            for (int t = 0; t < 2; t++)
                            {
                                // Value k of the run: column k / ic and channel k % ic of an undilated row, or channel k of column s.
                                int k = 2 * j + t;
                                if (channel < oc && k < run)
                                {
                                    sbyte weight = segments == 1 ? filter(channel, ky, k / ic, k % ic) : filter(channel, ky, s, k);
                                    packed[at + lane * 2 + t] = unchecked((byte)weight);
                                }
                            }
                        }
                    }
                }
            }
        }
        return packed;
    }

    /// <summary>
    /// Per output channel, the sum of its packed weights and of their magnitudes (the padding's zero weights add
    /// nothing to either).
    /// </summary>
    private static (long[] Sums, long[] Magnitudes) WeightSums(byte[] packed, int oc)
    {
        long[] sums = new long[oc], magnitudes = new long[oc];
        int blockBytes = packed.Length / ((oc + 15) / 16);
        for (int at = 0; at < packed.Length; at++)
        {
            // Byte at: block at / blockBytes, lane (at % 32) / 2 of its pair.
            int channel = at / blockBytes * 16 + at % 32 / 2;
            if (channel < oc)
            {
                sums[channel] += (sbyte)packed[at];
                magnitudes[channel] += Math.Abs((int)(sbyte)packed[at]);
            }
        }
        return (sums, magnitudes);
    }

    private static string I(long value) => Literals.Int(value);
}
