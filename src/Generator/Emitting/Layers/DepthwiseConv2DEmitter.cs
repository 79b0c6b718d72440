using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes DEPTHWISE_CONV_2D kernels. For each output pixel, a row of accumulators (one per output
/// channel) is advanced filter row by filter row: the input channels under each tap times the tap's
/// contiguous row of weights, element by element (<see cref="TinyModel.MultiplyAccumulate"/>, SIMD with
/// the accumulators in registers across a row's taps), or with a depth multiplier, tap by tap, each
/// input value times its multiplier's weights. Each accumulator receives its
/// products in TFLM's order (filter row, then column), so float sums equal TFLM's.
/// </summary>
internal sealed class DepthwiseConv2DEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (DepthwiseConv2DLayer)spec;
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string weightType = quantized ? "sbyte" : "float";
        string acc = !quantized ? "float" : layer.Requantization!.WideAccumulator ? "long" : "int";
        int m = layer.DepthMultiplier;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DEPTHWISE_CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// One {g.FilterHeight}×{g.FilterWidth} filter per output channel{(m > 1 ? $", {m} per input channel (depth multiplier {m})" : string.Empty)}; {g.Describe()}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        if (quantized && layer.InputOffset != 0)
        {
            writer.WriteLine($"/// Input values are offset by {layer.InputOffset} (minus the input zero point) before they are multiplied, as TFLM does.");
        }
        string start = quantized && layer.Bias is not null ? "the bias" : "zero";
        writer.WriteLine($"/// Per output pixel, the accumulators start from {start} and gather, filter row by filter row, each channel's input times its weight; taps in the padding are skipped.");
        writer.WriteLine($"/// {ConvolutionLoops.DescribeOutput(layer.Requantization, layer.Activation, acc)}");
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        ConvolutionLoops.WriteConstants(writer, context, layer.Weights, weightType, layer.Bias, acc, layer.Requantization, acc, g.OutputChannels);
        ConvolutionLoops.OpenPixels(writer, g, t, t);
        writer.WriteLine(quantized && layer.Bias is not null ? "bias.CopyTo(acc);" : "acc.Clear();");

        bool offset = layer.Type == ElementType.Int8;
        if (m == 1)
        {
            // One call per filter row: the accumulators stay in registers across the row's taps.
            ConvolutionLoops.WriteTapRows(writer, g, t, weightType, (start, taps) =>
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddTapProducts(acc, image.Slice({start}), {g.DilationWidth * g.InputChannels}, {taps}{(offset ? $", {layer.InputOffset}" : string.Empty)}, rowWeights);"));
        }
        else
        {
            ConvolutionLoops.WriteTaps(writer, g, t, weightType, g.OutputChannels, () =>
            {
                string value = offset && layer.InputOffset != 0 ? $"pixel[ic] + {layer.InputOffset}" : "pixel[ic]";
                writer.OpenBlock($"for (int ic = 0; ic < {g.InputChannels}; ic++)");
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.Add(acc.Slice(ic * {m}, {m}), {value}, tapWeights.Slice(ic * {m}, {m}));");
                writer.CloseBlock();
            });
        }

        if (quantized)
        {
            ConvolutionLoops.WriteIntegerOutput(writer, layer.Requantization!, layer.Activation, t, g.OutputChannels);
        }
        else
        {
            ConvolutionLoops.WriteFloatOutput(writer, layer.Bias is not null, layer.Activation, g.OutputChannels);
        }
        ConvolutionLoops.ClosePixels(writer, g);
        writer.CloseBlock();
    }
}
