using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// A custom operator of TFLM's signal library (tflite-micro signal/micro/kernels): recognized by its custom
/// code, its options read from a FlexBuffer map, its constant operands folded into the class. The checks and
/// summaries every one of them shares.
/// </summary>
internal abstract class SignalDefinition<TLayer> : OperatorDefinition<TLayer>
    where TLayer : LayerSpec
{
    protected SignalDefinition(string customCode)
        : base(customCode)
    {
    }

    /// <summary>Whether the operator has exactly the operand counts TFLM's Prepare requires; reports otherwise.</summary>
    protected static bool CheckArity(LoweringContext context, TfliteOperator op, int inputs, int outputs)
    {
        if (op.Inputs.Count == inputs && op.Outputs.Count == outputs && op.Inputs.All(i => i >= 0))
        {
            return true;
        }
        context.ReportUnsupported(op, $"expected {inputs} inputs and {outputs} outputs, as TFLM's kernel requires; found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
        return false;
    }

    /// <summary>Whether input <paramref name="position"/> is computed at run time; reports a constant.</summary>
    protected static bool CheckRunTime(LoweringContext context, TfliteOperator op, int position, string what)
    {
        if (!context.IsConstant(op.Inputs[position]))
        {
            return true;
        }
        context.ReportUnsupported(op, $"the {what} (input {position}) is a constant; TinyModel compiles it as a tensor computed at run time");
        return false;
    }

    /// <summary>The values of a constant int16 input, or null after reporting that it is computed at run time.</summary>
    protected static short[]? ConstantInt16(LoweringContext context, TfliteOperator op, int position, string what)
    {
        if (!context.IsConstant(op.Inputs[position]))
        {
            context.ReportUnsupported(op, $"the {what} (input {position}) is computed at run time; TinyModel compiles it as a constant");
            return null;
        }
        return ConstantData.As<short>(context.ConstantBytes(op.Inputs[position]));
    }

    /// <summary>Adds an int16 table as a constant of the class; returns its name.</summary>
    protected static string AddInt16Constant(LoweringContext context, TfliteOperator op, string suffix, short[] values, string description) =>
        context.AddConstant($"Layer{op.Index}{suffix}", ElementType.Int16, values.SelectMany(System.BitConverter.GetBytes).ToArray(), description);

    /// <summary>Whether a value has the rank TFLM's Prepare requires; reports otherwise.</summary>
    protected static bool CheckRank(LoweringContext context, TfliteOperator op, ValueSpec value, int rank, string what)
    {
        if (value.Shape.Count == rank)
        {
            return true;
        }
        context.ReportUnsupported(op, $"the {what} has shape {value.ShapeText}; TFLM requires {rank} dimension{(rank == 1 ? "" : "s")}");
        return false;
    }

    /// <summary>Writes the summary of a layer's method: its node, operator and operands, then the given lines.</summary>
    protected static void WriteSummary(SourceWriter writer, LayerSpec layer, EmitContext context, params string[] lines)
    {
        string inputs = string.Join(", ", layer.Inputs.Select(id => Literals.Xml(context.Model.Value(id).Describe())));
        string outputs = string.Join(", ", layer.Outputs.Select(id => Literals.Xml(context.Model.Value(id).Describe())));
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName} (TFLM signal library): {inputs} → {outputs}.");
        foreach (string line in lines)
        {
            writer.WriteLine("/// " + line);
        }
        writer.WriteLine("/// </summary>");
    }
}

/// <summary>A signal-library layer: no multiply-accumulate count, no in-place sharing.</summary>
internal abstract record SignalLayer(int NodeIndex, string OperatorName, EquatableArray<int> Inputs, EquatableArray<int> Outputs)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    public override long MacCount => 0;
}
