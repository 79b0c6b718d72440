using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// TRANSPOSE_CONV (TFLM transpose_conv.cc with the reference kernels reference/transpose_conv.h and
/// reference/integer_ops/transpose_conv.h): inputs (output_shape, weights [out_ch, h, w, in_ch], input[, bias]).
/// float32; int8 with int8 weights (per-channel or per-tensor) and int32 bias; int16 with int8 weights and
/// int64 (or legacy int16) bias. SAME or VALID padding, any stride, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
/// <remarks>
/// Like TFLM, the output_shape input is not read: the output tensor's static shape decides. Like TFLM's
/// kernels, the int8 kernel ignores the weights' zero points (symmetric by TFLite's quantization spec) and
/// the int16 kernel ignores the input and output zero points (0 by the 16x8 spec). The fused activation is
/// applied for every type, as TFLM does since tflite-micro#3278 (before it, integer kernels ignored it).
/// </remarks>
internal static class TransposeConvLowering
{
    private const int OptionPadding = 0, OptionStrideWidth = 1, OptionStrideHeight = 2, OptionActivation = 3;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count is < 3 or > 4 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (output_shape, weights, input[, bias]) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int weightsIndex = op.Inputs[1], inputIndex = op.Inputs[2], outputIndex = op.Outputs[0];
        int biasIndex = op.Inputs.Count > 3 ? op.Inputs[3] : -1;
        if (inputIndex < 0 || weightsIndex < 0)
        {
            context.ReportUnsupported(op, "the weights or the input tensor is missing");
            return null;
        }
        if (!context.IsConstant(weightsIndex))
        {
            context.ReportUnsupported(op, "the weights are computed at run time; TinyModel compiles TRANSPOSE_CONV with constant weights");
            return null;
        }
        if (biasIndex >= 0 && !context.IsConstant(biasIndex))
        {
            context.ReportUnsupported(op, "the bias is computed at run time; TinyModel compiles TRANSPOSE_CONV with a constant bias");
            return null;
        }

        FlatTable? options = op.BuiltinOptions;
        byte paddingCode = options?.GetByte(OptionPadding) ?? 0;
        if (paddingCode > (byte)PaddingKind.Valid)
        {
            context.ReportUnsupported(op, $"padding {paddingCode} is not a TFLite padding; supported: SAME, VALID");
            return null;
        }
        var padding = (PaddingKind)paddingCode;
        int strideWidth = options?.GetInt(OptionStrideWidth) ?? 0;
        int strideHeight = options?.GetInt(OptionStrideHeight) ?? 0;
        if (strideWidth <= 0 || strideHeight <= 0)
        {
            context.ReportUnsupported(op, $"the strides are {strideHeight}x{strideWidth} (height x width); TRANSPOSE_CONV needs strides of at least 1");
            return null;
        }
        var activation = (FusedActivation)(options?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }

