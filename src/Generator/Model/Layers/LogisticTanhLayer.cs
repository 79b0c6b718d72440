using TinyModel.Generator.Common;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Model.Layers;

/// <summary>Which of the two sigmoid-shaped functions a <see cref="LogisticTanhLayer"/> computes.</summary>
internal enum SigmoidFunction
{
    /// <summary>LOGISTIC: <c>1 / (1 + exp(-x))</c>.</summary>
    Logistic,
    /// <summary>TANH: <c>tanh(x)</c>.</summary>
    Tanh,
}

/// <summary>
/// LOGISTIC or TANH, computed the way TFLM's reference kernels do for each type: float32 with the float
/// formula; int8 through a 256-entry table that the generator filled by running TFLM's fixed-point
/// kernel (gemmlowp's logistic/tanh) on every possible input; int16 with TFLM's interpolation in
/// <c>sigmoid_table_uint16</c>, after rescaling the input by <see cref="InputMultiplier"/> and
/// <see cref="InputShift"/>.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Table">int8: the constant of 256 outputs indexed by input + 128; int16: the sigmoid table constant.</param>
/// <param name="InputMultiplier">int16: the integer input multiplier (3 · 2^k for power-of-two scales).</param>
/// <param name="InputShift">int16: the rounding right shift after multiplying.</param>
internal sealed record LogisticTanhLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    SigmoidFunction Function,
    ElementType Type,
    int ElementCount,
    string? Table,
    int InputMultiplier,
    int InputShift)
    : LayerSpec(NodeIndex, Function == SigmoidFunction.Logistic ? "LOGISTIC" : "TANH", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
