using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Pooling;

/// <summary>
/// AVERAGE_POOL_2D and MAX_POOL_2D (TFLM pooling.cc, pooling_common.cc, reference/pooling.h and
/// reference/integer_ops/pooling.h): float32, int8 and int16 NHWC tensors, any filter size and
/// stride, SAME or VALID padding, fused NONE, RELU, RELU_N1_TO_1 or RELU6. Quantized inputs and
/// outputs must share scale and zero point, as TFLM requires. L2_POOL_2D (TFLM l2_pool_2d.cc,
/// reference <c>L2Pool</c>): float32 only, the square root of each clipped window's mean square.
/// </summary>
internal abstract class Pool2D : OperatorDefinition<PoolingLayer>
{
    // Pool2DOptions field ids (schema.fbs).
    private const int OptionPadding = 0, OptionStrideWidth = 1, OptionStrideHeight = 2, OptionFilterWidth = 3, OptionFilterHeight = 4, OptionActivation = 5;

    private static readonly TypeSupport PooledTypes = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    // TFLM's L2_POOL_2D refuses anything but float32 in Prepare.
    private static readonly TypeSupport L2Types = TypeSupport.SameType(ElementType.Float32);

    protected Pool2D(int code)
        : base(code)
    {
    }

    public override TypeSupport Types => Kind == PoolKind.L2 ? L2Types : PooledTypes;

    public override string Notes => "any filter and stride, SAME/VALID, fused ReLU/ReLU6/ReLU-N1-to-1";

    /// <summary>How each output reduces its window.</summary>
    protected abstract PoolKind Kind { get; }

