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
