using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes TRANSPOSE as a loop nest over the output in memory order, reading the input with literal strides.</summary>
internal sealed class TransposeEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (TransposeLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, TRANSPOSE: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, permutation [{string.Join(", ", layer.Permutation)}].");
        writer.WriteLine($"/// Output dimension d is input dimension perm[d]: {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        StridedCopyWriter.Write(writer, layer.Copy, "input", "output");
        writer.CloseBlock();
    }
}
