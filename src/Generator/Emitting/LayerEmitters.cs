using System;
using TinyModel.Generator.Emitting.Layers;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting;

/// <summary>Finds the emitter for a layer kind.</summary>
internal static class LayerEmitters
{
    private static readonly ViewEmitter View = new();
    private static readonly SoftmaxEmitter Softmax = new();
    private static readonly PoolingEmitter Pooling = new();
    private static readonly MeanEmitter Mean = new();
    private static readonly PadEmitter Pad = new();
    private static readonly TransposeEmitter Transpose = new();
    private static readonly StridedSliceEmitter StridedSlice = new();
    private static readonly ConcatenationEmitter Concatenation = new();

    public static ILayerEmitter For(LayerSpec layer) => layer switch
    {
        ViewLayer => View,
        SoftmaxLayer => Softmax,
        PoolingLayer => Pooling,
        MeanLayer => Mean,
        PadLayer => Pad,
        TransposeLayer => Transpose,
        StridedSliceLayer => StridedSlice,
        ConcatenationLayer => Concatenation,
        _ => throw new InvalidOperationException($"No emitter for {layer.GetType().Name}."),
    };
}
