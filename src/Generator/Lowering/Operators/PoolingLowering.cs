using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D (TFLM pooling.cc, pooling_common.cc, reference/pooling.h and
/// reference/integer_ops/pooling.h): float32, int8 and int16 NHWC tensors, any filter size and
/// stride, SAME or VALID padding, fused NONE, RELU, RELU_N1_TO_1 or RELU6. Quantized inputs and
/// outputs must share scale and zero point, as TFLM requires.
/// </summary>
internal static class PoolingLowering
{
    // Pool2DOptions field ids (schema.fbs).
    private const int OptionPadding = 0, OptionStrideWidth = 1, OptionStrideHeight = 2, OptionFilterWidth = 3, OptionFilterHeight = 4, OptionActivation = 5;

    public static LayerSpec? LowerAverage(LoweringContext context, TfliteOperator op) => Lower(context, op, isMax: false);

    public static LayerSpec? LowerMax(LoweringContext context, TfliteOperator op) => Lower(context, op, isMax: true);

    private static LayerSpec? Lower(LoweringContext context, TfliteOperator op, bool isMax)
    {
        if (op.Inputs.Count != 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected one input and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} with output {output.Type.ModelName()} is not supported; supported: float32, int8 and int16, the same type in and out");
            return null;
        }
        if (input.Shape.Count != 4 || output.Shape.Count != 4)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and output {output.ShapeText} must be 4-D (NHWC)");
            return null;
        }
        FlatTable? options = op.BuiltinOptions;
        var padding = (PaddingKind)(options?.GetByte(OptionPadding) ?? 0);
        int strideW = options?.GetInt(OptionStrideWidth) ?? 0, strideH = options?.GetInt(OptionStrideHeight) ?? 0;
        int filterW = options?.GetInt(OptionFilterWidth) ?? 0, filterH = options?.GetInt(OptionFilterHeight) ?? 0;
        var activation = (FusedActivation)(options?.GetByte(OptionActivation) ?? 0);
        if (padding is not (PaddingKind.Same or PaddingKind.Valid))
        {
            context.ReportUnsupported(op, $"padding {(int)padding} is unknown; supported: SAME, VALID");
            return null;
        }
        if (strideW <= 0 || strideH <= 0 || filterW <= 0 || filterH <= 0)
        {
            context.ReportUnsupported(op, $"filter {filterH}x{filterW} and stride {strideH}x{strideW} must be positive");
            return null;
        }
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }

        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], depth = input.Shape[3];
        int outH = ShapeMath.WindowOutputSize(padding, inH, filterH, strideH), outW = ShapeMath.WindowOutputSize(padding, inW, filterW, strideW);
        if (output.Shape[0] != batches || output.Shape[1] != outH || output.Shape[2] != outW || output.Shape[3] != depth)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} does not match the input {input.ShapeText} pooled {filterH}x{filterW} with stride {strideH}x{strideW} and {padding} padding, which gives [{batches},{outH},{outW},{depth}]");
            return null;
        }
        int padH = ShapeMath.WindowPadding(strideH, inH, filterH, outH), padW = ShapeMath.WindowPadding(strideW, inW, filterW, outW);
        // TFLM fails on a window that lies wholly in the padding; such a layer cannot be compiled either.
        if (outH > 0 && outW > 0 && (EmptyWindow(outH, strideH, padH, filterH, inH) || EmptyWindow(outW, strideW, padW, filterW, inW)))
        {
            context.ReportUnsupported(op, "some pooling windows lie entirely in the padding");
            return null;
        }

        if (input.Type != ElementType.Float32)
        {
            if (input.Quantization is null || output.Quantization is null)
            {
                context.ReportUnsupported(op, "a quantized pooling needs quantization parameters on its input and output");
                return null;
            }
            if (System.Math.Abs((double)input.Quantization.Scale - output.Quantization.Scale) > 1.0e-6 || input.Quantization.ZeroPoint != output.Quantization.ZeroPoint)
            {
                context.ReportUnsupported(op, $"the input and output quantization differ (scale {input.Quantization.Scale} vs {output.Quantization.Scale}, zero point {input.Quantization.ZeroPoint} vs {output.Quantization.ZeroPoint}); TFLM requires them equal");
                return null;
            }
        }
        ActivationRange range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
        return new PoolingLayer(op.Index, new EquatableArray<int>(new[] { op.Inputs[0] }), new EquatableArray<int>(new[] { op.Outputs[0] }),
            isMax, input.Type, batches, inH, inW, depth, outH, outW, filterH, filterW, strideH, strideW, padH, padW, padding, range);
    }

    private static bool EmptyWindow(int outSize, int stride, int pad, int filter, int inSize)
    {
        for (int o = 0; o < outSize; o++)
        {
            int origin = o * stride - pad;
            if (System.Math.Min(filter, inSize - origin) <= System.Math.Max(0, -origin))
            {
                return true;
            }
        }
        return false;
    }
}
