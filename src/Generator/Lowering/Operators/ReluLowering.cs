using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// RELU and RELU6 (TFLM activations.cc, activations_common.cc): float32, int8 and int16 (zero points 0
/// for int16 RELU, as TFLM requires).
/// </summary>
internal static class ReluLowering
{
    public static LayerSpec? LowerRelu(LoweringContext context, TfliteOperator op) => Lower(context, op, ReluKind.Relu);

    public static LayerSpec? LowerRelu6(LoweringContext context, TfliteOperator op) => Lower(context, op, ReluKind.Relu6);

    private static LayerSpec? Lower(LoweringContext context, TfliteOperator op, ReluKind kind)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        string name = kind == ReluKind.Relu ? "RELU" : "RELU6";
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} and output {output.Type.ModelName()} are not supported; supported: float32, int8, int16 (the same for both)");
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new ReluLayer(op.Index, inputs, outputs, kind, ElementType.Float32, input.ElementCount, 0, 0, 0, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} {name} needs quantization parameters on its input and output");
            return null;
        }

        int typeMin = input.Type.MinValue(), typeMax = input.Type.MaxValue();
        if (kind == ReluKind.Relu6)
        {
            // TFLM's Relu6Prepare: clamp between the input's zero and its quantized 6 (FloatToQuantizedType), output read as is.
            int six = Math.Min(Math.Max((int)Math.Round((double)(float)(6.0f / qi.Scale), MidpointRounding.AwayFromZero) + qi.ZeroPoint, typeMin), typeMax);
            return new ReluLayer(op.Index, inputs, outputs, kind, input.Type, input.ElementCount, qi.ZeroPoint, qi.ZeroPoint, 0, 0, qi.ZeroPoint, six);
        }

        if (input.Type == ElementType.Int16 && (qi.ZeroPoint != 0 || qo.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, $"the zero points are {qi.ZeroPoint} (input) and {qo.ZeroPoint} (output); TFLM's int16 RELU requires 0 for both");
            return null;
        }
        // TFLM's CalculateReluOpData: requantize by input/output scale (in double), clamp at the output's zero.
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier((double)qi.Scale / qo.Scale);
        int min = Math.Max(typeMin, qo.ZeroPoint + (int)Math.Round((double)(0f / qo.Scale), MidpointRounding.AwayFromZero));
        return new ReluLayer(op.Index, inputs, outputs, kind, input.Type, input.ElementCount, qi.ZeroPoint, qo.ZeroPoint, multiplier, shift, min, typeMax);
    }
}
