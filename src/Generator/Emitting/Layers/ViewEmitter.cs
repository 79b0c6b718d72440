using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes a view layer's method only when the planner could not share storage (a model input
/// returned as an output): then it is a copy. A shared view has no method: Invoke notes it.
/// </summary>
internal sealed class ViewEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (ViewLayer)spec;
        if (context.IsElided(layer))
        {
            return;
        }
        ValueSpec input = context.Model.Value(layer.Source);
        ValueSpec output = context.Model.Value(layer.View);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine("/// Both tensors are the caller's spans, so the bytes are copied.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine("input.CopyTo(output);");
        writer.CloseBlock();
    }
}
