using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>DEQUANTIZE (TFLM dequantize.cc): int8, uint8 or int16 to float32, per-tensor.</summary>
internal static class DequantizeLowering
{
    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16) || output.Type != ElementType.Float32)
        {
            context.ReportUnsupported(op, $"dequantizing {input.Type.ModelName()} to {output.Type.ModelName()} is not supported; supported: int8, uint8 or int16 to float32");
            return null;
        }
        TfliteQuantization? quantization = context.Tensor(input.Id).Quantization;
        if (input.Quantization is not QuantizationSpec q || quantization is null || quantization.Scale.Count != 1)
        {
            context.ReportUnsupported(op, "the input needs per-tensor quantization (one scale); per-channel DEQUANTIZE is not supported, as in TFLM");
            return null;
        }
        return new DequantizeLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            input.Type, input.ElementCount, q.Scale, q.ZeroPoint);
    }
}
