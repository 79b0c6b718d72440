using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// What CONV_2D and DEPTHWISE_CONV_2D share when they are lowered, as TensorFlow Lite Micro's
/// conv_common.cc and depthwise_conv_common.cc compute it: operand checks, the type combinations TFLM
/// runs, the window and padding (TFLite's <c>ComputePaddingHeightWidth</c>), the per-channel
/// requantization (<c>PopulateConvolutionQuantizationParams</c>).
/// </summary>
internal static class ConvolutionLowering
{
    /// <summary>The operands of a convolution, checked: 4-D tensors, constant filter and bias, a supported type combination.</summary>
    internal sealed record Operands(
        int Input,
        int Filter,
        int Bias,
        int Output,
        ValueSpec InputValue,
        ValueSpec OutputValue,
        TfliteTensor FilterTensor,
        ElementType? BiasType);

    /// <summary>The options both convolutions carry.</summary>
    internal sealed record WindowOptions(PaddingKind Padding, int StrideWidth, int StrideHeight, int DilationWidth, int DilationHeight, FusedActivation Activation)
    {
        /// <summary>Reads the options from their field ids in the operator's options table (schema.fbs); absent dilations are 1.</summary>
        public static WindowOptions Read(FlatTable? options, int padding, int strideWidth, int strideHeight, int dilationWidth, int dilationHeight, int activation) => new(
            (PaddingKind)(options?.GetByte(padding) ?? 0),
            options?.GetInt(strideWidth) ?? 0,
            options?.GetInt(strideHeight) ?? 0,
            options?.GetInt(dilationWidth, 1) ?? 1,
            options?.GetInt(dilationHeight, 1) ?? 1,
            (FusedActivation)(options?.GetByte(activation) ?? 0));
    }

    public const string SupportedTypes =
        "float32 (float32 filter and bias), int8 (int8 filter, int32 bias), int16 activations with an int8 filter and an int64 bias";

