using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The .NET flavor's int8 DEPTHWISE_CONV_2D with depth multiplier 1: the layer stages its input as int16
/// <c>x − zeroPoint</c> with zeros in the padding, as <see cref="PairedInt8Convolution"/> does (the whole image, or
/// each row once into a ring of rows), and calls <c>TinyModel.Int8DepthwiseConvolution</c>, which interleaves the staged values of
/// two taps and multiplies them by both taps' weights in one pairwise multiply-add per channel. This class lays out
/// the weights the way that kernel reads them and writes the layer's loop.
/// </summary>
/// <remarks>
/// The weights are packed per block of 32 channels, per pair of taps (row-major; an odd last tap with a zero partner),
/// as 64 bytes: the (first tap, second tap) weights of channels 0–3, 8–11, 16–19, 24–27, then 4–7, 12–15, 20–23, 28–31,
/// the order that interleaving within 128-bit lanes leaves them in.
/// </remarks>
internal static class PairedInt8Depthwise
{
    /// <summary>Staged values after the last: a block of 32 channels is read whole, past the last channel.</summary>
    private const int Slack = 32;

    /// <summary>Whether the kernel takes a layer of this geometry (its staged rows fit on the stack).</summary>
    public static bool Supports(ConvolutionGeometry g) => Int8StagedInput.Fits(g, Slack);

    /// <summary>A line of the layer's XML summary saying how the kernel computes it.</summary>
    public static string Describe(ConvolutionGeometry g) =>
        (Int8StagedInput.ImageFits(g, Slack)
            ? "The padded image is staged once as int16 (value minus the input zero point, zero in the padding)"
            : UsesRing(g)
            ? "Each input row is staged once as int16 (value minus the input zero point, zero in the padding), into a ring of rows"
            : "Per output row, the filter rows' input rows are staged as int16 (value minus the input zero point, zero in the padding)") +
        "; per pixel and block of channels, the staged values of two taps are interleaved and multiplied by both taps' weights in one pairwise multiply-add.";

    /// <summary>Whether the layer stages its rows into a ring (its padded image does not fit on the stack, a ring of rows does).</summary>
    private static bool UsesRing(ConvolutionGeometry g) => !Int8StagedInput.ImageFits(g, Slack) && Int8StagedInput.RingFits(g, Slack);

    /// <summary>
    /// Writes the body of the layer's method. <paramref name="filter"/> is TFLite's <c>[1, ky, kx, channel]</c> int8
    /// filter; <paramref name="bias"/> names the int32 bias constant, if any.
    /// </summary>
    public static void Write(SourceWriter writer, EmitContext context, LayerSpec layer, ConvolutionGeometry g, byte[] filter,
        string? bias, int inputOffset, ChannelRequantization requantization, ActivationRange activation)
    {
        int channels = g.OutputChannels;
        int lanes = Lanes(g);
        int pairs = (g.FilterHeight * g.FilterWidth + 1) / 2;
        string weights = LayerWeights.AddConstant(context, layer, ElementType.Int8, PackWeights(g, filter, pairs, lanes),
            $"filter, int8, packed for TinyModel.Int8DepthwiseConvolution: {Literals.Count((lanes + 31) / 32, "block")} of 32 channels × {Literals.Count(pairs, "pair")} of taps × 32 × 2");
        long[] windowBounds = WindowBounds(g, filter, inputOffset);
        bool bounded = Int8OutputStageTable.AccumulatorsBounded(context, bias, requantization, windowBounds, constantChannelsZeroed: true);
        string outputStage = Int8OutputStageTable.Add(context, layer, bias, requantization, lanes, lanes == channels ? 0 : channels, boundedRows: bounded,
            windowBounds: windowBounds);

        writer.WriteLine($"{EmitContext.ReadOnlySpan}<sbyte> weights = {context.Constant(weights)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> outputStage = {context.Constant(outputStage)};");
        if (lanes != channels)
        {
            writer.WriteLine($"// The kernel sees each {I(lanes / channels)} adjacent output pixels as one pixel of {I(lanes)} channels: whole blocks of 32, the same staged values.");
        }
        writer.WriteLine($"global::TinyModel.Int8DepthwiseShape shape = new(pixelStride: {I(g.StrideWidth * lanes)}, rows: {I(g.FilterHeight)}, " +
            $"rowStride: {I(Int8StagedInput.RowStride(g, Slack))}, columns: {I(g.FilterWidth)}, columnStride: {I(g.DilationWidth * channels)}, channels: {I(lanes)}, " +
            $"outputZeroPoint: {I(requantization.OutputZeroPoint)}, outputMin: {I(activation.QuantizedMin)}, outputMax: {I(activation.QuantizedMax)}" +
            (bounded ? ", boundedAccumulators: true" : "") + ");");
        // A staged image goes to the kernel whole: it groups pixels into tiles across the ends of rows.
        int width = g.OutputWidth / (lanes / channels);
        if (UsesRing(g))
        {
            // Each input row staged once, in a ring, instead of once per filter row that reads it.
            Int8StagedInput.WriteRing(writer, g, inputOffset, Slack,
                (staged, rowOffsets, output) => $"global::TinyModel.Int8DepthwiseConvolution.ConvolveRingRow({staged}, shape, {rowOffsets}, weights, outputStage, {output});");
            return;
        }
        Int8StagedInput.WriteRows(writer, g, inputOffset, Slack,
            (staged, output) => $"global::TinyModel.Int8DepthwiseConvolution.ConvolveRow({staged}, shape, weights, outputStage, {output});",
            (staged, output, rowStride) => $"global::TinyModel.Int8DepthwiseConvolution.ConvolveRows({staged}, shape, {I(width)}, {I(rowStride)}, weights, outputStage, {output});");
    }

