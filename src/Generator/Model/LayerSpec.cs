using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>
/// One compiled operator: everything its emitter needs, with every value that can be derived from
/// constants (multipliers, shifts, folded biases, activation bounds) computed already.
/// </summary>
/// <param name="NodeIndex">The operator's index in the model's subgraph.</param>
/// <param name="OperatorName">The TFLite operator name, such as <c>FULLY_CONNECTED</c>.</param>
/// <param name="Inputs">The run-time values the layer reads, in the order its method takes them.</param>
/// <param name="Outputs">The run-time values the layer writes, in the order its method takes them.</param>
internal abstract record LayerSpec(int NodeIndex, string OperatorName, EquatableArray<int> Inputs, EquatableArray<int> Outputs)
{
    /// <summary>Multiply-accumulate operations of one invocation, for the cost report.</summary>
    public abstract long MacCount { get; }

    /// <summary>
    /// Positions of the inputs that output 0 may overwrite: the kernel reads element <c>i</c> of such
    /// an input before it writes element <c>i</c> of the output (element-wise ops, activations). The
    /// planner then lets the output reuse the input's memory when this layer is the input's last reader.
    /// </summary>
    public virtual EquatableArray<int> InPlaceInputs => EquatableArray<int>.Empty;
}
