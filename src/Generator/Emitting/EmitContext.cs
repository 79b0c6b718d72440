using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting;

/// <summary>What a layer emitter of the .NET flavor may ask about the model it writes into.</summary>
internal sealed class EmitContext : EmitContextBase
{
    public const string Span = "global::System.Span";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";
    public const string FixedPoint = "global::TinyModel.FixedPoint";
    public const string MathClass = "global::System.Math";

    public EmitContext(ModelSpec model)
        : base(model)
    {
    }

    /// <summary>
    /// The signature of a layer method: read-only spans for its inputs, spans for its outputs. A variable
    /// tensor in the arena (the state of SVDF or LSTM) is an input the layer also updates in place, as
    /// TFLM's kernels do, so it is passed as a writable span.
    /// </summary>
    public string Signature(LayerSpec layer)
    {
        IEnumerable<string> inputs = layer.Inputs.Select((id, i) => $"{(IsState(id) ? Span : ReadOnlySpan)}<{Model.Value(id).Type.CSharpName()}> {InputName(i)}");
        IEnumerable<string> outputs = layer.Outputs.Select((id, i) => $"{Span}<{Model.Value(id).Type.CSharpName()}> {OutputName(i)}");
        return $"private static void {MethodName(layer)}({string.Join(", ", inputs.Concat(outputs))})";
    }
}