        ValueSpec input = context.Value(inputIndex);
        ValueSpec output = context.Value(outputIndex);
        TfliteTensor weights = context.Tensor(weightsIndex);
        ElementType? weightsType = context.ElementTypeOf(weightsIndex);
        ElementType? biasType = biasIndex >= 0 ? context.ElementTypeOf(biasIndex) : null;
        bool supported = (input.Type, weightsType, output.Type, biasType) switch
        {
            (ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32 or null) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int8, ElementType.Int32 or null) => true,
            (ElementType.Int16, ElementType.Int8, ElementType.Int16, ElementType.Int64 or ElementType.Int16 or null) => true,
            _ => false,
        };
        if (!supported)
        {
            context.ReportUnsupported(op,
                $"the type combination input {input.Type.ModelName()}, weights {weightsType?.ModelName() ?? weights.Type.ToString()}, bias {biasType?.ModelName() ?? "none"}, output {output.Type.ModelName()} is not supported; " +
                "supported: float32 (float32 weights and bias), int8 (int8 weights, int32 bias), int16 (int8 weights, int64 or int16 bias)");
            return null;
        }

        if (input.Shape.Count != 4 || weights.Shape.Count != 4 || output.Shape.Count != 4)
        {
            context.ReportUnsupported(op, $"input {input.ShapeText}, weights [{string.Join(",", weights.Shape)}] and output {output.ShapeText} must all be 4-D (NHWC; weights [out_ch, h, w, in_ch])");
            return null;
        }
        int batches = input.Shape[0], inputHeight = input.Shape[1], inputWidth = input.Shape[2], inputDepth = input.Shape[3];
        int outputDepth = weights.Shape[0], filterHeight = weights.Shape[1], filterWidth = weights.Shape[2];
        int outputHeight = output.Shape[1], outputWidth = output.Shape[2];
        bool fits = batches > 0 && inputHeight > 0 && inputWidth > 0 && inputDepth > 0
            && outputDepth > 0 && filterHeight > 0 && filterWidth > 0 && outputHeight > 0 && outputWidth > 0
            && output.Shape[0] == batches && weights.Shape[3] == inputDepth && output.Shape[3] == outputDepth;
        if (!fits)
        {
            context.ReportUnsupported(op, $"the shapes do not fit: input {input.ShapeText}, weights [{string.Join(",", weights.Shape)}], output {output.ShapeText}; " +
                "expected input [b, h, w, in_ch], weights [out_ch, fh, fw, in_ch], output [b, oh, ow, out_ch], all non-empty");
            return null;
        }
        if (biasIndex >= 0 && context.Tensor(biasIndex).Shape.Aggregate(1L, (n, d) => n * d) != outputDepth)
        {
            context.ReportUnsupported(op, $"the bias has shape [{string.Join(",", context.Tensor(biasIndex).Shape)}]; expected {outputDepth} values, one per output channel");
            return null;
        }

        int padHeight = ShapeMath.TransposeConvPadding(padding, strideHeight, outputHeight, filterHeight);
        int padWidth = ShapeMath.TransposeConvPadding(padding, strideWidth, outputWidth, filterWidth);
        ActivationRange range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
        string prefix = $"Layer{op.Index}";
        string weightsShape = $"[{outputDepth},{filterHeight},{filterWidth},{inputDepth}]";
        var layer = new TransposeConvLayer(op.Index,
            new EquatableArray<int>(new[] { inputIndex }), new EquatableArray<int>(new[] { outputIndex }),
            input.Type, batches, inputHeight, inputWidth, inputDepth, filterHeight, filterWidth,
            outputHeight, outputWidth, outputDepth, strideHeight, strideWidth, padding, padHeight, padWidth,
            Weights: "", Bias: null, InputOffset: 0, OutputZeroPoint: 0, Multiplier: 0, Shift: 0,
            PerChannelMultipliers: null, PerChannelShifts: null, RealMultiplier: 0, range);

        if (input.Type == ElementType.Float32)
        {
            return layer with
            {
                Weights = context.AddConstant(prefix + "Weights", ElementType.Float32, context.ConstantBytes(weightsIndex).ToArray(), $"weights, float32{weightsShape}"),
                Bias = biasIndex >= 0
                    ? context.AddConstant(prefix + "Bias", ElementType.Float32, context.ConstantBytes(biasIndex).ToArray(), $"bias, float32[{outputDepth}]")
                    : null,
            };
        }

        TfliteQuantization? weightsQuantization = weights.Quantization;
        if (input.Quantization is null || output.Quantization is null || weightsQuantization is null || weightsQuantization.Scale.Count == 0)
        {
            context.ReportUnsupported(op, "an integer TRANSPOSE_CONV needs quantization parameters on its input, weights and output");
            return null;
        }
        if (weightsQuantization.IsPerChannel && (weightsQuantization.Scale.Count != outputDepth || weightsQuantization.QuantizedDimension != 0))
        {
            context.ReportUnsupported(op, $"the weights have {weightsQuantization.Scale.Count} scales along dimension {weightsQuantization.QuantizedDimension}; " +
                $"per-channel weights need one scale per output channel ({outputDepth}) along dimension 0");
            return null;
        }

        layer = layer with
        {
            Weights = context.AddConstant(prefix + "Weights", ElementType.Int8, context.ConstantBytes(weightsIndex).ToArray(), $"weights, int8{weightsShape}"),
        };
        if (input.Type == ElementType.Int8)
        {
            layer = layer with
            {
                InputOffset = -input.Quantization.ZeroPoint,
                OutputZeroPoint = output.Quantization.ZeroPoint,
                Bias = biasIndex >= 0
                    ? context.AddConstant(prefix + "Bias", ElementType.Int32, context.ConstantBytes(biasIndex).ToArray(), $"bias, int32[{outputDepth}]")
                    : null,
            };
        }
        else if (biasIndex >= 0)
        {
            // TFLM widens a legacy int16 bias to int64 before the kernel runs; do it once, here.
            byte[] bias = biasType == ElementType.Int16
                ? ConstantData.ToBytes(ConstantData.As<short>(context.ConstantBytes(biasIndex)).Select(b => (long)b).ToArray())
                : context.ConstantBytes(biasIndex).ToArray();
            string description = biasType == ElementType.Int16 ? $"bias, int16[{outputDepth}] widened to int64" : $"bias, int64[{outputDepth}]";
            layer = layer with { Bias = context.AddConstant(prefix + "Bias", ElementType.Int64, bias, description) };
        }

        // TFLM (PopulateConvolutionQuantizationParams) derives one multiplier per output channel, in double,
        // broadcasting a per-tensor weight scale; a single shared multiplier is the same numbers.
        float inputScale = input.Quantization.Scale, outputScale = output.Quantization.Scale;
        if (weightsQuantization.IsPerChannel)
        {
            (int[] multipliers, int[] shifts) = QuantizationMath.PerChannelMultipliers(inputScale, weightsQuantization.Scale, outputScale, outputDepth);
            return layer with
            {
                PerChannelMultipliers = context.AddConstant(prefix + "Multipliers", ElementType.Int32, ConstantData.ToBytes(multipliers), $"per-channel requantization multipliers, int32[{outputDepth}]"),
                PerChannelShifts = context.AddConstant(prefix + "Shifts", ElementType.Int32, ConstantData.ToBytes(shifts), $"per-channel requantization exponents, int32[{outputDepth}]"),
            };
        }
        double real = QuantizationMath.PerChannelConvolutionMultiplier(inputScale, weightsQuantization.Scale[0], outputScale);
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return layer with { Multiplier = multiplier, Shift = shift, RealMultiplier = real };
    }
}
