using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The .NET flavor's float32 CONV_2D (without groups) and DEPTHWISE_CONV_2D (depth multiplier 1) layers. A CONV_2D
/// whose windows reach the padding reads its input in place, each window cut to its taps inside the input
/// (<c>TinyModel.FloatConvolution.ConvolveImage</c>); otherwise it reads its input (or, for its edge pixels, a copy
/// staged with zeros in the padding, <see cref="FloatStagedInput"/>) output row by output row and calls
/// <c>TinyModel.FloatConvolution.ConvolveRow</c>. DEPTHWISE_CONV_2D passes the whole image to
/// <c>TinyModel.FloatDepthwiseConvolution.Convolve</c>, which reads it in place and skips the padding's taps. All
/// vectorize across output channels and keep TFLM's order of products per output value. This class lays out the
/// weights the way those kernels read them and writes the layer's body.
/// </summary>
/// <remarks>
/// A staged zero times a weight adds a zero to a sum that is never −0, which is what TFLM's skipped padding tap adds,
/// only when the weight is finite (0 · ∞ is NaN): CONV_2D layers with a non-finite weight keep the kernel that skips
/// padding taps. The depthwise kernel skips them itself, so it takes any weights.
/// </remarks>
internal static class FloatConvolutionKernels
{
    /// <summary>Output channels per block of packed weights: <c>TinyModel.FloatConvolution.BlockChannels</c>.</summary>
    private const int BlockChannels = 16;

    /// <summary>
    /// The least input channels for which a CONV_2D layer whose windows reach the padding reads its input in place
    /// (<c>TinyModel.FloatConvolution.ConvolveImage</c>, each window cut to the taps inside the input): with fewer, a
    /// cut window's runs are too short to pay for the cuts, and staging a copy with zeros in the padding is cheap.
    /// </summary>
    private const int InPlaceInputChannels = 8;

    /// <summary>Whether the staged path (<see cref="FloatStagedInput"/>, whose zeros are multiplied) computes a layer of this geometry and filter.</summary>
    private static bool SupportsStaged(ConvolutionGeometry g, EquatableArray<byte> filter) => FloatStagedInput.Fits(g) && AllFinite(filter);

    /// <summary>
    /// Whether these kernels compute a float CONV_2D layer of this geometry and filter: any filter when the layer reads
    /// its input in place (its taps in the padding skipped, never multiplied), else as <see cref="SupportsStaged"/> says.
    /// </summary>
    public static bool SupportsConvolution(ConvolutionGeometry g, EquatableArray<byte> filter) => ReadsInPlace(g) || SupportsStaged(g, filter);

    /// <summary>
    /// Whether a CONV_2D layer whose windows reach the padding reads its input in place, each window cut to its taps inside
    /// the input (undilated columns, enough input channels), rather than a copy staged with zeros in the padding.
    /// </summary>
    private static bool ReadsInPlace(ConvolutionGeometry g) =>
        (g.ClipsRows || g.ClipsColumns) && (g.DilationWidth == 1 || g.FilterWidth == 1) && g.InputChannels >= InPlaceInputChannels && EdgesOnly(g);

