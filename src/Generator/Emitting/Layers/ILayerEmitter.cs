using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes the method of one layer kind: its XML explanation and a kernel specialized to the layer's
/// shapes and constants. Each emitter is free to choose its loop order and weight layout.
/// </summary>
internal interface ILayerEmitter
{
    void Emit(SourceWriter writer, LayerSpec layer, EmitContext context);
}
