using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// DEPTHWISE_CONV_2D: <c>output[b, oy, ox, ic·M + m] = act(Σ_{ky, kx} input[b, iy, ix, ic] · filter[0, ky, kx, ic·M + m] + bias[ic·M + m])</c>
/// over the taps inside the input, with <c>M</c> the depth multiplier.
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Geometry">Shapes, strides, dilation and padding.</param>
/// <param name="DepthMultiplier">Output channels per input channel.</param>
/// <param name="Weights">The weights constant in TFLite's <c>[1, ky, kx, oc]</c> layout: one contiguous row of channels per tap.</param>
/// <param name="Bias">The bias constant (float32, int32 or int64), or null.</param>
/// <param name="InputOffset">Minus the input zero point (int8), added to every input value as TFLM does.</param>
/// <param name="Requantization">The output scaling of integer layers; null for float32.</param>
/// <param name="Activation">The output clamp.</param>
internal sealed record DepthwiseConv2DLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ConvolutionGeometry Geometry,
    int DepthMultiplier,
    string Weights,
    string? Bias,
    int InputOffset,
    ChannelRequantization? Requantization,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "DEPTHWISE_CONV_2D", Inputs, Outputs)
{
    public override long MacCount => (long)Geometry.Batches * Geometry.OutputHeight * Geometry.OutputWidth * Geometry.OutputChannels
        * Geometry.FilterHeight * Geometry.FilterWidth;
}
