using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// FULLY_CONNECTED: <c>output[b, u] = act(Σ_d input[b, d] · weights[u, d] + bias[u])</c>.
/// Weights stay in TFLite's [units, depth] row-major layout, which is the order the kernel reads.
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Weights">The weights constant, [units, depth].</param>
/// <param name="Bias">
/// The bias constant, or null. For integer layers it is folded at build time with the zero points:
/// <c>bias[u] + inputOffset · Σ_d (weights[u, d] + weightsOffset)</c>, so the kernel adds only products.
/// </param>
/// <param name="WeightsOffset">Minus the weights' zero point (0 for TFLite's symmetric int8 weights).</param>
/// <param name="OutputZeroPoint">The output zero point, added after requantizing.</param>
/// <param name="Multiplier">The per-tensor requantization multiplier (Q0.31), when <paramref name="PerChannelMultipliers"/> is null.</param>
/// <param name="Shift">The per-tensor requantization exponent.</param>
/// <param name="PerChannelMultipliers">The name of the per-unit multiplier constant, for per-channel weights.</param>
/// <param name="PerChannelShifts">The name of the per-unit exponent constant, for per-channel weights.</param>
/// <param name="RealMultiplier">The real multiplier the fixed-point one encodes, for the generated comment.</param>
internal sealed record FullyConnectedLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Batches,
    int Depth,
    int Units,
    string Weights,
    string? Bias,
    int WeightsOffset,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    string? PerChannelMultipliers,
    string? PerChannelShifts,
    double RealMultiplier,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "FULLY_CONNECTED", Inputs, Outputs)
{
    public override long MacCount => (long)Batches * Depth * Units;
}
