using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// CONV_2D: <c>output[b, oy, ox, oc] = act(Σ_{ky, kx, ic} input[b, iy, ix, g·FilterChannels + ic] · filter[oc, ky, kx, ic] + bias[oc])</c>
/// over the taps inside the input, with <c>g</c> the group of <c>oc</c> (grouped convolution when the
/// filter has fewer input channels than the input).
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Geometry">Shapes, strides, dilation and padding.</param>
/// <param name="Groups">How many groups the input channels split into (1 for an ordinary convolution).</param>
/// <param name="Weights">
/// The weights constant, laid out at build time as <c>[ky, kx, ic, oc-in-group]</c> (TFLite stores
/// <c>[oc, ky, kx, ic]</c>) so that one input value multiplies a contiguous row of output channels.
/// </param>
/// <param name="Bias">The bias constant (float32, int32 or int64), or null.</param>
/// <param name="InputOffset">Minus the input zero point (int8), added to every input value as TFLM does.</param>
/// <param name="Requantization">The output scaling of integer layers; null for float32.</param>
/// <param name="Activation">The output clamp.</param>
internal sealed record Conv2DLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ConvolutionGeometry Geometry,
    int Groups,
    string Weights,
    string? Bias,
    int InputOffset,
    ChannelRequantization? Requantization,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "CONV_2D", Inputs, Outputs)
{
    /// <summary>Input channels each filter reads.</summary>
    public int FilterChannels => Geometry.InputChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int GroupOutputChannels => Geometry.OutputChannels / Groups;

    public override long MacCount => (long)Geometry.Batches * Geometry.OutputHeight * Geometry.OutputWidth * Geometry.OutputChannels
        * Geometry.FilterHeight * Geometry.FilterWidth * FilterChannels;
}
