using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The subgraphs a model runs (subgraph 0 and every subgraph its IF, WHILE and CALL_ONCE operators reach),
/// merged into one graph for lowering: each reached subgraph's tensors and nodes are numbered after those
/// of the subgraphs before it, so that every tensor and node has one id in the model and subgraph 0 keeps
/// its own. Subgraphs nothing calls are left out. Calls are checked first: a subgraph index out of range is
/// TM0011, and a subgraph that reaches itself (recursion, which no static memory plan can hold) is TM0006.
/// </summary>
internal sealed class SubgraphLayout
{
    /// <summary>How deep calls may nest (each level is a frame of the generator's own stack, and of the generated code's).</summary>
    public const int MaxDepth = 256;

    private SubgraphLayout(IReadOnlyList<Entry> entries, TfliteSubgraph merged)
    {
        Entries = entries;
        Merged = merged;
    }

    /// <summary>A reached subgraph and where its tensors and nodes start in the merged graph.</summary>
    public sealed record Entry(int Index, TfliteSubgraph Graph, int TensorBase, int NodeBase)
    {
        public string Name => Graph.Name ?? string.Empty;

        /// <summary>How diagnostics and comments name it: <c>subgraph 1 'then_branch'</c>.</summary>
        public string Title => Name.Length == 0 ? $"subgraph {Index}" : $"subgraph {Index} '{Name}'";

        /// <summary>An id of the merged graph for one of this subgraph's tensors.</summary>
        public int Tensor(int local) => TensorBase + local;
    }

    /// <summary>The reached subgraphs in index order, subgraph 0 first.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>All reached subgraphs as one graph, with subgraph 0's inputs and outputs.</summary>
    public TfliteSubgraph Merged { get; }

    /// <summary>The reached subgraph with index <paramref name="index"/>, or null when nothing calls it.</summary>
    public Entry? Find(int index) => Entries.FirstOrDefault(e => e.Index == index);

    /// <summary>The subgraph a node of the merged graph comes from.</summary>
    public Entry OfNode(int node) => Entries.Last(e => e.NodeBase <= node);

    /// <summary>The subgraph a tensor of the merged graph comes from.</summary>
    public Entry OfTensor(int tensor) => Entries.Last(e => e.TensorBase <= tensor);

    /// <summary>A node as diagnostics name it: its index, and its subgraph unless that is subgraph 0.</summary>
    public string NodeLabel(int node)
    {
        Entry entry = OfNode(node);
        return entry.Index == 0 ? node.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{node - entry.NodeBase} of {entry.Title}";
    }

    /// <summary>A tensor as diagnostics name it: its index, and its subgraph unless that is subgraph 0.</summary>
    public string TensorLabel(int tensor)
    {
        if (tensor >= Merged.Tensors.Count)
        {
            return tensor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        Entry entry = OfTensor(tensor);
        return entry.Index == 0 ? tensor.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{tensor - entry.TensorBase} of {entry.Title}";
    }

    /// <summary>The subgraphs an operator calls, by its options; empty for operators that call none.</summary>
    public static IReadOnlyList<int> Callees(TfliteModel model, TfliteOperator op)
    {
        int code = model.OperatorCodes[op.OpcodeIndex].BuiltinCode;
        FlatTable? options = op.BuiltinOptions;
        return code switch
        {
            // IfOptions { then_subgraph_index, else_subgraph_index }, WhileOptions { cond_subgraph_index, body_subgraph_index }.
            BuiltinOperator.If or BuiltinOperator.While => new[] { options?.GetInt(0) ?? 0, options?.GetInt(1) ?? 0 },
            // CallOnceOptions { init_subgraph_index }.
            BuiltinOperator.CallOnce => new[] { options?.GetInt(0) ?? 0 },
            _ => System.Array.Empty<int>(),
        };
    }

    /// <summary>Finds the subgraphs subgraph 0 reaches and merges them, or reports why it cannot.</summary>
    public static SubgraphLayout? Build(TfliteModel model, string filePath, List<DiagnosticInfo> diagnostics)
    {
        string fileName = System.IO.Path.GetFileName(filePath);
        int count = model.Subgraphs.Count;
        var reached = new SortedSet<int>();
        var state = new int[count]; // 0 unvisited, 1 on the call path, 2 done
        var path = new List<int>();
        bool failed = false;

        void Visit(int graph)
        {
            state[graph] = 1;
            path.Add(graph);
            reached.Add(graph);
            foreach (TfliteOperator op in model.Subgraphs[graph].Operators)
            {
                foreach (int callee in Callees(model, op))
                {
                    string caller = $"node {op.Index} ({model.OperatorCodes[op.OpcodeIndex].Name}) of subgraph {graph}";
                    if (callee < 0 || callee >= count)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidGraph, filePath, fileName,
                            $"{caller} calls subgraph {callee}, but the model has {count} subgraph{(count == 1 ? string.Empty : "s")} (0 to {count - 1})"));
                        failed = true;
                    }
                    else if (state[callee] == 1)
                    {
                        string cycle = string.Join(" → ", path.Skip(path.IndexOf(callee)).Append(callee).Select(g => $"subgraph {g}"));
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UncompilableControlFlow, filePath, fileName,
                            $"{caller} calls subgraph {callee}, which is already running: the calls recurse ({cycle}), and a recursion has no bound for a static memory plan"));
                        failed = true;
                    }
                    else if (state[callee] == 0 && path.Count >= MaxDepth)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UncompilableControlFlow, filePath, fileName,
                            $"{caller} calls subgraph {callee} at a nesting depth of {MaxDepth} subgraphs, deeper than TinyModel follows"));
                        failed = true;
                    }
                    else if (state[callee] == 0)
                    {
                        Visit(callee);
                    }
                }
            }
            path.RemoveAt(path.Count - 1);
            state[graph] = 2;
        }

        Visit(0);
        if (failed)
        {
            return null;
        }

        var entries = new List<Entry>();
        var tensors = new List<TfliteTensor>();
        var operators = new List<TfliteOperator>();
        foreach (int index in reached)
        {
            TfliteSubgraph graph = model.Subgraphs[index];
            var entry = new Entry(index, graph, tensors.Count, operators.Count);
            entries.Add(entry);
            tensors.AddRange(graph.Tensors.Select(t => t with { Index = entry.Tensor(t.Index) }));
            operators.AddRange(graph.Operators.Select(op => op with
            {
                Index = entry.NodeBase + op.Index,
                Inputs = Shift(op.Inputs, entry),
                Outputs = Shift(op.Outputs, entry),
                Intermediates = Shift(op.Intermediates, entry),
            }));
        }
        TfliteSubgraph main = model.Subgraphs[0];
        return new SubgraphLayout(entries, new TfliteSubgraph(tensors, main.Inputs, main.Outputs, operators, main.Name));
    }

    /// <summary>Tensor indices of a subgraph as ids of the merged graph; -1 (an omitted operand) stays.</summary>
    private static int[] Shift(IReadOnlyList<int> tensors, Entry entry) => tensors.Select(t => t < 0 ? t : entry.Tensor(t)).ToArray();
}
