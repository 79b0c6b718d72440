using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes PAD and PADV2: fill the output with the pad value, then copy the input's rows into place.</summary>
internal sealed class PadEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (PadLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Padding before [{string.Join(", ", layer.Before)}] and after [{string.Join(", ", layer.After)}] each dimension, with {Literals.Xml(layer.PadValueDescription)}.");
        writer.WriteLine($"/// The input is copied in as {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"output.Fill({layer.PadValueLiteral ?? "input1[0]"});");
        StridedCopyWriter.Write(writer, layer.Copy, "input", "output");
        writer.CloseBlock();
    }
}
