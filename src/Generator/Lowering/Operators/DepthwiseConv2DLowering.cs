using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// DEPTHWISE_CONV_2D (TFLM depthwise_conv.cc, depthwise_conv_common.cc): float32, int8 (int32 bias) and
/// int16 activations with int8 filters (int64 bias), per-tensor or per-channel quantization, SAME or
/// VALID padding, any stride, dilation and depth multiplier, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
internal static class DepthwiseConv2DLowering
{
    // DepthwiseConv2DOptions in schema.fbs.
    private const int OptionPadding = 0, OptionStrideW = 1, OptionStrideH = 2, OptionDepthMultiplier = 3, OptionActivation = 4,
        OptionDilationW = 5, OptionDilationH = 6;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (ConvolutionLowering.ReadOperands(context, op, allowInt32BiasForInt16: false) is not { } operands)
        {
            return null;
        }
        FlatTable? options = op.BuiltinOptions;
        var window = ConvolutionLowering.WindowOptions.Read(options, OptionPadding, OptionStrideW, OptionStrideH, OptionDilationW, OptionDilationH, OptionActivation);
        if (!context.CheckClampActivation(op, window.Activation))
        {
            return null;
        }

        var filterShape = operands.FilterTensor.Shape;
        int outputChannels = filterShape[3];
        int inputChannels = operands.InputValue.Shape[3];
        int depthMultiplier = options?.GetInt(OptionDepthMultiplier) ?? 0;
        // TFLM's kernel loops over input channels and the multiplier from the options; they must cover the filter exactly.
        if (filterShape[0] != 1 || depthMultiplier <= 0 || inputChannels * depthMultiplier != outputChannels)
        {
            context.ReportUnsupported(op, $"the filter [{string.Join(",", filterShape)}] does not fit the input {operands.InputValue.ShapeText} with depth multiplier {depthMultiplier}: " +
                "expected [1, height, width, input channels × depth multiplier]");
            return null;
        }
        if (ConvolutionLowering.Geometry(context, op, operands, window, outputChannels) is not { } geometry)
        {
            return null;
        }

        string prefix = $"Layer{op.Index}";
        ElementType type = operands.InputValue.Type;
        if (!ConvolutionLowering.TryAddBias(context, op, operands, prefix, outputChannels, out string? bias))
        {
            return null;
        }
        ChannelRequantization? requantization = null;
        int inputOffset = 0;
        if (type != ElementType.Float32)
        {
            // TFLM's int16 depthwise kernel always accumulates in int64.
            requantization = ConvolutionLowering.Requantization(context, op, operands, prefix, outputChannels, quantizedDimension: 3,
                wideAccumulator: type == ElementType.Int16);
            if (requantization is null)
            {
                return null;
            }
            inputOffset = -operands.InputValue.Quantization!.ZeroPoint;
        }

        ElementType weightsType = type == ElementType.Float32 ? ElementType.Float32 : ElementType.Int8;
        string weights = context.AddConstant(prefix + "Weights", weightsType, context.ConstantBytes(operands.Filter).ToArray(),
            $"filter, {weightsType.ModelName()}[{geometry.FilterHeight},{geometry.FilterWidth},{outputChannels}] (ky, kx, output channel)");
        ActivationRange range = QuantizationMath.ActivationRange(window.Activation, operands.OutputValue.Type, operands.OutputValue.Quantization);
        return new DepthwiseConv2DLayer(op.Index,
            new EquatableArray<int>(new[] { operands.Input }),
            new EquatableArray<int>(new[] { operands.Output }),
            type, geometry, depthMultiplier, weights, bias, inputOffset, requantization, range);
    }
}
