using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// FULLY_CONNECTED (TFLM fully_connected.cc): float32, int8 (int32 bias) and int16 (int64 bias)
/// activations with constant int8 or float32 weights, per-tensor or per-channel quantization,
/// any fused activation but TANH and SIGN_BIT. The .NET kernels compute a panel of units at once over
/// weights packed at build time (<see cref="FullyConnectedPacking"/>), each unit summing in TFLM's order, and
/// requantize as TFLM does.
/// </summary>
internal sealed partial class FullyConnected : OperatorDefinition<FullyConnectedLayer>
{
    // FullyConnectedOptions in schema.fbs.
    private const int OptionActivation = 0, OptionWeightsFormat = 1;

    public FullyConnected()
        : base(BuiltinOperator.FullyConnected)
    {
    }

    /// <inheritdoc/>
    /// <remarks>TFLM's int16 kernel takes an int64 bias or none.</remarks>
    public override TypeSupport Types { get; } = WeightedKernelTypes.InputWeightsBias(ElementType.Int64).WithInputNames("input", "weights", "bias");

    public override string Notes =>
        "operands (input, weights, bias) → output; constant weights [units, depth] and bias; int8 weights per-tensor or per-channel; default weights format; fused NONE, RELU, RELU_N1_TO_1 or RELU6";

