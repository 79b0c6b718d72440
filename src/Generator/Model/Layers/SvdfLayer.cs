using TinyModel.Generator.Common;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// SVDF (singular value decomposition filter, TFLM svdf.cc / svdf_common.cc): a rank-decomposed
/// filter over the last <see cref="Memory"/> inputs. Each call shifts the state (per batch,
/// [filters, memory]) left by one, writes the new feature projection <c>weightsFeature · input</c>
/// into each filter's last memory slot, then computes
/// <c>output[u] = act(bias[u] + Σ_r Σ_m weightsTime[u·rank + r, m] · state[u·rank + r, m])</c>.
/// Inputs are (input, state); the state is a variable tensor that persists across calls.
/// </summary>
/// <param name="Type">Float32, or Int8 (int8 input and feature weights, int32 bias, int8 output).</param>
/// <param name="StateType">The type of the state and the time weights: float32, int16 or int8.</param>
/// <param name="WeightsFeature">Constant [filters, inputSize].</param>
/// <param name="WeightsTime">Constant [filters, memory].</param>
/// <param name="Bias">Constant [units], or null.</param>
/// <param name="FeatureOffsets">
/// Integer only: per filter, <c>−inputZeroPoint · Σ weightsFeature[f, :]</c>, the input zero point folded
/// out of TFLM's <c>Σ w · (x − zp)</c>; null when the input zero point is 0. Exact in int32.
/// </param>
/// <param name="TimeOffsets">
/// Integer only: per filter, <c>−stateZeroPoint · Σ weightsTime[f, :]</c>, null when the state zero point is 0.
/// </param>
/// <param name="FeatureMultiplier">Integer only: input·featureWeights/state scale, Q0.31.</param>
/// <param name="OutputMultiplier">Integer only: state·timeWeights/output scale, Q0.31.</param>
/// <param name="Activation">The fused activation. TFLM applies it to float SVDF only: the integer kernel clamps to int8 and nothing else.</param>
internal sealed record SvdfLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ElementType StateType,
    int Batches,
    int InputSize,
    int Filters,
    int Rank,
    int Memory,
    string WeightsFeature,
    string WeightsTime,
    string? Bias,
    string? FeatureOffsets,
    string? TimeOffsets,
    int FeatureMultiplier,
    int FeatureShift,
    int OutputMultiplier,
    int OutputShift,
    int StateZeroPoint,
    int OutputZeroPoint,
    FusedActivation Activation)
    : LayerSpec(NodeIndex, "SVDF", Inputs, Outputs)
{
    public int Units => Filters / Rank;

    public override long MacCount => (long)Batches * Filters * (InputSize + Memory);
}
