using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>
/// A subgraph of a multi-subgraph model (the branches of IF, the condition and body of WHILE, the init
/// graph of CALL_ONCE), with the ids of its boundary tensors and its layers' node indices. Subgraph 0 is
/// the model's main graph, which <c>Invoke</c> runs; the others become private methods of the class.
/// </summary>
/// <param name="Index">The subgraph's index in the model.</param>
/// <param name="Name">The subgraph's name in the model, or an empty string.</param>
/// <param name="Inputs">Ids of its input tensors, which a caller copies its operands into.</param>
/// <param name="Outputs">Ids of its output tensors, which a caller copies its results from.</param>
/// <param name="Nodes">The node indices of its layers (<see cref="LayerSpec.NodeIndex"/>), in execution order.</param>
/// <param name="FirstNode">The node index its node 0 has in the merged numbering (node indices of subgraph 0 are the model's own).</param>
internal sealed record SubgraphSpec(int Index, string Name, EquatableArray<int> Inputs, EquatableArray<int> Outputs, EquatableArray<int> Nodes, int FirstNode)
{
    /// <summary>How generated comments name it: <c>subgraph 1 'then_branch'</c>.</summary>
    public string Title => Name.Length == 0 ? $"subgraph {Index}" : $"subgraph {Index} '{Name}'";

    /// <summary>The name of the private method that runs it.</summary>
    public string MethodName => "RunSubgraph" + Index;
}

/// <summary>
/// One run of a subgraph from a control-flow layer: the caller's values copied into the subgraph's inputs
/// before it runs, and the subgraph's outputs copied into the caller's values after.
/// </summary>
/// <param name="Subgraph">The subgraph's index.</param>
/// <param name="Arguments">The caller's values copied into the subgraph's inputs, in their order.</param>
/// <param name="Results">The caller's values its outputs are copied into, in their order (empty: the caller reads them in place).</param>
internal sealed record SubgraphCall(int Subgraph, EquatableArray<int> Arguments, EquatableArray<int> Results);

/// <summary>A constant operand of a control-flow layer: copied from the assembly into its value before the layer runs.</summary>
/// <param name="Value">The id of the value the constant is copied into.</param>
/// <param name="Constant">The constant's name in the Constants class.</param>
internal sealed record ConstantOperand(int Value, string Constant);

/// <summary>
/// A layer that runs other subgraphs (IF, WHILE, CALL_ONCE). It has no method of its own: its definition
/// writes control flow at the call site, and the memory planner follows <see cref="Calls"/> into the
/// subgraphs so that their tensors never share memory with the caller's tensors live across the call.
/// </summary>
internal abstract record ControlFlowLayer(int NodeIndex, string OperatorName, EquatableArray<int> Inputs, EquatableArray<int> Outputs)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    /// <summary>The subgraph runs this layer may make, in the order its code makes them.</summary>
    public abstract EquatableArray<SubgraphCall> Calls { get; }

    /// <summary>Operands that are constants of the model (a loop counter's start), copied into their values first.</summary>
    public EquatableArray<ConstantOperand> ConstantOperands { get; init; } = EquatableArray<ConstantOperand>.Empty;

    /// <summary>The multiply-accumulates of the subgraphs it runs are counted with their own layers.</summary>
    public override long MacCount => 0;
}
