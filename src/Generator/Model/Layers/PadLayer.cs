using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

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
