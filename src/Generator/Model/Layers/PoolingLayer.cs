using TinyModel.Generator.Common;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// AVERAGE_POOL_2D or MAX_POOL_2D over NHWC: each output is the average (or maximum) of the input
/// window that lies inside the image (padding positions are left out, not counted as zeros).
/// </summary>
/// <param name="IsMax">MAX_POOL_2D when true, AVERAGE_POOL_2D otherwise.</param>
/// <param name="Type">float32, int8 or int16 (input and output share the quantization).</param>
/// <param name="PadHeight">Rows of padding above the image (TFLM's <c>padding_values.height</c>).</param>
/// <param name="PadWidth">Columns of padding left of the image.</param>
internal sealed record PoolingLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    bool IsMax,
    ElementType Type,
    int Batches,
    int InputHeight,
    int InputWidth,
    int Depth,
    int OutputHeight,
    int OutputWidth,
    int FilterHeight,
    int FilterWidth,
    int StrideHeight,
    int StrideWidth,
    int PadHeight,
    int PadWidth,
    PaddingKind Padding,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, IsMax ? "MAX_POOL_2D" : "AVERAGE_POOL_2D", Inputs, Outputs)
{
    public override long MacCount => (long)Batches * OutputHeight * OutputWidth * Depth * FilterHeight * FilterWidth;
}
