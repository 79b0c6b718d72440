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

    public override string Notes => "up to 6-D; run-time or constant operand and update; int32 or int64 start indices, run-time or constant, clamped as TFLM does";

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
        int[] limits = Enumerable.Range(0, rank).Select(d => operand[d] - update[d]).ToArray();
        int[] strides = ShapeMath.Strides(operand);
        // The operand and the update may be constants of the model (an initial buffer, a fixed patch).
        var inputs = new List<int>();
        OperandSource Source(int tensor)
        {
            if (context.IsConstant(tensor))
            {
                ElementType type = context.ElementTypeOf(tensor)!.Value;
                return new OperandSource(-1, context.AddConstant($"Layer{op.Index}Tensor{tensor}", type, context.ConstantBytes(tensor).ToArray(),
                    $"constant '{context.Tensor(tensor).Name}', {type.ModelName()}{CopyPlan.ShapeText(context.Tensor(tensor).Shape)}"));
            }
            inputs.Add(tensor);
            return new OperandSource(inputs.Count - 1, null);
        }
        OperandSource operandSource = Source(op.Inputs[0]);
        OperandSource updateSource = op.Inputs[1] == op.Inputs[0] ? operandSource : Source(op.Inputs[1]);
        int? constantOffset = null;
        int startIndices = -1;
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
            startIndices = inputs.Count - 1;
            startsText = "start indices read at run time and clamped";
        }
        foreach (int input in inputs)
        {
            context.Value(input);
        }
        StridedCopy copy = StridedCopy.Create(0, constantOffset ?? 0, update, ShapeMath.Strides(update), strides);
        return new DynamicUpdateSliceLayer(op.Index, inputs.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            operandSource, updateSource, startIndices, limits.ToEquatableArray(), strides.ToEquatableArray(), copy, startsText,
            context.ElementTypeOf(op.Inputs[2]) == ElementType.Int64);
    }

    /// <summary>Copies the operand, works out the clamped start when it is read at run time, then copies the update over it.</summary>
    protected override void EmitLayer(SourceWriter writer, DynamicUpdateSliceLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string Expression(OperandSource source) => source.Constant is null ? EmitContext.InputName(source.Input) : context.Constant(source.Constant);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DYNAMIC_UPDATE_SLICE → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// The operand is copied, then the update written over it at the {Literals.Xml(layer.StartDescription)}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{output.Type.CSharpName()}> update = {Expression(layer.Update)};");
        writer.WriteLine($"{Expression(layer.Operand)}.CopyTo(output);");
        string? start = null;
        if (layer.StartInput >= 0)
        {
            start = "start";
            string indices = EmitContext.InputName(layer.StartInput);
            string wide = layer.WideStart ? indices + "[{0}]" : "(long)" + indices + "[{0}]";
            writer.WriteLine("int start = 0;");
            for (int d = 0; d < layer.Limits.Count; d++)
            {
                string value = string.Format(System.Globalization.CultureInfo.InvariantCulture, wide, d);
                // TFLM: min(max(0, start), operand dimension - update dimension), in 64 bits.
                writer.WriteLine($"start += (int){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(0L, {value}), {layer.Limits[d]}L) * {layer.OutputStrides[d]};");
            }
        }
        StridedCopyWriter.Write(writer, layer.Copy, "update", "output", outputBase: start);
        writer.CloseBlock();
    }
}

/// <summary>DYNAMIC_UPDATE_SLICE: the operand copied, then the update copied at the (clamped) start.</summary>
/// <param name="Operand">Where the operand comes from (a run-time input or a constant).</param>
/// <param name="Update">Where the update comes from.</param>
/// <param name="StartInput">The position of the start indices among the layer's inputs when they are read at run time, else -1.</param>
/// <param name="Limits">Per dimension, the largest start: operand dimension - update dimension.</param>
/// <param name="OutputStrides">The operand's (and output's) element strides.</param>
/// <param name="Copy">The update's copy, at the constant start's offset or from offset 0 plus the run-time start.</param>
/// <param name="StartDescription">The start, for the method's comment.</param>
/// <param name="WideStart">Whether the start indices are int64.</param>
internal sealed record DynamicUpdateSliceLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    OperandSource Operand,
    OperandSource Update,
    int StartInput,
    EquatableArray<int> Limits,
    EquatableArray<int> OutputStrides,
    StridedCopy Copy,
    string StartDescription,
    bool WideStart)
    : LayerSpec(NodeIndex, "DYNAMIC_UPDATE_SLICE", Inputs, Outputs)
{
    public override long MacCount => 0;
}
