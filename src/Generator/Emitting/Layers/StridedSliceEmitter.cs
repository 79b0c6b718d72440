using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes STRIDED_SLICE as a loop nest with the starts, trip counts and strides resolved at build time.</summary>
internal sealed class StridedSliceEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (StridedSliceLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, STRIDED_SLICE: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Per input axis, from [{string.Join(", ", layer.Begin)}] to [{string.Join(", ", layer.End)}] (exclusive) in steps of [{string.Join(", ", layer.Strides)}];");
        writer.WriteLine($"/// masks and negative indices were resolved at build time: {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        StridedCopyWriter.Write(writer, layer.Copy, "input", "output");
        writer.CloseBlock();
    }
}
