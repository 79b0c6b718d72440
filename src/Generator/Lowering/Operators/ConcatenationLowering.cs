using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// CONCATENATION (TFLM concatenation.cc, reference/concatenation.h): any number of inputs, run-time
/// or constant, of any element type, along any axis (negative counts from the end), without a fused
/// activation (TFLM requires NONE). Like TFLM, quantized inputs are copied as they are, not
/// requantized: TFLite's quantizer gives every input of a CONCATENATION the output's scale and zero point.
/// </summary>
internal static class ConcatenationLowering
{
    // ConcatenationOptions field ids (schema.fbs).
    private const int OptionAxis = 0, OptionActivation = 1;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        int rank = output.Shape.Count;
        int axis = op.BuiltinOptions?.GetInt(OptionAxis) ?? 0;
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (activation != FusedActivation.None)
        {
            context.ReportUnsupported(op, $"fused activation {activation} is not supported; TFLM requires NONE");
            return null;
        }
        if (axis < 0)
        {
            axis += rank;
        }
        if (axis < 0 || axis >= rank)
        {
            context.ReportUnsupported(op, $"axis {op.BuiltinOptions?.GetInt(OptionAxis) ?? 0} is outside the {rank} dimensions of the output {output.ShapeText}");
            return null;
        }

        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= output.Shape[d];
        }
        for (int d = axis + 1; d < rank; d++)
        {
            inner *= output.Shape[d];
        }
        var runtimeInputs = new List<int>();
        var blocks = new List<int>();
        var sources = new List<string>();
        int axisTotal = 0;
        for (int i = 0; i < op.Inputs.Count; i++)
        {
            int index = op.Inputs[i];
            TfliteTensor tensor = context.Tensor(index);
            ElementType? type = context.ElementTypeOf(index);
            if (type != output.Type)
            {
                context.ReportUnsupported(op, $"input {i} is {type?.ModelName() ?? tensor.Type.ToString()} but the output {output.Type.ModelName()}; every input must have the output's type");
                return null;
            }
            bool fits = tensor.Shape.Count == rank;
            for (int d = 0; fits && d < rank; d++)
            {
                fits = d == axis || tensor.Shape[d] == output.Shape[d];
            }
            if (!fits)
            {
                context.ReportUnsupported(op, $"input {i} [{string.Join(",", tensor.Shape)}] does not fit the output {output.ShapeText} along axis {axis}");
                return null;
            }
            axisTotal += tensor.Shape[axis];
            blocks.Add(tensor.Shape[axis] * inner);
            if (context.IsConstant(index))
            {
                sources.Add(context.AddConstant($"Layer{op.Index}Input{i}", type.Value, context.ConstantBytes(index).ToArray(),
                    $"constant input {i} '{tensor.Name}', {type.Value.ModelName()}[{string.Join(",", tensor.Shape)}]"));
            }
            else
            {
                context.Value(index);
                runtimeInputs.Add(index);
                sources.Add(string.Empty);
            }
        }
        if (axisTotal != output.Shape[axis])
        {
            context.ReportUnsupported(op, $"the inputs add up to {axisTotal} along axis {axis} but the output {output.ShapeText} has {output.Shape[axis]}");
            return null;
        }
        return new ConcatenationLayer(op.Index, runtimeInputs.ToEquatableArray(), new EquatableArray<int>(new[] { op.Outputs[0] }),
            axis, outer, blocks.ToEquatableArray(), sources.ToEquatableArray());
    }
}
