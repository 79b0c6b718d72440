using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// LEAKY_RELU: <c>output = input &gt; 0 ? input : alpha · input</c>. Quantized layers requantize each
/// side with its own multiplier, as TFLM's <c>QuantizeLeakyRelu</c> does: input/output scales for the
/// positive side, alpha · input/output for the negative side.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Alpha">The slope for negative inputs.</param>
/// <param name="InputZeroPoint">The input zero point, subtracted first (quantized layers).</param>
/// <param name="OutputZeroPoint">The output zero point, added after requantizing.</param>
/// <param name="IdentityMultiplier">The Q0.31 multiplier for inputs at or above the zero point.</param>
/// <param name="IdentityShift">Its power-of-two exponent.</param>
/// <param name="AlphaMultiplier">The Q0.31 multiplier for inputs below the zero point (negative when alpha is).</param>
/// <param name="AlphaShift">Its power-of-two exponent.</param>
internal sealed record LeakyReluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int ElementCount,
    float Alpha,
    int InputZeroPoint,
    int OutputZeroPoint,
    int IdentityMultiplier,
    int IdentityShift,
    int AlphaMultiplier,
    int AlphaShift)
    : LayerSpec(NodeIndex, "LEAKY_RELU", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
