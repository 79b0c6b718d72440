using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

/// <summary>
/// Everything needed to write the class for one model, as an equatable value: when a build produces
/// an equal spec, the generator's output step is skipped.
/// </summary>
/// <param name="ClassName">The generated class's name.</param>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="SourceFileName">The model's file name, such as <c>hello_world_int8.tflite</c>.</param>
/// <param name="Values">Every run-time tensor, with its planned storage.</param>
/// <param name="Inputs">Ids of the model's inputs, in order, with their parameter names in <paramref name="InputParameters"/>.</param>
/// <param name="Outputs">Ids of the model's outputs, in order.</param>
/// <param name="Layers">The compiled operators in execution order.</param>
/// <param name="Constants">The constant data lowering derived (folded biases, tables); emitters add the weights they lay out.</param>
/// <param name="ArenaBytes">The size of the arena the plan needs.</param>
/// <param name="ArenaLowerBoundBytes">The least any plan could need: the most bytes live at one step.</param>
/// <param name="OperatorCounts">The model's operators and how often each occurs, such as <c>FULLY_CONNECTED x3</c>.</param>
/// <param name="Flavor">The runtime the class is written for; the rest of the spec is the same for every flavor.</param>
/// <param name="FileBlobs">The constant buffers' places in the model file (when a flavor reads weights from the embedded file: NanoFramework, or <paramref name="Embedded"/>; empty otherwise).</param>
/// <param name="Embedded">The model file as the build targets embedded it (the .NET flavor, large models only), or null: constants are then all inline.</param>
/// <param name="Subgraphs">
/// The subgraphs the model runs, subgraph 0 first, when it has more than one (IF, WHILE, CALL_ONCE); empty
/// otherwise. <see cref="Layers"/> then holds every subgraph's layers, and <see cref="MainLayers"/> those of subgraph 0.
/// </param>
/// <param name="ArenaPageBytes">
/// 0 when the arena is one block; otherwise the size of the pages the plan keeps tensors within (the nanoFramework
/// flavor, when an arena array would exceed the largest object it allocates: <see cref="Emitting.NanoFramework.NanoArenaLayout"/>).
/// </param>
internal sealed record ModelSpec(
    string ClassName,
    string? Namespace,
    string SourceFileName,
    EquatableArray<ValueSpec> Values,
    EquatableArray<int> Inputs,
    EquatableArray<string> InputParameters,
    EquatableArray<int> Outputs,
    EquatableArray<string> OutputParameters,
    EquatableArray<LayerSpec> Layers,
    EquatableArray<ConstantSpec> Constants,
    int ArenaBytes,
    int ArenaLowerBoundBytes,
    string OperatorCounts,
    ModelFlavor Flavor = ModelFlavor.Net,
    EquatableArray<ModelBlob> FileBlobs = default,
    EmbeddedModel? Embedded = null,
    EquatableArray<SubgraphSpec> Subgraphs = default,
    int ArenaPageBytes = 0)
{
    /// <summary>The layers <c>Invoke</c> runs itself: subgraph 0's, in execution order.</summary>
    public System.Collections.Generic.IEnumerable<LayerSpec> MainLayers => Subgraphs.Count == 0 ? Layers : LayersOf(Subgraphs[0]);

    /// <summary>A subgraph's layers, in execution order.</summary>
    public System.Collections.Generic.IEnumerable<LayerSpec> LayersOf(SubgraphSpec subgraph)
    {
        foreach (int node in subgraph.Nodes)
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.NodeIndex == node)
                {
                    yield return layer;
                }
            }
        }
    }

    /// <summary>The subgraph with index <paramref name="index"/>.</summary>
    public SubgraphSpec Subgraph(int index)
    {
        foreach (SubgraphSpec subgraph in Subgraphs)
        {
            if (subgraph.Index == index)
            {
                return subgraph;
            }
        }
        throw new System.ArgumentOutOfRangeException(nameof(index), $"No subgraph {index}.");
    }

    /// <summary>The class's namespace-qualified name, such as <c>Consumer.HelloWorldInt8</c>.</summary>
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;

    public ValueSpec Value(int id)
    {
        foreach (ValueSpec value in Values)
        {
            if (value.Id == id)
            {
                return value;
            }
        }
        throw new System.ArgumentOutOfRangeException(nameof(id), $"No value with id {id}.");
    }
}