    protected override FullyConnectedLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        // Types guarantees the operands (input, weights[, bias]) and one output.
        int inputIndex = op.Inputs[0], weightsIndex = op.Inputs[1], outputIndex = op.Outputs[0];
        int biasIndex = op.Inputs.Count > 2 ? op.Inputs[2] : -1;
        if (!context.IsConstant(weightsIndex))
        {
            context.ReportUnsupported(op, "the weights are computed at run time; TinyModel compiles FULLY_CONNECTED with constant weights");
            return null;
        }
        if (biasIndex >= 0 && !context.IsConstant(biasIndex))
        {
            context.ReportUnsupported(op, "the bias is computed at run time; TinyModel compiles FULLY_CONNECTED with a constant bias");
            return null;
        }

        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }
        if ((op.BuiltinOptions?.GetByte(OptionWeightsFormat) ?? 0) != 0)
        {
            context.ReportUnsupported(op, "shuffled weights (SHUFFLED4x16INT8) are not supported; supported weights format: DEFAULT");
            return null;
        }

        ValueSpec input = context.Value(inputIndex);
        ValueSpec output = context.Value(outputIndex);
        TfliteTensor weights = context.Tensor(weightsIndex);
        if (weights.Shape.Count != 2)
        {
            context.ReportUnsupported(op, $"the weights have shape [{string.Join(",", weights.Shape)}]; FULLY_CONNECTED weights are [units, depth]");
            return null;
        }
        int units = weights.Shape[0], depth = weights.Shape[1];
        if (units <= 0 || depth <= 0 || output.ElementCount % units != 0 || input.ElementCount != output.ElementCount / units * depth)
        {
            context.ReportUnsupported(op, $"the shapes do not fit: input {input.ShapeText}, weights [{units},{depth}], output {output.ShapeText}");
            return null;
        }
        if (biasIndex >= 0 && context.ElementTypeOf(biasIndex) is ElementType biasType
            && context.ConstantBytes(biasIndex).Length / biasType.Size() is int biasCount && biasCount != units)
        {
            context.ReportUnsupported(op, $"the bias has {biasCount} values for {units} units");
            return null;
        }
        int batches = output.ElementCount / units;
        string prefix = $"Layer{op.Index}";
        ActivationRange range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
        var inputs = new EquatableArray<int>(new[] { inputIndex });
        var outputs = new EquatableArray<int>(new[] { outputIndex });
        EquatableArray<byte> weightBytes = LayerWeights.FromModel(context, weightsIndex);

        if (input.Type == ElementType.Float32)
        {
            string? floatBias = biasIndex >= 0
                ? context.AddConstant(prefix + "Bias", ElementType.Float32, context.ConstantBytes(biasIndex).ToArray(), $"bias, float32[{units}]")
                : null;
            return new FullyConnectedLayer(op.Index, inputs, outputs, ElementType.Float32, batches, depth, units,
                weightBytes, floatBias, 0, 0, 0, 0, null, null, 0, range);
        }

        if (input.Quantization is null || output.Quantization is null || weights.Quantization is null || weights.Quantization.Scale.Count == 0)
        {
            context.ReportUnsupported(op, "an integer FULLY_CONNECTED needs quantization parameters on its input, weights and output");
            return null;
        }

        TfliteQuantization weightsQuantization = weights.Quantization;
        int weightsZeroPoint = weightsQuantization.ZeroPoint.Count > 0 ? (int)weightsQuantization.ZeroPoint[0] : 0;
        int weightsOffset = -weightsZeroPoint;
        int inputOffset = -input.Quantization.ZeroPoint;
        sbyte[] weightValues = ConstantData.As<sbyte>(context.ConstantBytes(weightsIndex));

        // Fold the input zero point into the bias: Σ(x + in)(w + wo) = Σ x(w + wo) + in·Σ(w + wo).
        // int32 wraps the same way in either order, so this is exact for TFLM's int32 accumulators too.
        long[] folded = new long[units];
        long[]? bias = biasIndex < 0 ? null
            : input.Type == ElementType.Int8 ? ConstantData.As<int>(context.ConstantBytes(biasIndex)).Select(b => (long)b).ToArray()
            : ConstantData.As<long>(context.ConstantBytes(biasIndex));
        for (int u = 0; u < units; u++)
        {
            long rowSum = 0;
            for (int d = 0; d < depth; d++)
            {
                rowSum += weightValues[u * depth + d] + weightsOffset;
            }
            folded[u] = (bias?[u] ?? 0) + inputOffset * rowSum;
        }
        bool needsBias = bias is not null || inputOffset != 0;
        string? biasName = null;
        if (needsBias)
        {
            string description = inputOffset != 0 ? $"bias folded with the input zero point {input.Quantization.ZeroPoint}" : "bias";
            biasName = input.Type == ElementType.Int8
                ? context.AddConstant(prefix + "Bias", ElementType.Int32, ConstantData.ToBytes(folded.Select(v => unchecked((int)v)).ToArray()), $"{description}, int32[{units}]")
                : context.AddConstant(prefix + "Bias", ElementType.Int64, ConstantData.ToBytes(folded), $"{description}, int64[{units}]");
        }

        float inputScale = input.Quantization.Scale, outputScale = output.Quantization.Scale;
        if (weightsQuantization.IsPerChannel)
        {
            if (weightsQuantization.Scale.Count != units)
            {
                context.ReportUnsupported(op, $"the weights have {weightsQuantization.Scale.Count} per-channel scales for {units} units");
                return null;
            }
            (int[] multipliers, int[] shifts) = QuantizationMath.PerChannelMultipliers(inputScale, weightsQuantization.Scale, outputScale, units);
            return new FullyConnectedLayer(op.Index, inputs, outputs, input.Type, batches, depth, units, weightBytes, biasName,
                weightsOffset, output.Quantization.ZeroPoint, 0, 0,
                context.AddConstant(prefix + "Multipliers", ElementType.Int32, ConstantData.ToBytes(multipliers), $"per-unit requantization multipliers, int32[{units}]"),
                context.AddConstant(prefix + "Shifts", ElementType.Int32, ConstantData.ToBytes(shifts), $"per-unit requantization exponents, int32[{units}]"),
                0, range);
        }

        double real = QuantizationMath.PerTensorConvolutionMultiplier(inputScale, weightsQuantization.Scale[0], outputScale);
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return new FullyConnectedLayer(op.Index, inputs, outputs, input.Type, batches, depth, units, weightBytes, biasName,
            weightsOffset, output.Quantization.ZeroPoint, multiplier, shift, null, null, real, range);
    }

    protected override void EmitLayer(SourceWriter writer, FullyConnectedLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        FullyConnectedKernel kernel = KernelFor(layer);

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, FULLY_CONNECTED: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {(layer.Batches == 1 ? "The row" : $"Each of the {layer.Batches} rows")} of {Literals.Count(layer.Depth, "input")} is multiplied by the {layer.Units}×{layer.Depth} weight matrix{(layer.Bias is null ? "" : " and the bias added")}; fused activation {layer.Activation.Activation.ToString().ToUpperInvariant()}.");
        if (quantized)
        {
            string requant = layer.PerChannelMultipliers is null
                ? $"multiplier {layer.Multiplier} · 2^{layer.Shift} (≈ {Literals.Double(layer.RealMultiplier)})"
                : "a multiplier and exponent per unit (per-channel weights)";
            writer.WriteLine($"/// The {acc} accumulator is requantized with {requant}, offset by the output zero point {layer.OutputZeroPoint}");
            writer.WriteLine($"/// and clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}]. The input zero point is folded into the bias at build time.");
        }
        else
        {
            writer.WriteLine($"/// Output clamped to [{Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}].");
        }
        writer.WriteLine(kernel switch
        {
            FullyConnectedKernel.FloatPanels => $"/// The weights are packed in panels of {FullyConnectedPacking.PanelUnits} units, computed side by side in vectors; each unit still sums its products in TFLM's order, then adds its bias.",
            FullyConnectedKernel.Int8Panels => $"/// The weights are packed in panels of {FullyConnectedPacking.PanelUnits} units by groups of {FullyConnectedPacking.Int8GroupDepth} inputs, offset to unsigned bytes and multiplied in exact 16-bit pairs; int32 sums wrap as TFLM's do, in any order.",
            FullyConnectedKernel.Int8Rows => "/// One vectorized dot product per unit: int32 sums wrap as TFLM's do, in any order.",
            FullyConnectedKernel.Int16Rows => "/// One vectorized dot product per unit, exact in 64 bits as TFLM's int64 accumulator.",
            _ => "/// One sequential sum per unit, as TFLM computes it.",
        });
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        string weights = AddWeights(layer, kernel, context);
        bool batched = layer.Batches > 1;
        string x = "input", y = "output";
        if (batched)
        {
            string t = layer.Type.CSharpName();
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{t}> x = input.Slice(b * {layer.Depth}, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{t}> y = output.Slice(b * {layer.Units}, {layer.Units});");
            (x, y) = ("x", "y");
        }
        string bias = layer.Bias is null ? "default" : context.Constant(layer.Bias);
        switch (kernel)
        {
            case FullyConnectedKernel.FloatPanels:
                writer.WriteLine($"{Kernels}.Float({x}, {context.Constant(weights)}, {bias}, {Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}, {y});");
                break;
            case FullyConnectedKernel.Int8Panels:
            case FullyConnectedKernel.Int16Rows:
                string requantization = layer.PerChannelMultipliers is null
                    ? $"{Literals.Int(layer.Multiplier)}, {Literals.Int(layer.Shift)}"
                    : $"{context.Constant(layer.PerChannelMultipliers)}, {context.Constant(layer.PerChannelShifts!)}";
                string method = kernel == FullyConnectedKernel.Int8Panels ? "Int8" : "Int16";
                writer.WriteLine($"{Kernels}.{method}({x}, {context.Constant(weights)}, {bias}, {requantization}, {Literals.Int(layer.OutputZeroPoint)}, {layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}, {y});");
                break;
            default:
                WriteUnitLoop(writer, layer, kernel, context, weights, x, y);
                break;
        }
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    private const string Kernels = "global::TinyModel.FullyConnectedKernels";

    /// <summary>
    /// Float layers run the panel kernel; int8 layers with symmetric weights run it when they have a panel's
    /// worth of units, and dot products along the depth otherwise; int16 layers with symmetric weights run
    /// exact 64-bit dot products; weights with a zero point, a plain loop per unit.
    /// </summary>
    private static FullyConnectedKernel KernelFor(FullyConnectedLayer layer) => layer.Type switch
    {
        ElementType.Float32 => FullyConnectedKernel.FloatPanels,
        ElementType.Int8 when layer.WeightsOffset == 0 => FullyConnectedPacking.Int8UsesPanels(layer.Units) ? FullyConnectedKernel.Int8Panels : FullyConnectedKernel.Int8Rows,
        ElementType.Int16 when layer.WeightsOffset == 0 => FullyConnectedKernel.Int16Rows,
        _ => FullyConnectedKernel.Loop,
    };

    /// <summary>Adds the weights, laid out for <paramref name="kernel"/>, and returns the constant's name.</summary>
    private static string AddWeights(FullyConnectedLayer layer, FullyConnectedKernel kernel, EmitContext context)
    {
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);
        byte[] model = layer.Weights.AsImmutableArray().AsSpan().ToArray();
        string shape = $"{weightsType.ModelName()}[{layer.Units},{layer.Depth}]";
        switch (kernel)
        {
            case FullyConnectedKernel.FloatPanels:
                return LayerWeights.AddConstant(context, layer, weightsType,
                    ConstantData.ToBytes(FullyConnectedPacking.PackFloat(ConstantData.As<float>(model), layer.Units, layer.Depth)),
                    $"weights, {shape} packed in panels of {FullyConnectedPacking.PanelUnits} units: [panel][input][unit in panel], zero-padded",
                    Packing(layer, ElementType.Float32, nameof(FullyConnectedPacking.PackFloat)));
            case FullyConnectedKernel.Int8Panels:
                return LayerWeights.AddConstant(context, layer, ElementType.UInt8,
                    FullyConnectedPacking.PackInt8(ConstantData.As<sbyte>(model), layer.Units, layer.Depth),
                    $"weights, {shape} + 128 as bytes, packed in panels of {FullyConnectedPacking.PanelUnits} units: [panel][group of {FullyConnectedPacking.Int8GroupDepth} inputs][unit in panel][input in group, order 0, 2, 1, 3], padded with weight 0",
                    Packing(layer, ElementType.Int8, nameof(FullyConnectedPacking.PackInt8)));
            default:
                // TFLite's [units, depth] row-major layout is already the order these kernels read: one row per unit.
                return LayerWeights.AddConstant(context, layer, weightsType, model, $"weights, {shape}");
        }
    }

    /// <summary>The run-time call that packs the layer's weights as the build did (FullyConnectedPacking is compiled into both).</summary>
    private static ConstantPacking Packing(FullyConnectedLayer layer, ElementType sourceType, string method) =>
        new(sourceType, layer.Weights, $"global::TinyModel.FullyConnectedPacking.{method}({{0}}, {layer.Units}, {layer.Depth})");

    /// <summary>One sum per unit: a dot product along the depth (int8) or TFLM's sequential loop (weights with a zero point).</summary>
    private static void WriteUnitLoop(SourceWriter writer, FullyConnectedLayer layer, FullyConnectedKernel kernel, EmitContext context, string weights, string x, string y)
    {
        string t = layer.Type.CSharpName();
        string acc = layer.Type == ElementType.Int16 ? "long" : "int";
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<sbyte> weights = {context.Constant(weights)};");
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> bias = {context.Constant(layer.Bias)};");
        }
        if (layer.PerChannelMultipliers is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> multipliers = {context.Constant(layer.PerChannelMultipliers)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> shifts = {context.Constant(layer.PerChannelShifts!)};");
        }
        writer.OpenBlock($"for (int u = 0; u < {layer.Units}; u++)");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<sbyte> w = weights.Slice(u * {layer.Depth}, {layer.Depth});");
        writer.WriteLine($"{acc} sum = {(layer.Bias is not null ? "bias[u]" : "0")};");
        if (kernel == FullyConnectedKernel.Int8Rows)
        {
            // int32 sums wrap the same in any order, so the vectorized dot product equals TFLM's loop bit for bit.
            writer.WriteLine($"sum += global::TinyModel.DotProduct.Int8({x}, w);");
        }
        else
        {
            // TFLM multiplies in int32 and accumulates in the accumulator type.
            string weight = layer.WeightsOffset == 0 ? "w[d]" : $"(w[d] + {layer.WeightsOffset})";
            writer.OpenBlock($"for (int d = 0; d < {layer.Depth}; d++)");
            writer.WriteLine($"sum += {x}[d] * {weight};");
            writer.CloseBlock();
        }
        string multiplier = layer.PerChannelMultipliers is null ? Literals.Int(layer.Multiplier) : "multipliers[u]";
        string shift = layer.PerChannelMultipliers is null ? Literals.Int(layer.Shift) : "shifts[u]";
        writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(sum, {multiplier}, {shift}){Literals.PlusTerm(layer.OutputZeroPoint)};");
        writer.WriteLine($"{y}[u] = ({t}){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(scaled, {layer.Activation.QuantizedMin}), {layer.Activation.QuantizedMax});");
        writer.CloseBlock();
    }

    /// <summary>How the .NET flavor computes a FULLY_CONNECTED layer.</summary>
    private enum FullyConnectedKernel
    {
        /// <summary><c>FullyConnectedKernels.Float</c> over panel-packed weights.</summary>
        FloatPanels,

        /// <summary><c>FullyConnectedKernels.Int8</c> over panel-packed weights.</summary>
        Int8Panels,

        /// <summary><c>DotProduct.Int8</c> per unit over the model's rows.</summary>
        Int8Rows,

        /// <summary><c>FullyConnectedKernels.Int16</c> over the model's rows.</summary>
        Int16Rows,

        /// <summary>A sequential loop per unit over the model's rows.</summary>
        Loop,
    }
}

