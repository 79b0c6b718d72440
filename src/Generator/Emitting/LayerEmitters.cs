using System;
using TinyModel.Generator.Emitting.Layers;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting;

/// <summary>Finds the emitter for a layer kind.</summary>
internal static class LayerEmitters
{
    private static readonly FullyConnectedEmitter FullyConnected = new();
    private static readonly ViewEmitter View = new();
    private static readonly SvdfEmitter Svdf = new();
    private static readonly UnidirectionalSequenceLstmEmitter UnidirectionalSequenceLstm = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        FullyConnectedLayer => FullyConnected,
        ViewLayer => View,
        SvdfLayer => Svdf,
        UnidirectionalSequenceLstmLayer => UnidirectionalSequenceLstm,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
