using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes CONV_2D kernels. For each output pixel, a row of accumulators (one per output channel) is
/// advanced input value by input value: each input value under a filter tap multiplies the tap's
/// contiguous row of weights for every output channel (<see cref="TinyModel.MultiplyAccumulate"/>, SIMD where
/// available). Each accumulator still receives its products in TFLM's order (filter row, column,
/// input channel), so float sums equal TFLM's, and integer ones wrap as TFLM's int32 sums do.
/// </summary>
internal sealed class Conv2DEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (Conv2DLayer)spec;
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string weightType = quantized ? "sbyte" : "float";
        string acc = !quantized ? "float" : layer.Requantization!.WideAccumulator ? "long" : "int";
        string biasType = !quantized ? "float" : layer.Type == ElementType.Int8 ? "int" : layer.Requantization!.WideAccumulator ? "long" : "int";

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {g.OutputChannels} filters of {g.FilterHeight}×{g.FilterWidth}×{layer.FilterChannels}; {g.Describe()}{(layer.Groups > 1 ? $"; {layer.Groups} groups" : string.Empty)}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        if (quantized && layer.InputOffset != 0)
        {
            writer.WriteLine($"/// Input values are offset by {layer.InputOffset} (minus the input zero point) before they are multiplied, as TFLM does.");
        }
        writer.WriteLine($"/// {ConvolutionLoops.DescribeOutput(layer.Requantization, layer.Activation, acc)}");
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        ConvolutionLoops.WriteConstants(writer, context, layer.Weights, weightType, layer.Bias, biasType, layer.Requantization, acc, g.OutputChannels);
        ConvolutionLoops.OpenPixels(writer, g, t, t);
        writer.WriteLine(quantized && layer.Bias is not null ? "bias.CopyTo(acc);" : "acc.Clear();");

        int groupOutputs = layer.GroupOutputChannels;
        int tapSize = g.InputChannels * groupOutputs;
        ConvolutionLoops.WriteTaps(writer, g, t, weightType, tapSize, () =>
        {
            string value = layer.Type == ElementType.Int8 && layer.InputOffset != 0 ? $"pixel[ic] + {layer.InputOffset}" : "pixel[ic]";
            string accumulators = layer.Groups == 1 ? "acc" : $"acc.Slice(ic / {layer.FilterChannels} * {groupOutputs}, {groupOutputs})";
            string row = tapSize == groupOutputs ? "tapWeights" : $"tapWeights.Slice(ic * {groupOutputs}, {groupOutputs})";
            writer.OpenBlock($"for (int ic = 0; ic < {g.InputChannels}; ic++)");
            writer.WriteLine($"global::TinyModel.MultiplyAccumulate.Add({accumulators}, {value}, {row});");
            writer.CloseBlock();
        });

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