    /// <summary>Checks inputs (input, filter[, bias]), the output, constant data and types; reports and returns null on failure.</summary>
    public static Operands? ReadOperands(LoweringContext context, TfliteOperator op, bool allowInt32BiasForInt16)
    {
        if (op.Inputs.Count is < 2 or > 3 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, filter[, bias]) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int input = op.Inputs[0], filter = op.Inputs[1], output = op.Outputs[0];
        int bias = op.Inputs.Count > 2 ? op.Inputs[2] : -1;
        if (input < 0 || filter < 0 || output < 0)
        {
            context.ReportUnsupported(op, "the input, filter and output tensors are required");
            return null;
        }
        if (!context.IsConstant(filter))
        {
            context.ReportUnsupported(op, "the filter is computed at run time; TinyModel compiles convolutions with a constant filter");
            return null;
        }
        if (bias >= 0 && !context.IsConstant(bias))
        {
            context.ReportUnsupported(op, "the bias is computed at run time; TinyModel compiles convolutions with a constant bias");
            return null;
        }

        ValueSpec inputValue = context.Value(input);
        ValueSpec outputValue = context.Value(output);
        TfliteTensor filterTensor = context.Tensor(filter);
        ElementType? filterType = context.ElementTypeOf(filter);
        ElementType? biasType = bias >= 0 ? context.ElementTypeOf(bias) : null;
        bool supported = (inputValue.Type, filterType, outputValue.Type, biasType) switch
        {
            (ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32 or null) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int8, ElementType.Int32 or null) => true,
            (ElementType.Int16, ElementType.Int8, ElementType.Int16, ElementType.Int64 or null) => true,
            (ElementType.Int16, ElementType.Int8, ElementType.Int16, ElementType.Int32) => allowInt32BiasForInt16,
            _ => false,
        };
        if (!supported)
        {
            context.ReportUnsupported(op,
                $"the type combination input {inputValue.Type.ModelName()}, filter {filterType?.ModelName() ?? filterTensor.Type.ToString().ToLowerInvariant()}, " +
                $"bias {biasType?.ModelName() ?? "none"}, output {outputValue.Type.ModelName()} is not supported; supported: " + SupportedTypes +
                (allowInt32BiasForInt16 ? " or an int32 bias" : string.Empty));
            return null;
        }
        if (inputValue.Shape.Count != 4 || filterTensor.Shape.Count != 4 || outputValue.Shape.Count != 4)
        {
            context.ReportUnsupported(op, $"the input {inputValue.ShapeText}, filter [{string.Join(",", filterTensor.Shape)}] and output {outputValue.ShapeText} must all be 4-D (NHWC)");
            return null;
        }
        if (inputValue.Shape.Concat(filterTensor.Shape).Concat(outputValue.Shape).Any(d => d <= 0))
        {
            context.ReportUnsupported(op, $"a tensor is empty: input {inputValue.ShapeText}, filter [{string.Join(",", filterTensor.Shape)}], output {outputValue.ShapeText}");
            return null;
        }
        return new Operands(input, filter, bias, output, inputValue, outputValue, filterTensor, biasType);
    }

    /// <summary>Checks strides and dilations, computes the padding as TFLite does and checks the output shape against it.</summary>
    public static ConvolutionGeometry? Geometry(LoweringContext context, TfliteOperator op, Operands operands, WindowOptions options, int outputChannels)
    {
        if (options.StrideWidth <= 0 || options.StrideHeight <= 0 || options.DilationWidth <= 0 || options.DilationHeight <= 0)
        {
            context.ReportUnsupported(op, $"stride {options.StrideHeight}×{options.StrideWidth} and dilation {options.DilationHeight}×{options.DilationWidth} must be positive");
            return null;
        }
        if (options.Padding is not (PaddingKind.Same or PaddingKind.Valid))
        {
            context.ReportUnsupported(op, $"padding {(int)options.Padding} is not supported; supported: SAME, VALID");
            return null;
        }
        var input = operands.InputValue.Shape;
        var output = operands.OutputValue.Shape;
        var filter = operands.FilterTensor.Shape;
        int filterHeight = filter[1], filterWidth = filter[2];
        int outHeight = ShapeMath.WindowOutputSize(options.Padding, input[1], filterHeight, options.StrideHeight, options.DilationHeight);
        int outWidth = ShapeMath.WindowOutputSize(options.Padding, input[2], filterWidth, options.StrideWidth, options.DilationWidth);
        if (input[0] != output[0] || output[1] != outHeight || output[2] != outWidth || output[3] != outputChannels)
        {
            context.ReportUnsupported(op,
                $"the output shape {operands.OutputValue.ShapeText} does not match the input {operands.InputValue.ShapeText} and the {filterHeight}×{filterWidth} window " +
                $"with {options.Padding.ToString().ToUpperInvariant()} padding, stride {options.StrideHeight}×{options.StrideWidth} and dilation {options.DilationHeight}×{options.DilationWidth}: " +
                $"expected [{input[0]},{outHeight},{outWidth},{outputChannels}]");
            return null;
        }
        return new ConvolutionGeometry(
            input[0], input[1], input[2], input[3],
            outHeight, outWidth, outputChannels,
            filterHeight, filterWidth,
            options.StrideHeight, options.StrideWidth, options.DilationHeight, options.DilationWidth,
            options.Padding,
            ShapeMath.WindowPadding(options.StrideHeight, input[1], filterHeight, outHeight, options.DilationHeight),
            ShapeMath.WindowPadding(options.StrideWidth, input[2], filterWidth, outWidth, options.DilationWidth));
    }

    /// <summary>
    /// Adds the float32 or integer bias as a constant of its own type (<paramref name="name"/> is null when
    /// the operator has none); reports and returns false when it does not hold one value per channel.
    /// </summary>
    public static bool TryAddBias(LoweringContext context, TfliteOperator op, Operands operands, string prefix, int channels, out string? name)
    {
        name = null;
        if (operands.Bias < 0)
        {
            return true;
        }
        ElementType type = operands.BiasType!.Value;
        int count = context.ConstantBytes(operands.Bias).Length / type.Size();
        if (count != channels)
        {
            context.ReportUnsupported(op, $"the bias has {count} values for {channels} output channels");
            return false;
        }
        name = context.AddConstant(prefix + "Bias", type, context.ConstantBytes(operands.Bias).ToArray(), $"bias, {type.ModelName()}[{channels}]");
        return true;
    }

    /// <summary>
    /// The integer requantization: TFLM's per-channel multipliers (computed in double, for per-tensor
    /// filters too, by broadcasting the one scale), after checking the zero points TFLM's kernels assume.
    /// </summary>
    public static ChannelRequantization? Requantization(LoweringContext context, TfliteOperator op, Operands operands, string prefix,
        int channels, int quantizedDimension, bool wideAccumulator)
    {
        QuantizationSpec? input = operands.InputValue.Quantization;
        QuantizationSpec? output = operands.OutputValue.Quantization;
        TfliteQuantization? filter = operands.FilterTensor.Quantization;
        if (input is null || output is null || filter is null || filter.Scale.Count == 0)
        {
            context.ReportUnsupported(op, "an integer convolution needs quantization parameters on its input, filter and output");
            return null;
        }
        if (filter.IsPerChannel && (filter.Scale.Count != channels || filter.QuantizedDimension != quantizedDimension))
        {
            context.ReportUnsupported(op, $"the filter has {filter.Scale.Count} scales along dimension {filter.QuantizedDimension}; per-channel quantization needs {channels} along dimension {quantizedDimension}");
            return null;
        }
        if (filter.ZeroPoint.Any(z => z != 0))
        {
            context.ReportUnsupported(op, "the filter has a nonzero zero point; TFLite's integer convolutions take symmetric int8 filters (zero point 0)");
            return null;
        }
        if (operands.InputValue.Type == ElementType.Int16 && (input.ZeroPoint != 0 || output.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, $"int16 activations must be symmetric (zero point 0); the input has {input.ZeroPoint} and the output {output.ZeroPoint}");
            return null;
        }

        (int[] multipliers, int[] shifts) = QuantizationMath.PerChannelMultipliers(input.Scale, filter.Scale, output.Scale, channels);
        double real0 = QuantizationMath.PerChannelConvolutionMultiplier(input.Scale, filter.Scale[0], output.Scale);
        bool uniform = multipliers.All(m => m == multipliers[0]) && shifts.All(s => s == shifts[0]);
        if (uniform)
        {
            return new ChannelRequantization(multipliers[0], shifts[0], null, null, real0, output.ZeroPoint, wideAccumulator);
        }
        return new ChannelRequantization(0, 0,
            context.AddConstant(prefix + "Multipliers", ElementType.Int32, ConstantData.ToBytes(multipliers), $"per-channel requantization multipliers, int32[{channels}]"),
            context.AddConstant(prefix + "Shifts", ElementType.Int32, ConstantData.ToBytes(shifts), $"per-channel requantization exponents, int32[{channels}]"),
            real0, output.ZeroPoint, wideAccumulator);
    }
}
