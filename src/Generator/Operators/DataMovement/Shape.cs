using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// SHAPE (TFLM shape.cc): the input's shape as an int32 vector (TFLM refuses int64 at Invoke). Shapes are
/// static, so the result is a constant computed here and copied to the output; the input is not read.
/// </summary>
internal sealed class Shape : CopyOperator
{
    /// <summary>TFLite's builtin code of SHAPE (schema.fbs).</summary>
    public const int BuiltinCode = 77;

    public Shape()
        : base(BuiltinCode)
    {
    }

    // The input may be of any type; it is not read.
    public override TypeSupport Types { get; } = TypeSupport.AnyType(type => new[] { (new ElementType?[] { type }, new[] { ElementType.Int32 }) });

    public override string Notes => "int32 output; folded at build time (the input is not read)";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 1, 1, "one input and one output"))
        {
            return null;
        }
        int[] shape = context.Tensor(op.Inputs[0]).Shape.ToArray();
        ValueSpec output = context.Value(op.Outputs[0]);
        if (output.ElementCount != shape.Length)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} cannot hold the {shape.Length} dimensions of the input {CopyPlan.ShapeText(shape)}");
            return null;
        }
        var plan = new CopyPlan(context, op);
        int target = plan.Output(op.Outputs[0]);
        if (shape.Length > 0)
        {
            int source = plan.Constant(ElementType.Int32, shape.SelectMany(System.BitConverter.GetBytes).ToArray(), $"the shape {CopyPlan.ShapeText(shape)} of '{context.Tensor(op.Inputs[0]).Name}'");
            plan.Copy(source, target, StridedCopy.Create(0, 0, new[] { shape.Length }, new[] { 1 }, new[] { 1 }));
        }
        return plan.Build(Name, $"The input's shape {CopyPlan.ShapeText(shape)}, known at build time.");
    }
}
