using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// UNPACK (TFLM unpack.cc): the input cut along an axis (negative counts from the end) into its slices,
/// one output each, one strided copy each.
/// </summary>
internal sealed class Unpack : CopyOperator
{
    /// <summary>TFLite's builtin code of UNPACK (schema.fbs).</summary>
    public const int BuiltinCode = 88;

    // UnpackOptions field ids (schema.fbs).
    private const int OptionAxis = 1;

    public Unpack()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32).WithVariadicOutputs();

    public override string Notes => "any axis, negative from the end";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 1 || op.Outputs.Count < 1)
        {
            context.ReportUnsupported(op, $"expected one input and its slices as outputs, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        IReadOnlyList<int> shape = context.Tensor(op.Inputs[0]).Shape;
        int rank = shape.Count;
        int axis = op.BuiltinOptions?.GetInt(OptionAxis) ?? 0;
        if (axis < 0)
        {
            axis += rank;
        }
        if (axis < 0 || axis >= rank || shape[axis] != op.Outputs.Count)
        {
            context.ReportUnsupported(op, $"the input {CopyPlan.ShapeText(shape)} does not have {op.Outputs.Count} slices along axis {op.BuiltinOptions?.GetInt(OptionAxis) ?? 0}");
            return null;
        }
        var sliceShape = shape.Where((_, d) => d != axis).ToList();
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        for (int i = 0; i < op.Outputs.Count; i++)
        {
            ValueSpec output = context.Value(op.Outputs[i]);
            if (!output.Shape.SequenceEqual(sliceShape))
            {
                context.ReportUnsupported(op, $"output {i} {output.ShapeText} is not a slice {CopyPlan.ShapeText(sliceShape)} of the input along axis {axis}");
                return null;
            }
            var maps = shape.Select(IndexMaps.Identity).ToArray<IReadOnlyList<int>>();
            maps[axis] = new[] { i };
            int target = plan.Output(op.Outputs[i]);
            foreach (StridedCopy copy in IndexMaps.Copies(shape, maps))
            {
                plan.Copy(source, target, copy);
            }
        }
        return plan.Build(Name, $"The input's {op.Outputs.Count} slices along axis {axis}.");
    }
}
