using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>CONV_2D for nanoFramework: TFLM's reference loops (<see cref="NanoConvolution"/>) over the model's [oc, ky, kx, ic] filter.</summary>
internal sealed partial class Conv2D
{
    /// <summary>The kernel (<see cref="NanoConvolution"/>) only indexes its input and output.</summary>
    public override bool NanoFrameworkTakesPagedTensors => true;

    protected override void EmitNanoFrameworkLayer(SourceWriter writer, Conv2DLayer layer, NanoEmitContext context)
    {
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {g.OutputChannels} filters of {g.FilterHeight}×{g.FilterWidth}×{layer.FilterChannels}; {g.Describe()}{(layer.Groups > 1 ? $"; {layer.Groups} groups" : string.Empty)}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        writer.WriteLine($"/// TFLM's reference loops: one sum per output value over the taps inside the input; {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        System.Func<string, string> filter = context.Weights(writer, layer, weightsType, layer.Filter.AsImmutableArray().AsSpan().ToArray(),
            $"filter, {weightsType.ModelName()}[{g.OutputChannels},{g.FilterHeight},{g.FilterWidth},{layer.FilterChannels}] (output channel, ky, kx, input channel) as in the model", "filter");
        NanoConvolution.WriteBody(writer, context, layer, g, layer.Type, layer.Bias, layer.Requantization, layer.Activation, () =>
        {
            writer.WriteLine($"int f = ((oc * {g.FilterHeight} + ky) * {g.FilterWidth} + kx) * {layer.FilterChannels};");
            string first = layer.Groups == 1 ? "pixel" : $"pixel + oc / {layer.GroupOutputChannels} * {layer.FilterChannels}";
            writer.WriteLine($"int x = {first};");
            writer.OpenBlock($"for (int ic = 0; ic < {layer.FilterChannels}; ic++)");
            writer.WriteLine($"sum += {NanoConvolution.InputValue("x + ic", layer.InputOffset)} * {filter("f + ic")};");
            writer.CloseBlock();
        });
        writer.CloseBlock();
    }
}
