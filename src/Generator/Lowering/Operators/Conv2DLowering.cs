using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// CONV_2D (TFLM conv.cc, conv_common.cc): float32, int8 (int32 bias) and int16 activations with int8
/// filters (int64 bias, or int32 or none), per-tensor or per-channel quantization, SAME or VALID padding,
/// any stride and dilation, grouped filters, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
internal static class Conv2DLowering
{
    // Conv2DOptions in schema.fbs.
    private const int OptionPadding = 0, OptionStrideW = 1, OptionStrideH = 2, OptionActivation = 3, OptionDilationW = 4, OptionDilationH = 5;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (ConvolutionLowering.ReadOperands(context, op, allowInt32BiasForInt16: true) is not { } operands)
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
        int outputChannels = filterShape[0], filterHeight = filterShape[1], filterWidth = filterShape[2], filterChannels = filterShape[3];
        int inputChannels = operands.InputValue.Shape[3];
        if (inputChannels % filterChannels != 0 || outputChannels % (inputChannels / filterChannels) != 0)
        {
            context.ReportUnsupported(op, $"the filter [{string.Join(",", filterShape)}] does not fit the input {operands.InputValue.ShapeText}: " +
                "the input channels must be a multiple of the filter's, and the output channels a multiple of the groups that makes");
            return null;
        }
        int groups = inputChannels / filterChannels;
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
            // TFLM runs int16 convolutions with an int64 accumulator only when the bias is int64.
            bool wide = type == ElementType.Int16 && operands.BiasType == ElementType.Int64;
            requantization = ConvolutionLowering.Requantization(context, op, operands, prefix, outputChannels, quantizedDimension: 0, wide);
            if (requantization is null)
            {
                return null;
            }
            inputOffset = -operands.InputValue.Quantization!.ZeroPoint;
        }

        string weights = AddWeights(context, operands, prefix, type, outputChannels, filterHeight, filterWidth, filterChannels, groups);
        ActivationRange range = QuantizationMath.ActivationRange(window.Activation, operands.OutputValue.Type, operands.OutputValue.Quantization);
        return new Conv2DLayer(op.Index,
            new EquatableArray<int>(new[] { operands.Input }),
            new EquatableArray<int>(new[] { operands.Output }),
            type, geometry, groups, weights, bias, inputOffset, requantization, range);
    }

    /// <summary>
    /// The filter re-laid from TFLite's [oc, ky, kx, ic] to [ky, kx, input channel, oc-in-group], so that
    /// one input value multiplies a contiguous row of output channels.
    /// </summary>
    private static string AddWeights(LoweringContext context, ConvolutionLowering.Operands operands, string prefix, ElementType type,
        int outputChannels, int filterHeight, int filterWidth, int filterChannels, int groups)
    {
        int elementSize = type == ElementType.Float32 ? 4 : 1;
        ReadOnlySpan<byte> source = context.ConstantBytes(operands.Filter).Span;
        int groupOutputs = outputChannels / groups;
        int inputChannels = filterChannels * groups;
        byte[] laid = new byte[source.Length];
        for (int oc = 0; oc < outputChannels; oc++)
        {
            int group = oc / groupOutputs, ocInGroup = oc % groupOutputs;
            for (int ky = 0; ky < filterHeight; ky++)
            {
                for (int kx = 0; kx < filterWidth; kx++)
                {
                    for (int fc = 0; fc < filterChannels; fc++)
                    {
                        int from = ((oc * filterHeight + ky) * filterWidth + kx) * filterChannels + fc;
                        int ic = group * filterChannels + fc;
                        int to = ((ky * filterWidth + kx) * inputChannels + ic) * groupOutputs + ocInGroup;
                        source.Slice(from * elementSize, elementSize).CopyTo(laid.AsSpan(to * elementSize, elementSize));
                    }
                }
            }
        }
        string elementName = type == ElementType.Float32 ? "float32" : "int8";
        return context.AddConstant(prefix + "Weights", type == ElementType.Float32 ? ElementType.Float32 : ElementType.Int8, laid,
            $"filter, {elementName}[{filterHeight},{filterWidth},{inputChannels},{groupOutputs}] (ky, kx, input channel, output channel{(groups > 1 ? " in group" : string.Empty)})");
    }
}
