using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>The result of lowering a model: its layers and values, or the diagnostics that stop it.</summary>
internal sealed record LoweredGraph(
    IReadOnlyList<ValueSpec> Values,
    IReadOnlyList<int> Inputs,
    IReadOnlyList<int> Outputs,
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<ConstantSpec> Constants,
    string OperatorCounts);

/// <summary>
/// Lowers a read model to layers: checks what TinyModel can compile (one subgraph, supported types,
/// static shapes, supported operators, reporting every problem found rather than the first) and
/// hands each operator to its lowering.
/// </summary>
internal static class ModelLowerer
{
    public const string SupportedTypes = "float32, int8, uint8, int16, int32, int64, bool, uint32 and uint64";

    public static (LoweredGraph? Graph, IReadOnlyList<DiagnosticInfo> Diagnostics) Lower(TfliteModel model, string filePath)
    {
        string fileName = System.IO.Path.GetFileName(filePath);
        if (model.Subgraphs.Count > 1)
        {
            return (null, new[] { DiagnosticInfo.Create(DiagnosticDescriptors.MultipleSubgraphs, filePath, fileName, model.Subgraphs.Count) });
        }

        TfliteSubgraph graph = model.Subgraphs[0];
        var context = new LoweringContext(model, graph, filePath);
        ValidateTensors(context);
        ValidateOperators(context);
        if (context.Diagnostics.Count == 0)
        {
            GraphValidator.Validate(context);
        }
        if (context.Diagnostics.Count > 0)
        {
            return (null, context.Diagnostics);
        }

        // Graph inputs and outputs exist even if no operator touches them.
        foreach (int index in graph.Inputs.Concat(graph.Outputs))
        {
            context.Value(index);
        }

        var layers = new List<LayerSpec>();
        foreach (TfliteOperator op in graph.Operators)
        {
            OperatorDefinition definition = OperatorCatalog.Find(model.OperatorCodes[op.OpcodeIndex])!;
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
        return (new LoweredGraph(context.Values.ToList(), graph.Inputs, graph.Outputs, layers, context.Constants, counts), context.Diagnostics);
    }

    /// <summary>The operator's operand types must be one of the combinations its definition lists (TM0007 otherwise).</summary>
    private static bool CheckTypes(LoweringContext context, TfliteOperator op, OperatorDefinition definition)
    {
        var inputs = op.Inputs.Select(i => i < 0 ? null : context.ElementTypeOf(i)).ToList();
        var outputs = op.Outputs.Select(i => context.ElementTypeOf(i)!.Value).ToList();
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
            if (context.ElementTypeOf(index) is null)
            {
                context.Report(DiagnosticDescriptors.UnsupportedTensorType, context.FileName, index, tensor.Name,
                    tensor.Type.ToString().ToLowerInvariant(), SupportedTypes);
            }
            if (tensor.Shape.Any(d => d < 0))
            {
                context.Report(DiagnosticDescriptors.DynamicShape, context.FileName, index, tensor.Name,
                    "shape [" + string.Join(",", tensor.Shape) + "]");
            }
            else if (tensor.Shape.Aggregate(1L, (count, d) => count * d) * 8 > int.MaxValue)
            {
                context.Report(DiagnosticDescriptors.UnreadableModel, context.FileName,
                    $"tensor {index} '{tensor.Name}' has shape [{string.Join(",", tensor.Shape)}], too large to address");
            }
            if (tensor.IsSparse)
            {
                context.Report(DiagnosticDescriptors.UnsupportedTensorType, context.FileName, index, tensor.Name,
                    "sparse " + tensor.Type.ToString().ToLowerInvariant(), "dense tensors of " + SupportedTypes);
            }
            else if (context.IsConstant(index))
            {
                long expected = tensor.Shape.Aggregate(1L, (count, d) => count * d) * (context.ElementTypeOf(index)?.Size() ?? 0);
                int actual = context.ConstantBytes(index).Length;
                if (context.ElementTypeOf(index) is not null && expected != actual && tensor.Shape.All(d => d >= 0))
                {
                    context.Report(DiagnosticDescriptors.UnreadableModel, context.FileName,
                        $"constant tensor {index} '{tensor.Name}' has shape [{string.Join(",", tensor.Shape)}] ({expected} bytes) but its buffer holds {actual} bytes");
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
            .Select(g => $"{g.Key} (node{(g.Count() > 1 ? "s" : "")} {string.Join(", ", g.Select(op => op.Index))})")
            .ToList();
        if (unsupported.Count > 0)
        {
            context.Report(DiagnosticDescriptors.UnsupportedOperators, context.FileName,
                unsupported.Count == 1 ? "an operator" : $"{unsupported.Count} operators",
                string.Join("; ", unsupported), OperatorCatalog.SupportedNames);
        }
    }
}
