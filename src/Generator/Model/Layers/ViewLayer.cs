using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// RESHAPE, SQUEEZE, EXPAND_DIMS: the output holds the input's bytes under another shape. The planner
/// gives both one storage, so the layer costs nothing; only when both are the caller's spans (a model
/// input returned as an output) does it become a copy.
/// </summary>
internal sealed record ViewLayer(int NodeIndex, string OperatorName, EquatableArray<int> Inputs, EquatableArray<int> Outputs)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    public int Source => Inputs[0];

    public int View => Outputs[0];

    public override long MacCount => 0;
}
