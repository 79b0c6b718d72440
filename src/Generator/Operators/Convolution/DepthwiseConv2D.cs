using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// DEPTHWISE_CONV_2D (TFLM depthwise_conv.cc, depthwise_conv_common.cc): float32, int8 (int32 bias) and
/// int16 activations with int8 filters (int64 bias), per-tensor or per-channel quantization, SAME or
/// VALID padding, any stride, dilation and depth multiplier, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
/// <remarks>
/// The kernel: for each output pixel, a row of accumulators (one per output channel) is advanced filter row
/// by filter row: the input channels under each tap times the tap's contiguous row of weights, element by
/// element (<see cref="TinyModel.MultiplyAccumulate"/>, SIMD with the accumulators in registers across a row's
/// taps), or with a depth multiplier, tap by tap, each input value times its multiplier's weights. Each
/// accumulator receives its products in TFLM's order (filter row, then column), so float sums equal TFLM's.
/// </remarks>
internal sealed partial class DepthwiseConv2D : OperatorDefinition<DepthwiseConv2DLayer>
{
    // DepthwiseConv2DOptions in schema.fbs.
    private const int OptionPadding = 0, OptionStrideW = 1, OptionStrideH = 2, OptionDepthMultiplier = 3, OptionActivation = 4,
        OptionDilationW = 5, OptionDilationH = 6;

    public DepthwiseConv2D()
        : base(BuiltinOperator.DepthwiseConv2D)
    {
    }

    /// <inheritdoc/>
    /// <remarks>TFLM's int16 depthwise kernel takes an int64 bias or none.</remarks>
    public override TypeSupport Types { get; } = WeightedKernelTypes.InputWeightsBias(ElementType.Int64).WithInputNames("input", "filter", "bias");

    public override string Notes =>
        "operands (input, filter, bias) → output; constant filter and bias; int8 filter per-tensor or per-channel; SAME or VALID padding, any stride, dilation and depth multiplier; fused NONE, RELU, RELU_N1_TO_1 or RELU6";

    protected override DepthwiseConv2DLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (ConvolutionOperands.Read(context, op) is not { } operands)
        {
            return null;
        }
        FlatTable? options = op.BuiltinOptions;
        var window = ConvolutionWindowOptions.Read(options, OptionPadding, OptionStrideW, OptionStrideH, OptionDilationW, OptionDilationH, OptionActivation);
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
        if (ConvolutionGeometry.Lower(context, op, operands, window, outputChannels) is not { } geometry)
        {
            return null;
        }

        string prefix = $"Layer{op.Index}";
        ElementType type = operands.InputValue.Type;
        if (!operands.TryAddBias(context, op, prefix, outputChannels, out string? bias))
        {
            return null;
        }
        ChannelRequantization? requantization = null;
        int inputOffset = 0;
        if (type != ElementType.Float32)
        {
            // TFLM's int16 depthwise kernel always accumulates in int64.
            requantization = ChannelRequantization.Lower(context, op, operands, prefix, outputChannels, quantizedDimension: 3,
                wideAccumulator: type == ElementType.Int16);
            if (requantization is null)
            {
                return null;
            }
            inputOffset = -operands.InputValue.Quantization!.ZeroPoint;
        }

