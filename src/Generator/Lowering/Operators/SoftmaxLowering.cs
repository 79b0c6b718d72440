using System;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// SOFTMAX (TFLM softmax.cc, softmax_common.cc, reference/softmax.h): float32; int8 in with int8 out
/// (scale 1/256, zero point -128) or int16 out (scale 1/65536, zero point -32768); int16 in and out
/// (zero points 0, output scale 1/32768). Everything TFLM computes when it prepares the kernel (the
/// input multiplier, <c>diff_min</c>, the int16 look-up tables) and, for int8 inputs, the fixed-point
/// exponential of each of the 256 possible differences to the row maximum, is computed here.
/// </summary>
internal static class SoftmaxLowering
{
    private const int OptionBeta = 0;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected one input and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Shape.Count < 1 || input.ElementCount != output.ElementCount || output.Shape.Count < 1 || input.Shape[input.Shape.Count - 1] != output.Shape[output.Shape.Count - 1])
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and output {output.ShapeText} must have the same shape");
            return null;
        }
        float beta = op.BuiltinOptions?.GetFloat(OptionBeta, 0f) ?? 0f;
        int depth = input.Shape[input.Shape.Count - 1];
        int rows = depth == 0 ? 0 : input.ElementCount / depth;
        var inputs = new EquatableArray<int>(new[] { op.Inputs[0] });
        var outputs = new EquatableArray<int>(new[] { op.Outputs[0] });
        string prefix = $"Layer{op.Index}";

        switch (input.Type, output.Type)
        {
            case (ElementType.Float32, ElementType.Float32):
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Float, rows, depth, beta, null, null, null, 0, 0, 0, 0);

            case (ElementType.Int8, ElementType.Int8):
            case (ElementType.Int8, ElementType.Int16):
            {
                if (input.Quantization is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int8 SOFTMAX needs quantization parameters on its input and output");
                    return null;
                }
                bool int16Output = output.Type == ElementType.Int16;
                // TFLM's Prepare checks (softmax_common.cc): the output covers [0, 1) exactly.
                if (int16Output
                    ? output.Quantization.ZeroPoint != -32768 || Math.Abs(output.Quantization.Scale - 1f / 65536) > 0.001f * 1f / 65536
                    : output.Quantization.ZeroPoint != -128 || output.Quantization.Scale != 1f / 256)
                {
                    context.ReportUnsupported(op, int16Output
                        ? $"an int16 output needs zero point -32768 and scale 1/65536, found {output.Quantization.ZeroPoint} and {output.Quantization.Scale}"
                        : $"an int8 output needs zero point -128 and scale 1/256, found {output.Quantization.ZeroPoint} and {output.Quantization.Scale}");
                    return null;
                }
                (int multiplier, int leftShift) = SoftmaxMath.PreprocessSoftmaxScaling(beta, input.Quantization.Scale, SoftmaxMath.ScaledDiffIntegerBits);
                if (multiplier == 0 || leftShift < 0)
                {
                    context.ReportUnsupported(op, $"beta {beta} times the input scale {input.Quantization.Scale} is too small for TFLM's int8 softmax (its multiplier must exceed 1)");
                    return null;
                }
                int diffMin = -SoftmaxMath.CalculateInputRadius(SoftmaxMath.ScaledDiffIntegerBits, leftShift);
                int[] exp = SoftmaxMath.Int8ExpTable(multiplier, leftShift, diffMin);
                int[] sumTerms = exp.Select(SoftmaxMath.RescaleToAccumulator).ToArray();
                string expName = context.AddConstant(prefix + "Exp", ElementType.Int32, ConstantData.ToBytes(exp),
                    $"exp(beta · scale · d) in Q0.31 for the differences d = 0..-255 to the row maximum (index -d); 0 below diff_min {diffMin}");
                string sumName = context.AddConstant(prefix + "ExpSum", ElementType.Int32, ConstantData.ToBytes(sumTerms),
                    "the same exponentials in Q12.19, the terms of the row's sum");
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Int8, rows, depth, beta, expName, sumName, null,
                    int16Output ? 16 : 8, multiplier, leftShift, diffMin);
            }

            case (ElementType.Int16, ElementType.Int16):
            {
                if (input.Quantization is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int16 SOFTMAX needs quantization parameters on its input and output");
                    return null;
                }
                if (input.Quantization.ZeroPoint != 0 || output.Quantization.ZeroPoint != 0
                    || Math.Abs(output.Quantization.Scale - 1f / 32768) > 0.001f * 1f / 32768)
                {
                    context.ReportUnsupported(op, $"int16 SOFTMAX needs zero points 0 and an output scale of 1/32768, found input zero point {input.Quantization.ZeroPoint}, output zero point {output.Quantization.ZeroPoint}, output scale {output.Quantization.Scale}");
                    return null;
                }
                // Input differences are scaled so that [-65535, 0] covers [-10, 0], the exp table's range.
                double rescale = (double)input.Quantization.Scale * beta / (10.0 / 65535.0);
                (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(rescale);
                string expLut = context.AddConstant(prefix + "ExpLut", ElementType.Int16, ConstantData.ToBytes(SoftmaxMath.Int16ExpLut()),
                    "TFLM's table of exp(x) for x in [-10, 0], Q0.15, 512 segments interpolated linearly");
                string reciprocalLut = context.AddConstant(prefix + "ReciprocalLut", ElementType.Int16, ConstantData.ToBytes(SoftmaxMath.Int16OneOverOnePlusXLut()),
                    "TFLM's table of 1 / (1 + x) for x in [0, 1], Q0.15, 512 segments interpolated linearly");
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Int16, rows, depth, beta, expLut, null, reciprocalLut,
                    16, multiplier, shift, 0);
            }

            default:
                context.ReportUnsupported(op, $"input {input.Type.ModelName()} with output {output.Type.ModelName()} is not supported; supported: float32 → float32, int8 → int8, int8 → int16, int16 → int16");
                return null;
        }
    }
}
