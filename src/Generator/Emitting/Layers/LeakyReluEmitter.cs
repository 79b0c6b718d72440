using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes LEAKY_RELU kernels: one pass, each element scaled by 1 or alpha as TFLM's <c>QuantizeLeakyRelu</c> does.</summary>
internal sealed class LeakyReluEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (LeakyReluLayer)spec;
        bool quantized = layer.Type != ElementType.Float32;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, LEAKY_RELU: {ElementwiseCode.Signature(context, layer)}, alpha {Literals.Float(layer.Alpha)}.");
        if (quantized)
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is requantized by {layer.IdentityMultiplier} · 2^{layer.IdentityShift - 31} when it is not negative,");
            writer.WriteLine($"/// by {layer.AlphaMultiplier} · 2^{layer.AlphaShift - 31} (alpha included) when it is; then offset by {layer.OutputZeroPoint} and clamped to the {layer.Type.ModelName()} range, as in TFLM.");
        }
        else
        {
            writer.WriteLine("/// <c>x &gt; 0 ? x : alpha · x</c>, elementwise.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        if (quantized)
        {
            writer.WriteLine($"int x = {ElementwiseCode.Offset("input[i]", -layer.InputZeroPoint)};");
            string identity = ElementwiseCode.MultiplyByQuantizedMultiplier("x", layer.IdentityMultiplier, layer.IdentityShift, xIsSmall: true);
            string alpha = ElementwiseCode.MultiplyByQuantizedMultiplier("x", layer.AlphaMultiplier, layer.AlphaShift, xIsSmall: true);
            writer.WriteLine($"int y = {ElementwiseCode.Offset($"(x >= 0 ? {identity} : {alpha})", layer.OutputZeroPoint)};");
            writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType("y", layer.Type.MinValue(), layer.Type.MaxValue(), layer.Type)};");
        }
        else
        {
            writer.WriteLine("float x = input[i];");
            writer.WriteLine($"output[i] = x > 0f ? x : x * {Literals.Float(layer.Alpha)};");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
