using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// ZEROS_LIKE (TFLM zeros_like.cc): zeros of the input's shape and type; the input is not read. As in
/// TFLM, an int8 output holds the stored value 0, not its zero point.
/// </summary>
internal sealed class ZerosLike : CopyOperator
{
    public ZerosLike()
        : base(BuiltinOperator.ZerosLike)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int32, ElementType.Int64);

    public override string Notes => "stored zeros (int8: 0, not the zero point, as in TFLM); the input is not read";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 1, 1, "one input and one output"))
        {
            return null;
        }
        var plan = new CopyPlan(context, op);
        plan.Output(op.Outputs[0]);
        plan.Fill = "default";
        return plan.Build(Name, "Every element is 0.");
    }
}
