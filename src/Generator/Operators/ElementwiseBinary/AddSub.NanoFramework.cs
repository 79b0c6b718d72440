using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// ADD and SUB for nanoFramework: the .NET flavor's broadcast loops (<see cref="BroadcastLoop"/>) on arrays with
/// offsets, each element rescaled as TFLM does; constant inputs are arrays, literals or values rescaled at build time.
/// </summary>
internal abstract partial class AddSubDefinition
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, AddSubLayer layer, NanoEmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string math = context.Helper(NanoHelper.FixedPoint);
        string op = layer.Operation == BinaryOperation.Add ? "+" : "-";
        ActivationRange range = layer.Activation;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: elementwise over {Literals.Xml(output.Describe())}, {layer.ElementCount} elements, loops over [{string.Join(", ", layer.Dims)}].");
        if (layer.Requantization is AddSubRequantization q)
        {
            writer.WriteLine($"/// TFLM's quantized arithmetic: each input offset ({q.Input1Offset}, {q.Input2Offset}), shifted left by {q.LeftShift} and scaled to twice the larger input scale;");
            writer.WriteLine($"/// the int32 result scaled by {q.OutputMultiplier} · 2^{q.OutputShift - 31}, offset by {q.OutputOffset}, clamped to [{range.QuantizedMin}, {range.QuantizedMax}].");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.ElementCount == 0)
        {
            writer.CloseBlock();
            return;
        }
        var operands = new[] { (Operand: layer.Left, Name: "x"), (Operand: layer.Right, Name: "y") };
        foreach ((ElementwiseOperand operand, string name) in operands)
        {
            if (operand.Constant is not null)
            {
                string elementType = operand.Prescaled ? "int" : layer.Type.CSharpName();
                writer.WriteLine($"{elementType}[] {name}Constant = {context.Constant(operand.Constant)};");
            }
        }
        string Read(int k, string index)
        {
            ElementwiseOperand operand = operands[k].Operand;
            string input = Emitting.EmitContextBase.InputName(operand.Position);
            string element = operand.Literal ?? (operand.Constant is not null ? $"{operands[k].Name}Constant[{index}]" : $"{input}[{NanoEmitContext.OffsetName(input)} + {index}]");
            if (operand.Literal is not null || operand.Prescaled || layer.Requantization is not AddSubRequantization r)
            {
                return element;
            }
            // A run-time input read through a rescale table in the .NET flavor is rescaled here: the table holds these values.
            (int offset, int multiplier, int shift) = r.Input(k + 1);
            return $"{math}.MultiplyByQuantizedMultiplier(({element}{Literals.PlusTerm(offset)}) * {1 << r.LeftShift}, {Literals.Int(multiplier)}, {shift})";
        }
        BroadcastLoop.Write(writer, layer.Dims, operands, layer.Requantization is not null ? "int" : layer.Type.CSharpName(), Read,
            k => !operands[k].Operand.Prescaled && operands[k].Operand.Literal is null && layer.Requantization is not null ? "int" : null,
            (values, index) =>
            {
                string a = values[0], b = values[1].StartsWith("-", System.StringComparison.Ordinal) ? $"({values[1]})" : values[1];
                string target = $"output[outputOffset + {index}]";
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
                        writer.WriteLine($"int v = {math}.MultiplyByQuantizedMultiplier({a} {op} {b}, {Literals.Int(r.OutputMultiplier)}, {r.OutputShift}){Literals.PlusTerm(r.OutputOffset)};");
                        writer.WriteLine($"{target} = ({layer.Type.CSharpName()}){math}.Clamp(v, {range.QuantizedMin}, {range.QuantizedMax});");
                        break;
                }
            });
        writer.CloseBlock();
    }
}
