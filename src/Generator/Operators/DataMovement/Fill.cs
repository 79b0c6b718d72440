using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// FILL (TFLM fill.cc): the output's static shape filled with the scalar value, run-time or constant,
/// copied as stored (int8 is not requantized, as in TFLM). The dims operand is not read: the output's
/// shape is fixed when the model is compiled, and must match dims when it is constant.
/// </summary>
internal sealed class Fill : CopyOperator
{
    /// <summary>TFLite's builtin code of FILL (schema.fbs).</summary>
    public const int BuiltinCode = 94;

    public Fill()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in new[] { ElementType.Float32, ElementType.Int8, ElementType.Int32 }
         from dims in new[] { ElementType.Int32, ElementType.Int64 }
         select (new ElementType?[] { dims, type }, new[] { type })).ToArray()).WithInputNames("dims", "input");

    public override string Notes => "value run-time or constant, copied as stored; the output's static shape (dims int32 or int64)";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (dims, value) and one output"))
        {
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? dims = ShapeMath.IntegerConstant(context, op.Inputs[0]);
        if (context.Tensor(op.Inputs[1]).Shape.Count != 0 || (dims is not null && !dims.SequenceEqual(output.Shape)))
        {
            context.ReportUnsupported(op, $"needs a scalar value and dims that match the output {output.ShapeText}");
            return null;
        }
        var plan = new CopyPlan(context, op);
        plan.Output(op.Outputs[0]);
        plan.Fill = CopyPlan.FirstElement(plan.Source(op.Inputs[1]));
        return plan.Build(Name, $"Every element is the value{(context.IsConstant(op.Inputs[1]) ? " (a constant)" : string.Empty)}.");
    }
}
