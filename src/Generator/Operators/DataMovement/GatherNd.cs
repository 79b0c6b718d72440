using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// GATHER_ND (TFLM gather_nd.cc): float32 or int8 params; each index tuple (the last dimension of the int32
/// indices, up to 5 components) selects an element or a slice. As TFLM does, a run-time tuple is checked
/// only for the slice it selects lying within the params (a component may be out of its own range), and
/// one outside throws.
/// </summary>
internal sealed class GatherNd : GatherOperator
{
    /// <summary>TFLite's builtin code of GATHER_ND (schema.fbs).</summary>
    public const int BuiltinCode = 107;

    private const int MaxIndexComponents = 5;

    public GatherNd()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = ParamsAndInt32Indices();

    public override string Notes => "index tuples of up to 5 components; run-time or constant params and indices, run-time indices checked as TFLM does";

    protected override GatherLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (params, indices) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        IReadOnlyList<int> indices = context.Tensor(op.Inputs[1]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int depth = indices.Count > 0 ? indices[indices.Count - 1] : 0;
        if (input.Count < 1 || indices.Count < 1 || depth > input.Count || depth > MaxIndexComponents || depth < 1)
        {
            context.ReportUnsupported(op, $"index tuples of {depth} component(s) (indices {CopyPlan.ShapeText(indices)}) do not fit params {CopyPlan.ShapeText(input)}; TFLM takes 1 to {MaxIndexComponents}, at most the params' rank");
            return null;
        }
        var expected = indices.Take(indices.Count - 1).Concat(input.Skip(depth)).ToList();
        if (!expected.SequenceEqual(output.Shape))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is not the gathered shape {CopyPlan.ShapeText(expected)}");
            return null;
        }
        int[] strides = ShapeMath.Strides(input);
        int inner = input.Skip(depth).Aggregate(1, (a, b) => a * b);
        var geometry = new GatherGeometry(1, 1, indices.Take(indices.Count - 1).Aggregate(1, (a, b) => a * b), 0,
            strides.Take(depth).ToEquatableArray(), null, inner);
        return Build(context, op, paramsInput: 0, indicesInput: 1, geometry, dequantizeScale: null, $"Tuples of {depth} index component(s) into {CopyPlan.ShapeText(input)}.");
    }
}
