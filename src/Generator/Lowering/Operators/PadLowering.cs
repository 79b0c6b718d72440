using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// PAD and PADV2 (TFLM pad.cc, reference/pad.h): float32, int8, int16 and int32 tensors of any rank
/// with constant, non-negative paddings (int32 or int64). The pad value is PADV2's constant_values
/// (a constant, or a tensor computed at run time) or, without it, what TFLM uses: the output zero
/// point for int8, 0 otherwise.
/// </summary>
internal static class PadLowering
{
    /// <summary>TFLite's builtin code of PADV2 (schema.fbs).</summary>
    public const int PadV2Code = 60;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        string name = context.OperatorName(op);
        if (op.Inputs.Count is < 2 or > 3 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, paddings[, constant_values]) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16 or ElementType.Int32))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} with output {output.Type.ModelName()} is not supported; supported: float32, int8, int16 and int32, the same type in and out");
            return null;
        }
        int rank = input.Shape.Count;
        int[]? paddings = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (paddings is null)
        {
            context.ReportUnsupported(op, "the paddings must be a constant int32 or int64 tensor");
            return null;
        }
        if (paddings.Length != rank * 2 || output.Shape.Count != rank)
        {
            context.ReportUnsupported(op, $"the paddings hold {paddings.Length} values; a {rank}-D input {input.ShapeText} needs a pair per dimension and an output of the same rank");
            return null;
        }
        if (paddings.Any(p => p < 0))
        {
            context.ReportUnsupported(op, $"negative paddings [{string.Join(",", paddings)}] are not supported");
            return null;
        }
        int[] before = Enumerable.Range(0, rank).Select(d => paddings[2 * d]).ToArray();
        int[] after = Enumerable.Range(0, rank).Select(d => paddings[2 * d + 1]).ToArray();
        for (int d = 0; d < rank; d++)
        {
            if (output.Shape[d] != input.Shape[d] + before[d] + after[d])
            {
                context.ReportUnsupported(op, $"the output {output.ShapeText} is not the input {input.ShapeText} padded by [{string.Join(",", paddings)}]");
                return null;
            }
        }

        var layerInputs = new List<int> { op.Inputs[0] };
        string? literal;
        string description;
        int valueIndex = op.Inputs.Count == 3 ? op.Inputs[2] : -1;
        if (valueIndex < 0)
        {
            if (input.Type == ElementType.Int8)
            {
                if (output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int8 PAD needs the output's quantization: it pads with the zero point");
                    return null;
                }
                literal = Literals.Int(output.Quantization.ZeroPoint);
                description = $"the output zero point {output.Quantization.ZeroPoint} (real 0)";
            }
            else
            {
                literal = input.Type == ElementType.Float32 ? "0f" : "0";
                description = "0";
            }
        }
        else
        {
            if (context.ElementTypeOf(valueIndex) != input.Type || context.Tensor(valueIndex).Shape.Aggregate(1, (x, y) => x * y) != 1)
            {
                context.ReportUnsupported(op, $"constant_values must be a single {input.Type.ModelName()} value");
                return null;
            }
            if (input.Type == ElementType.Int8)
            {
                QuantizationSpec? q = context.QuantizationOf(valueIndex);
                if (q is null || output.Quantization is null || q.ZeroPoint != output.Quantization.ZeroPoint || q.Scale != output.Quantization.Scale)
                {
                    context.ReportUnsupported(op, "int8 constant_values must have the output's scale and zero point, as TFLM requires");
                    return null;
                }
            }
            if (context.IsConstant(valueIndex))
            {
                byte[] bytes = context.ConstantBytes(valueIndex).ToArray();
                literal = input.Type switch
                {
                    ElementType.Float32 => Literals.Float(System.BitConverter.ToSingle(bytes, 0)),
                    ElementType.Int8 => Literals.Int((sbyte)bytes[0]),
                    ElementType.Int16 => Literals.Int(System.BitConverter.ToInt16(bytes, 0)),
                    _ => Literals.Int(System.BitConverter.ToInt32(bytes, 0)),
                };
                description = $"the constant {literal}";
            }
            else
            {
                context.Value(valueIndex);
                layerInputs.Add(valueIndex);
                literal = null;
                description = "constant_values, read at run time";
            }
        }

        int[] outputStrides = ShapeMath.Strides(output.Shape);
        int outputOffset = Enumerable.Range(0, rank).Sum(d => before[d] * outputStrides[d]);
        StridedCopy copy = StridedCopy.Create(0, outputOffset, input.Shape, ShapeMath.Strides(input.Shape), outputStrides);
        return new PadLayer(op.Index, name, layerInputs.ToEquatableArray(), new EquatableArray<int>(new[] { op.Outputs[0] }),
            literal, description, before.ToEquatableArray(), after.ToEquatableArray(), copy);
    }
}
