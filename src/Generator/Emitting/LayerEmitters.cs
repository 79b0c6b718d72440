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
    private static readonly TransposeConvEmitter TransposeConv = new();
    private static readonly SoftmaxEmitter Softmax = new();
    private static readonly PoolingEmitter Pooling = new();
    private static readonly MeanEmitter Mean = new();
    private static readonly PadEmitter Pad = new();
    private static readonly TransposeEmitter Transpose = new();
    private static readonly StridedSliceEmitter StridedSlice = new();
    private static readonly ConcatenationEmitter Concatenation = new();
    private static readonly Conv2DEmitter Conv2D = new();
    private static readonly DepthwiseConv2DEmitter DepthwiseConv2D = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        FullyConnectedLayer => FullyConnected,
        ViewLayer => View,
        TransposeConvLayer => TransposeConv,
        SoftmaxLayer => Softmax,
        PoolingLayer => Pooling,
        MeanLayer => Mean,
        PadLayer => Pad,
        TransposeLayer => Transpose,
        StridedSliceLayer => StridedSlice,
        ConcatenationLayer => Concatenation,
        Conv2DLayer => Conv2D,
        DepthwiseConv2DLayer => DepthwiseConv2D,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
