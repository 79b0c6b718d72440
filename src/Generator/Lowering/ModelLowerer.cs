using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>The result of lowering a model: its layers and values, or the diagnostics that stop it.</summary>
/// <param name="Subgraphs">The subgraphs it runs when it has more than one (IF, WHILE, CALL_ONCE); empty otherwise.</param>
internal sealed record LoweredGraph(
    IReadOnlyList<ValueSpec> Values,
    IReadOnlyList<int> Inputs,
    IReadOnlyList<int> Outputs,
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<ConstantSpec> Constants,
    string OperatorCounts,
    IReadOnlyList<SubgraphSpec> Subgraphs);

/// <summary>
/// Lowers a read model to layers: checks what TinyModel can compile (the subgraphs it runs, supported
/// types, static shapes, supported operators, reporting every problem found rather than the first) and
/// hands each operator to its lowering. A model with several subgraphs is lowered as one merged graph
/// (<see cref="SubgraphLayout"/>): its IF, WHILE and CALL_ONCE layers refer to the others.
/// </summary>
internal static class ModelLowerer
{
    public const string SupportedTypes = "float32, int8, uint8, int16, int32, int64, bool, uint32 and uint64";

    public static (LoweredGraph? Graph, IReadOnlyList<DiagnosticInfo> Diagnostics) Lower(TfliteModel model, string filePath)
    {
        var found = new List<DiagnosticInfo>();
        if (SubgraphLayout.Build(model, filePath, found) is not SubgraphLayout layout)
        {
            return (null, found);
        }

        TfliteSubgraph graph = layout.Merged;
        var context = new LoweringContext(model, graph, filePath, layout);
        ValidateTensors(context);
        ValidateOperators(context);
        if (context.Diagnostics.Count > 0)
        {
            return (null, context.Diagnostics);
        }
        foreach (SubgraphLayout.Entry entry in layout.Entries)
        {
            var check = new LoweringContext(model, entry.Graph, filePath, subgraph: entry);
            GraphValidator.Validate(check);
            found.AddRange(check.Diagnostics);
        }
        if (found.Count > 0)
        {
            return (null, found);
        }

        // Graph inputs and outputs exist even if no operator touches them; so do the called subgraphs' own.
        foreach (int index in graph.Inputs.Concat(graph.Outputs)
            .Concat(layout.Entries.Skip(1).SelectMany(e => e.Graph.Inputs.Concat(e.Graph.Outputs).Select(e.Tensor))))
        {
            context.Value(index);
        }

        var layers = new List<LayerSpec>();
        foreach (TfliteOperator op in graph.Operators)
        {
            OperatorDefinition definition = OperatorCatalog.Find(model.OperatorCodes[op.OpcodeIndex])!;
            if (context.FusedPadding.IsFused(op.Index))
            {
                // The convolution that reads this PAD's output pads its window itself (PaddingFusion).
                continue;
            }
            if (!CheckTypes(context, op, definition))
            {
                continue;
            }
            if (definition.Lower(context, op) is LayerSpec layer)
            {
                if (layer.OperatorName != definition.Name)
                {
                    throw new System.InvalidOperationException($"{definition.Name} lowered node {op.Index} to a {layer.OperatorName} layer, which it would not emit.");
                }
                layers.Add(layer);
            }
        }
        if (context.Diagnostics.Count > 0)
        {
            return (null, context.Diagnostics);
        }

        string counts = string.Join(", ", graph.Operators
            .GroupBy(op => model.OperatorCodes[op.OpcodeIndex].Name)
            .Select(g => $"{g.Key} x{g.Count()}"));
        IReadOnlyList<SubgraphSpec> subgraphs = layout.Entries.Count == 1
            ? System.Array.Empty<SubgraphSpec>()
            : layout.Entries.Select(e => new SubgraphSpec(
                e.Index,
                e.Name,
                e.Graph.Inputs.Select(e.Tensor).ToEquatableArray(),
                e.Graph.Outputs.Select(e.Tensor).ToEquatableArray(),
                layers.Where(l => layout.OfNode(l.NodeIndex) == e).Select(l => l.NodeIndex).ToEquatableArray(),
                e.NodeBase)).ToList();
        return (new LoweredGraph(context.Values.ToList(), graph.Inputs, graph.Outputs, layers, context.Constants, counts, subgraphs), context.Diagnostics);
    }

    /// <summary>The operator's operand types must be one of the combinations its definition lists (TM0007 otherwise).</summary>
    private static bool CheckTypes(LoweringContext context, TfliteOperator op, OperatorDefinition definition)
    {
        // Resource handles have no element type: their operators resolve them (ResourceVariables).
        var inputs = op.Inputs.Select(i => i < 0 || IsResource(context, i) ? null : context.ElementTypeOf(i)).ToList();
        var outputs = op.Outputs.Where(i => !IsResource(context, i)).Select(i => context.ElementTypeOf(i)!.Value).ToList();
        if (definition.Types.Match(inputs, outputs) is not null)
        {
            return true;
        }
        var actual = new TypeCombination(inputs, outputs);
        context.ReportUnsupported(op, $"operand types {actual.Describe()} are not supported; supported: {definition.Types.Describe()}");
        return false;
    }

