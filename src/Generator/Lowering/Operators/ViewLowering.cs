using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// Lowers the operators that only change a tensor's shape (RESHAPE, SQUEEZE, EXPAND_DIMS) to views.
/// The output's static shape is authoritative; RESHAPE's shape tensor and EXPAND_DIMS's axis are not
/// read at run time, as shapes are fixed when the model is compiled.
/// </summary>
internal static class ViewLowering
{
    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Inputs[0] < 0 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, "it needs one data input and one output");
            return null;
        }
        if (context.IsConstant(op.Inputs[0]))
        {
            context.ReportUnsupported(op, "its input is a constant; TinyModel supports shape operators on run-time tensors");
            return null;
        }

        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Type != output.Type || input.ElementCount != output.ElementCount)
        {
            context.ReportUnsupported(op,
                $"its input {input.Type.ModelName()}{input.ShapeText} and output {output.Type.ModelName()}{output.ShapeText} differ in type or element count");
            return null;
        }
        return new ViewLayer(op.Index, context.OperatorName(op), new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray());
    }
}
