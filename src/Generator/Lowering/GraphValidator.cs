using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// Checks a subgraph as a whole before any operator is lowered, so that a damaged or hand-made model is
/// a TM0011 that names the node and tensor rather than generated code that fails to compile: every tensor
/// is written at most once, and never a graph input, a constant or a state (variable) tensor; every tensor
/// an operator reads is a graph input, a constant, a state tensor or written by an earlier operator; the
/// graph's inputs and outputs are each listed once and apart, state is neither, and every output is computed;
/// quantization parameters are finite, positive and in range. (Per-channel scale counts are checked by the
/// operators that read them: converters write biases with a quantized dimension past their rank, and TFLM
/// ignores it.) Every subgraph a model runs is checked alike, on its own numbering, and its problems name it;
/// a called subgraph may pass an input through as an output (a WHILE body's unchanged loop variable), which
/// its caller copies.
/// </summary>
internal static class GraphValidator
{
    /// <summary>The smallest positive normal float: smaller scales lose precision in every multiplier derived from them.</summary>
    private const float MinScale = 1.17549435E-38f;

    public static void Validate(LoweringContext context)
    {
        TfliteSubgraph graph = context.Graph;
        CheckDistinct(context, graph.Inputs, "input");
        CheckDistinct(context, graph.Outputs, "output");
        var inputs = new HashSet<int>(graph.Inputs);
        foreach (int index in graph.Inputs.Concat(graph.Outputs).Distinct())
        {
            if (context.Tensor(index).IsVariable)
            {
                Report(context, $"tensor {Describe(context, index)} is a graph {(inputs.Contains(index) ? "input" : "output")} and also state (a variable tensor) that layers keep between calls");
            }
        }

        var written = new Dictionary<int, int>(); // tensor -> node that writes it
        foreach (TfliteOperator op in graph.Operators)
        {
            foreach (int index in op.Inputs.Where(i => i >= 0))
            {
                if (!inputs.Contains(index) && !context.IsConstant(index) && !context.Tensor(index).IsVariable && !written.ContainsKey(index))
                {
                    string later = graph.Operators.FirstOrDefault(o => o.Index > op.Index && o.Outputs.Contains(index)) is TfliteOperator writer
                        ? $"only node {writer.Index}, which runs later, writes it"
                        : "no operator writes it and it is not a graph input or a constant";
                    Report(context, $"node {op.Index} ({context.OperatorName(op)}) reads tensor {Describe(context, index)}, but {later}");
                }
            }
            foreach (int index in op.Outputs)
            {
                string? problem = written.TryGetValue(index, out int first) ? $"node {first} writes it already"
                    : inputs.Contains(index) ? "it is a graph input, which belongs to the caller"
                    : context.Tensor(index).IsVariable ? "it is state (a variable tensor), which layers update only as an input"
                    : context.IsConstant(index) ? "it is a constant"
                    : null;
                if (problem is not null)
                {
                    Report(context, $"node {op.Index} ({context.OperatorName(op)}) writes tensor {Describe(context, index)}, but {problem}");
                }
                written[index] = op.Index;
            }
        }

        bool called = context.Subgraph is { Index: > 0 };
        foreach (int index in graph.Outputs)
        {
            if (inputs.Contains(index) && !called)
            {
                // Invoke takes inputs and outputs as separate spans: a tensor cannot be both.
                Report(context, $"graph output {Describe(context, index)} is also a graph input; an output must be computed by an operator");
            }
            else if (!written.ContainsKey(index) && !inputs.Contains(index))
            {
                Report(context, $"graph output {Describe(context, index)} is never computed: no operator writes it and it is not an input");
            }
        }

        var used = new SortedSet<int>(graph.Inputs.Concat(graph.Outputs).Concat(graph.Operators.SelectMany(op => op.Inputs.Concat(op.Outputs))).Where(i => i >= 0));
        foreach (int index in used)
        {
            CheckQuantization(context, index);
        }
    }

    private static void CheckDistinct(LoweringContext context, IReadOnlyList<int> tensors, string kind)
    {
        foreach (IGrouping<int, int> repeated in tensors.GroupBy(t => t).Where(g => g.Count() > 1))
        {
            Report(context, $"tensor {Describe(context, repeated.Key)} is listed {repeated.Count()} times among the graph's {kind}s");
        }
    }

    private static void CheckQuantization(LoweringContext context, int index)
    {
        TfliteTensor tensor = context.Tensor(index);
        if (tensor.Quantization is not TfliteQuantization q || q.Scale.Count == 0)
        {
            return;
        }
        string where = $"tensor {Describe(context, index)}";
        if (q.ZeroPoint.Count != 0 && q.ZeroPoint.Count != q.Scale.Count)
        {
            Report(context, $"{where} has {q.Scale.Count} quantization scales but {q.ZeroPoint.Count} zero points");
            return;
        }
        foreach (float scale in q.Scale)
        {
            if (float.IsNaN(scale) || float.IsInfinity(scale) || scale < MinScale)
            {
                Report(context, $"{where} has quantization scale {scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; a scale must be a finite positive normal number");
                return;
            }
        }
        (long min, long max) = context.ElementTypeOf(index) switch
        {
            ElementType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            ElementType.UInt8 => (byte.MinValue, byte.MaxValue),
            ElementType.Int16 => (short.MinValue, short.MaxValue),
            _ => (int.MinValue, int.MaxValue),
        };
        foreach (long zeroPoint in q.ZeroPoint)
        {
            if (zeroPoint < min || zeroPoint > max)
            {
                Report(context, $"{where} has zero point {zeroPoint}, outside the range of its type [{min}, {max}]");
                return;
            }
        }
    }

    private static string Describe(LoweringContext context, int index) => $"{index} '{context.Tensor(index).Name}'";

    private static void Report(LoweringContext context, string problem) =>
        context.Report(DiagnosticDescriptors.InvalidGraph, context.FileName,
            context.Subgraph is { Index: > 0 } subgraph ? $"in {subgraph.Title}, {problem}" : problem);
}