        ActivationRange range = QuantizationMath.ActivationRange(window.Activation, operands.OutputValue.Type, operands.OutputValue.Quantization);
        return new DepthwiseConv2DLayer(op.Index,
            new EquatableArray<int>(new[] { operands.Input }),
            new EquatableArray<int>(new[] { operands.Output }),
            type, geometry, depthMultiplier, LayerWeights.FromModel(context, operands.Filter), bias, inputOffset, requantization, range);
    }

    protected override void EmitLayer(SourceWriter writer, DepthwiseConv2DLayer layer, EmitContext context)
    {
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string weightType = quantized ? "sbyte" : "float";
        string acc = !quantized ? "float" : layer.Requantization!.WideAccumulator ? "long" : "int";
        int m = layer.DepthMultiplier;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DEPTHWISE_CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// One {g.FilterHeight}×{g.FilterWidth} filter per output channel{(m > 1 ? $", {m} per input channel (depth multiplier {m})" : string.Empty)}; {g.Describe()}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        if (quantized && layer.InputOffset != 0)
        {
            writer.WriteLine($"/// Input values are offset by {layer.InputOffset} (minus the input zero point) before they are multiplied, as TFLM does.");
        }
        // With one input channel, each output channel is an ordinary convolution of that channel: CONV_2D's kernel.
        bool asConvolution = layer.Type == ElementType.Int8 && g.InputChannels == 1 && PairedInt8Convolution.Supports(g);
        bool paired = layer.Type == ElementType.Int8 && m == 1 && !asConvolution && PairedInt8Depthwise.Supports(g);
        bool floatKernel = layer.Type == ElementType.Float32 && m == 1;
        string start = quantized && layer.Bias is not null ? "the bias" : "zero";
        writer.WriteLine(asConvolution
            ? $"/// With one input channel this is an ordinary convolution. {PairedInt8Convolution.Describe(g)}"
            : paired
            ? $"/// {PairedInt8Depthwise.Describe(g)}"
            : floatKernel
            ? $"/// {FloatConvolutionKernels.DescribeDepthwise(g)}"
            : $"/// Per output pixel, the accumulators start from {start} and gather, filter row by filter row, each channel's input times its weight; taps in the padding are skipped.");
        writer.WriteLine($"/// {ConvolutionLoops.DescribeOutput(layer.Requantization, layer.Activation, acc)}");
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (asConvolution || paired)
        {
            // TFLite's depthwise filter is [1, ky, kx, oc]; with one input channel, that channel is ic = 0.
            byte[] bytes = layer.Filter.AsImmutableArray().AsSpan().ToArray();
            if (asConvolution)
            {
                PairedInt8Convolution.Write(writer, context, layer, g, (oc, ky, kx, _) => unchecked((sbyte)bytes[(ky * g.FilterWidth + kx) * g.OutputChannels + oc]),
                    layer.Bias, layer.InputOffset, layer.Requantization!, layer.Activation);
            }
            else
            {
                PairedInt8Depthwise.Write(writer, context, layer, g, bytes, layer.Bias, layer.InputOffset, layer.Requantization!, layer.Activation);
            }
            writer.CloseBlock();
            return;
        }
        if (floatKernel)
        {
            FloatConvolutionKernels.WriteDepthwise(writer, context, layer);
            writer.CloseBlock();
            return;
        }
        // TFLite's [1, ky, kx, oc] is already the layout the kernel reads: one contiguous row of channels per tap.
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);
        string weights = LayerWeights.AddConstant(context, layer, weightsType, layer.Filter.AsImmutableArray().AsSpan().ToArray(),
            $"filter, {weightsType.ModelName()}[{g.FilterHeight},{g.FilterWidth},{g.OutputChannels}] (ky, kx, output channel)");
        ConvolutionLoops.WriteConstants(writer, context, weights, weightType, layer.Bias, acc, layer.Requantization, acc, g.OutputChannels);
        ConvolutionLoops.OpenPixels(writer, g, t, t);
        writer.WriteLine(quantized && layer.Bias is not null ? "bias.CopyTo(acc);" : "acc.Clear();");

        bool offset = layer.Type == ElementType.Int8;
        if (m == 1)
        {
            // One call per filter row: the accumulators stay in registers across the row's taps.
            ConvolutionLoops.WriteTapRows(writer, g, t, weightType, (start, taps) =>
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddTapProducts(acc, image.Slice({start}), {g.DilationWidth * g.InputChannels}, {taps}{(offset ? $", {layer.InputOffset}" : string.Empty)}, rowWeights);"));
        }
        else
        {
            ConvolutionLoops.WriteTaps(writer, g, t, weightType, g.OutputChannels, () =>
            {
                string value = offset && layer.InputOffset != 0 ? $"pixel[ic] + {layer.InputOffset}" : "pixel[ic]";
                writer.OpenBlock($"for (int ic = 0; ic < {g.InputChannels}; ic++)");
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.Add(acc.Slice(ic * {m}, {m}), {value}, tapWeights.Slice(ic * {m}, {m}));");
                writer.CloseBlock();
            });
        }

        if (quantized)
        {
            ConvolutionLoops.WriteIntegerOutput(writer, layer.Requantization!, layer.Activation, t, g.OutputChannels);
        }
        else
        {
            ConvolutionLoops.WriteFloatOutput(writer, layer.Bias is not null, layer.Activation, g.OutputChannels);
        }
        ConvolutionLoops.ClosePixels(writer, g);
        writer.CloseBlock();
    }
}

/// <summary>
/// DEPTHWISE_CONV_2D: <c>output[b, oy, ox, ic·M + m] = act(Σ_{ky, kx} input[b, iy, ix, ic] · filter[0, ky, kx, ic·M + m] + bias[ic·M + m])</c>
/// over the taps inside the input, with <c>M</c> the depth multiplier.
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Geometry">Shapes, strides, dilation and padding.</param>
/// <param name="DepthMultiplier">Output channels per input channel.</param>
/// <param name="Filter">The filter's bytes as the model stores them, TFLite's <c>[1, ky, kx, oc]</c>; each flavor's emitter lays it out for its kernel.</param>
/// <param name="Bias">The bias constant (float32, int32 or int64), or null.</param>
/// <param name="InputOffset">Minus the input zero point (int8), added to every input value as TFLM does.</param>
/// <param name="Requantization">The output scaling of integer layers; null for float32.</param>
/// <param name="Activation">The output clamp.</param>
internal sealed record DepthwiseConv2DLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ConvolutionGeometry Geometry,
    int DepthMultiplier,
    EquatableArray<byte> Filter,
    string? Bias,
    int InputOffset,
    ChannelRequantization? Requantization,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "DEPTHWISE_CONV_2D", Inputs, Outputs)
{
    public override long MacCount => (long)Geometry.Batches * Geometry.OutputHeight * Geometry.OutputWidth * Geometry.OutputChannels
        * Geometry.FilterHeight * Geometry.FilterWidth;
}
