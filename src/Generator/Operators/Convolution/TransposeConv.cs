using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// TRANSPOSE_CONV (TFLM transpose_conv.cc with the reference kernels reference/transpose_conv.h and
/// reference/integer_ops/transpose_conv.h): inputs (output_shape, weights [out_ch, h, w, in_ch], input[, bias]).
/// float32; int8 with int8 weights (per-channel or per-tensor) and int32 bias; int16 with int8 weights and
/// int64 (or legacy int16) bias. SAME or VALID padding, any stride, fused NONE, RELU, RELU_N1_TO_1 or RELU6.
/// </summary>
/// <remarks>
/// <para>
/// Like TFLM, the output_shape input is not read: the output tensor's static shape decides. Like TFLM's
/// kernels, the int8 kernel ignores the weights' zero points (symmetric by TFLite's quantization spec) and
/// the int16 kernel ignores the input and output zero points (0 by the 16x8 spec). The fused activation is
/// applied for every type, as TFLM does since tflite-micro#3278 (before it, integer kernels ignored it).
/// </para>
/// <para>
/// The kernel: TFLM's reference kernels scatter: they zero an accumulator buffer the size of the output (int32,
/// int64 or the float output itself), add every input pixel's products into the output pixels it reaches, then
/// requantize the whole buffer. This kernel gathers instead: for each output element it visits the input pixels
/// that reach it, in TFLM's order (input row, then column, then channel, all ascending), in a local accumulator.
/// Integer sums are therefore identical (wrapping int32 additions commute), float sums are added in the same
/// order, and no scratch buffer is needed at all.
/// </para>
/// </remarks>
internal sealed partial class TransposeConv : OperatorDefinition<TransposeConvLayer>
{
    // TransposeConvOptions in schema.fbs.
    private const int OptionPadding = 0, OptionStrideWidth = 1, OptionStrideHeight = 2, OptionActivation = 3;

