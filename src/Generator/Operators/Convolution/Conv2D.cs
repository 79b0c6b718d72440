using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// CONV_2D (TFLM conv.cc, conv_common.cc): float32, int8 (int32 bias) and int16 activations with int8
/// filters (int64 bias, or int32 or none), per-tensor or per-channel quantization, SAME or VALID padding,
/// any stride and dilation, grouped filters, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
/// <remarks>
/// The kernel: for each output pixel, a row of accumulators (one per output channel) is advanced by runs of
/// input values: under each filter row the covered pixels are contiguous, and each input value multiplies its
/// contiguous row of weights for every output channel (<see cref="TinyModel.MultiplyAccumulate"/>, SIMD with
/// the accumulators in registers where available). Each accumulator still receives its products in TFLM's
/// order (filter row, column, input channel), so float sums equal TFLM's, and integer ones wrap as TFLM's
/// int32 sums do.
/// </remarks>
internal sealed partial class Conv2D : OperatorDefinition<Conv2DLayer>
{
    // Conv2DOptions in schema.fbs.
    private const int OptionPadding = 0, OptionStrideW = 1, OptionStrideH = 2, OptionActivation = 3, OptionDilationW = 4, OptionDilationH = 5;

    public Conv2D()
        : base(BuiltinOperator.Conv2D)
    {
    }

    /// <inheritdoc/>
    /// <remarks>TFLM's int16 kernels take an int64 bias, an int32 one (conv only) or none.</remarks>
    public override TypeSupport Types { get; } = WeightedKernelTypes.InputWeightsBias(ElementType.Int64, ElementType.Int32).WithInputNames("input", "filter", "bias");

    public override string Notes =>
        "operands (input, filter, bias) → output; constant filter and bias; int8 filter per-tensor or per-channel; SAME or VALID padding, any stride and dilation, grouped filters; fused NONE, RELU, RELU_N1_TO_1 or RELU6";

