using System;
using TinyModel.Generator.Emitting.Layers;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting;

/// <summary>Finds the emitter for a layer kind.</summary>
internal static class LayerEmitters
{
    private static readonly FullyConnectedEmitter FullyConnected = new();
    private static readonly TransposeConvEmitter TransposeConv = new();
    private static readonly AddSubEmitter AddSub = new();
    private static readonly QuantizeEmitter Quantize = new();
    private static readonly DequantizeEmitter Dequantize = new();
    private static readonly LogisticTanhEmitter LogisticTanh = new();
    private static readonly ReluEmitter Relu = new();
    private static readonly SvdfEmitter Svdf = new();
    private static readonly UnidirectionalSequenceLstmEmitter UnidirectionalSequenceLstm = new();
    private static readonly Conv2DEmitter Conv2D = new();
    private static readonly DepthwiseConv2DEmitter DepthwiseConv2D = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        FullyConnectedLayer => FullyConnected,
        TransposeConvLayer => TransposeConv,
        AddSubLayer => AddSub,
        QuantizeLayer => Quantize,
        DequantizeLayer => Dequantize,
        LogisticTanhLayer => LogisticTanh,
        ReluLayer => Relu,
        SvdfLayer => Svdf,
        UnidirectionalSequenceLstmLayer => UnidirectionalSequenceLstm,
        Conv2DLayer => Conv2D,
        DepthwiseConv2DLayer => DepthwiseConv2D,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
