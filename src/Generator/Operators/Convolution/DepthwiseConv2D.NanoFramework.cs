using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>DEPTHWISE_CONV_2D for nanoFramework: TFLM's reference loops (<see cref="NanoConvolution"/>) over the model's [1, ky, kx, oc] filter.</summary>
internal sealed partial class DepthwiseConv2D
{
    /// <summary>The kernel (<see cref="NanoConvolution"/>) only indexes its input and output.</summary>
    public override bool NanoFrameworkTakesPagedTensors => true;

    protected override void EmitNanoFrameworkLayer(SourceWriter writer, DepthwiseConv2DLayer layer, NanoEmitContext context)
    {
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);
        int m = layer.DepthMultiplier;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DEPTHWISE_CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// One {g.FilterHeight}×{g.FilterWidth} filter per output channel{(m > 1 ? $", {m} per input channel" : string.Empty)}; {g.Describe()}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        writer.WriteLine($"/// TFLM's reference loops: one sum per output value over the taps inside the input; {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        System.Func<string, string> filter = context.Weights(writer, layer, weightsType, layer.Filter.AsImmutableArray().AsSpan().ToArray(),
            $"filter, {weightsType.ModelName()}[{g.FilterHeight},{g.FilterWidth},{g.OutputChannels}] (ky, kx, output channel) as in the model", "filter");
        NanoConvolution.WriteBody(writer, context, layer, g, layer.Type, layer.Bias, layer.Requantization, layer.Activation, () =>
        {
            string channel = m == 1 ? "oc" : $"oc / {m}";
            writer.WriteLine($"sum += {NanoConvolution.InputValue($"pixel + {channel}", layer.InputOffset)} * {filter($"(ky * {g.FilterWidth} + kx) * {g.OutputChannels} + oc")};");
        });
        writer.CloseBlock();
    }
}