    protected override PoolingLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected one input and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
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
        if (!ShapeMath.IsWindowStep(strideW) || !ShapeMath.IsWindowStep(strideH) || !ShapeMath.IsWindowStep(filterW) || !ShapeMath.IsWindowStep(filterH))
        {
            context.ReportUnsupported(op, $"filter {filterH}x{filterW} and stride {strideH}x{strideW} must be between 1 and {ShapeMath.MaxWindowStep}");
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
            Kind, input.Type, batches, inH, inW, depth, outH, outW, filterH, filterW, strideH, strideW, padH, padW, padding, range);
    }

    /// <summary>
    /// Writes AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D kernels in TFLM's order: for each output position the window
    /// is clipped to the image, then each channel is reduced over it (rows, then columns).
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, PoolingLayer layer, EmitContext context) =>
        WriteKernel(writer, layer, context.Model, context.Signature(layer), EmitContext.MathClass, string.Empty, string.Empty, runtimeKernels: true);

    /// <summary>
    /// The same kernel for nanoFramework: arrays with the index of their first element, and the Min/Max of
    /// the class's helpers in place of System.Math, which nanoFramework's mscorlib lacks.
    /// </summary>
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, PoolingLayer layer, NanoEmitContext context) =>
        WriteKernel(writer, layer, context.Model, context.Signature(layer), context.Helper(NanoHelper.FixedPoint), "inputOffset + ", "outputOffset + ", runtimeKernels: false);

    /// <summary>Writes one pooling layer's method.</summary>
    /// <param name="runtimeKernels">
    /// Whether each window may be reduced by TinyModel.Runtime's vectorized kernels, all channels at once: an int8 average
    /// through <c>Int8Pooling.SumWindow</c>, a maximum or a float average or L2 through <c>PoolingKernels</c>, rather
    /// than channel by channel.
    /// </param>
    private static void WriteKernel(SourceWriter writer, PoolingLayer layer, ModelSpec model, string signature, string m, string inputStart, string outputStart, bool runtimeKernels)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool isFloat = layer.Type == ElementType.Float32;
        ActivationRange act = layer.Activation;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        string reduction = layer.Kind switch
        {
            PoolKind.Max => "Maximum",
            PoolKind.L2 => "Square root of the mean square",
            _ => "Average",
        };
        writer.WriteLine($"/// {reduction} of each {layer.FilterHeight}×{layer.FilterWidth} window, stride {layer.StrideHeight}×{layer.StrideWidth}, {layer.Padding.ToString().ToUpperInvariant()} padding " +
            $"({layer.PadHeight} row(s) above, {layer.PadWidth} column(s) left); windows are clipped to the image and padding is not counted.");
        if (!layer.IsMax && !isFloat)
        {
            writer.WriteLine("/// The integer sum is divided by the window's element count, rounded half away from zero, as TFLM does.");
        }
        bool windowSums = runtimeKernels && layer.Kind == PoolKind.Average && layer.Type is ElementType.Int8 or ElementType.Int16;
        // Fewer channels than one 128-bit vector holds leave the kernels nothing to vectorize: the inline loop is quicker.
        bool vectorWide = layer.Depth * layer.Type.Size() >= 16;
        string? windowKernel = !runtimeKernels || !vectorWide ? null : layer.Kind switch
        {
            PoolKind.Max => "MaxWindow",
            PoolKind.L2 => "L2Window",
            _ => isFloat ? "AverageWindow" : null,
        };
        if (windowSums)
        {
            writer.WriteLine("/// Each window's channels are summed at once (int32 sums wrap as TFLM's do, in any order).");
        }
        else if (windowKernel is not null)
        {
            writer.WriteLine("/// Each window's channels are reduced at once, each in TFLM's order (rows, then columns).");
        }
        writer.WriteLine(isFloat
            ? $"/// Fused activation {act.Activation.ToString().ToUpperInvariant()}: output clamped to [{Literals.Float(act.FloatMin)}, {Literals.Float(act.FloatMax)}]."
            : $"/// Fused activation {act.Activation.ToString().ToUpperInvariant()}: output clamped to [{act.QuantizedMin}, {act.QuantizedMax}].");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(signature);

        int ih = layer.InputHeight, iw = layer.InputWidth, d = layer.Depth, oh = layer.OutputHeight, ow = layer.OutputWidth;
        if (windowSums)
        {
            writer.WriteLine($"global::System.Span<int> sums = stackalloc int[{d}];");
        }
        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        }
        string inBatch = batched ? $"b * {ih} + " : string.Empty;
        string outBatch = batched ? $"b * {oh} + " : string.Empty;

        writer.OpenBlock($"for (int oy = 0; oy < {oh}; oy++)");
        writer.WriteLine($"int y0 = oy * {layer.StrideHeight} - {layer.PadHeight};");
        writer.WriteLine($"int fyStart = {m}.Max(0, -y0);");
        writer.WriteLine($"int fyEnd = {m}.Min({layer.FilterHeight}, {ih} - y0);");
        writer.OpenBlock($"for (int ox = 0; ox < {ow}; ox++)");
        writer.WriteLine($"int x0 = ox * {layer.StrideWidth} - {layer.PadWidth};");
        writer.WriteLine($"int fxStart = {m}.Max(0, -x0);");
        writer.WriteLine($"int fxEnd = {m}.Min({layer.FilterWidth}, {iw} - x0);");
        writer.WriteLine($"int outBase = {outputStart}(({outBatch}oy) * {ow} + ox) * {d};");
        if (windowKernel is not null)
        {
            string min = isFloat ? Literals.Float(act.FloatMin) : Literals.Int(act.QuantizedMin);
            string max = isFloat ? Literals.Float(act.FloatMax) : Literals.Int(act.QuantizedMax);
            writer.WriteLine($"global::TinyModel.PoolingKernels.{windowKernel}({WindowStart(layer, inBatch)}, fyEnd - fyStart, fxEnd - fxStart, {iw * d}, output.Slice(outBase, {d}), {min}, {max});");
            CloseLoops(writer, batched);
            return;
        }
        if (!layer.IsMax)
        {
            writer.WriteLine(isFloat
                ? "float count = (fyEnd - fyStart) * (fxEnd - fxStart);"
                : "int count = (fyEnd - fyStart) * (fxEnd - fxStart);");
        }
        if (windowSums)
        {
            writer.WriteLine($"global::TinyModel.Int8Pooling.SumWindow({WindowStart(layer, inBatch)}, fyEnd - fyStart, fxEnd - fxStart, {iw * d}, sums);");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("int acc = sums[c];");
        }
        else
        {
            WriteChannelReduction(writer, layer, t, isFloat, inputStart, inBatch);
        }
        if (isFloat)
        {
            string value = layer.Kind switch
            {
                PoolKind.Max => "acc",
                PoolKind.L2 => "global::System.MathF.Sqrt(acc / count)",
                _ => "acc / count",
            };
            writer.WriteLine($"output[outBase + c] = {m}.Min({m}.Max({value}, {Literals.Float(act.FloatMin)}), {Literals.Float(act.FloatMax)});");
        }
        else
        {
            if (!layer.IsMax)
            {
                writer.WriteLine("acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;");
            }
            writer.WriteLine($"output[outBase + c] = ({t}){m}.Min({m}.Max(acc, {act.QuantizedMin}), {act.QuantizedMax});");
        }
        writer.CloseBlock();
        CloseLoops(writer, batched);
    }

    /// <summary>The input from the clipped window's first pixel onwards, for a Runtime window kernel.</summary>
    private static string WindowStart(PoolingLayer layer, string inBatch) =>
        $"input.Slice((({inBatch}y0 + fyStart) * {layer.InputWidth} + x0 + fxStart) * {layer.Depth})";

    /// <summary>Closes the loops over output columns, rows and batches, and the method.</summary>
    private static void CloseLoops(SourceWriter writer, bool batched)
    {
        writer.CloseBlock();
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>Opens the loop over channels and reduces each channel's window into <c>acc</c>, rows then columns.</summary>
    private static void WriteChannelReduction(SourceWriter writer, PoolingLayer layer, string t, bool isFloat, string inputStart, string inBatch)
    {
        int iw = layer.InputWidth, d = layer.Depth;
        writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
        string acc = isFloat ? "float" : "int";
        string init = layer.IsMax ? (isFloat ? "float.MinValue" : $"{t}.MinValue") : (isFloat ? "0f" : "0");
        writer.WriteLine($"{acc} acc = {init};");
        writer.OpenBlock("for (int fy = fyStart; fy < fyEnd; fy++)");
        writer.WriteLine($"int row = {inputStart}(({inBatch}y0 + fy) * {iw} + x0) * {d} + c;");
        writer.OpenBlock("for (int fx = fxStart; fx < fxEnd; fx++)");
        if (layer.IsMax)
        {
            writer.WriteLine($"{acc} v = input[row + fx * {d}];");
            writer.WriteLine("if (v > acc) acc = v;");
        }
        else if (layer.Kind == PoolKind.L2)
        {
            writer.WriteLine($"float v = input[row + fx * {d}];");
            writer.WriteLine("acc += v * v;");
        }
        else
        {
            writer.WriteLine($"acc += input[row + fx * {d}];");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>Whether some window along one axis lies wholly in the padding.</summary>
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

/// <summary>AVERAGE_POOL_2D: the mean of each window; integer means rounded half away from zero, as TFLM does.</summary>
internal sealed class AveragePool2D : Pool2D
{
    public AveragePool2D()
        : base(BuiltinOperator.AveragePool2D)
    {
    }

    protected override PoolKind Kind => PoolKind.Average;
}

/// <summary>MAX_POOL_2D: the maximum of each window.</summary>
internal sealed class MaxPool2D : Pool2D
{
    public MaxPool2D()
        : base(BuiltinOperator.MaxPool2D)
    {
    }

    protected override PoolKind Kind => PoolKind.Max;
}

/// <summary>L2_POOL_2D: the square root of each window's mean square (float32).</summary>
internal sealed class L2Pool2D : Pool2D
{
    /// <summary>TFLite's builtin code of L2_POOL_2D (schema.fbs).</summary>
    public const int BuiltinCode = 12;

    public L2Pool2D()
        : base(BuiltinCode)
    {
    }

    public override string Notes => "float32 as TFLM; any filter and stride, SAME/VALID, fused ReLU/ReLU6/ReLU-N1-to-1";

    protected override PoolKind Kind => PoolKind.L2;
}

/// <summary>How a pooling reduces its window.</summary>
internal enum PoolKind
{
    /// <summary>AVERAGE_POOL_2D.</summary>
    Average,
    /// <summary>MAX_POOL_2D.</summary>
    Max,
    /// <summary>L2_POOL_2D.</summary>
    L2,
}

/// <summary>
/// AVERAGE_POOL_2D or MAX_POOL_2D over NHWC: each output is the average (or maximum) of the input
/// window that lies inside the image (padding positions are left out, not counted as zeros).
/// </summary>
/// <param name="Kind">Average, maximum or L2 (root mean square).</param>
/// <param name="Type">float32, int8 or int16 (input and output share the quantization).</param>
/// <param name="PadHeight">Rows of padding above the image (TFLM's <c>padding_values.height</c>).</param>
/// <param name="PadWidth">Columns of padding left of the image.</param>
internal sealed record PoolingLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    PoolKind Kind,
    ElementType Type,
    int Batches,
    int InputHeight,
    int InputWidth,
    int Depth,
    int OutputHeight,
    int OutputWidth,
    int FilterHeight,
    int FilterWidth,
    int StrideHeight,
    int StrideWidth,
    int PadHeight,
    int PadWidth,
    PaddingKind Padding,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, Kind switch { PoolKind.Max => "MAX_POOL_2D", PoolKind.L2 => "L2_POOL_2D", _ => "AVERAGE_POOL_2D" }, Inputs, Outputs)
{
    /// <summary>Whether each output is its window's maximum.</summary>
    public bool IsMax => Kind == PoolKind.Max;

    public override long MacCount => (long)Batches * OutputHeight * OutputWidth * Depth * FilterHeight * FilterWidth;
}