    public TransposeConv()
        : base(BuiltinOperator.TransposeConv)
    {
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The inputs are (output_shape, weights, input[, bias]): output_shape is int32 (TFLite's schema), the
    /// rest as in the other weighted kernels; TFLM's int16 kernel takes an int64 bias, a legacy int16 one or none.
    /// </remarks>
    public override TypeSupport Types { get; } = TypeSupport.Of(WeightedKernelTypes.Operands(ElementType.Int64, ElementType.Int16)
        .Select(c => (new ElementType?[] { ElementType.Int32, c.Weights, c.Input, c.Bias }, new[] { c.Input }))
        .ToArray())
        .WithInputNames("output_shape", "weights", "input", "bias");

    public override string Notes =>
        "operands (output_shape, weights, input, bias) → output; output_shape not read (the output tensor's static shape decides); constant weights and bias; int8 weights per-tensor or per-channel; SAME or VALID padding, any stride; fused NONE, RELU, RELU_N1_TO_1 or RELU6";

    protected override TransposeConvLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        // Types guarantees the operands (output_shape, weights, input[, bias]) and one output.
        int weightsIndex = op.Inputs[1], inputIndex = op.Inputs[2], outputIndex = op.Outputs[0];
        int biasIndex = op.Inputs.Count > 3 ? op.Inputs[3] : -1;
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
        if (!ShapeMath.IsWindowStep(strideWidth) || !ShapeMath.IsWindowStep(strideHeight))
        {
            context.ReportUnsupported(op, $"the strides are {strideHeight}x{strideWidth} (height x width); TRANSPOSE_CONV needs strides between 1 and {ShapeMath.MaxWindowStep}");
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
        ElementType? biasType = biasIndex >= 0 ? context.ElementTypeOf(biasIndex) : null;
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

        int padHeight = Padding(padding, strideHeight, outputHeight, filterHeight);
        int padWidth = Padding(padding, strideWidth, outputWidth, filterWidth);
        ActivationRange range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
        string prefix = $"Layer{op.Index}";
        var layer = new TransposeConvLayer(op.Index,
            new EquatableArray<int>(new[] { inputIndex }), new EquatableArray<int>(new[] { outputIndex }),
            input.Type, batches, inputHeight, inputWidth, inputDepth, filterHeight, filterWidth,
            outputHeight, outputWidth, outputDepth, strideHeight, strideWidth, padding, padHeight, padWidth,
            Weights: LayerWeights.FromModel(context, weightsIndex), Bias: null, InputOffset: 0, OutputZeroPoint: 0, Multiplier: 0, Shift: 0,
            PerChannelMultipliers: null, PerChannelShifts: null, RealMultiplier: 0, range);

        if (input.Type == ElementType.Float32)
        {
            return layer with
            {
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

    protected override void EmitLayer(SourceWriter writer, TransposeConvLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        string weightType = quantized ? "sbyte" : "float";
        string math = EmitContext.MathClass;

        WriteSummary(writer, layer, input, output, acc);
        writer.OpenBlock(context.Signature(layer));
        // TFLite's [out_ch, h, w, in_ch] is already the layout the kernel reads: a contiguous run of InputDepth weights per tap.
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);
        string weights = LayerWeights.AddConstant(context, layer, weightsType, layer.Weights.AsImmutableArray().AsSpan().ToArray(),
            $"weights, {weightsType.ModelName()}[{layer.OutputDepth},{layer.FilterHeight},{layer.FilterWidth},{layer.InputDepth}]");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> weights = {context.Constant(weights)};");
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> bias = {context.Constant(layer.Bias)};");
        }
        if (layer.PerChannelMultipliers is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> multipliers = {context.Constant(layer.PerChannelMultipliers)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> shifts = {context.Constant(layer.PerChannelShifts!)};");
        }

        int ih = layer.InputHeight, iw = layer.InputWidth, ic = layer.InputDepth;
        int fh = layer.FilterHeight, fw = layer.FilterWidth;
        int oh = layer.OutputHeight, ow = layer.OutputWidth, oc = layer.OutputDepth;
        int sh = layer.StrideHeight, sw = layer.StrideWidth;

        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{t}> image = input.Slice(b * {ih * iw * ic}, {ih * iw * ic});");
            writer.WriteLine($"{EmitContext.Span}<{t}> result = output.Slice(b * {oh * ow * oc}, {oh * ow * oc});");
        }
        string image = batched ? "image" : "input";
        string result = batched ? "result" : "output";

        OpenOutputPixelLoops(writer, layer, math);
        writer.WriteLine($"{EmitContext.Span}<{t}> y = {result}.Slice({Times($"oy * {ow} + ox", oc)}, {oc});");

        writer.OpenBlock($"for (int c = 0; c < {oc}; c++)");
        writer.WriteLine($"{acc} sum = {(quantized && layer.Bias is not null ? "bias[c]" : quantized ? "0" : "0f")};");
        writer.OpenBlock("for (int iy = iyFirst; iy <= iyLast; iy++)");
        // weights[c, fy, fx, :] starts at ((c * fh + fy) * fw + fx) * ic.
        writer.WriteLine($"int row = {Times($"c * {fh} + ty - {Times("iy", sh)}", fw)};");
        writer.OpenBlock("for (int ix = ixFirst; ix <= ixLast; ix++)");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{t}> x = {image}.Slice({Times($"iy * {iw} + ix", ic)}, {ic});");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> w = weights.Slice({Times($"row + tx - {Times("ix", sw)}", ic)}, {ic});");
        // TFLM multiplies (input + offset) by the weight in int32 and adds it to the accumulator type.
        string value = layer.InputOffset == 0 ? "x[i]" : $"(x[i] + {layer.InputOffset})";
        writer.OpenBlock($"for (int i = 0; i < {ic}; i++)");
        writer.WriteLine($"sum += {value} * w[i];");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();

        if (quantized)
        {
            string multiplier = layer.PerChannelMultipliers is null ? Literals.Int(layer.Multiplier) : "multipliers[c]";
            string shift = layer.PerChannelMultipliers is null ? Literals.Int(layer.Shift) : "shifts[c]";
            string zeroPoint = layer.OutputZeroPoint == 0 ? "" : $" + {layer.OutputZeroPoint}";
            writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(sum, {multiplier}, {shift}){zeroPoint};");
            writer.WriteLine($"y[c] = ({t}){math}.Min({math}.Max(scaled, {layer.Activation.QuantizedMin}), {layer.Activation.QuantizedMax});");
        }
        else
        {
            // TFLM adds the bias once every product is summed, then clamps.
            string total = layer.Bias is null ? "sum" : "sum + bias[c]";
            writer.WriteLine($"y[c] = {math}.Min({math}.Max({total}, {Literals.Float(layer.Activation.FloatMin)}), {Literals.Float(layer.Activation.FloatMax)});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    private static void WriteSummary(SourceWriter writer, TransposeConvLayer layer, ValueSpec input, ValueSpec output, string acc)
    {
        string padding = layer.Padding.ToString().ToUpperInvariant();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, TRANSPOSE_CONV: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// A {layer.FilterHeight}×{layer.FilterWidth} filter from {layer.InputDepth} to {layer.OutputDepth} channels, stride {layer.StrideHeight}×{layer.StrideWidth} (height×width), {padding} padding");
        writer.WriteLine($"/// ({layer.PadHeight} row(s), {layer.PadWidth} column(s) before the data): input pixel (iy, ix) spreads its products onto output pixels");
        string row = (layer.StrideHeight == 1 ? "iy" : $"iy·{layer.StrideHeight}") + (layer.PadHeight == 0 ? "" : $" − {layer.PadHeight}");
        string column = (layer.StrideWidth == 1 ? "ix" : $"ix·{layer.StrideWidth}") + (layer.PadWidth == 0 ? "" : $" − {layer.PadWidth}");
        writer.WriteLine($"/// ({row} + fy, {column} + fx). Each output element gathers the input pixels that reach it, in TFLM's order");
        writer.WriteLine($"/// (input row, column, channel), in a local {acc} accumulator; no scratch buffer.{(layer.Bias is null ? "" : " The bias is added")}{(layer.Bias is null ? "" : layer.Type == ElementType.Float32 ? " after the sum." : " to the sum.")}");
        if (layer.Type != ElementType.Float32)
        {
            string requant = layer.PerChannelMultipliers is null
                ? $"multiplier {layer.Multiplier} · 2^{layer.Shift} (≈ {Literals.Double(layer.RealMultiplier)})"
                : "a multiplier and exponent per output channel (per-channel weights)";
            string offsets = layer.Type == ElementType.Int8
                ? $"Inputs are offset by {layer.InputOffset} (minus their zero point); the output zero point {layer.OutputZeroPoint} is added after requantizing."
                : "As in TFLM's 16-bit kernel, no zero point is applied (they are 0 in 16x8 models).";
            writer.WriteLine($"/// The sum is requantized with {requant}. {offsets}");
            writer.WriteLine($"/// Fused activation {layer.Activation.Activation.ToString().ToUpperInvariant()}: clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}].");
        }
        else
        {
            writer.WriteLine($"/// Fused activation {layer.Activation.Activation.ToString().ToUpperInvariant()}: clamped to [{Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}].");
        }
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
    }

    /// <summary>
    /// Opens the loops over output rows and pixels (oy, ox) and writes, for each, the input rows and columns that
    /// reach it (iyFirst..iyLast, ixFirst..ixLast): both flavors write the same bounds, <paramref name="math"/> is
    /// the class whose Max and Min they call. The caller closes the two loops.
    /// </summary>
    private static void OpenOutputPixelLoops(SourceWriter writer, TransposeConvLayer layer, string math)
    {
        int ih = layer.InputHeight, iw = layer.InputWidth, fh = layer.FilterHeight, fw = layer.FilterWidth;
        int sh = layer.StrideHeight, sw = layer.StrideWidth;
        // Input row iy reaches output row oy through filter row fy = oy + padHeight - iy * strideHeight,
        // so the rows that reach oy are those with 0 <= fy < filterHeight and 0 <= iy < inputHeight.
        writer.OpenBlock($"for (int oy = 0; oy < {layer.OutputHeight}; oy++)");
        writer.WriteLine($"int ty = {Plus("oy", layer.PadHeight)};");
        writer.WriteLine($"int iyFirst = {math}.Max(0, {Divide(Plus("ty", sh - fh), sh)});");
        writer.WriteLine($"int iyLast = {math}.Min({ih - 1}, {Divide("ty", sh)});");
        writer.OpenBlock($"for (int ox = 0; ox < {layer.OutputWidth}; ox++)");
        writer.WriteLine($"int tx = {Plus("ox", layer.PadWidth)};");
        writer.WriteLine($"int ixFirst = {math}.Max(0, {Divide(Plus("tx", sw - fw), sw)});");
        writer.WriteLine($"int ixLast = {math}.Min({iw - 1}, {Divide("tx", sw)});");
    }

    /// <summary><c>expression + k</c>, written without a zero term.</summary>
    private static string Plus(string expression, int k) => k switch
    {
        0 => expression,
        > 0 => $"{expression} + {k}",
        _ => $"{expression} - {-k}",
    };

    /// <summary><c>expression * k</c>, written without a factor of one.</summary>
    private static string Times(string expression, int k) => k == 1 ? expression : $"{Group(expression)} * {k}";

    /// <summary><c>expression / k</c> (C#'s truncating division), written without a divisor of one.</summary>
    private static string Divide(string expression, int k) => k == 1 ? expression : $"{Group(expression)} / {k}";

    /// <summary>Parenthesizes an expression unless it is a single name or number.</summary>
    private static string Group(string expression)
    {
        foreach (char ch in expression)
        {
            if (!char.IsLetterOrDigit(ch))
            {
                return $"({expression})";
            }
        }
        return expression;
    }

    /// <summary>
    /// The padding TFLM gives a TRANSPOSE_CONV along one axis (transpose_conv.cc, <c>CalculateOpData</c>):
    /// <see cref="ShapeMath.WindowPadding"/> as if the transpose convolution's output (<paramref name="outputSize"/>)
    /// were the input of an ordinary convolution with the same filter, stride and padding.
    /// </summary>
    private static int Padding(PaddingKind padding, int stride, int outputSize, int filterSize) =>
        ShapeMath.WindowPadding(stride, outputSize, filterSize, ShapeMath.WindowOutputSize(padding, outputSize, filterSize, stride));
}

/// <summary>
/// TRANSPOSE_CONV: each input pixel <c>(iy, ix)</c> spreads <c>input[b, iy, ix, ic] · weights[oc, fy, fx, ic]</c>
/// onto output pixel <c>(iy·StrideHeight − PadHeight + fy, ix·StrideWidth − PadWidth + fx)</c>; then the bias is
/// added, the sum requantized (integer layers) and the fused activation applied.
/// </summary>
/// <param name="Type">The activation type: float32, int8 (int8 weights, int32 bias) or int16 (int8 weights, int64 bias).</param>
/// <param name="Padding">The model's padding, for the generated comment; the kernel uses <paramref name="PadHeight"/> and <paramref name="PadWidth"/>.</param>
/// <param name="PadHeight">Rows of padding before the first output row, as TFLM computes it.</param>
/// <param name="PadWidth">Columns of padding before the first output column, as TFLM computes it.</param>
/// <param name="Weights">
/// The weights' bytes as the model stores them, TFLite's <c>[OutputDepth, FilterHeight, FilterWidth, InputDepth]</c>;
/// each flavor's emitter lays them out for its kernel. The .NET one keeps this layout: its kernel gathers, for each
/// output element, the input pixels that reach it, and reads a contiguous run of <c>InputDepth</c> weights for each.
/// </param>
/// <param name="Bias">The bias constant (float, int32 or int64 by <paramref name="Type"/>), or null.</param>
/// <param name="InputOffset">Minus the input zero point, added to every input value (int8 only: TFLM's 16-bit kernel has none).</param>
/// <param name="OutputZeroPoint">Added after requantizing (int8 only: TFLM's 16-bit kernel adds none).</param>
/// <param name="Multiplier">The requantization multiplier (Q0.31) shared by every channel, when <paramref name="PerChannelMultipliers"/> is null.</param>
/// <param name="Shift">The requantization exponent shared by every channel.</param>
/// <param name="PerChannelMultipliers">The per-output-channel multiplier constant, for per-channel weights.</param>
/// <param name="PerChannelShifts">The per-output-channel exponent constant, for per-channel weights.</param>
/// <param name="RealMultiplier">The real multiplier the shared fixed-point one encodes, for the generated comment.</param>
internal sealed record TransposeConvLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Batches,
    int InputHeight,
    int InputWidth,
    int InputDepth,
    int FilterHeight,
    int FilterWidth,
    int OutputHeight,
    int OutputWidth,
    int OutputDepth,
    int StrideHeight,
    int StrideWidth,
    PaddingKind Padding,
    int PadHeight,
    int PadWidth,
    EquatableArray<byte> Weights,
    string? Bias,
    int InputOffset,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    string? PerChannelMultipliers,
    string? PerChannelShifts,
    double RealMultiplier,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "TRANSPOSE_CONV", Inputs, Outputs)
{
    /// <summary>The products that land inside the output (TFLM skips the others too).</summary>
    public override long MacCount =>
        (long)Batches * Taps(InputHeight, FilterHeight, StrideHeight, PadHeight, OutputHeight)
        * Taps(InputWidth, FilterWidth, StrideWidth, PadWidth, OutputWidth) * InputDepth * OutputDepth;

    /// <summary>The (input, filter) index pairs along one axis whose output index is inside the output.</summary>
    private static long Taps(int inputSize, int filterSize, int stride, int pad, int outputSize)
    {
        long count = 0;
        for (int i = 0; i < inputSize; i++)
        {
            for (int f = 0; f < filterSize; f++)
            {
                int o = i * stride - pad + f;
                if (o >= 0 && o < outputSize)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