    /// <summary>
    /// Whether only the first and last windows of an output row reach the padding on the left or right, each on its own
    /// side and keeping a column inside the input (unless the row is one pixel): what the kernel's tiles skip at their ends.
    /// </summary>
    private static bool EdgesOnly(ConvolutionGeometry g)
    {
        for (int ox = 0; ox < g.OutputWidth; ox++)
        {
            int column = ox * g.StrideWidth - g.PadLeft;
            bool cutLeft = column < 0, cutRight = column + g.FilterWidth > g.InputWidth;
            if ((cutLeft && ox != 0) || (cutRight && ox != g.OutputWidth - 1)
                || (g.OutputWidth > 1 && (column + g.FilterWidth <= 0 || column >= g.InputWidth)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A line of a CONV_2D layer's XML summary saying how the kernel computes it.</summary>
    public static string DescribeConvolution(ConvolutionGeometry g) =>
        $"{(ReadsInPlace(g) ? "The kernel reads the input in place, each window cut to its taps inside the input (TFLM skips the others): output row by output row, its first and last pixels' windows cut at the ends of the tiles" : FloatStagedInput.Describe(g))}; each block of {BlockChannels} output channels sums its products in TFLM's order (filter row, column, input channel), one vector lane per channel, several pixels per weight load.";

    /// <summary>A line of a DEPTHWISE_CONV_2D layer's XML summary saying how the kernel computes it.</summary>
    public static string DescribeDepthwise(ConvolutionGeometry g) =>
        "The kernel reads the input in place and skips the taps in the padding, as TFLM does; each channel sums its products in TFLM's order (filter row, column), one vector lane per channel, " +
        (g.FilterWidth == 3 && g.DilationWidth == 1 && g.StrideWidth <= 2 && g.OutputWidth >= 6
            ? "six pixels of a row at a time, each input column loaded once for the windows that hold it."
            : "four pixels per weight load inside the row, the edge pixels one at a time.");

    /// <summary>Writes the body of a CONV_2D layer's method.</summary>
    public static void WriteConvolution(SourceWriter writer, EmitContext context, Conv2DLayer layer)
    {
        ConvolutionGeometry g = layer.Geometry;
        int ic = g.InputChannels;
        bool dilatedColumns = g.DilationWidth > 1 && g.FilterWidth > 1;
        int segments = dilatedColumns ? g.FilterWidth : 1;
        int run = dilatedColumns ? ic : g.FilterWidth * ic;
        int blocks = (g.OutputChannels + BlockChannels - 1) / BlockChannels;
        string weights = LayerWeights.AddConstant(context, layer, ElementType.Float32, ConstantData.ToBytes(PackFilter(layer, segments, run)),
            $"filter, float32, packed for TinyModel.FloatConvolution: {Literals.Count(blocks, "block")} of {BlockChannels} output channels × {Literals.Count(g.FilterHeight * segments, "run")} × {Literals.Count(run, "value")} × {BlockChannels}");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> weights = {context.Constant(weights)};");
        WriteBias(writer, context, layer.Bias);
        if (ReadsInPlace(g))
        {
            writer.WriteLine($"global::TinyModel.FloatConvolutionGeometry geometry = new(inputHeight: {I(g.InputHeight)}, inputWidth: {I(g.InputWidth)}, inputChannels: {I(ic)}, " +
                $"filterHeight: {I(g.FilterHeight)}, filterWidth: {I(g.FilterWidth)}, strideHeight: {I(g.StrideHeight)}, strideWidth: {I(g.StrideWidth)}, " +
                $"dilationHeight: {I(g.DilationHeight)}, padTop: {I(g.PadTop)}, padLeft: {I(g.PadLeft)}, outputHeight: {I(g.OutputHeight)}, outputWidth: {I(g.OutputWidth)}, " +
                $"outputChannels: {I(g.OutputChannels)}, outputMin: {Literals.Float(layer.Activation.FloatMin)}, outputMax: {Literals.Float(layer.Activation.FloatMax)});");
            ConvolutionLoops.OpenBatches(writer, g, "float", "float");
            writer.WriteLine("global::TinyModel.FloatConvolution.ConvolveImage(image, geometry, weights, bias, result);");
            ConvolutionLoops.CloseBatches(writer, g);
            return;
        }
        writer.WriteLine($"global::TinyModel.FloatConvolutionShape shape = new(pixelStride: {I(g.StrideWidth * ic)}, rows: {I(g.FilterHeight)}, rowStride: {I(FloatStagedInput.RowStride(g))}, " +
            $"segments: {I(segments)}, segmentStride: {I(dilatedColumns ? g.DilationWidth * ic : 0)}, run: {I(run)}, outputChannels: {I(g.OutputChannels)}, " +
            $"outputMin: {Literals.Float(layer.Activation.FloatMin)}, outputMax: {Literals.Float(layer.Activation.FloatMax)});");
        FloatStagedInput.Write(writer, g, (shape, input, output) => $"global::TinyModel.FloatConvolution.ConvolveRow({input}, {shape}, weights, bias, {output});");
    }

    /// <summary>Writes the body of a DEPTHWISE_CONV_2D layer's method (depth multiplier 1).</summary>
    public static void WriteDepthwise(SourceWriter writer, EmitContext context, DepthwiseConv2DLayer layer)
    {
        ConvolutionGeometry g = layer.Geometry;
        int channels = g.OutputChannels;
        // TFLite's [1, ky, kx, channel] is already the layout the kernel reads: one row of channels per tap.
        string weights = LayerWeights.AddConstant(context, layer, ElementType.Float32, layer.Filter.AsImmutableArray().AsSpan().ToArray(),
            $"filter, float32[{g.FilterHeight},{g.FilterWidth},{channels}] (ky, kx, channel)");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> weights = {context.Constant(weights)};");
        WriteBias(writer, context, layer.Bias);
        writer.WriteLine($"global::TinyModel.FloatDepthwiseShape shape = new(inputHeight: {I(g.InputHeight)}, inputWidth: {I(g.InputWidth)}, channels: {I(channels)}, " +
            $"outputHeight: {I(g.OutputHeight)}, outputWidth: {I(g.OutputWidth)}, filterHeight: {I(g.FilterHeight)}, filterWidth: {I(g.FilterWidth)}, " +
            $"strideHeight: {I(g.StrideHeight)}, strideWidth: {I(g.StrideWidth)}, dilationHeight: {I(g.DilationHeight)}, dilationWidth: {I(g.DilationWidth)}, " +
            $"padTop: {I(g.PadTop)}, padLeft: {I(g.PadLeft)}, outputMin: {Literals.Float(layer.Activation.FloatMin)}, outputMax: {Literals.Float(layer.Activation.FloatMax)});");
        if (g.Batches == 1)
        {
            writer.WriteLine("global::TinyModel.FloatDepthwiseConvolution.Convolve(input, shape, weights, bias, output);");
            return;
        }
        ConvolutionLoops.OpenBatches(writer, g, "float", "float");
        writer.WriteLine("global::TinyModel.FloatDepthwiseConvolution.Convolve(image, shape, weights, bias, result);");
        ConvolutionLoops.CloseBatches(writer, g);
    }

    private static void WriteBias(SourceWriter writer, EmitContext context, string? bias) =>
        writer.WriteLine(bias is null
            ? $"{EmitContext.ReadOnlySpan}<float> bias = default; // no bias: TFLM adds 0"
            : $"{EmitContext.ReadOnlySpan}<float> bias = {context.Constant(bias)};");

    /// <summary>
    /// TFLite's <c>[oc, ky, kx, ic]</c> filter packed per block of 16 output channels: for each filter row, each run,
    /// each value of the run, the block's 16 weights (zero for the channels past the last).
    /// </summary>
    private static float[] PackFilter(Conv2DLayer layer, int segments, int run)
    {
        ConvolutionGeometry g = layer.Geometry;
        float[] filter = ConstantData.As<float>(layer.Filter.AsImmutableArray().AsSpan().ToArray().AsMemory());
        int ic = g.InputChannels, oc = g.OutputChannels;
        int blocks = (oc + BlockChannels - 1) / BlockChannels;
        float[] packed = new float[blocks * g.FilterHeight * segments * run * BlockChannels];
        for (int block = 0; block < blocks; block++)
        {
            for (int ky = 0; ky < g.FilterHeight; ky++)
            {
                for (int s = 0; s < segments; s++)
                {
                    for (int k = 0; k < run; k++)
                    {
                        // Value k of the run: column k / ic and channel k % ic of an undilated row, or channel k of column s.
                        int kx = segments == 1 ? k / ic : s, channel = segments == 1 ? k % ic : k;
                        int at = (((block * g.FilterHeight + ky) * segments + s) * run + k) * BlockChannels;
                        for (int lane = 0; lane < BlockChannels && block * BlockChannels + lane < oc; lane++)
                        {
                            int o = block * BlockChannels + lane;
                            packed[at + lane] = filter[((o * g.FilterHeight + ky) * g.FilterWidth + kx) * ic + channel];
                        }
                    }
                }
            }
        }
        return packed;
    }

    private static bool AllFinite(EquatableArray<byte> filter)
    {
        foreach (float value in ConstantData.As<float>(filter.AsImmutableArray().AsSpan().ToArray().AsMemory()))
        {
            if (float.IsNaN(value) || float.IsInfinity(value))
            {
                return false;
            }
        }
        return true;
    }

    private static string I(long value) => Literals.Int(value);
}
