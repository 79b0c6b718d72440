using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes CONV_2D kernels. For each output pixel, a row of accumulators (one per output channel) is
/// advanced by runs of input values: under each filter row the covered pixels are contiguous, and
/// each input value multiplies its contiguous row of weights for every output channel
/// (<see cref="TinyModel.MultiplyAccumulate"/>, SIMD with the accumulators in registers where
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
        string start = quantized && layer.Bias is not null ? "the bias" : "zero";
        writer.WriteLine($"/// Per output pixel, the accumulators start from {start} and gather the products of each filter row in one call (input channels under the row times their rows of weights); taps in the padding are skipped.");
        writer.WriteLine($"/// {ConvolutionLoops.DescribeOutput(layer.Requantization, layer.Activation, acc)}");
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        ConvolutionLoops.WriteConstants(writer, context, layer.Weights, weightType, layer.Bias, biasType, layer.Requantization, acc, g.OutputChannels);
        ConvolutionLoops.OpenPixels(writer, g, t, t);
        writer.WriteLine(quantized && layer.Bias is not null ? "bias.CopyTo(acc);" : "acc.Clear();");

        int groupOutputs = layer.GroupOutputChannels;
        int tapSize = g.InputChannels * groupOutputs;
        string offset = layer.Type == ElementType.Int8 ? $", {layer.InputOffset}" : string.Empty;
        if (layer.Groups == 1 && g.DilationWidth == 1)
        {
            // Under each filter row the covered input is one run of values: one call per row.
            ConvolutionLoops.WriteRowRuns(writer, g, t, weightType, tapSize, () =>
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc, run{offset}, runWeights);"));
        }
        else
        {
            ConvolutionLoops.WriteTaps(writer, g, t, weightType, tapSize, () =>
            {
                if (layer.Groups == 1)
                {
                    writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc, pixel{offset}, tapWeights);");
                    return;
                }
                int fc = layer.FilterChannels;
                writer.OpenBlock($"for (int group = 0; group < {layer.Groups}; group++)");
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc.Slice(group * {groupOutputs}, {groupOutputs}), pixel.Slice(group * {fc}, {fc}){offset}, tapWeights.Slice(group * {fc * groupOutputs}, {fc * groupOutputs}));");
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
