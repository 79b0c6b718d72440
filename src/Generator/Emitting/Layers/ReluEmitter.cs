using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes RELU and RELU6 kernels as TFLM computes them (a requantizing RELU, a clamping RELU6).</summary>
internal sealed class ReluEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (ReluLayer)spec;
        string t = layer.Type.CSharpName();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {ElementwiseCode.Signature(context, layer)}.");
        if (layer.Type == ElementType.Float32)
        {
            writer.WriteLine(layer.Kind == ReluKind.Relu ? "/// <c>max(x, 0)</c>, elementwise." : "/// <c>min(max(x, 0), 6)</c>, elementwise.");
        }
        else if (layer.Kind == ReluKind.Relu)
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is requantized by {layer.Multiplier} · 2^{layer.Shift - 31}, offset by {layer.OutputZeroPoint}");
            writer.WriteLine($"/// and clamped to [{layer.Min}, {layer.Max}], as TFLM's ReluQuantized.");
        }
        else
        {
            writer.WriteLine($"/// Each input is clamped to [{layer.Min}, {layer.Max}] (its quantized 0 and 6), without requantizing, as TFLM's Relu6Quantized.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        switch (layer.Type, layer.Kind)
        {
            case (ElementType.Float32, ReluKind.Relu):
                writer.WriteLine("float x = input[i];");
                writer.WriteLine("output[i] = x < 0f ? 0f : x;");
                break;
            case (ElementType.Float32, ReluKind.Relu6):
                writer.WriteLine("float x = input[i];");
                writer.WriteLine("output[i] = x > 6f ? 6f : x < 0f ? 0f : x;");
                break;
            case (_, ReluKind.Relu):
                string scaled = ElementwiseCode.MultiplyByQuantizedMultiplier(ElementwiseCode.Offset("input[i]", -layer.InputZeroPoint), layer.Multiplier, layer.Shift, xIsSmall: true);
                writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType(ElementwiseCode.Offset(scaled, layer.OutputZeroPoint), layer.Min, layer.Max, layer.Type)};");
                break;
            default:
                writer.WriteLine($"{t} x = input[i];");
                writer.WriteLine($"output[i] = x > {layer.Max} ? ({t}){layer.Max} : x < {layer.Min} ? ({t}){layer.Min} : x;");
                break;
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
