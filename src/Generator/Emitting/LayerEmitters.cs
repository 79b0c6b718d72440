using System;
using TinyModel.Generator.Emitting.Layers;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting;

/// <summary>Finds the emitter for a layer kind.</summary>
internal static class LayerEmitters
{
    private static readonly FullyConnectedEmitter FullyConnected = new();
    private static readonly Conv2DEmitter Conv2D = new();
    private static readonly DepthwiseConv2DEmitter DepthwiseConv2D = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        FullyConnectedLayer => FullyConnected,
        Conv2DLayer => Conv2D,
        DepthwiseConv2DLayer => DepthwiseConv2D,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
