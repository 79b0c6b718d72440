using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>LEAKY_RELU for nanoFramework: the .NET flavor's one pass on arrays with offsets, TFLM's two requantizations.</summary>
internal sealed partial class LeakyRelu
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, LeakyReluLayer layer, NanoEmitContext context)
    {
        string math = context.Helper(NanoHelper.FixedPoint);
        ModelSpec model = context.Model;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, LEAKY_RELU: {Literals.Xml(model.Value(layer.Inputs[0]).Describe())} → {Literals.Xml(model.Value(layer.Outputs[0]).Describe())}, alpha {Literals.Float(layer.Alpha)}.");
        writer.WriteLine(layer.Type == ElementType.Float32
            ? "/// <c>x &gt; 0 ? x : alpha · x</c>, elementwise."
            : $"/// x - {layer.InputZeroPoint} requantized by {layer.IdentityMultiplier} · 2^{layer.IdentityShift - 31} when not negative, by {layer.AlphaMultiplier} · 2^{layer.AlphaShift - 31} when negative; offset by {layer.OutputZeroPoint}, clamped (TFLM's QuantizeLeakyRelu).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        if (layer.Type == ElementType.Float32)
        {
            writer.WriteLine("float x = input[inputOffset + i];");
            writer.WriteLine($"output[outputOffset + i] = x > 0f ? x : x * {Literals.Float(layer.Alpha)};");
        }
        else
        {
            writer.WriteLine($"int x = input[inputOffset + i]{Literals.PlusTerm(-layer.InputZeroPoint)};");
            writer.WriteLine($"int y = (x >= 0 ? {math}.MultiplyByQuantizedMultiplier(x, {Literals.Int(layer.IdentityMultiplier)}, {layer.IdentityShift}) : {math}.MultiplyByQuantizedMultiplier(x, {Literals.Int(layer.AlphaMultiplier)}, {layer.AlphaShift})){Literals.PlusTerm(layer.OutputZeroPoint)};");
            writer.WriteLine($"output[outputOffset + i] = ({layer.Type.CSharpName()}){math}.Clamp(y, {layer.Type.MinValue()}, {layer.Type.MaxValue()});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
