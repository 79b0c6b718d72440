using TinyModel.Generator.Common;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Model.Layers;

/// <summary>Which clamp a <see cref="ReluLayer"/> applies.</summary>
internal enum ReluKind
{
    /// <summary>RELU: <c>max(x, 0)</c>.</summary>
    Relu,
    /// <summary>RELU6: <c>min(max(x, 0), 6)</c>.</summary>
    Relu6,
}

/// <summary>
/// RELU or RELU6 as TFLM computes them. Float clamps. Quantized RELU requantizes from the input to the
/// output scale (<see cref="Multiplier"/>, <see cref="Shift"/>) and clamps at the output zero point;
/// quantized RELU6 clamps the input between its own zero point and its quantized 6, without requantizing.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="InputZeroPoint">RELU: the input zero point, subtracted before requantizing.</param>
/// <param name="OutputZeroPoint">RELU: the output zero point, added after.</param>
/// <param name="Multiplier">RELU: the Q0.31 multiplier of input scale / output scale.</param>
/// <param name="Shift">RELU: its power-of-two exponent.</param>
/// <param name="Min">Quantized: the lower clamp.</param>
/// <param name="Max">Quantized: the upper clamp.</param>
internal sealed record ReluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ReluKind Kind,
    ElementType Type,
    int ElementCount,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    int Min,
    int Max)
    : LayerSpec(NodeIndex, Kind == ReluKind.Relu ? "RELU" : "RELU6", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
