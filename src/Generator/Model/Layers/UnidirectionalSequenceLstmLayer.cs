using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// One LSTM gate: <c>activation(FC(input) + FC(hidden))</c>, the two fully connected products each
/// requantized (integer) to the Q3.12 gate input and added with saturation, as TFLM's
/// <c>CalculateLstmGate</c> does.
/// </summary>
/// <param name="Name">The gate: forget, input, cell or output.</param>
/// <param name="InputWeights">Constant [units, inputSize].</param>
/// <param name="RecurrentWeights">Constant [units, units].</param>
/// <param name="InputBias">
/// Constant [units]: the gate bias, for integer layers folded with the input zero point
/// (<c>bias − inputZeroPoint · Σ (w + weightsOffset)</c>). Null for an integer layer whose bias and fold are both zero.
/// </param>
/// <param name="RecurrentBias">
/// Integer only: <c>−hiddenZeroPoint · Σ (w + weightsOffset)</c> per unit, or null when the hidden zero point is 0
/// (TFLM's recurrent product has no bias of its own).
/// </param>
/// <param name="InputWeightsOffset">Minus the input weights' zero point (0 for TFLite's symmetric weights).</param>
/// <param name="RecurrentWeightsOffset">Minus the recurrent weights' zero point.</param>
internal sealed record LstmGate(
    string Name,
    string InputWeights,
    string RecurrentWeights,
    string? InputBias,
    string? RecurrentBias,
    int InputWeightsOffset,
    int RecurrentWeightsOffset,
    int InputMultiplier,
    int InputShift,
    int RecurrentMultiplier,
    int RecurrentShift,
    double InputRealMultiplier,
    double RecurrentRealMultiplier);

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM unidirectional_sequence_lstm.cc, lstm_eval.h): the standard LSTM
/// without peephole, projection, layer normalization or CIFG, over every time step of the input. Per
/// step, with <c>h</c> the hidden state and <c>c</c> the cell state:
/// <c>f = σ(W_f x + R_f h + b_f)</c>, <c>i = σ(…)</c>, <c>g = tanh(…)</c>, <c>o = σ(…)</c>,
/// <c>c = clip(f ⊙ c + i ⊙ g)</c>, <c>h = o ⊙ tanh(c)</c>, and the output row is <c>h</c>.
/// Inputs are (input, hidden state, cell state); both states are variable tensors that persist across calls.
/// </summary>
/// <param name="Type">The activation type (input, hidden state, output): float32, int8 or int16.</param>
/// <param name="CellType">The cell state type: float32, or int16 for integer layers.</param>
/// <param name="TimeMajor">Input [time, batch, inputSize] (true) or [batch, time, inputSize] (false).</param>
/// <param name="Gates">Forget, input, cell and output gates, in the order TFLM computes them.</param>
/// <param name="CellClip">The float cell clip; 0 means no clipping.</param>
/// <param name="QuantizedCellClip">The cell clip in cell-state units (integer layers), as TFLM rounds it.</param>
/// <param name="CellTanhMultiplier">Integer: the multiplier TFLM passes to the int16 tanh of the cell state (0: power-of-two case).</param>
/// <param name="CellTanhShift">Integer: the shift TFLM passes to the int16 tanh of the cell state.</param>
/// <param name="ForgetMultiplier">Integer: forget gate (Q0.15) × cell state → cell state.</param>
/// <param name="InputMultiplier">Integer: input gate (Q0.15) × cell gate (Q0.15) → cell state.</param>
/// <param name="HiddenMultiplier">Integer: tanh(cell) (Q0.15) × output gate (Q0.15) → hidden state.</param>
/// <param name="HiddenZeroPoint">Integer: the hidden state's zero point.</param>
internal sealed record UnidirectionalSequenceLstmLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ElementType CellType,
    bool TimeMajor,
    int Batches,
    int TimeSteps,
    int InputSize,
    int Units,
    EquatableArray<LstmGate> Gates,
    float CellClip,
    int QuantizedCellClip,
    int CellStateScalePower,
    int CellTanhMultiplier,
    int CellTanhShift,
    int ForgetMultiplier,
    int ForgetShift,
    int InputMultiplier,
    int InputShift,
    int HiddenMultiplier,
    int HiddenShift,
    int HiddenZeroPoint)
    : LayerSpec(NodeIndex, "UNIDIRECTIONAL_SEQUENCE_LSTM", Inputs, Outputs)
{
    public override long MacCount => (long)Batches * TimeSteps * 4 * Units * (InputSize + Units);
}
