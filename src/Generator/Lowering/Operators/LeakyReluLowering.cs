using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// LEAKY_RELU (TFLM leaky_relu.cc, leaky_relu_common.cc): float32, int8 and int16, any alpha
/// (negative and above one included).
/// </summary>
internal static class LeakyReluLowering
{
    private const int OptionAlpha = 0;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} and output {output.Type.ModelName()} are not supported; supported: float32, int8, int16 (the same for both)");
            return null;
        }
        float alpha = op.BuiltinOptions?.GetFloat(OptionAlpha) ?? 0f;
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new LeakyReluLayer(op.Index, inputs, outputs, ElementType.Float32, input.ElementCount, alpha, 0, 0, 0, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} LEAKY_RELU needs quantization parameters on its input and output");
            return null;
        }

        // TFLM computes both real multipliers in float and converts them to double.
        (int alphaMultiplier, int alphaShift) = QuantizationMath.QuantizeMultiplier((double)(float)(qi.Scale * alpha / qo.Scale));
        (int identityMultiplier, int identityShift) = QuantizationMath.QuantizeMultiplier((double)(float)(qi.Scale / qo.Scale));
        return new LeakyReluLayer(op.Index, inputs, outputs, input.Type, input.ElementCount, alpha, qi.ZeroPoint, qo.ZeroPoint,
            identityMultiplier, identityShift, alphaMultiplier, alphaShift);
    }
}