/// <summary>
/// FULLY_CONNECTED: <c>output[b, u] = act(Σ_d input[b, d] · weights[u, d] + bias[u])</c>.
/// </summary>
/// <param name="Type">The activation type: float32, int8 or int16 (int8 weights for both integer kinds).</param>
/// <param name="Weights">
/// The weights' bytes as the model stores them, TFLite's <c>[units, depth]</c> row-major; each flavor's emitter
/// lays them out for its kernel (the .NET one packs them in panels of units, <see cref="FullyConnectedPacking"/>).
/// </param>
/// <param name="Bias">
/// The bias constant, or null. For integer layers it is folded at build time with the zero points:
/// <c>bias[u] + inputOffset · Σ_d (weights[u, d] + weightsOffset)</c>, so the kernel adds only products.
/// </param>
/// <param name="WeightsOffset">Minus the weights' zero point (0 for TFLite's symmetric int8 weights).</param>
/// <param name="OutputZeroPoint">The output zero point, added after requantizing.</param>
/// <param name="Multiplier">The per-tensor requantization multiplier (Q0.31), when <paramref name="PerChannelMultipliers"/> is null.</param>
/// <param name="Shift">The per-tensor requantization exponent.</param>
/// <param name="PerChannelMultipliers">The name of the per-unit multiplier constant, for per-channel weights.</param>
/// <param name="PerChannelShifts">The name of the per-unit exponent constant, for per-channel weights.</param>
/// <param name="RealMultiplier">The real multiplier the fixed-point one encodes, for the generated comment.</param>
internal sealed record FullyConnectedLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Batches,
    int Depth,
    int Units,
    EquatableArray<byte> Weights,
    string? Bias,
    int WeightsOffset,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    string? PerChannelMultipliers,
    string? PerChannelShifts,
    double RealMultiplier,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "FULLY_CONNECTED", Inputs, Outputs)
{
    public override long MacCount => (long)Batches * Depth * Units;
}
