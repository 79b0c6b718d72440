using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// MEAN (TFLM reduce.cc, reduce_common.cc, reference/reduce.h): float32, int8 and int16, any set of
/// constant axes (negative and repeated axes allowed), keep_dims or not. For integer tensors the sum is
/// always requantized with TFLM's multiplier (input scale / output scale), into which 1/count is
/// folded here the way QuantizedMeanOrSum folds it, even when input and output share their
/// quantization: truncating or rounding the mean instead differs from TFLM on mobilenet_v2.
/// </summary>
internal static class MeanLowering
{
    private const int OptionKeepDims = 0;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, axis) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} with output {output.Type.ModelName()} is not supported; supported: float32, int8 and int16, the same type in and out");
            return null;
        }
        int[]? axisValues = context.ElementTypeOf(op.Inputs[1]) == ElementType.Int32 ? ShapeMath.IntegerConstant(context, op.Inputs[1]) : null;
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
