using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Elementwise;

/// <summary>The checks every one-input, one-output elementwise operator starts with.</summary>
internal static class UnaryOperands
{
    /// <summary>
    /// The input and output values of a unary elementwise operator, or null after reporting why the
    /// operator cannot be compiled: it must have one run-time input and one output with as many elements.
    /// </summary>
    public static (ValueSpec Input, ValueSpec Output)? Get(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Inputs[0] < 0 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected one input and one output, found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        if (context.IsConstant(op.Inputs[0]))
        {
            context.ReportUnsupported(op, "the input is a constant tensor; TinyModel compiles this operator on a tensor computed at run time");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.ElementCount != output.ElementCount)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and the output {output.ShapeText} have different element counts");
            return null;
        }
        return (input, output);
    }
}
