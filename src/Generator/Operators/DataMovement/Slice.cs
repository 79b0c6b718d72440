using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// SLICE (TFLM slice.cc, reference/slice.h): constant begin and size (int32 or int64; a size of -1 takes
/// the rest of the dimension) on tensors of up to 5 dimensions, resolved here into one strided copy.
/// </summary>
internal sealed class Slice : CopyOperator
{
    /// <summary>TFLite's builtin code of SLICE (schema.fbs).</summary>
    public const int BuiltinCode = 65;

    private const int MaxDimensions = 5;

    private static readonly ElementType[] IndexTypes = { ElementType.Int32, ElementType.Int64 };

    public Slice()
        : base(BuiltinCode)
    {
    }

    // The types TFLM's kernel copies; begin and size each int32 or int64.
    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Bool }
         from begin in IndexTypes
         from size in IndexTypes
         select (new ElementType?[] { type, begin, size }, new[] { type })).ToArray()).WithInputNames("input", "begin", "size");

    public override string Notes => "up to 5-D; constant int32 or int64 begin and size (-1: to the end)";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 3, 1, "inputs (input, begin, size) and one output"))
        {
            return null;
        }
        TfliteTensor input = context.Tensor(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? begin = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        int[]? size = ShapeMath.IntegerConstant(context, op.Inputs[2]);
        if (begin is null || size is null)
        {
            context.ReportUnsupported(op, "begin and size must be constant int32 or int64 tensors");
            return null;
        }
        int rank = input.Shape.Count;
        if (rank > MaxDimensions || begin.Length != rank || size.Length != rank)
        {
            context.ReportUnsupported(op, $"the input {CopyPlan.ShapeText(input.Shape)} needs one begin and one size per dimension (up to {MaxDimensions}), found {begin.Length} and {size.Length}");
            return null;
        }
        var maps = new int[rank][];
        for (int d = 0; d < rank; d++)
        {
            int count = size[d] == -1 ? input.Shape[d] - begin[d] : size[d];
            if (begin[d] < 0 || count < 0 || begin[d] + count > input.Shape[d])
            {
                context.ReportUnsupported(op, $"begin [{string.Join(",", begin)}] and size [{string.Join(",", size)}] reach outside the input {CopyPlan.ShapeText(input.Shape)} on dimension {d}");
                return null;
            }
            maps[d] = Enumerable.Range(begin[d], count).ToArray();
        }
        if (!maps.Select(m => m.Length).SequenceEqual(output.Shape))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is not the slice's shape [{string.Join(",", maps.Select(m => m.Length))}]");
            return null;
        }
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        foreach (StridedCopy copy in IndexMaps.Copies(input.Shape, maps))
        {
            plan.Copy(source, target, copy);
        }
        return plan.Build(Name, $"Begin [{string.Join(", ", begin)}], size [{string.Join(", ", size)}].");
    }
}
