using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>
/// The reductions over constant axes of TFLM's reduce.cc, reduce_common.cc and reference/reduce.h:
/// MEAN and SUM (float32, int8, int16), REDUCE_MAX and REDUCE_MIN (float32, int8), REDUCE_ALL (bool).
/// Negative and repeated axes are allowed, keep_dims or not. Integer MEAN and SUM requantize the sum
/// with TFLM's multiplier (input scale / output scale); MEAN folds 1/count into it the way
/// QuantizedMeanOrSum does, even when input and output share their quantization: truncating or
/// rounding the mean instead differs from TFLM on mobilenet_v2. REDUCE_MAX/MIN int8 demand equal input
/// and output quantization, as TFLM's EvalMaxHelper does.
/// </summary>
internal sealed partial class Reduce : OperatorDefinition<ReduceLayer>
{
    private const int OptionKeepDims = 0; // ReducerOptions.keep_dims in schema.fbs

    /// <summary>
    /// REDUCE_ALL calls its kernels from a vector of bools (16 bytes) across the columns or along the runs: below
    /// that the call costs more than the loop (measured 0.6× on a 2×6 input).
    /// </summary>
    private const int MinBoolLanes = 16;

    public Reduce(ReduceKind kind)
        : base(kind switch
        {
            ReduceKind.Mean => BuiltinOperator.Mean,
            ReduceKind.Sum => BuiltinOperator.Sum,
            ReduceKind.Max => BuiltinOperator.ReduceMax,
            ReduceKind.Min => BuiltinOperator.ReduceMin,
            _ => BuiltinOperator.ReduceAll,
        })
    {
        Kind = kind;
        Types = kind switch
        {
            ReduceKind.Mean or ReduceKind.Sum => Combinations(ElementType.Float32, ElementType.Int8, ElementType.Int16),
            ReduceKind.Max or ReduceKind.Min => Combinations(ElementType.Float32, ElementType.Int8),
            _ => Combinations(ElementType.Bool),
        };
    }

    /// <summary>Which reduction this definition compiles.</summary>
    public ReduceKind Kind { get; }

    /// <inheritdoc/>
    public override TypeSupport Types { get; }

    public override string Notes => Kind switch
    {
        ReduceKind.Mean => "constant axes, keep_dims or not; integer means requantized as TFLM does",
        ReduceKind.Sum => "constant axes, keep_dims or not; integer sums requantized as TFLM does",
        ReduceKind.Max or ReduceKind.Min => "constant axes, keep_dims or not; int8 with equal input and output quantization (as TFLM demands)",
        _ => "constant axes, keep_dims or not",
    };

    // The data's type in and out; the axes int32.
    private static TypeSupport Combinations(params ElementType[] types)
    {
        var combinations = new (ElementType?[] Inputs, ElementType[] Outputs)[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            combinations[i] = (new ElementType?[] { types[i], ElementType.Int32 }, new[] { types[i] });
        }
        return TypeSupport.Of(combinations).WithInputNames("input", "axes");
    }

