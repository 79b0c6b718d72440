using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// GATHER (TFLM gather.cc): slices of float32 or int8 params along an axis (negative from the end), chosen
/// by int32 indices of any shape, with batch_dims leading dimensions shared by both. Params and indices may
/// be run-time or constant; a run-time index outside the axis throws, as TFLM fails Invoke.
/// </summary>
internal sealed class Gather : GatherOperator
{
    /// <summary>TFLite's builtin code of GATHER (schema.fbs).</summary>
    public const int BuiltinCode = 36;

    // GatherOptions field ids (schema.fbs).
    private const int OptionAxis = 0, OptionBatchDims = 1;

    public Gather()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = ParamsAndInt32Indices();

    public override string Notes => "any axis and batch_dims (negative from the end); run-time or constant params and indices, run-time indices checked";

    protected override GatherLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (params, indices) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        IReadOnlyList<int> coords = context.Tensor(op.Inputs[1]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int axis = op.BuiltinOptions?.GetInt(OptionAxis) ?? 0;
        int batchDims = op.BuiltinOptions?.GetInt(OptionBatchDims) ?? 0;
        if (axis < 0)
        {
            axis += input.Count;
        }
        if (batchDims < 0)
        {
            batchDims += coords.Count;
        }
        // TFLM's Prepare checks.
        if (axis < 0 || axis >= input.Count || batchDims < 0 || batchDims > axis || batchDims >= input.Count || batchDims > coords.Count
            || Enumerable.Range(0, batchDims).Any(d => input[d] != coords[d]))
        {
            context.ReportUnsupported(op, $"axis {op.BuiltinOptions?.GetInt(OptionAxis) ?? 0} and batch_dims {op.BuiltinOptions?.GetInt(OptionBatchDims) ?? 0} do not fit params {CopyPlan.ShapeText(input)} and indices {CopyPlan.ShapeText(coords)}");
            return null;
        }
        var expected = input.Take(axis).Concat(coords.Skip(batchDims)).Concat(input.Skip(axis + 1)).ToList();
        if (!expected.SequenceEqual(output.Shape))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is not the gathered shape {CopyPlan.ShapeText(expected)}");
            return null;
        }
        int Product(IEnumerable<int> dims) => dims.Aggregate(1, (a, b) => a * b);
        int inner = Product(input.Skip(axis + 1));
        var geometry = new GatherGeometry(
            Product(input.Take(batchDims)), Product(input.Skip(batchDims).Take(axis - batchDims)), Product(coords.Skip(batchDims)),
            input[axis] * inner, new[] { inner }.ToEquatableArray(), new[] { input[axis] }.ToEquatableArray(), inner);
        return Build(context, op, paramsInput: 0, indicesInput: 1, geometry, dequantizeScale: null, $"Along axis {axis} of {CopyPlan.ShapeText(input)}, batch_dims {batchDims}.");
    }
}
