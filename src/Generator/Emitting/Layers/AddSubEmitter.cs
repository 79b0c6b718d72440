using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes ADD and SUB kernels. Inputs of the output's shape are read in one flat loop; broadcast inputs
/// are walked with nested loops over the merged dimensions, with constant bounds and strides, and an
/// input that is repeated along the innermost dimension is read (and rescaled) once per row.
/// </summary>
internal sealed class AddSubEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (AddSubLayer)spec;
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        WriteDocumentation(writer, layer, context, output);
        writer.OpenBlock(context.Signature(layer));
        if (layer.ElementCount == 0)
        {
            writer.CloseBlock();
            return;
        }

        var operands = new[] { (Operand: layer.Left, Name: "x"), (Operand: layer.Right, Name: "y") };
        string valueType = layer.Requantization is not null ? "int" : layer.Type.CSharpName();
        foreach ((ElementwiseOperand operand, string name) in operands)
        {
            if (operand.Constant is not null)
            {
                string elementType = operand.Prescaled ? "int" : layer.Type.CSharpName();
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{elementType}> {name}Constant = {context.Constant(operand.Constant)};");
            }
            if (operand.RescaleTable is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> {name}Rescaled = {context.Constant(operand.RescaleTable)};");
            }
        }

        int rank = layer.Dims.Count;
        string?[] bases = { null, null };
        if (rank > 1)
        {
            writer.WriteLine("int o = 0;");
        }
        for (int level = 0; level < rank - 1; level++)
        {
            string i = "i" + level;
            writer.OpenBlock($"for (int {i} = 0; {i} < {layer.Dims[level]}; {i}++)");
            for (int k = 0; k < 2; k++)
            {
                int stride = operands[k].Operand.Strides[level];
                if (stride != 0 && NeedsIndex(operands[k].Operand))
                {
                    string local = $"{operands[k].Name}{level}";
                    writer.WriteLine($"int {local} = {Sum(bases[k], Scaled(i, stride))};");
                    bases[k] = local;
                }
            }
        }

        // The innermost dimension: operands repeated along it are read once, before the loop.
        int last = rank - 1;
        var values = new string[2];
        for (int k = 0; k < 2; k++)
        {
            (ElementwiseOperand operand, string name) = operands[k];
            if (operand.Strides[last] == 0 && NeedsIndex(operand) && layer.Dims[last] > 1)
            {
                writer.WriteLine($"{valueType} {name}Row = {Read(layer, operand, k, name, bases[k] ?? "0", context)};");
                values[k] = name + "Row";
            }
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.Dims[last]}; i++)");
        for (int k = 0; k < 2; k++)
        {
            (ElementwiseOperand operand, string name) = operands[k];
            if (values[k] is null)
            {
                values[k] = Read(layer, operand, k, name, Sum(bases[k], Scaled("i", operand.Strides[last])), context);
                if (!operand.Prescaled && operand.Literal is null && layer.Requantization is not null)
                {
                    // A rescaled input gets a statement of its own, as in TFLM's kernel.
                    writer.WriteLine($"int {name} = {values[k]};");
                    values[k] = name;
                }
            }
        }
        WriteElement(writer, layer, values[0], values[1], rank > 1 ? "o + i" : "i");
        writer.CloseBlock();
        if (rank > 1)
        {
            writer.WriteLine($"o += {layer.Dims[last]};");
        }
        for (int level = 0; level < rank - 1; level++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    private static bool NeedsIndex(ElementwiseOperand operand) => operand.Literal is null;

    /// <summary>The value of an operand at an element index, rescaled for quantized layers.</summary>
    private static string Read(AddSubLayer layer, ElementwiseOperand operand, int which, string name, string index, EmitContext context)
    {
        if (operand.Literal is not null)
        {
            return operand.Literal;
        }
        string element = operand.Constant is not null ? $"{name}Constant[{index}]" : $"{EmitContext.InputName(operand.Position)}[{index}]";
        if (operand.RescaleTable is not null)
        {
            return $"{name}Rescaled[{element} + 128]";
        }
        if (operand.Prescaled || layer.Requantization is not AddSubRequantization r)
        {
            return element;
        }
        (int offset, int multiplier, int shift) = which == 0
            ? (r.Input1Offset, r.Input1Multiplier, r.Input1Shift)
            : (r.Input2Offset, r.Input2Multiplier, r.Input2Shift);
        string offsetElement = offset == 0 ? element : $"({ElementwiseCode.Offset(element, offset)})";
        return ElementwiseCode.MultiplySmallerThanOne($"{offsetElement} << {r.LeftShift}", multiplier, shift);
    }

    private static void WriteElement(SourceWriter writer, AddSubLayer layer, string x, string y, string outputIndex)
    {
        string op = layer.Operation == BinaryOperation.Add ? "+" : "-";
        if (y.StartsWith("-", System.StringComparison.Ordinal))
        {
            y = $"({y})"; // a negative literal
        }
        string target = $"{EmitContext.OutputName(0)}[{outputIndex}]";
        ActivationRange range = layer.Activation;
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine($"float v = {x} {op} {y};");
                ElementwiseCode.WriteFloatClamp(writer, target, "v", range.FloatMin, range.FloatMax);
                break;
            case ElementType.Int32:
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType($"unchecked({x} {op} {y})", range.QuantizedMin, range.QuantizedMax, ElementType.Int32)};");
                break;
            default:
                AddSubRequantization r = layer.Requantization!;
                writer.WriteLine($"int v = {ElementwiseCode.Offset(ElementwiseCode.MultiplySmallerThanOne($"{x} {op} {y}", r.OutputMultiplier, r.OutputShift), r.OutputOffset)};");
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("v", range.QuantizedMin, range.QuantizedMax, layer.Type)};");
                break;
        }
    }

    private static string Scaled(string index, int stride) => stride switch
    {
        0 => "0",
        1 => index,
        _ => $"{index} * {stride}",
    };

    private static string Sum(string? baseOffset, string term) =>
        baseOffset is null ? term : term == "0" ? baseOffset : $"{baseOffset} + {term}";

    private static void WriteDocumentation(SourceWriter writer, AddSubLayer layer, EmitContext context, ValueSpec output)
    {
        string name = layer.OperatorName;
        string op = layer.Operation == BinaryOperation.Add ? "+" : "−";
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {name}: {Describe(layer.Left, layer, context, 1)} {op} {Describe(layer.Right, layer, context, 2)} → {Literals.Xml(output.Describe())}.");
        if (layer.Dims.Count == 1 && layer.Left.Strides[0] == 1 && layer.Right.Strides[0] == 1)
        {
            writer.WriteLine($"/// Elementwise over {layer.ElementCount} elements, in one loop.");
        }
        else
        {
            writer.WriteLine($"/// Broadcast: the output is walked as [{string.Join(",", layer.Dims)}] (adjacent dimensions merged); element strides per dimension: input 1 [{string.Join(",", layer.Left.Strides)}], input 2 [{string.Join(",", layer.Right.Strides)}] (0 = repeated).");
        }
        switch (layer.Requantization)
        {
            case AddSubRequantization r:
                writer.WriteLine($"/// TFLM's quantized arithmetic, bit for bit: each input is offset by minus its zero point ({r.Input1Offset}, {r.Input2Offset}), shifted left by {r.LeftShift}");
                writer.WriteLine($"/// and scaled to twice the larger input scale (input 1 by {r.Input1Multiplier} · 2^{r.Input1Shift - 31}, input 2 by {r.Input2Multiplier} · 2^{r.Input2Shift - 31});");
                writer.WriteLine($"/// the int32 {(layer.Operation == BinaryOperation.Add ? "sum" : "difference")} is scaled by {r.OutputMultiplier} · 2^{r.OutputShift - 31}, offset by the output zero point {r.OutputOffset}");
                writer.WriteLine($"/// and clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}] (fused {ActivationName(layer.Activation)}).");
                if (layer.Left.Prescaled || layer.Right.Prescaled)
                {
                    writer.WriteLine("/// Constant inputs were rescaled at build time.");
                }
                break;
            default:
                if (layer.Type == ElementType.Float32)
                {
                    writer.WriteLine($"/// Clamped to [{Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}] (fused {ActivationName(layer.Activation)}).");
                }
                else
                {
                    writer.WriteLine($"/// int32 arithmetic wraps on overflow, as in TFLM; clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}].");
                }
                break;
        }
        writer.WriteLine("/// </summary>");
    }

    private static string Describe(ElementwiseOperand operand, AddSubLayer layer, EmitContext context, int which)
    {
        if (operand.IsRunTime)
        {
            return Literals.Xml(context.Model.Value(layer.Inputs[operand.Position]).Describe());
        }
        return operand.Literal is not null ? $"the constant {Literals.Xml(operand.Literal)}" : $"the constant input {which}";
    }

    private static string ActivationName(ActivationRange range) => range.Activation switch
    {
        Reading.FusedActivation.None => "NONE",
        Reading.FusedActivation.Relu => "RELU",
        Reading.FusedActivation.Relu6 => "RELU6",
        Reading.FusedActivation.ReluN1To1 => "RELU_N1_TO_1",
        _ => range.Activation.ToString().ToUpperInvariant(),
    };
}