    protected override ReduceLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, axis) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? axisValues = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (axisValues is null)
        {
            context.ReportUnsupported(op, "the axes must be a constant int32 tensor");
            return null;
        }
        bool keepDims = op.BuiltinOptions?.GetBool(OptionKeepDims) ?? false;
        int rank = input.Shape.Count;
        var axes = new SortedSet<int>();
        foreach (int a in axisValues)
        {
            int current = a < 0 ? a + rank : a;
            if (current < 0 || current >= rank)
            {
                context.ReportUnsupported(op, $"axis {a} is outside the {rank} dimensions of the input {input.ShapeText}");
                return null;
            }
            axes.Add(current);
        }

        int[] strides = ShapeMath.Strides(input.Shape);
        var keptCounts = new List<int>();
        var keptStrides = new List<int>();
        var reducedCounts = new List<int>();
        var reducedStrides = new List<int>();
        int count = 1;
        long outputCount = 1;
        bool? previousReduced = null;
        for (int d = 0; d < rank; d++)
        {
            bool reduced = axes.Contains(d);
            int size = input.Shape[d];
            List<int> counts = reduced ? reducedCounts : keptCounts;
            List<int> loopStrides = reduced ? reducedStrides : keptStrides;
            if (reduced)
            {
                count *= size;
            }
            else
            {
                outputCount *= size;
            }
            if (size == 1)
            {
                // A dimension of one steps nowhere: no loop, and the dimensions around it may merge.
                continue;
            }
            if (previousReduced == reduced && counts.Count > 0)
            {
                // Adjacent dimensions of the same kind are contiguous: one loop covers both.
                counts[counts.Count - 1] *= size;
                loopStrides[loopStrides.Count - 1] = strides[d];
            }
            else
            {
                counts.Add(size);
                loopStrides.Add(strides[d]);
            }
            previousReduced = reduced;
        }
        if (outputCount != output.ElementCount)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} does not hold the {Name} of {input.ShapeText} over axes [{string.Join(",", axes)}]");
            return null;
        }

        var inputs = new EquatableArray<int>(new[] { op.Inputs[0] });
        var outputs = new EquatableArray<int>(new[] { op.Outputs[0] });
        bool requantize = false;
        int inputZeroPoint = 0, outputZeroPoint = 0, multiplier = 0, shift = 0;
        if (input.Type is ElementType.Int8 or ElementType.Int16)
        {
            if (input.Quantization is null || output.Quantization is null)
            {
                context.ReportUnsupported(op, $"a quantized {Name} needs quantization parameters on its input and output");
                return null;
            }
            inputZeroPoint = input.Quantization.ZeroPoint;
            outputZeroPoint = output.Quantization.ZeroPoint;
            if (Kind is ReduceKind.Max or ReduceKind.Min)
            {
                // TFLM's EvalMaxHelper compares the raw values: it refuses different quantizations.
                if (input.Quantization.Scale != output.Quantization.Scale || inputZeroPoint != outputZeroPoint)
                {
                    context.ReportUnsupported(op, $"an int8 {Name} needs the same scale and zero point on its input and output (TFLM refuses others), found {input.Describe()} → {output.Describe()}");
                    return null;
                }
            }
            else
            {
                requantize = true;
                (multiplier, shift) = QuantizationMath.QuantizeMultiplier((double)input.Quantization.Scale / output.Quantization.Scale);
                if (Kind == ReduceKind.Mean && count > 0)
                {
                    // Fold 1/count into the multiplier as TFLM's QuantizedMeanOrSum does.
                    int bits = 63 - LeadingZeroCount((ulong)count);
                    bits = Math.Min(bits, 32);
                    bits = Math.Min(bits, 31 + shift);
                    multiplier = (int)(((long)multiplier << bits) / count);
                    shift -= bits;
                }
            }
        }
        return new ReduceLayer(op.Index, Name, inputs, outputs, Kind, requantize, input.Type, axes.ToEquatableArray(), keepDims,
            keptCounts.ToEquatableArray(), keptStrides.ToEquatableArray(), reducedCounts.ToEquatableArray(), reducedStrides.ToEquatableArray(),
            count, inputZeroPoint, outputZeroPoint, multiplier, shift);
    }

    /// <summary>Writes the reduction: for each output (kept dimensions, in order) the reduced values are combined in input memory order, then divided or requantized.</summary>
    protected override void EmitLayer(SourceWriter writer, ReduceLayer layer, EmitContext context) =>
        WriteKernel(writer, layer, context.Model, context.Signature(layer), EmitContext.MathClass, EmitContext.FixedPoint, "0", "0", "output.Clear();", context);

    /// <summary>
    /// Writes the kernel: loops over the kept dimensions, then the reduced ones, in input memory order.
    /// <paramref name="firstInput"/> and <paramref name="firstOutput"/> index the tensors' first elements;
    /// <paramref name="clear"/> zeroes the output of an empty reduction. With <paramref name="spanKernels"/> (the .NET
    /// flavor's context, where its kernels' constants go), a layer of the right form calls a vectorized Runtime kernel instead.
    /// </summary>
    private static void WriteKernel(SourceWriter writer, ReduceLayer layer, ModelSpec model, string signature, string m, string fixedPoint,
        string firstInput, string firstOutput, string clear, EmitContext? spanKernels)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool isFloat = layer.Type == ElementType.Float32;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName} over axes [{string.Join(", ", layer.Axes)}]{(layer.KeepDims ? " (keep_dims)" : string.Empty)}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        switch (layer.Kind)
        {
            case ReduceKind.Mean:
                writer.WriteLine($"/// Each output is the mean of {layer.Count} input values, summed in input memory order.");
                break;
            case ReduceKind.Sum:
                writer.WriteLine($"/// Each output is the sum of {layer.Count} input values, in input memory order.");
                break;
            case ReduceKind.Max:
            case ReduceKind.Min:
                writer.WriteLine($"/// Each output is the {(layer.Kind == ReduceKind.Max ? "largest" : "smallest")} of {layer.Count} input values (a NaN never replaces the running value, as in TFLM).");
                break;
            default:
                writer.WriteLine($"/// Each output is true when all of its {layer.Count} input values are.");
                break;
        }
        if (layer.Requantize)
        {
            writer.WriteLine($"/// (sum - {layer.InputZeroPoint} · {layer.Count}) is requantized with {layer.Multiplier} · 2^{layer.Shift} (input scale / output scale{(layer.Kind == ReduceKind.Mean ? $" / {layer.Count}, as TFLM folds it" : string.Empty)})");
            writer.WriteLine($"/// and offset by the output zero point {layer.OutputZeroPoint}.");
        }
        else if (layer.Kind == ReduceKind.Mean)
        {
            writer.WriteLine($"/// Float: sum / {layer.Count}.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(signature);
        if (layer.Count == 0 && layer.Kind is ReduceKind.Mean or ReduceKind.Sum)
        {
            // An empty reduction: TFLM leaves the zeroed output as it is.
            writer.WriteLine(clear);
            writer.CloseBlock();
            return;
        }

        if (spanKernels is not null && ColumnKernel(layer) is string kernel)
        {
            WriteKernelCalls(writer, layer, kernel, runs: false, spanKernels);
            writer.CloseBlock();
            return;
        }
        if (spanKernels is not null && RunKernel(layer) is string runKernel)
        {
            WriteKernelCalls(writer, layer, runKernel, runs: true, spanKernels);
            writer.CloseBlock();
            return;
        }

        writer.WriteLine($"int o = {firstOutput};");
        string position = firstInput;
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.OpenBlock($"for (int k{k} = 0, p{k} = {position}; k{k} < {layer.KeptCounts[k]}; k{k}++, p{k} += {layer.KeptStrides[k]})");
            position = "p" + k;
        }
        string accumulator = layer.Kind switch
        {
            ReduceKind.Mean or ReduceKind.Sum => isFloat ? "float sum = 0f;" : "int sum = 0;",
            ReduceKind.Max => $"{t} best = {(isFloat ? "float.MinValue" : t + ".MinValue")};",
            ReduceKind.Min => $"{t} best = {(isFloat ? "float.MaxValue" : t + ".MaxValue")};",
            _ => "bool all = true;",
        };
        writer.WriteLine(accumulator);
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.OpenBlock($"for (int r{r} = 0, q{r} = {position}; r{r} < {layer.ReducedCounts[r]}; r{r}++, q{r} += {layer.ReducedStrides[r]})");
            position = "q" + r;
        }
        switch (layer.Kind)
        {
            case ReduceKind.Mean:
            case ReduceKind.Sum:
                writer.WriteLine($"sum += input[{position}];");
                break;
            case ReduceKind.Max:
            case ReduceKind.Min:
                writer.WriteLine($"{t} v = input[{position}];");
                writer.WriteLine($"best = v {(layer.Kind == ReduceKind.Max ? ">" : "<")} best ? v : best;");
                break;
            default:
                writer.WriteLine($"all = all && input[{position}];");
                break;
        }
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.CloseBlock();
        }
        if (layer.Requantize)
        {
            long offset = (long)layer.InputZeroPoint * layer.Count;
            writer.WriteLine($"int shifted = (int)(sum - {Literals.Int(offset)}L);");
            writer.WriteLine($"int v = {fixedPoint}.MultiplyByQuantizedMultiplier(shifted, {Literals.Int(layer.Multiplier)}, {layer.Shift}) + {layer.OutputZeroPoint};");
            writer.WriteLine($"output[o++] = ({t}){m}.Min({m}.Max(v, {layer.Type.MinValue()}), {layer.Type.MaxValue()});");
        }
        else
        {
            writer.WriteLine(layer.Kind switch
            {
                ReduceKind.Mean => $"output[o++] = sum / {Literals.Float(layer.Count)};",
                ReduceKind.Sum => "output[o++] = sum;",
                ReduceKind.Max or ReduceKind.Min => "output[o++] = best;",
                _ => "output[o++] = all;",
            });
        }
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>
    /// The <c>TinyModel.ReductionKernels</c> method that computes the layer across its innermost, kept, contiguous
    /// columns (vectorized, each column's values combined in the scalar loop's order: blocks of the outer reduced
    /// axes, rows of the inner ones), or null when the layer does not have that form (the innermost dimension
    /// reduced), which keeps the loops below. (REDUCE_MAX/MIN take float32 and int8 only, as TFLM.)
    /// </summary>
    private static string? ColumnKernel(ReduceLayer layer)
    {
        if (layer.Count == 0 || layer.ReducedCounts.Count < 1 || layer.KeptCounts.Count == 0 || layer.KeptStrides[layer.KeptCounts.Count - 1] != 1)
        {
            return null;
        }
        return (layer.Type, layer.Kind) switch
        {
            (ElementType.Float32, ReduceKind.Sum) => "Sum",
            (ElementType.Float32, ReduceKind.Mean) => "Mean",
            (ElementType.Float32, ReduceKind.Max) => "Max",
            (ElementType.Float32, ReduceKind.Min) => "Min",
            (ElementType.Int8 or ElementType.Int16, ReduceKind.Sum or ReduceKind.Mean) => "Sum",
            (ElementType.Int8, ReduceKind.Max) => "Max",
            (ElementType.Int8, ReduceKind.Min) => "Min",
            (ElementType.Bool, ReduceKind.All) when layer.KeptCounts[layer.KeptCounts.Count - 1] >= MinBoolLanes => "All",
            _ => null,
        };
    }

    /// <summary>
    /// The <c>TinyModel.ReductionKernels</c> run kernel for a reduction over the innermost axes (one contiguous run per
    /// output, or one per block of the outer reduced axes), or null. Integer sums, maxima and minima and logical ands are
    /// exact in any order, so the runs are reduced across vector lanes. A float maximum or minimum is too, up to the sign
    /// of a zero, which the kernel takes from the first zero in memory order. Float sums keep the loops (a horizontal
    /// float sum would change the bits).
    /// </summary>
    private static string? RunKernel(ReduceLayer layer)
    {
        if (layer.Count == 0 || layer.ReducedCounts.Count < 1 || layer.ReducedStrides[layer.ReducedCounts.Count - 1] != 1)
        {
            return null;
        }
        return (layer.Type, layer.Kind) switch
        {
            (ElementType.Int8 or ElementType.Int16, ReduceKind.Sum or ReduceKind.Mean) => "SumRuns",
            (ElementType.Int8, ReduceKind.Max) => "MaxRuns",
            (ElementType.Int8, ReduceKind.Min) => "MinRuns",
            (ElementType.Float32, ReduceKind.Max) => "MaxRuns",
            (ElementType.Float32, ReduceKind.Min) => "MinRuns",
            (ElementType.Bool, ReduceKind.All) when layer.ReducedCounts[layer.ReducedCounts.Count - 1] >= MinBoolLanes => "AllRuns",
            _ => null,
        };
    }

    /// <summary>
    /// Writes the kernel calls: loops over every group of kept dimensions but the last, each calling the kernel on the
    /// last group's outputs (its columns, or with <paramref name="runs"/> its runs). The innermost reduced group becomes
    /// the kernel's rows or runs, the outer ones its blocks: with two groups a count and a stride, with more a constant
    /// table of the blocks' offsets in input memory order (the outer groups walked as one odometer).
    /// </summary>
    private static void WriteKernelCalls(SourceWriter writer, ReduceLayer layer, string kernel, bool runs, EmitContext context)
    {
        int kept = layer.KeptCounts.Count;
        int perCall = kept > 0 ? layer.KeptCounts[kept - 1] : 1;
        int outer = Math.Max(0, kept - 1);
        int groups = layer.ReducedCounts.Count;
        string blocks = groups switch
        {
            1 => string.Empty,
            2 => $"{layer.ReducedCounts[0]}, {layer.ReducedStrides[0]}, ",
            _ => context.Constant(BlockOffsets(layer, context)) + ", ",
        };
        int blockCount = layer.Count / layer.ReducedCounts[groups - 1];
        string shape = runs
            ? $"{blocks}{layer.ReducedCounts[groups - 1]}"
            : $"{blocks}{layer.ReducedCounts[groups - 1]}, {layer.ReducedStrides[groups - 1]}";
        writer.WriteLine(runs
            ? $"// Vector kernel: each output combines {layer.Count} values, {(groups >= 2 ? $"{blockCount} runs" : "a run")} of {layer.ReducedCounts[groups - 1]} contiguous ones (the result does not depend on their order{(layer.Type == ElementType.Float32 ? " but for a zero's sign, the run's first zero's" : string.Empty)})."
            : $"// Vector kernel: {perCall} columns side by side, each combining its {layer.Count} values in input memory order{(groups > 2 ? $" ({blockCount} blocks of {layer.ReducedCounts[groups - 1]} rows)" : string.Empty)}.");
        // Kept groups of one dimension step nowhere: no loop for them.
        int[] loops = Enumerable.Range(0, outer).Where(k => layer.KeptCounts[k] > 1).ToArray();
        string position = "0";
        if (loops.Length > 0)
        {
            writer.WriteLine("int o = 0;");
        }
        foreach (int k in loops)
        {
            writer.OpenBlock($"for (int k{k} = 0, p{k} = {position}; k{k} < {layer.KeptCounts[k]}; k{k}++, p{k} += {layer.KeptStrides[k]})");
            position = "p" + k;
        }
        string source = loops.Length > 0 ? $"input.Slice({position})" : "input";
        string target = loops.Length > 0 ? $"output.Slice(o, {perCall})" : "output";
        writer.WriteLine($"global::TinyModel.ReductionKernels.{kernel}({source}, {shape}{QuantizationArguments(layer)}, {target});");
        if (loops.Length > 0)
        {
            writer.WriteLine($"o += {perCall};");
        }
        foreach (int k in loops)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>
    /// Adds the constant table of a layer's block offsets (three or more reduced groups): every combination of the outer
    /// groups' indices, outermost slowest, as <c>Σ index · stride</c>, which is input memory order. Returns its name.
    /// </summary>
    private static string BlockOffsets(ReduceLayer layer, EmitContext context)
    {
        int levels = layer.ReducedCounts.Count - 1;
        var offsets = new List<int> { 0 };
        for (int level = 0; level < levels; level++)
        {
            int count = layer.ReducedCounts[level], stride = layer.ReducedStrides[level];
            offsets = offsets.SelectMany(o => Enumerable.Range(0, count).Select(i => o + i * stride)).ToList();
        }
        string shape = string.Join(" × ", Enumerable.Range(0, levels).Select(l => $"{layer.ReducedCounts[l]} (stride {layer.ReducedStrides[l]})"));
        return context.AddConstant($"Layer{layer.NodeIndex}BlockOffsets", ElementType.Int32, ConstantData.ToBytes(offsets.ToArray()),
            $"offsets of the blocks each output combines: the outer reduced groups {shape}, in input memory order, int32[{offsets.Count}]");
    }

    /// <summary>The requantization arguments a kernel takes after its shape (zero points, multiplier, shift), or nothing.</summary>
    private static string QuantizationArguments(ReduceLayer layer) => layer.Requantize
        ? $", {Literals.Int(layer.InputZeroPoint)}, {Literals.Int(layer.Multiplier)}, {Literals.Int(layer.Shift)}, {Literals.Int(layer.OutputZeroPoint)}"
        : string.Empty;

    private static int LeadingZeroCount(ulong value)
    {
        int n = 0;
        for (ulong bit = 1UL << 63; bit != 0 && (value & bit) == 0; bit >>= 1)
        {
            n++;
        }
        return n;
    }
}

