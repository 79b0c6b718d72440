using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// CONCATENATION along one axis: for each of <see cref="Outer"/> slices, the inputs' blocks of
/// <c>BlockSizes[i]</c> elements are copied one after the other.
/// </summary>
/// <param name="Axis">The (non-negative) axis.</param>
/// <param name="Outer">The product of the dimensions before the axis.</param>
/// <param name="BlockSizes">For each input, its dimension on the axis times the dimensions after it.</param>
/// <param name="ConstantSources">For each input, the constant it is read from, or "" for a run-time input (taken in order from the layer's inputs).</param>
internal sealed record ConcatenationLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int Axis,
    int Outer,
    EquatableArray<int> BlockSizes,
    EquatableArray<string> ConstantSources)
    : LayerSpec(NodeIndex, "CONCATENATION", Inputs, Outputs)
{
    public override long MacCount => 0;
}
