using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes QUANTIZE kernels: float to integer by TFLite's <c>AffineQuantize</c>, integer to integer by its <c>Requantize</c>.</summary>
internal sealed class QuantizeEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (QuantizeLayer)spec;
        int min = layer.OutputType.MinValue(), max = layer.OutputType.MaxValue();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, QUANTIZE: {ElementwiseCode.Signature(context, layer)}.");
        if (layer.InputType == ElementType.Float32)
        {
            writer.WriteLine($"/// <c>round(x / {Literals.Float(layer.OutputScale)}) + {layer.OutputZeroPoint}</c> in float, ties away from zero, clamped to [{min}, {max}] (TFLite's AffineQuantize).");
        }
        else
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is multiplied by {layer.Multiplier} · 2^{layer.Shift - 31} (≈ {Literals.Double(layer.RealMultiplier)}),");
            writer.WriteLine($"/// offset by the output zero point {layer.OutputZeroPoint} and clamped to [{min}, {max}] (TFLite's Requantize).");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        if (layer.InputType == ElementType.Float32)
        {
            string rounded = $"(int)global::System.MathF.Round(input[i] / {Literals.Float(layer.OutputScale)}, global::System.MidpointRounding.AwayFromZero)";
            writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType(ElementwiseCode.Offset(rounded, layer.OutputZeroPoint), min, max, layer.OutputType)};");
        }
        else
        {
            bool wide = layer.InputType == ElementType.Int32;
            string x = ElementwiseCode.Offset("input[i]", -layer.InputZeroPoint);
            writer.WriteLine($"int x = {(wide ? $"unchecked({x})" : x)};");
            string scaled = ElementwiseCode.Offset(ElementwiseCode.MultiplyByQuantizedMultiplier("x", layer.Multiplier, layer.Shift, xIsSmall: !wide), layer.OutputZeroPoint);
            if (layer.OutputType == ElementType.Int32)
            {
                scaled = $"unchecked({scaled})";
            }
            writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType(scaled, min, max, layer.OutputType)};");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
