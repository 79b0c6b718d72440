using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>STRIDED_SLICE for nanoFramework: the .NET flavor's loop nest on arrays with offsets.</summary>
internal sealed partial class StridedSlice
{
    /// <summary>The same loop nest on nanoFramework's arrays.</summary>
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, StridedSliceLayer layer, NanoEmitContext context)
    {
        WriteSummary(writer, layer, context.Model);
        writer.OpenBlock(context.Signature(layer));
        StridedCopyWriter.WriteNanoFramework(writer, layer.Copy, "input", "output");
        writer.CloseBlock();
    }
}
