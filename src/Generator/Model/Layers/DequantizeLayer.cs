using TinyModel.Generator.Common;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Model.Layers;

/// <summary>DEQUANTIZE: <c>output = scale · (input - zeroPoint)</c> in float, as TFLM's reference <c>Dequantize</c>.</summary>
/// <param name="InputType">int8, uint8 or int16.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
internal sealed record DequantizeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType InputType,
    int ElementCount,
    float Scale,
    int ZeroPoint)
    : LayerSpec(NodeIndex, "DEQUANTIZE", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
