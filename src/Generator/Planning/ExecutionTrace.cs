using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Planning;

/// <summary>
/// The steps the memory planner orders lifetimes by. For a model of one subgraph these are its layers. For a
/// model with control flow, every layer that runs subgraphs is followed, for each subgraph it may run, by a
/// step that copies its operands into the subgraph's inputs, that subgraph's own steps (recursively), and a
/// step that copies the subgraph's outputs into its results. A subgraph's tensors are thus live only inside
/// the calls, and the caller's tensors live across a call are live during all of the callee's steps, so the
/// two never share memory; a subgraph run from several places keeps its tensors from its first run to its
/// last. Nothing is live across a loop's back edge but the loop variables, which live in the WHILE node's
/// outputs for the whole loop, and state, which lives for every step.
/// </summary>
internal static class ExecutionTrace
{
    public static IReadOnlyList<LayerSpec> Steps(IReadOnlyList<LayerSpec> layers, IReadOnlyList<SubgraphSpec> subgraphs)
    {
        if (subgraphs.Count == 0)
        {
            return layers;
        }
        var byNode = layers.ToDictionary(l => l.NodeIndex);
        var bySubgraph = subgraphs.ToDictionary(s => s.Index);
        var steps = new List<LayerSpec>();

        void Run(SubgraphSpec subgraph)
        {
            foreach (int node in subgraph.Nodes)
            {
                LayerSpec layer = byNode[node];
                steps.Add(layer);
                if (layer is not ControlFlowLayer controlFlow)
                {
                    continue;
                }
                foreach (SubgraphCall call in controlFlow.Calls)
                {
                    SubgraphSpec callee = bySubgraph[call.Subgraph];
                    steps.Add(new Copies(call.Arguments.Concat(callee.Inputs).ToEquatableArray()));
                    Run(callee);
                    steps.Add(new Copies(callee.Outputs.Concat(call.Results).ToEquatableArray()));
                }
            }
        }

        Run(bySubgraph[0]);
        return steps;
    }

    /// <summary>A step that copies between a caller's values and a subgraph's inputs or outputs: it touches all of them.</summary>
    private sealed record Copies(EquatableArray<int> Values)
        : LayerSpec(-1, "(copies into or out of a subgraph)", Values, EquatableArray<int>.Empty)
    {
        public override long MacCount => 0;
    }
}
