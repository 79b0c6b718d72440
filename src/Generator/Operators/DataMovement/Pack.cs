using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// PACK (TFLM pack.cc): values_count inputs of one shape (run-time or constant) stacked along a new axis
/// (negative counts from the end of the output); input i fills slot i of that axis, one strided copy each.
/// </summary>
internal sealed class Pack : CopyOperator
{
    /// <summary>TFLite's builtin code of PACK (schema.fbs).</summary>
    public const int BuiltinCode = 83;

    // PackOptions field ids (schema.fbs).
    private const int OptionAxis = 1;

    public Pack()
        : base(BuiltinCode)
    {
    }

    // Any number of inputs of the output's type.
    public override TypeSupport Types { get; } = TypeSupport.Variadic(
        new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64 }
            .Select(type => (new ElementType?[] { type }, new[] { type })).ToArray());

    public override string Notes => "any axis, negative from the end; run-time or constant inputs";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        IReadOnlyList<int> shape = context.Tensor(op.Inputs[0]).Shape;
        int rank = output.Shape.Count;
        int axis = op.BuiltinOptions?.GetInt(OptionAxis) ?? 0;
        if (axis < 0)
        {
            axis += rank;
        }
        var expected = shape.ToList();
        if (axis >= 0 && axis < rank)
        {
            expected.Insert(axis, op.Inputs.Count);
        }
        if (axis < 0 || axis >= rank || !expected.SequenceEqual(output.Shape) || op.Inputs.Any(i => !context.Tensor(i).Shape.SequenceEqual(shape)))
        {
            context.ReportUnsupported(op, $"{op.Inputs.Count} inputs of shape {CopyPlan.ShapeText(shape)} stacked along axis {op.BuiltinOptions?.GetInt(OptionAxis) ?? 0} do not make the output {output.ShapeText}");
            return null;
        }
        int outer = output.Shape.Take(axis).Aggregate(1, (a, b) => a * b);
        int inner = shape.Skip(axis).Aggregate(1, (a, b) => a * b);
        var plan = new CopyPlan(context, op);
        int target = plan.Output(op.Outputs[0]);
        for (int i = 0; i < op.Inputs.Count; i++)
        {
            plan.Copy(plan.Source(op.Inputs[i]), target,
                StridedCopy.Create(0, i * inner, new[] { outer, inner }, new[] { inner, 1 }, new[] { op.Inputs.Count * inner, 1 }));
        }
        return plan.Build(Name, $"{op.Inputs.Count} input(s) stacked along axis {axis}.");
    }
}
