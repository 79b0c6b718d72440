using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// EMBEDDING_LOOKUP (TFLM embedding_lookup.cc): rows of a float32 or int8 table (rank 2 or more, usually
/// constant) chosen by a vector of int32 ids; an id outside the table throws, as TFLM fails Invoke. An int8
/// table with a float32 output is dequantized row by row (TFLM's hybrid path: per-tensor scale, zero point 0).
/// </summary>
internal sealed class EmbeddingLookup : GatherOperator
{
    /// <summary>TFLite's builtin code of EMBEDDING_LOOKUP (schema.fbs).</summary>
    public const int BuiltinCode = 7;

    public EmbeddingLookup()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Int32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int32, ElementType.Int8 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int32, ElementType.Int8 }, new[] { ElementType.Float32 })).WithInputNames("ids", "input");

    public override string Notes => "run-time or constant table and ids, run-time ids checked; int8 → float32 dequantized as TFLM's hybrid path";

    protected override GatherLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (ids, table) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> ids = context.Tensor(op.Inputs[0]).Shape;
        IReadOnlyList<int> table = context.Tensor(op.Inputs[1]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        var expected = ids.Take(1).Concat(table.Skip(1)).ToList();
        if (ids.Count != 1 || table.Count < 2 || !expected.SequenceEqual(output.Shape))
        {
            context.ReportUnsupported(op, $"needs a vector of ids (found {CopyPlan.ShapeText(ids)}), a table of rank 2 or more (found {CopyPlan.ShapeText(table)}) and the output {CopyPlan.ShapeText(expected)} (found {output.ShapeText})");
            return null;
        }
        float? scale = null;
        if (context.ElementTypeOf(op.Inputs[1]) == ElementType.Int8 && output.Type == ElementType.Float32)
        {
            QuantizationSpec? q = context.QuantizationOf(op.Inputs[1]);
            if (q is null || q.ZeroPoint != 0 || context.Tensor(op.Inputs[1]).Quantization!.IsPerChannel)
            {
                context.ReportUnsupported(op, "an int8 table read as float32 needs a per-tensor scale and zero point 0, as TFLM requires");
                return null;
            }
            scale = q.Scale;
        }
        int columns = table.Skip(1).Aggregate(1, (a, b) => a * b);
        var geometry = new GatherGeometry(1, 1, ids[0], 0, new[] { columns }.ToEquatableArray(), new[] { table[0] }.ToEquatableArray(), columns);
        return Build(context, op, paramsInput: 1, indicesInput: 0, geometry, scale,
            $"Rows of {columns} element(s) from a table of {table[0]}" + (scale is null ? "." : $", dequantized with scale {Literals.FloatText(scale.Value)}."));
    }
}
