using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>PAD and PADV2 for nanoFramework: a fill loop, then the .NET flavor's copy loop nest on arrays with offsets.</summary>
internal abstract partial class PadOperator
{
    /// <summary>The fill indexes the output; the copy's runs go through <see cref="NanoArenaLayout.CopyClass"/>.</summary>
    public override bool NanoFrameworkTakesPagedTensors => true;

    /// <summary>The same on nanoFramework's arrays: a fill loop, then the copy's loop nest.</summary>
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, PadLayer layer, NanoEmitContext context)
    {
        WriteSummary(writer, layer, context.Model);
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{context.Model.Value(layer.Outputs[0]).Type.CSharpName()} value = {layer.PadValueLiteral ?? "input1[input1Offset]"};");
        writer.OpenBlock($"for (int i = 0; i < {context.Model.Value(layer.Outputs[0]).ElementCount}; i++)");
        writer.WriteLine("output[outputOffset + i] = value;");
        writer.CloseBlock();
        StridedCopyWriter.WriteNanoFramework(writer, layer.Copy, "input", "output", context.Arena.CopyClass(layer));
        writer.CloseBlock();
    }
}
