using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// BROADCAST_TO (TFLM broadcast_to.cc): the input repeated along its dimensions of size 1 (and new leading
/// ones) up to the output's static shape, of up to 5 dimensions: one strided copy that steps 0 along the
/// broadcast dimensions. The shape operand, when constant, must agree with the output.
/// </summary>
internal sealed class BroadcastTo : CopyOperator
{
    /// <summary>TFLite's builtin code of BROADCAST_TO (schema.fbs).</summary>
    public const int BuiltinCode = 130;

    private const int MaxDimensions = 5;

    public BroadcastTo()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64, ElementType.Bool }
         from shape in new[] { ElementType.Int32, ElementType.Int64 }
         select (new ElementType?[] { type, shape }, new[] { type })).ToArray()).WithInputNames("input", "shape");

    public override string Notes => "up to 5-D; the output's static shape (int32 or int64 shape operand)";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (input, shape) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int rank = output.Shape.Count;
        int[]? shape = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        int pad = rank - input.Count;
        bool fits = pad >= 0 && rank <= MaxDimensions && (shape is null || shape.SequenceEqual(output.Shape))
            && Enumerable.Range(0, input.Count).All(d => input[d] == output.Shape[d + pad] || input[d] == 1);
        if (!fits)
        {
            context.ReportUnsupported(op, $"the input {CopyPlan.ShapeText(input)} does not broadcast to the output {output.ShapeText}{(shape is null ? "" : $" (shape [{string.Join(",", shape)}])")}, up to {MaxDimensions} dimensions");
            return null;
        }
        int[] extended = Enumerable.Repeat(1, pad).Concat(input).ToArray();
        var maps = new IReadOnlyList<int>[rank];
        for (int d = 0; d < rank; d++)
        {
            maps[d] = extended[d] == output.Shape[d] ? IndexMaps.Identity(extended[d]) : new int[output.Shape[d]];
        }
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        foreach (StridedCopy copy in IndexMaps.Copies(extended, maps))
        {
            plan.Copy(source, target, copy);
        }
        return plan.Build(Name, $"The input {CopyPlan.ShapeText(input)} repeated to {output.ShapeText}.");
    }
}
