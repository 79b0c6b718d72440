using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>STRIDED_SLICE: the output is written in order from input positions start + k · stride on each axis, all resolved at build time.</summary>
/// <param name="Begin">The resolved first index on each input axis.</param>
/// <param name="End">The resolved end (exclusive, in the stride's direction) on each input axis.</param>
/// <param name="Strides">The step on each input axis (may be negative).</param>
internal sealed record StridedSliceLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    EquatableArray<int> Begin,
    EquatableArray<int> End,
    EquatableArray<int> Strides,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, "STRIDED_SLICE", Inputs, Outputs)
{
    public override long MacCount => 0;
}
