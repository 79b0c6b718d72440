using TinyModel.Generator.Common;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// QUANTIZE, as TFLM's quantize_common.cc computes it. From float32 (<c>AffineQuantize</c>):
/// <c>q = clamp(round(x / scale) + zeroPoint)</c>, rounding half away from zero in float. Between integer
/// types (<c>Requantize</c>): <c>q = clamp(MultiplyByQuantizedMultiplier(x - inputZeroPoint, multiplier, shift) + outputZeroPoint)</c>.
/// </summary>
/// <param name="InputType">float32, int8, uint8, int16 or int32.</param>
/// <param name="OutputType">int8, uint8, int16 or int32.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="OutputScale">The output scale (float input).</param>
/// <param name="InputZeroPoint">The input zero point (integer input).</param>
/// <param name="OutputZeroPoint">The output zero point.</param>
/// <param name="Multiplier">The Q0.31 multiplier of input scale / output scale (integer input).</param>
/// <param name="Shift">Its power-of-two exponent.</param>
/// <param name="RealMultiplier">input scale / output scale, for the generated comment.</param>
internal sealed record QuantizeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType InputType,
    ElementType OutputType,
    int ElementCount,
    float OutputScale,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    double RealMultiplier)
    : LayerSpec(NodeIndex, "QUANTIZE", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
