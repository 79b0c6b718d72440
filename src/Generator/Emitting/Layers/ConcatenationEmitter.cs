using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes CONCATENATION: for each slice before the axis, each input's block is copied after the previous one.</summary>
internal sealed class ConcatenationEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (ConcatenationLayer)spec;
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        int total = 0;
        foreach (int block in layer.BlockSizes)
        {
            total += block;
        }
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CONCATENATION of {layer.BlockSizes.Count} input(s) along axis {layer.Axis} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {layer.Outer} slice(s) of {total} elements, made of blocks of [{string.Join(", ", layer.BlockSizes)}] elements; values are copied as they are, as TFLM does.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        var sources = new List<string>();
        int runtime = 0;
        for (int i = 0; i < layer.BlockSizes.Count; i++)
        {
            if (layer.ConstantSources[i].Length == 0)
            {
                sources.Add(EmitContext.InputName(runtime++));
            }
            else
            {
                string local = "constant" + i;
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{output.Type.CSharpName()}> {local} = {context.Constant(layer.ConstantSources[i])};");
                sources.Add(local);
            }
        }
        bool loop = layer.Outer > 1;
        if (loop)
        {
            writer.OpenBlock($"for (int s = 0; s < {layer.Outer}; s++)");
        }
        int offset = 0;
        for (int i = 0; i < layer.BlockSizes.Count; i++)
        {
            int block = layer.BlockSizes[i];
            if (block == 0)
            {
                continue;
            }
            string from = loop ? $"s * {block}" : "0";
            string to = loop ? $"s * {total} + {offset}" : Literals.Int(offset);
            writer.WriteLine($"{sources[i]}.Slice({from}, {block}).CopyTo(output.Slice({to}, {block}));");
            offset += block;
        }
        if (loop)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
