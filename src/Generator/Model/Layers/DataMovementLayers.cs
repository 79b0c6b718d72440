using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>TRANSPOSE: <c>output[i_0, ..., i_n] = input[j]</c> with <c>j_perm[d] = i_d</c>, as a loop nest over the output in memory order.</summary>
/// <param name="Permutation">Output dimension d takes input dimension <c>Permutation[d]</c>.</param>
internal sealed record TransposeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    EquatableArray<int> Permutation,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, "TRANSPOSE", Inputs, Outputs)
{
    public override long MacCount => 0;
}

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

/// <summary>
/// PAD and PADV2: the output is filled with the pad value, then the input is copied into it at the
/// offsets of the leading paddings.
/// </summary>
/// <param name="PadValueLiteral">The pad value as a C# literal, or null when it is read from the layer's second input at run time.</param>
/// <param name="Before">Padding before each dimension.</param>
/// <param name="After">Padding after each dimension.</param>
internal sealed record PadLayer(
    int NodeIndex,
    string OperatorNameText,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    string? PadValueLiteral,
    string PadValueDescription,
    EquatableArray<int> Before,
    EquatableArray<int> After,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, OperatorNameText, Inputs, Outputs)
{
    public override long MacCount => 0;
}

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
