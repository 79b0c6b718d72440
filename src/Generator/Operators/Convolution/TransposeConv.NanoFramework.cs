using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>TRANSPOSE_CONV for nanoFramework: the .NET flavor's gather loops, in its order, on arrays with offsets over the model's [oc, h, w, ic] weights.</summary>
internal sealed partial class TransposeConv
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, TransposeConvLayer layer, NanoEmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        string math = context.Helper(NanoHelper.FixedPoint);
        int ih = layer.InputHeight, iw = layer.InputWidth, ic = layer.InputDepth;
        int fh = layer.FilterHeight, fw = layer.FilterWidth;
        int oh = layer.OutputHeight, ow = layer.OutputWidth, oc = layer.OutputDepth;
        int sh = layer.StrideHeight, sw = layer.StrideWidth;

        WriteSummary(writer, layer, input, output, acc);
        writer.OpenBlock(context.Signature(layer));
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);
        System.Func<string, string> weights = context.Weights(writer, layer, weightsType, layer.Weights.AsImmutableArray().ToArray(),
            $"weights, {weightsType.ModelName()}[{oc},{fh},{fw},{ic}] as in the model", "weights");
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{acc}[] bias = {context.Constant(layer.Bias)};");
        }
        if (layer.PerChannelMultipliers is not null)
        {
            writer.WriteLine($"int[] multipliers = {context.Constant(layer.PerChannelMultipliers)};");
            writer.WriteLine($"int[] shifts = {context.Constant(layer.PerChannelShifts!)};");
        }
        writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        writer.WriteLine($"int image = inputOffset + b * {ih * iw * ic};");
        writer.WriteLine($"int result = outputOffset + b * {oh * ow * oc};");
        OpenOutputPixelLoops(writer, layer, math);
        writer.WriteLine($"int y = result + {Times($"oy * {ow} + ox", oc)};");
        writer.OpenBlock($"for (int c = 0; c < {oc}; c++)");
        writer.WriteLine($"{acc} sum = {(quantized && layer.Bias is not null ? "bias[c]" : quantized ? "0" : "0f")};");
        writer.OpenBlock("for (int iy = iyFirst; iy <= iyLast; iy++)");
        writer.WriteLine($"int row = {Times($"c * {fh} + ty - {Times("iy", sh)}", fw)};");
        writer.OpenBlock("for (int ix = ixFirst; ix <= ixLast; ix++)");
        writer.WriteLine($"int x = image + {Times($"iy * {iw} + ix", ic)};");
        writer.WriteLine($"int w = {Times($"row + tx - {Times("ix", sw)}", ic)};");
        string value = layer.InputOffset == 0 ? "input[x + i]" : $"(input[x + i] + {layer.InputOffset})";
        writer.OpenBlock($"for (int i = 0; i < {ic}; i++)");
        writer.WriteLine($"sum += {value} * {weights("w + i")};");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        if (quantized)
        {
            string multiplier = layer.PerChannelMultipliers is null ? Literals.Int(layer.Multiplier) : "multipliers[c]";
            string shift = layer.PerChannelMultipliers is null ? Literals.Int(layer.Shift) : "shifts[c]";
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(sum, {multiplier}, {shift}){Literals.PlusTerm(layer.OutputZeroPoint)};");
            writer.WriteLine($"output[y + c] = ({layer.Type.CSharpName()}){math}.Clamp(scaled, {layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax});");
        }
        else
        {
            // TFLM adds the bias once every product is summed, then clamps.
            writer.WriteLine($"output[y + c] = {math}.Clamp({(layer.Bias is null ? "sum" : "sum + bias[c]")}, {Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