    /// <summary>
    /// Per channel, the largest magnitude its taps can sum to: the largest staged magnitude (a value plus the input
    /// offset; the padding's zeros add nothing) times the sum of its weights' magnitudes.
    /// </summary>
    private static long[] WindowBounds(ConvolutionGeometry g, byte[] filter, int inputOffset)
    {
        int channels = g.OutputChannels;
        long staged = Math.Max(Math.Abs(sbyte.MinValue + inputOffset), Math.Abs(sbyte.MaxValue + inputOffset));
        long[] bounds = new long[channels];
        for (int at = 0; at < g.FilterHeight * g.FilterWidth * channels; at++)
        {
            bounds[at % channels] += staged * Math.Abs((int)(sbyte)filter[at]);
        }
        return bounds;
    }

    /// <summary>
    /// The channels the kernel sees per pixel: the layer's, or, when they do not fill blocks of 32 and the columns have
    /// stride 1 (so that adjacent pixels' channels are adjacent in the staged input and the output), the channels of
    /// enough adjacent pixels to fill whole blocks, if each output row splits into such groups.
    /// </summary>
    private static int Lanes(ConvolutionGeometry g)
    {
        int channels = g.OutputChannels;
        if (channels % 32 == 0 || g.StrideWidth != 1)
        {
            return channels;
        }
        int pixels = 32 / Gcd(channels, 32);
        return g.OutputWidth % pixels == 0 && channels * pixels <= MaxLanes ? channels * pixels : channels;
    }

    /// <summary>The most channels a group of pixels may span (its weights and output stage are repeated per pixel).</summary>
    private const int MaxLanes = 512;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static byte[] PackWeights(ConvolutionGeometry g, byte[] filter, int pairs, int lanes)
    {
        int channels = g.OutputChannels, taps = g.FilterHeight * g.FilterWidth;
        int blocks = (lanes + 31) / 32;
        byte[] packed = new byte[blocks * pairs * 64];
        for (int block = 0; block < blocks; block++)
        {
            for (int k = 0; k < pairs; k++)
            {
                for (int lane = 0; lane < 32; lane++)
                {
                    int channel = block * 32 + lane;
                    // Channels 0-3, 8-11, 16-19, 24-27 in the first 32 bytes, 4-7, 12-15, 20-23, 28-31 in the next,
                    // a (first tap, second tap) pair each.
                    int at = (block * pairs + k) * 64 + ((lane >> 2) & 1) * 32 + (lane >> 3) * 8 + (lane & 3) * 2;
                    for (int t = 0; t < 2; t++)
                    {
                        int tap = 2 * k + t;
                        if (channel < lanes && tap < taps)
                        {
                            packed[at + t] = filter[tap * channels + channel % channels];
                        }
                    }
                }
            }
        }
        return packed;
    }

    private static string I(long value) => Literals.Int(value);
}
