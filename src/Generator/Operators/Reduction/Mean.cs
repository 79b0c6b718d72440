using System;
using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>
/// MEAN (TFLM reduce.cc, reduce_common.cc, reference/reduce.h): float32, int8 and int16, any set of
/// constant axes (negative and repeated axes allowed), keep_dims or not. For integer tensors the sum is
/// always requantized with TFLM's multiplier (input scale / output scale), into which 1/count is
/// folded here the way QuantizedMeanOrSum folds it, even when input and output share their
/// quantization: truncating or rounding the mean instead differs from TFLM on mobilenet_v2.
/// </summary>
internal sealed class Mean : OperatorDefinition<MeanLayer>
{
    private const int OptionKeepDims = 0; // ReducerOptions.keep_dims in schema.fbs

    public Mean()
        : base(BuiltinOperator.Mean)
    {
    }

    // The data's type in and out; the axes int32.
    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Int32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int32 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int16, ElementType.Int32 }, new[] { ElementType.Int16 })).WithInputNames("input", "axes");

    public override string Notes => "constant axes, keep_dims or not; integer means requantized as TFLM does";

    protected override MeanLayer? LowerLayer(LoweringContext context, TfliteOperator op)
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
            context.ReportUnsupported(op, $"the output {output.ShapeText} does not hold the mean of {input.ShapeText} over axes [{string.Join(",", axes)}]");
            return null;
        }

        var inputs = new EquatableArray<int>(new[] { op.Inputs[0] });
        var outputs = new EquatableArray<int>(new[] { op.Outputs[0] });
        MeanKernel kernel = MeanKernel.Float;
        int inputZeroPoint = 0, outputZeroPoint = 0, multiplier = 0, shift = 0;
        if (input.Type != ElementType.Float32)
        {
            if (input.Quantization is null || output.Quantization is null)
            {
                context.ReportUnsupported(op, "a quantized MEAN needs quantization parameters on its input and output");
                return null;
            }
            inputZeroPoint = input.Quantization.ZeroPoint;
            outputZeroPoint = output.Quantization.ZeroPoint;
            kernel = MeanKernel.Requantize;
            (multiplier, shift) = QuantizationMath.QuantizeMultiplier((double)input.Quantization.Scale / output.Quantization.Scale);
            if (count > 0)
            {
                // Fold 1/count into the multiplier as TFLM's QuantizedMeanOrSum does.
                int bits = 63 - LeadingZeroCount((ulong)count);
                bits = Math.Min(bits, 32);
                bits = Math.Min(bits, 31 + shift);
                multiplier = (int)(((long)multiplier << bits) / count);
                shift -= bits;
            }
        }
        return new MeanLayer(op.Index, inputs, outputs, kernel, input.Type, axes.ToEquatableArray(), keepDims,
            keptCounts.ToEquatableArray(), keptStrides.ToEquatableArray(), reducedCounts.ToEquatableArray(), reducedStrides.ToEquatableArray(),
            count, inputZeroPoint, outputZeroPoint, multiplier, shift);
    }

    /// <summary>Writes MEAN: for each output (kept dimensions, in order) the reduced values are summed in input memory order, then divided or requantized.</summary>
    protected override void EmitLayer(SourceWriter writer, MeanLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        string m = EmitContext.MathClass;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, MEAN over axes [{string.Join(", ", layer.Axes)}]{(layer.KeepDims ? " (keep_dims)" : string.Empty)}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Each output is the mean of {layer.Count} input values, summed in input memory order.");
        switch (layer.Kernel)
        {
            case MeanKernel.Float:
                writer.WriteLine($"/// Float: sum / {layer.Count}.");
                break;
            case MeanKernel.Requantize:
                writer.WriteLine($"/// (sum - {layer.InputZeroPoint} · {layer.Count}) is requantized with {layer.Multiplier} · 2^{layer.Shift} (input scale / output scale / {layer.Count}, as TFLM folds it)");
                writer.WriteLine($"/// and offset by the output zero point {layer.OutputZeroPoint}.");
                break;
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Count == 0)
        {
            // An empty reduction: TFLM leaves the zeroed output as it is.
            writer.WriteLine("output.Clear();");
            writer.CloseBlock();
            return;
        }

        writer.WriteLine("int o = 0;");
        string position = "0";
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.OpenBlock($"for (int k{k} = 0, p{k} = {position}; k{k} < {layer.KeptCounts[k]}; k{k}++, p{k} += {layer.KeptStrides[k]})");
            position = "p" + k;
        }
        bool isFloat = layer.Type == ElementType.Float32;
        writer.WriteLine(isFloat ? "float sum = 0f;" : "int sum = 0;");
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.OpenBlock($"for (int r{r} = 0, q{r} = {position}; r{r} < {layer.ReducedCounts[r]}; r{r}++, q{r} += {layer.ReducedStrides[r]})");
            position = "q" + r;
        }
        writer.WriteLine($"sum += input[{position}];");
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.CloseBlock();
        }
        switch (layer.Kernel)
        {
            case MeanKernel.Float:
                writer.WriteLine($"output[o++] = sum / {Literals.Float(layer.Count)};");
                break;
            case MeanKernel.Requantize:
                long offset = (long)layer.InputZeroPoint * layer.Count;
                writer.WriteLine($"int shifted = (int)(sum - {Literals.Int(offset)}L);");
                writer.WriteLine($"int v = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(shifted, {Literals.Int(layer.Multiplier)}, {layer.Shift}) + {layer.OutputZeroPoint};");
                writer.WriteLine($"output[o++] = ({t}){m}.Min({m}.Max(v, {layer.Type.MinValue()}), {layer.Type.MaxValue()});");
                break;
        }
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

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

/// <summary>How a MEAN turns a sum into an output, as TFLM's reduce_common.cc chooses.</summary>
internal enum MeanKernel
{
    /// <summary>float32: sum / count.</summary>
    Float,
    /// <summary>int8 or int16: (sum - zero point · count) requantized with 1/count folded into the multiplier (reference <c>QuantizedMeanOrSum</c>).</summary>
    Requantize,
}

/// <summary>
/// MEAN over a set of axes. The loops run over the kept dimensions (outer, in output order) and, for
/// each output, over the reduced dimensions (inner) in input memory order, which is the order TFLM adds
/// the values in. Adjacent dimensions of the same kind are merged.
/// </summary>
/// <param name="Axes">The reduced axes, resolved (non-negative, without duplicates, sorted).</param>
/// <param name="KeptCounts">Trip counts of the loops over kept dimensions.</param>
/// <param name="KeptStrides">Input strides of those loops.</param>
/// <param name="ReducedCounts">Trip counts of the loops over reduced dimensions.</param>
/// <param name="ReducedStrides">Input strides of those loops.</param>
/// <param name="Count">Elements reduced into each output.</param>
internal sealed record MeanLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    MeanKernel Kernel,
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
    : LayerSpec(NodeIndex, "MEAN", Inputs, Outputs)
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
