using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// DYNAMIC_UPDATE_SLICE (TFLM dynamic_update_slice.cc): the operand copied to the output, then the update
/// written over it from the start indices (int32 or int64, run-time or constant), each clamped to
/// [0, operand dimension - update dimension] as TFLM clamps it, so that no index is out of range. Constant
/// starts are clamped here; run-time ones in the generated code.
/// </summary>
internal sealed class DynamicUpdateSlice : OperatorDefinition<DynamicUpdateSliceLayer>
{
    /// <summary>TFLite's builtin code of DYNAMIC_UPDATE_SLICE (schema.fbs).</summary>
    public const int BuiltinCode = 151;

    private const int MaxDimensions = 6;

    public DynamicUpdateSlice()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32 }
         from start in new[] { ElementType.Int32, ElementType.Int64 }
         select (new ElementType?[] { type, type, start }, new[] { type })).ToArray()).WithInputNames("input", "update", "start_indices");

    public override string Notes => "up to 6-D; int32 or int64 start indices, run-time or constant, clamped as TFLM does";

    protected override DynamicUpdateSliceLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 3, 1, "inputs (operand, update, start_indices) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> operand = context.Tensor(op.Inputs[0]).Shape;
        IReadOnlyList<int> update = context.Tensor(op.Inputs[1]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int rank = operand.Count;
        if (rank > MaxDimensions || update.Count != rank || !output.Shape.SequenceEqual(operand) || !context.Tensor(op.Inputs[2]).Shape.SequenceEqual(new[] { rank })
            || Enumerable.Range(0, rank).Any(d => update[d] > operand[d]))
        {
            context.ReportUnsupported(op, $"needs an update (found {CopyPlan.ShapeText(update)}) no larger than the operand {CopyPlan.ShapeText(operand)} in each of its up to {MaxDimensions} dimensions, one start index per dimension, and an output of the operand's shape");
            return null;
        }
        foreach (int input in op.Inputs.Take(2))
        {
            if (context.IsConstant(input))
            {
                context.ReportUnsupported(op, $"input '{context.Tensor(input).Name}' is a constant; TinyModel supports run-time operand and update");
                return null;
            }
        }
        int[] limits = Enumerable.Range(0, rank).Select(d => operand[d] - update[d]).ToArray();
        int[] strides = ShapeMath.Strides(operand);
        var inputs = new List<int> { op.Inputs[0], op.Inputs[1] };
        int? constantOffset = null;
        string startsText;
        if (ShapeMath.IntegerConstant(context, op.Inputs[2]) is int[] starts)
        {
            int[] clamped = Enumerable.Range(0, rank).Select(d => System.Math.Min(System.Math.Max(0, starts[d]), limits[d])).ToArray();
            constantOffset = Enumerable.Range(0, rank).Sum(d => clamped[d] * strides[d]);
            startsText = $"constant start [{string.Join(", ", starts)}], clamped to [{string.Join(", ", clamped)}]";
        }
        else
        {
            inputs.Add(op.Inputs[2]);
            startsText = "start indices read at run time and clamped";
        }
        foreach (int input in inputs)
        {
            context.Value(input);
        }
        StridedCopy copy = StridedCopy.Create(0, constantOffset ?? 0, update, ShapeMath.Strides(update), strides);
        return new DynamicUpdateSliceLayer(op.Index, inputs.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            limits.ToEquatableArray(), strides.ToEquatableArray(), constantOffset is null, copy, startsText);
    }

    /// <summary>Copies the operand, works out the clamped start when it is read at run time, then copies the update over it.</summary>
    protected override void EmitLayer(SourceWriter writer, DynamicUpdateSliceLayer layer, EmitContext context)
    {
        ValueSpec operand = context.Model.Value(layer.Inputs[0]);
        ValueSpec update = context.Model.Value(layer.Inputs[1]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DYNAMIC_UPDATE_SLICE: {Literals.Xml(operand.Describe())}, update {Literals.Xml(update.Describe())}.");
        writer.WriteLine($"/// The operand is copied, then the update written over it at the {Literals.Xml(layer.StartDescription)}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine("input.CopyTo(output);");
        string? start = null;
        if (layer.RuntimeStart)
        {
            start = "start";
            string wide = context.Model.Value(layer.Inputs[2]).Type == ElementType.Int64 ? "input2[{0}]" : "(long)input2[{0}]";
            writer.WriteLine("int start = 0;");
            for (int d = 0; d < layer.Limits.Count; d++)
            {
                string value = string.Format(System.Globalization.CultureInfo.InvariantCulture, wide, d);
                // TFLM: min(max(0, start), operand dimension - update dimension), in 64 bits.
                writer.WriteLine($"start += (int){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(0L, {value}), {layer.Limits[d]}L) * {layer.OutputStrides[d]};");
            }
        }
        StridedCopyWriter.Write(writer, layer.Copy, "input1", "output", outputBase: start);
        writer.CloseBlock();
    }
}

/// <summary>DYNAMIC_UPDATE_SLICE: the operand copied, then the update copied at the (clamped) start.</summary>
/// <param name="Limits">Per dimension, the largest start: operand dimension - update dimension.</param>
/// <param name="OutputStrides">The operand's (and output's) element strides.</param>
/// <param name="RuntimeStart">Whether the start indices are the layer's third input, read at run time.</param>
/// <param name="Copy">The update's copy, at the constant start's offset or from offset 0 plus the run-time start.</param>
/// <param name="StartDescription">The start, for the method's comment.</param>
internal sealed record DynamicUpdateSliceLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    EquatableArray<int> Limits,
    EquatableArray<int> OutputStrides,
    bool RuntimeStart,
    StridedCopy Copy,
    string StartDescription)
    : LayerSpec(NodeIndex, "DYNAMIC_UPDATE_SLICE", Inputs, Outputs)
{
    public override long MacCount => 0;
}
