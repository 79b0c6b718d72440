using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ControlFlow;

/// <summary>
/// CALL_ONCE (TFLM call_once.cc): runs its init subgraph (typically the ASSIGN_VARIABLEs that give resource
/// variables their first values) on the first <c>Invoke</c>, and never again; a bool field of the class
/// remembers it. <c>ResetState</c> clears the field, so that the next call starts as a new instance does
/// (TFLM's interpreter keeps it set: a fresh interpreter is its only way back).
/// </summary>
internal sealed class CallOnce : ControlFlowDefinition<CallOnceLayer>
{
    public CallOnce()
        : base(BuiltinOperator.CallOnce)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Operands("no operands", (new ElementType?[0], new ElementType[0]));

    public override string Notes => "the init subgraph runs on the first Invoke after construction or ResetState";

    protected override CallOnceLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 0 || op.Outputs.Count != 0)
        {
            context.ReportUnsupported(op, $"CALL_ONCE takes no operands, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        return new CallOnceLayer(op.Index, SubgraphOperands.Find(context, op, 0).Index);
    }

    public override void WriteFields(SourceWriter writer, ControlFlowLayer layer)
    {
        writer.WriteLine($"// Whether CALL_ONCE node {layer.NodeIndex} ran its init subgraph since construction or ResetState.");
        writer.WriteLine($"private bool {FieldName(layer)};");
        writer.WriteLine();
    }

    public override void WriteReset(SourceWriter writer, ControlFlowLayer layer) =>
        writer.WriteLine($"{FieldName(layer)} = false; // CALL_ONCE node {layer.NodeIndex} runs its init subgraph again");

    protected override void WriteCall(SourceWriter writer, CallOnceLayer layer, CallSite site)
    {
        SubgraphSpec init = site.Model.Subgraph(layer.Init);
        writer.WriteLine($"// Node {site.NodeLabel(layer.NodeIndex)}, CALL_ONCE: {Literals.Comment(init.Title)} runs on the first call after construction or ResetState.");
        writer.OpenBlock($"if (!{FieldName(layer)})");
        site.WriteCall(writer, layer.Calls[0]);
        writer.WriteLine($"{FieldName(layer)} = true;");
        writer.CloseBlock();
    }

    private static string FieldName(ControlFlowLayer layer) => $"_callOnce{layer.NodeIndex}Ran";
}

/// <summary>A CALL_ONCE node.</summary>
/// <param name="Init">The subgraph it runs once.</param>
internal sealed record CallOnceLayer(int NodeIndex, int Init)
    : ControlFlowLayer(NodeIndex, "CALL_ONCE", EquatableArray<int>.Empty, EquatableArray<int>.Empty)
{
    public override EquatableArray<SubgraphCall> Calls =>
        new[] { new SubgraphCall(Init, EquatableArray<int>.Empty, EquatableArray<int>.Empty) }.ToEquatableArray();
}
