using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// ADD and SUB for nanoFramework: two run-time inputs of the output's shape, one flat loop with TFLM's
/// rescaling of each element. Broadcasting and constant inputs are not written for this flavor yet (TM0021).
/// </summary>
internal abstract partial class AddSubDefinition
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, AddSubLayer layer, NanoEmitContext context)
    {
        bool flat = layer.Left.IsRunTime && layer.Right.IsRunTime && layer.Dims.Count == 1 && layer.Left.Strides[0] == 1 && layer.Right.Strides[0] == 1;
        if (!flat)
        {
            context.ReportUnsupported(layer, "broadcasting and constant inputs are not written for nanoFramework yet; two run-time inputs of the output's shape are");
            return;
        }
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string math = context.Helper(NanoHelper.FixedPoint);
        string op = layer.Operation == BinaryOperation.Add ? "+" : "-";
        string x = Emitting.EmitContextBase.InputName(layer.Left.Position), y = Emitting.EmitContextBase.InputName(layer.Right.Position);
        ActivationRange range = layer.Activation;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: elementwise over {Literals.Xml(output.Describe())}, {layer.ElementCount} elements.");
        if (layer.Requantization is AddSubRequantization q)
        {
            writer.WriteLine($"/// TFLM's quantized arithmetic: each input offset ({q.Input1Offset}, {q.Input2Offset}), shifted left by {q.LeftShift} and scaled to twice the larger input scale;");
            writer.WriteLine($"/// the int32 result scaled by {q.OutputMultiplier} · 2^{q.OutputShift - 31}, offset by {q.OutputOffset}, clamped to [{range.QuantizedMin}, {range.QuantizedMax}].");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        string a = $"{x}[{NanoEmitContext.OffsetName(x)} + i]", b = $"{y}[{NanoEmitContext.OffsetName(y)} + i]", target = "output[outputOffset + i]";
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine($"{target} = {math}.Clamp({a} {op} {b}, {Literals.Float(range.FloatMin)}, {Literals.Float(range.FloatMax)});");
                break;
            case ElementType.Int32:
                writer.WriteLine($"{target} = {math}.Clamp(unchecked({a} {op} {b}), {Literals.Int(range.QuantizedMin)}, {Literals.Int(range.QuantizedMax)});");
                break;
            default:
                AddSubRequantization r = layer.Requantization!;
                writer.WriteLine($"int left = {math}.MultiplyByQuantizedMultiplier(({a}{Literals.PlusTerm(r.Input1Offset)}) * {1 << r.LeftShift}, {Literals.Int(r.Input1Multiplier)}, {r.Input1Shift});");
                writer.WriteLine($"int right = {math}.MultiplyByQuantizedMultiplier(({b}{Literals.PlusTerm(r.Input2Offset)}) * {1 << r.LeftShift}, {Literals.Int(r.Input2Multiplier)}, {r.Input2Shift});");
                writer.WriteLine($"int v = {math}.MultiplyByQuantizedMultiplier(left {op} right, {Literals.Int(r.OutputMultiplier)}, {r.OutputShift}){Literals.PlusTerm(r.OutputOffset)};");
                writer.WriteLine($"{target} = ({layer.Type.CSharpName()}){math}.Clamp(v, {range.QuantizedMin}, {range.QuantizedMax});");
                break;
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