    /// <summary>Every tensor the graph uses must have a supported type and a static shape.</summary>
    private static void ValidateTensors(LoweringContext context)
    {
        var used = new SortedSet<int>(context.Graph.Inputs.Concat(context.Graph.Outputs)
            .Concat(context.Graph.Operators.SelectMany(op => op.Inputs.Concat(op.Outputs)))
            .Where(i => i >= 0));
        foreach (int index in used)
        {
            TfliteTensor tensor = context.Tensor(index);
            if (IsResource(context, index))
            {
                CheckResourceHandle(context, index);
                continue;
            }
            if (context.ElementTypeOf(index) is null)
            {
                context.Report(DiagnosticDescriptors.UnsupportedTensorType, context.FileName, context.TensorLabel(index), tensor.Name,
                    tensor.Type.ToString().ToLowerInvariant(), SupportedTypes);
            }
            if (tensor.Shape.Any(d => d < 0))
            {
                context.Report(DiagnosticDescriptors.DynamicShape, context.FileName, context.TensorLabel(index), tensor.Name,
                    "shape [" + string.Join(",", tensor.Shape) + "]");
            }
            else if (tensor.Shape.Aggregate(1L, (count, d) => count * d) * 8 > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.UnreadableModel, context.FileName,
                    $"tensor {context.TensorLabel(index)} '{tensor.Name}' has shape [{string.Join(",", tensor.Shape)}], too large to address");
            }
            if (tensor.IsSparse)
            {
                context.Report(DiagnosticDescriptors.UnsupportedTensorType, context.FileName, context.TensorLabel(index), tensor.Name,
                    "sparse " + tensor.Type.ToString().ToLowerInvariant(), "dense tensors of " + SupportedTypes);
            }
            else if (context.IsConstant(index))
            {
                long expected = tensor.Shape.Aggregate(1L, (count, d) => count * d) * (context.ElementTypeOf(index)?.Size() ?? 0);
                int actual = context.ConstantBytes(index).Length;
                if (context.ElementTypeOf(index) is not null && expected != actual && tensor.Shape.All(d => d >= 0))
                {
                    context.Report(DiagnosticDescriptors.UnreadableModel, context.FileName,
                        $"constant tensor {context.TensorLabel(index)} '{tensor.Name}' has shape [{string.Join(",", tensor.Shape)}] ({expected} bytes) but its buffer holds {actual} bytes");
                }
            }
        }
    }

    /// <summary>Reports every operator TinyModel cannot compile, all in one diagnostic.</summary>
    private static void ValidateOperators(LoweringContext context)
    {
        List<string> unsupported = context.Graph.Operators
            .Where(op => OperatorCatalog.Find(context.Model.OperatorCodes[op.OpcodeIndex]) is null)
            .GroupBy(op => context.OperatorName(op))
            .Select(g => $"{g.Key} (node{(g.Count() > 1 ? "s" : "")} {string.Join(", ", g.Select(op => context.NodeLabel(op.Index)))})")
            .ToList();
        if (unsupported.Count > 0)
        {
            context.Report(DiagnosticDescriptors.UnsupportedOperators, context.FileName,
                unsupported.Count == 1 ? "an operator" : $"{unsupported.Count} operators",
                string.Join("; ", unsupported), OperatorCatalog.SupportedNames);
        }
    }

    private static bool IsResource(LoweringContext context, int index) => context.Tensor(index).Type == TfliteTensorType.Resource;

    /// <summary>
    /// A resource handle may only go from the VAR_HANDLE that makes it to the READ_VARIABLE and ASSIGN_VARIABLE
    /// that use it, in one subgraph: TinyModel resolves it to a state buffer at build time. Passing one to
    /// another operator or subgraph is TM0006.
    /// </summary>
    private static void CheckResourceHandle(LoweringContext context, int index)
    {
        TfliteSubgraph graph = context.Graph;
        bool boundary = graph.Inputs.Contains(index) || graph.Outputs.Contains(index)
            || context.Layout?.Entries.Any(e => e.Graph.Inputs.Concat(e.Graph.Outputs).Select(e.Tensor).Contains(index)) == true;
        TfliteOperator? misuse = graph.Operators.FirstOrDefault(op =>
            op.Outputs.Contains(index) && context.Model.OperatorCodes[op.OpcodeIndex].BuiltinCode != BuiltinOperator.VarHandle
            || op.Inputs.Select((input, position) => (input, position)).Any(x => x.input == index
                && !(x.position == 0 && context.Model.OperatorCodes[op.OpcodeIndex].BuiltinCode is BuiltinOperator.ReadVariable or BuiltinOperator.AssignVariable)));
        string where = $"resource handle, tensor {context.TensorLabel(index)} '{context.Tensor(index).Name}',";
        if (boundary)
        {
            context.Report(DiagnosticDescriptors.UncompilableControlFlow, context.FileName, $"the {where} is an input or output of a subgraph");
        }
        else if (misuse is not null)
        {
            context.Report(DiagnosticDescriptors.UncompilableControlFlow, context.FileName,
                $"the {where} is an operand of node {context.NodeLabel(misuse.Index)} ({context.OperatorName(misuse)}), not of a VAR_HANDLE, READ_VARIABLE or ASSIGN_VARIABLE");
        }
    }
}
