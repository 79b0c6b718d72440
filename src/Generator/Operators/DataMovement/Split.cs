using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// SPLIT and SPLIT_V (TFLM split.cc, split_v.cc): a constant axis (negative counts from the end); each
/// output takes the next block along it. SPLIT's blocks are equal; SPLIT_V's sizes come from the constant
/// size_splits, where one -1 stands for the rest. Both become one strided copy per output.
/// </summary>
internal abstract class SplitOperator : CopyOperator
{
    protected SplitOperator(int code)
        : base(code)
    {
    }

    /// <summary>The data types TFLM's split kernels copy.</summary>
    protected static readonly ElementType[] DataTypes = { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32 };

    /// <summary>Cuts the input along the axis into the outputs' sizes; <paramref name="sizes"/>, when given, must agree with them.</summary>
    protected CopyLayer? LowerSplit(LoweringContext context, TfliteOperator op, int dataInput, int axisInput, int[]? sizes)
    {
        TfliteTensor input = context.Tensor(op.Inputs[dataInput]);
        int[]? axisValue = ShapeMath.IntegerConstant(context, op.Inputs[axisInput]);
        int rank = input.Shape.Count;
        if (axisValue is not { Length: 1 } || axisValue[0] < -rank || axisValue[0] >= rank)
        {
            context.ReportUnsupported(op, $"the axis must be a constant int32 scalar within the {rank} dimensions of the input {CopyPlan.ShapeText(input.Shape)}");
            return null;
        }
        int axis = axisValue[0] < 0 ? axisValue[0] + rank : axisValue[0];
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[dataInput]);
        int offset = 0;
        var taken = new List<int>();
        for (int i = 0; i < op.Outputs.Count; i++)
        {
            ValueSpec output = context.Value(op.Outputs[i]);
            bool fits = output.Shape.Count == rank && Enumerable.Range(0, rank).All(d => d == axis || output.Shape[d] == input.Shape[d]);
            int size = fits ? output.Shape[axis] : -1;
            if (!fits || (sizes is not null && sizes[i] != -1 && sizes[i] != size))
            {
                context.ReportUnsupported(op, $"output {i} {output.ShapeText} is not a block of the input {CopyPlan.ShapeText(input.Shape)} along axis {axis}");
                return null;
            }
            var maps = input.Shape.Select(IndexMaps.Identity).ToArray<IReadOnlyList<int>>();
            maps[axis] = Enumerable.Range(offset, size).ToArray();
            int target = plan.Output(op.Outputs[i]);
            if (offset + size <= input.Shape[axis])
            {
                foreach (StridedCopy copy in IndexMaps.Copies(input.Shape, maps))
                {
                    plan.Copy(source, target, copy);
                }
            }
            offset += size;
            taken.Add(size);
        }
        if (offset != input.Shape[axis])
        {
            context.ReportUnsupported(op, $"the outputs take [{string.Join(",", taken)}] along axis {axis}, which does not add up to the input's {input.Shape[axis]}");
            return null;
        }
        return plan.Build(Name, $"Along axis {axis}, blocks of [{string.Join(", ", taken)}].");
    }
}

/// <summary>SPLIT: inputs (axis, input); num_splits equal blocks.</summary>
internal sealed class Split : SplitOperator
{
    /// <summary>TFLite's builtin code of SPLIT (schema.fbs).</summary>
    public const int BuiltinCode = 49;

    public Split()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        DataTypes.Select(type => (new ElementType?[] { ElementType.Int32, type }, new[] { type })).ToArray()).WithInputNames("axis", "input").WithVariadicOutputs();

    public override string Notes => "constant axis, negative from the end; equal blocks";

    // TFLM's outputs are all of the input's type; the type check sees the first and the rest are checked here.
    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op) =>
        op.Inputs.Count != 2 || op.Outputs.Count < 1
            ? Unexpected(context, op, "(axis, input)")
            : LowerSplit(context, op, dataInput: 1, axisInput: 0, sizes: null);

    /// <summary>Reports operands that are not (axis, input) → outputs.</summary>
    internal static CopyLayer? Unexpected(LoweringContext context, TfliteOperator op, string inputs)
    {
        context.ReportUnsupported(op, $"expected inputs {inputs} and at least one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
        return null;
    }
}

/// <summary>SPLIT_V: inputs (input, size_splits, axis); blocks of the given sizes, one of which may be -1 (the rest).</summary>
internal sealed class SplitV : SplitOperator
{
    /// <summary>TFLite's builtin code of SPLIT_V (schema.fbs).</summary>
    public const int BuiltinCode = 102;

    public SplitV()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in DataTypes
         from sizes in new[] { ElementType.Int32, ElementType.Int64 }
         select (new ElementType?[] { type, sizes, ElementType.Int32 }, new[] { type })).ToArray()).WithInputNames("input", "size_splits", "axis").WithVariadicOutputs();

    public override string Notes => "constant size_splits (one may be -1) and axis, negative from the end";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 3 || op.Outputs.Count < 1)
        {
            return Split.Unexpected(context, op, "(input, size_splits, axis)");
        }
        int[]? sizes = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (sizes is null || sizes.Length != op.Outputs.Count)
        {
            context.ReportUnsupported(op, $"size_splits must be a constant int32 or int64 tensor with one size per output ({op.Outputs.Count})");
            return null;
        }
        return LowerSplit(context, op, dataInput: 0, axisInput: 2, sizes);
    }
}