/// <summary>The reductions <see cref="Reduce"/> compiles.</summary>
internal enum ReduceKind
{
    /// <summary>MEAN: the sum divided by the count (float) or requantized with 1/count folded in (reference <c>QuantizedMeanOrSum</c>).</summary>
    Mean,
    /// <summary>SUM: the sum, requantized for integer types.</summary>
    Sum,
    /// <summary>REDUCE_MAX: TFLM's <c>(in &gt; current) ? in : current</c> from the type's lowest value.</summary>
    Max,
    /// <summary>REDUCE_MIN: <c>(in &lt; current) ? in : current</c> from the type's largest value.</summary>
    Min,
    /// <summary>REDUCE_ALL: logical and, from true.</summary>
    All,
}

/// <summary>
/// A reduction over a set of axes. The loops run over the kept dimensions (outer, in output order) and, for
/// each output, over the reduced dimensions (inner) in input memory order, which is the order TFLM combines
/// the values in. Adjacent dimensions of the same kind are merged; dimensions of one have no loop (and do not
/// keep the dimensions around them apart).
/// </summary>
/// <param name="Requantize">Whether an integer sum is requantized (MEAN and SUM of int8/int16).</param>
/// <param name="Axes">The reduced axes, resolved (non-negative, without duplicates, sorted).</param>
/// <param name="KeptCounts">Trip counts of the loops over kept dimensions.</param>
/// <param name="KeptStrides">Input strides of those loops.</param>
/// <param name="ReducedCounts">Trip counts of the loops over reduced dimensions.</param>
/// <param name="ReducedStrides">Input strides of those loops.</param>
/// <param name="Count">Elements reduced into each output.</param>
internal sealed record ReduceLayer(
    int NodeIndex,
    string Operator,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ReduceKind Kind,
    bool Requantize,
    ElementType Type,
    EquatableArray<int> Axes,
    bool KeepDims,
    EquatableArray<int> KeptCounts,
    EquatableArray<int> KeptStrides,
    EquatableArray<int> ReducedCounts,
    EquatableArray<int> ReducedStrides,
    int Count,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift)
    : LayerSpec(NodeIndex, Operator, Inputs, Outputs)
{
    public override long MacCount => (long)Count * System.Math.Max(1, Product(KeptCounts));

    private static long Product(EquatableArray<int> values)
    {
        long p = 1;
        foreach (int v in values)
        {
            p *= v;
        }
        return p;
    }
}
