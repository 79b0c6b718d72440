using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ControlFlow;

/// <summary>What the model emitter asks of an operator that runs subgraphs, whatever its layer type.</summary>
internal interface IControlFlowDefinition
{
    /// <summary>Writes the layer where it runs: control flow around copies and calls of the subgraphs' methods.</summary>
    void WriteCall(SourceWriter writer, ControlFlowLayer layer, CallSite site);

    /// <summary>Writes the fields of the class the layer keeps between calls (none by default).</summary>
    void WriteFields(SourceWriter writer, ControlFlowLayer layer);

    /// <summary>Writes the statements of <c>ResetState</c> that return those fields to a new instance's values.</summary>
    void WriteReset(SourceWriter writer, ControlFlowLayer layer);
}

/// <summary>
/// An operator that runs other subgraphs (IF, WHILE, CALL_ONCE). Its layer has no method: the definition
/// writes the control flow where the layer runs, with <see cref="CallSite"/> for the copies into and out
/// of the subgraphs and the calls of their methods, as TFLM's kernels copy operands between the graphs.
/// </summary>
internal abstract class ControlFlowDefinition<TLayer> : OperatorDefinition<TLayer>, IControlFlowDefinition
    where TLayer : ControlFlowLayer
{
    protected ControlFlowDefinition(int code)
        : base(code)
    {
    }

    public void WriteCall(SourceWriter writer, ControlFlowLayer layer, CallSite site) => WriteCall(writer, (TLayer)layer, site);

    public virtual void WriteFields(SourceWriter writer, ControlFlowLayer layer)
    {
    }

    public virtual void WriteReset(SourceWriter writer, ControlFlowLayer layer)
    {
    }

    /// <inheritdoc cref="IControlFlowDefinition.WriteCall"/>
    protected abstract void WriteCall(SourceWriter writer, TLayer layer, CallSite site);

    /// <summary>No method: the code is written where the layer runs (<see cref="WriteCall(SourceWriter, TLayer, CallSite)"/>).</summary>
    protected sealed override void EmitLayer(SourceWriter writer, TLayer layer, EmitContext context)
    {
    }
}
