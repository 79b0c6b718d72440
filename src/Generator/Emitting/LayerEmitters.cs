using System;
using TinyModel.Generator.Emitting.Layers;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting;

/// <summary>Finds the emitter for a layer kind.</summary>
internal static class LayerEmitters
{
    private static readonly FullyConnectedEmitter FullyConnected = new();
    private static readonly AddSubEmitter AddSub = new();
    private static readonly LeakyReluEmitter LeakyRelu = new();
    private static readonly QuantizeEmitter Quantize = new();
    private static readonly DequantizeEmitter Dequantize = new();
    private static readonly LogisticTanhEmitter LogisticTanh = new();
    private static readonly ReluEmitter Relu = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        FullyConnectedLayer => FullyConnected,
        AddSubLayer => AddSub,
        LeakyReluLayer => LeakyRelu,
        QuantizeLayer => Quantize,
        DequantizeLayer => Dequantize,
        LogisticTanhLayer => LogisticTanh,
        ReluLayer => Relu,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
