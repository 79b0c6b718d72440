using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// QUANTIZE (TFLM quantize.cc, quantize_common.cc): float32 to int8, uint8 or int16 (TFLite's
/// <c>AffineQuantize</c>), and the requantizations TFLM implements between integer types, per-tensor.
/// </summary>
internal static class QuantizeLowering
{
    /// <summary>The (input, output) pairs TFLM's <c>EvalQuantizeReference</c> requantizes.</summary>
    private static readonly (ElementType Input, ElementType Output)[] Requantizations =
    {
        (ElementType.Int8, ElementType.Int8), (ElementType.Int8, ElementType.UInt8), (ElementType.Int8, ElementType.Int16), (ElementType.Int8, ElementType.Int32),
        (ElementType.UInt8, ElementType.Int8),
        (ElementType.Int16, ElementType.Int8), (ElementType.Int16, ElementType.Int16), (ElementType.Int16, ElementType.Int32),
        (ElementType.Int32, ElementType.Int8), (ElementType.Int32, ElementType.Int16),
    };

    public const string SupportedTypes = "float32 to int8, uint8 or int16; int8 to int8, uint8, int16 or int32; uint8 to int8; int16 to int8, int16 or int32; int32 to int8 or int16";

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        bool floatInput = input.Type == ElementType.Float32 && output.Type is (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16);
        if (!floatInput && System.Array.IndexOf(Requantizations, (input.Type, output.Type)) < 0)
        {
            context.ReportUnsupported(op, $"quantizing {input.Type.ModelName()} to {output.Type.ModelName()} is not supported; supported: {SupportedTypes}");
            return null;
        }
        TfliteQuantization? outputQuantization = context.Tensor(output.Id).Quantization;
        if (output.Quantization is not QuantizationSpec qo || outputQuantization is null || outputQuantization.Scale.Count != 1)
        {
            context.ReportUnsupported(op, "the output needs per-tensor quantization (one scale); per-channel QUANTIZE is not supported, as in TFLM");
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (floatInput)
        {
            return new QuantizeLayer(op.Index, inputs, outputs, input.Type, output.Type, input.ElementCount, qo.Scale, 0, qo.ZeroPoint, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi)
        {
            context.ReportUnsupported(op, $"requantizing needs quantization parameters on the {input.Type.ModelName()} input");
            return null;
        }
        double real = (double)qi.Scale / qo.Scale;
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return new QuantizeLayer(op.Index, inputs, outputs, input.Type, output.Type, input.ElementCount, qo.Scale, qi.ZeroPoint, qo.ZeroPoint, multiplier, shift, real);
    }
}
