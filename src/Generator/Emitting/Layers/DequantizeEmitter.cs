using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes DEQUANTIZE kernels: <c>scale · (q - zeroPoint)</c> per element, in float.</summary>
internal sealed class DequantizeEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (DequantizeLayer)spec;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DEQUANTIZE: {ElementwiseCode.Signature(context, layer)}.");
        writer.WriteLine($"/// <c>{Literals.Float(layer.Scale)} · (q - {layer.ZeroPoint})</c> per element, in float (TFLite's Dequantize).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        string centered = layer.ZeroPoint == 0 ? "input[i]" : $"({ElementwiseCode.Offset("input[i]", -layer.ZeroPoint)})";
        writer.WriteLine($"output[i] = {Literals.Float(layer.Scale)} * {centered};");
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
