using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// REVERSE_V2 (TFLM reverse.cc): the input with the order of elements reversed along the constant axes
/// (negative from the end), which must be contiguous as TFLM requires; a strided copy with negative strides.
/// </summary>
internal sealed class ReverseV2 : CopyOperator
{
    /// <summary>TFLite's builtin code of REVERSE_V2 (schema.fbs).</summary>
    public const int BuiltinCode = 105;

    public ReverseV2()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8, ElementType.UInt8, ElementType.Int16, ElementType.Int32, ElementType.Int64, ElementType.Bool }
            .Select(type => (new ElementType?[] { type, ElementType.Int32 }, new[] { type })).ToArray()).WithInputNames("input", "axis");

    public override string Notes => "constant contiguous axes, negative from the end";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (input, axis) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> shape = context.Tensor(op.Inputs[0]).Shape;
        int rank = shape.Count;
        int[]? axes = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (axes is null || axes.Any(a => a < -rank || a >= rank))
        {
            context.ReportUnsupported(op, $"the axes must be a constant int32 tensor of axes within the {rank} dimensions of the input {CopyPlan.ShapeText(shape)}");
            return null;
        }
        int[] sorted = axes.Select(a => a < 0 ? a + rank : a).OrderBy(a => a).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[i - 1] + 1)
            {
                context.ReportUnsupported(op, $"the axes [{string.Join(",", axes)}] are not contiguous; TFLM supports contiguous axes only");
                return null;
            }
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        if (!output.Shape.SequenceEqual(shape))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} differs from the input {CopyPlan.ShapeText(shape)}");
            return null;
        }
        var maps = shape.Select(IndexMaps.Identity).ToArray<IReadOnlyList<int>>();
        foreach (int axis in sorted)
        {
            maps[axis] = Enumerable.Range(0, shape[axis]).Reverse().ToArray();
        }
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        foreach (StridedCopy copy in IndexMaps.Copies(shape, maps))
        {
            plan.Copy(source, target, copy);
        }
        return plan.Build(Name, $"Reversed along axes [{string.Join(", ", sorted)}].");
    }
}