    protected override Conv2DLayer? LowerLayer(LoweringContext context, TfliteOperator op)
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
        int outputChannels = filterShape[0], filterChannels = filterShape[3];
        int inputChannels = operands.InputValue.Shape[3];
        if (inputChannels % filterChannels != 0 || outputChannels % (inputChannels / filterChannels) != 0)
        {
            context.ReportUnsupported(op, $"the filter [{string.Join(",", filterShape)}] does not fit the input {operands.InputValue.ShapeText}: " +
                "the input channels must be a multiple of the filter's, and the output channels a multiple of the groups that makes");
            return null;
        }
        int groups = inputChannels / filterChannels;
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
            // TFLM runs int16 convolutions with an int64 accumulator only when the bias is int64.
            bool wide = type == ElementType.Int16 && operands.BiasType == ElementType.Int64;
            requantization = ChannelRequantization.Lower(context, op, operands, prefix, outputChannels, quantizedDimension: 0, wide);
            if (requantization is null)
            {
                return null;
            }
            inputOffset = -operands.InputValue.Quantization!.ZeroPoint;
        }

        ActivationRange range = QuantizationMath.ActivationRange(window.Activation, operands.OutputValue.Type, operands.OutputValue.Quantization);
        return new Conv2DLayer(op.Index,
            new EquatableArray<int>(new[] { operands.Input }),
            new EquatableArray<int>(new[] { operands.Output }),
            type, geometry, groups, LayerWeights.FromModel(context, operands.Filter), bias, inputOffset, requantization, range);
    }

    protected override void EmitLayer(SourceWriter writer, Conv2DLayer layer, EmitContext context)
    {
        ConvolutionGeometry g = layer.Geometry;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string weightType = quantized ? "sbyte" : "float";
        string acc = !quantized ? "float" : layer.Requantization!.WideAccumulator ? "long" : "int";
        string biasType = !quantized ? "float" : layer.Type == ElementType.Int8 ? "int" : layer.Requantization!.WideAccumulator ? "long" : "int";

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CONV_2D: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {g.OutputChannels} filters of {g.FilterHeight}×{g.FilterWidth}×{layer.FilterChannels}; {g.Describe()}{(layer.Groups > 1 ? $"; {layer.Groups} groups" : string.Empty)}{(layer.Bias is null ? "; no bias" : string.Empty)}.");
        if (quantized && layer.InputOffset != 0)
        {
            writer.WriteLine($"/// Input values are offset by {layer.InputOffset} (minus the input zero point) before they are multiplied, as TFLM does.");
        }
        bool paired = layer.Type == ElementType.Int8 && layer.Groups == 1 && PairedInt8Convolution.Supports(g);
        // TFLite's filter is [oc, ky, kx, ic].
        byte[] bytes = layer.Filter.AsImmutableArray().AsSpan().ToArray();
        Func<int, int, int, int, sbyte> filter = (oc, ky, kx, ic) => unchecked((sbyte)bytes[((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * g.InputChannels + ic]);
        bool winograd = paired && WinogradInt8Convolution.Applies(g, filter, layer.InputOffset);
        bool floatKernel = layer.Type == ElementType.Float32 && layer.Groups == 1 && FloatConvolutionKernels.SupportsConvolution(g, layer.Filter);
        string start = quantized && layer.Bias is not null ? "the bias" : "zero";
        writer.WriteLine(winograd
            ? $"/// {WinogradInt8Convolution.Describe(g, filter, layer.InputOffset)}"
            : paired
            ? $"/// {PairedInt8Convolution.Describe(g)}"
            : floatKernel
            ? $"/// {FloatConvolutionKernels.DescribeConvolution(g)}"
            : $"/// Per output pixel, the accumulators start from {start} and gather the products of each filter row in one call (input channels under the row times their rows of weights); taps in the padding are skipped.");
        writer.WriteLine($"/// {ConvolutionLoops.DescribeOutput(layer.Requantization, layer.Activation, acc)}");
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (winograd)
        {
            WinogradInt8Convolution.Write(writer, context, layer, g, filter, layer.Bias, layer.InputOffset, layer.Requantization!, layer.Activation);
            writer.CloseBlock();
            return;
        }
        if (paired)
        {
            PairedInt8Convolution.Write(writer, context, layer, g, filter, layer.Bias, layer.InputOffset, layer.Requantization!, layer.Activation);
            writer.CloseBlock();
            return;
        }
        if (floatKernel)
        {
            FloatConvolutionKernels.WriteConvolution(writer, context, layer);
            writer.CloseBlock();
            return;
        }
        ConvolutionLoops.WriteConstants(writer, context, AddWeights(context, layer), weightType, layer.Bias, biasType, layer.Requantization, acc, g.OutputChannels);
        ConvolutionLoops.OpenPixels(writer, g, t, t);
        writer.WriteLine(quantized && layer.Bias is not null ? "bias.CopyTo(acc);" : "acc.Clear();");

        int groupOutputs = layer.GroupOutputChannels;
        int tapSize = g.InputChannels * groupOutputs;
        string offset = layer.Type == ElementType.Int8 ? $", {layer.InputOffset}" : string.Empty;
        if (layer.Groups == 1 && g.DilationWidth == 1)
        {
            // Under each filter row the covered input is one run of values: one call per row.
            ConvolutionLoops.WriteRowRuns(writer, g, t, weightType, tapSize, () =>
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc, run{offset}, runWeights);"));
        }
        else
        {
            ConvolutionLoops.WriteTaps(writer, g, t, weightType, tapSize, () =>
            {
                if (layer.Groups == 1)
                {
                    writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc, pixel{offset}, tapWeights);");
                    return;
                }
                int fc = layer.FilterChannels;
                writer.OpenBlock($"for (int group = 0; group < {layer.Groups}; group++)");
                writer.WriteLine($"global::TinyModel.MultiplyAccumulate.AddRun(acc.Slice(group * {groupOutputs}, {groupOutputs}), pixel.Slice(group * {fc}, {fc}){offset}, tapWeights.Slice(group * {fc * groupOutputs}, {fc * groupOutputs}));");
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

    /// <summary>
    /// Adds the filter re-laid from TFLite's [oc, ky, kx, ic] to [ky, kx, input channel, oc-in-group], so that
    /// one input value multiplies a contiguous row of output channels (the kernel's SIMD rows); returns its name.
    /// </summary>
    private static string AddWeights(EmitContext context, Conv2DLayer layer)
    {
        ConvolutionGeometry g = layer.Geometry;
        ElementType type = LayerWeights.TypeFor(layer.Type);
        int elementSize = type.Size();
        ReadOnlySpan<byte> source = layer.Filter.AsImmutableArray().AsSpan();
        int filterChannels = layer.FilterChannels, groupOutputs = layer.GroupOutputChannels;
        byte[] laid = new byte[source.Length];
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            int group = oc / groupOutputs, ocInGroup = oc % groupOutputs;
            for (int ky = 0; ky < g.FilterHeight; ky++)
            {
                for (int kx = 0; kx < g.FilterWidth; kx++)
                {
                    for (int fc = 0; fc < filterChannels; fc++)
                    {
                        int from = ((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * filterChannels + fc;
                        int ic = group * filterChannels + fc;
                        int to = ((ky * g.FilterWidth + kx) * g.InputChannels + ic) * groupOutputs + ocInGroup;
                        source.Slice(from * elementSize, elementSize).CopyTo(laid.AsSpan(to * elementSize, elementSize));
                    }
                }
            }
        }
        return LayerWeights.AddConstant(context, layer, type, laid,
            $"filter, {type.ModelName()}[{g.FilterHeight},{g.FilterWidth},{g.InputChannels},{groupOutputs}] (ky, kx, input channel, output channel{(layer.Groups > 1 ? " in group" : string.Empty)})");
    }
}

/// <summary>
/// CONV_2D: <c>output[b, oy, ox, oc] = act(Σ_{ky, kx, ic} input[b, iy, ix, g·FilterChannels + ic] · filter[oc, ky, kx, ic] + bias[oc])</c>
/// over the taps inside the input, with <c>g</c> the group of <c>oc</c> (grouped convolution when the
/// filter has fewer input channels than the input).
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Geometry">Shapes, strides, dilation and padding.</param>
/// <param name="Groups">How many groups the input channels split into (1 for an ordinary convolution).</param>
/// <param name="Filter">
/// The filter's bytes as the model stores them, TFLite's <c>[oc, ky, kx, ic]</c> (float32, or int8 for integer
/// layers). Each flavor's emitter lays it out for its kernel: the .NET one as <c>[ky, kx, ic, oc-in-group]</c>,
/// so that one input value multiplies a contiguous row of output channels.
/// </param>
/// <param name="Bias">The bias constant (float32, int32 or int64), or null.</param>
/// <param name="InputOffset">Minus the input zero point (int8), added to every input value as TFLM does.</param>
/// <param name="Requantization">The output scaling of integer layers; null for float32.</param>
/// <param name="Activation">The output clamp.</param>
internal sealed record Conv2DLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ConvolutionGeometry Geometry,
    int Groups,
    EquatableArray<byte> Filter,
    string? Bias,
    int InputOffset,
    ChannelRequantization? Requantization,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "CONV_2D", Inputs, Outputs)
{
    /// <summary>Input channels each filter reads.</summary>
    public int FilterChannels => Geometry.InputChannels / Groups;

    /// <summary>Output channels per group.</summary>
    public int GroupOutputChannels => Geometry.OutputChannels / Groups;

    public override long MacCount => (long)Geometry.Batches * Geometry.OutputHeight * Geometry.OutputWidth * Geometry.OutputChannels
        * Geometry.FilterHeight * Geometry.FilterWidth * FilterChannels;
}
