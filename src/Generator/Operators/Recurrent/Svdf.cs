using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Recurrent;

/// <summary>
/// SVDF (TFLM svdf.cc, PrepareSvdf in svdf_common.cc): float32, or int8 input and output with int8
/// feature weights, int32 bias and int16 or int8 time weights and state (TFLM's
/// <c>EvalIntegerSvdfReference</c>), any rank; the state must be a variable tensor. The layer carries the
/// weights as the model holds them; the emitter lays them out and adds them as constants.
/// </summary>
internal sealed partial class Svdf : OperatorDefinition<SvdfLayer>
{
    private const int OptionRank = 0, OptionActivation = 1;
    private const int InputIndex = 0, WeightsFeatureIndex = 1, WeightsTimeIndex = 2, BiasIndex = 3, StateIndex = 4;

    public Svdf()
        : base(BuiltinOperator.Svdf)
    {
    }

    /// <summary>Input, feature weights, time weights, bias (optional), state → output, as PrepareSvdf accepts them.</summary>
    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Float32, ElementType.Float32, ElementType.Float32, null, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int16 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8, ElementType.Int16, null, ElementType.Int16 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8, ElementType.Int8, ElementType.Int32, ElementType.Int8 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8, ElementType.Int8, null, ElementType.Int8 }, new[] { ElementType.Int8 }))
        .WithInputNames("input", "weights_feature", "weights_time", "bias", "state");

    public override string Notes =>
        "operands: input, weights_feature, weights_time, bias or none, state; any rank; constant per-tensor weights and bias; " +
        "the state is a variable tensor and persists across calls; the fused activation applies to float32 only, as in TFLM";

    protected override SvdfLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        // The types fix the operand count: five inputs (the bias may be omitted) and one output.
        int inputIndex = op.Inputs[InputIndex], featureIndex = op.Inputs[WeightsFeatureIndex], timeIndex = op.Inputs[WeightsTimeIndex];
        int biasIndex = op.Inputs[BiasIndex], stateIndex = op.Inputs[StateIndex], outputIndex = op.Outputs[0];
        if (!context.IsConstant(featureIndex) || !context.IsConstant(timeIndex) || (biasIndex >= 0 && !context.IsConstant(biasIndex)))
        {
            context.ReportUnsupported(op, "the weights or the bias are computed at run time; TinyModel compiles SVDF with constant weights and bias");
            return null;
        }
        if (!context.Tensor(stateIndex).IsVariable)
        {
            context.ReportUnsupported(op, "the state (input 4) is not a variable tensor; SVDF keeps its memory in a variable tensor, as TFLM requires");
            return null;
        }

        int rank = op.BuiltinOptions?.GetInt(OptionRank) ?? 0;
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (activation > FusedActivation.SignBit)
        {
            context.ReportUnsupported(op, $"fused activation {(int)activation} is not a TFLite activation; supported: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT");
            return null;
        }

        ValueSpec input = context.Value(inputIndex);
        ValueSpec state = context.Value(stateIndex);
        ValueSpec output = context.Value(outputIndex);
        TfliteTensor featureWeights = context.Tensor(featureIndex);
        TfliteTensor timeWeights = context.Tensor(timeIndex);

        // Shapes, as PrepareSvdf checks them.
        if (input.Shape.Count != 2 || featureWeights.Shape.Count != 2 || timeWeights.Shape.Count != 2 || state.Shape.Count != 2 || output.Shape.Count != 2)
        {
            context.ReportUnsupported(op, $"input, weights, state and output must be 2-D; found input {input.ShapeText}, weights_feature [{string.Join(",", featureWeights.Shape)}], weights_time [{string.Join(",", timeWeights.Shape)}], state {state.ShapeText}, output {output.ShapeText}");
            return null;
        }
        int batches = input.Shape[0], inputSize = input.Shape[1];
        int filters = featureWeights.Shape[0], memory = timeWeights.Shape[1];
        if (rank <= 0 || filters % rank != 0)
        {
            context.ReportUnsupported(op, $"rank {rank} does not divide the {filters} filters");
            return null;
        }
        int units = filters / rank;
        int biasCount = biasIndex >= 0 ? context.Tensor(biasIndex).Shape.Aggregate(1, (a, d) => a * d) : units;
        if (featureWeights.Shape[1] != inputSize || timeWeights.Shape[0] != filters || memory <= 0
            || state.Shape[0] != batches || state.Shape[1] != memory * filters
            || output.Shape[0] != batches || output.Shape[1] != units || biasCount != units)
        {
            context.ReportUnsupported(op,
                $"the shapes do not fit: input {input.ShapeText}, weights_feature [{string.Join(",", featureWeights.Shape)}], weights_time [{string.Join(",", timeWeights.Shape)}], " +
                $"state {state.ShapeText} (expected [{batches},{memory * filters}]), output {output.ShapeText} (expected [{batches},{units}]), rank {rank}");
            return null;
        }

        string prefix = $"Layer{op.Index}";
        var inputs = new EquatableArray<int>(new[] { inputIndex, stateIndex });
        var outputs = new EquatableArray<int>(new[] { outputIndex });
        EquatableArray<byte> feature = context.ConstantBytes(featureIndex).ToArray().ToEquatableArray();
        EquatableArray<byte> time = context.ConstantBytes(timeIndex).ToArray().ToEquatableArray();
        EquatableArray<byte>? bias = biasIndex >= 0 ? context.ConstantBytes(biasIndex).ToArray().ToEquatableArray() : null;

        if (input.Type == ElementType.Float32)
        {
            return new SvdfLayer(op.Index, inputs, outputs, ElementType.Float32, ElementType.Float32, batches, inputSize, filters, rank, memory,
                feature, time, bias, null, null, 0, 0, 0, 0, 0, 0, activation);
        }

        if (input.Quantization is null || state.Quantization is null || output.Quantization is null
            || context.QuantizationOf(featureIndex) is not { } featureQuantization || context.QuantizationOf(timeIndex) is not { } timeQuantization)
        {
            context.ReportUnsupported(op, "an integer SVDF needs quantization parameters on its input, weights, state and output");
            return null;
        }
        if (featureWeights.Quantization!.IsPerChannel || timeWeights.Quantization!.IsPerChannel)
        {
            context.ReportUnsupported(op, "per-channel weights are not supported; TFLM's SVDF quantizes its weights per tensor");
            return null;
        }

        // TFLM: effective scales are float products and quotients, widened to double afterwards.
        float featureProduct = input.Quantization.Scale * featureQuantization.Scale;
        float featureScale = featureProduct / state.Quantization.Scale;
        float outputProduct = state.Quantization.Scale * timeQuantization.Scale;
        float outputScale = outputProduct / output.Quantization.Scale;
        (int featureMultiplier, int featureShift) = QuantizationMath.QuantizeMultiplier(featureScale);
        (int outputMultiplier, int outputShift) = QuantizationMath.QuantizeMultiplier(outputScale);

        // Zero points folded out of the two dot products: Σ w·(x − zp) = Σ w·x − zp·Σ w, exact in wrapping int32.
        string? featureOffsets = null;
        int inputZeroPoint = input.Quantization.ZeroPoint;
        if (inputZeroPoint != 0)
        {
            sbyte[] featureValues = ConstantData.As<sbyte>(context.ConstantBytes(featureIndex));
            int[] offsets = new int[filters];
            for (int f = 0; f < filters; f++)
            {
                int sum = 0;
                for (int i = 0; i < inputSize; i++)
                {
                    sum += featureValues[f * inputSize + i];
                }
                offsets[f] = unchecked(-inputZeroPoint * sum);
            }
            featureOffsets = context.AddConstant(prefix + "FeatureOffsets", ElementType.Int32, ConstantData.ToBytes(offsets), $"−(input zero point {inputZeroPoint}) · Σ feature weights, per filter, int32[{filters}]");
        }
        string? timeOffsets = null;
        int stateZeroPoint = state.Quantization.ZeroPoint;
        if (stateZeroPoint != 0)
        {
            int[] timeValues = state.Type == ElementType.Int16
                ? ConstantData.As<short>(context.ConstantBytes(timeIndex)).Select(v => (int)v).ToArray()
                : ConstantData.As<sbyte>(context.ConstantBytes(timeIndex)).Select(v => (int)v).ToArray();
            int[] offsets = new int[filters];
            for (int f = 0; f < filters; f++)
            {
                int sum = 0;
                for (int m = 0; m < memory; m++)
                {
                    sum += timeValues[f * memory + m];
                }
                offsets[f] = unchecked(-stateZeroPoint * sum);
            }
            timeOffsets = context.AddConstant(prefix + "TimeOffsets", ElementType.Int32, ConstantData.ToBytes(offsets), $"−(state zero point {stateZeroPoint}) · Σ time weights, per filter, int32[{filters}]");
        }

        return new SvdfLayer(op.Index, inputs, outputs, ElementType.Int8, state.Type, batches, inputSize, filters, rank, memory,
            feature, time, bias, featureOffsets, timeOffsets,
            featureMultiplier, featureShift, outputMultiplier, outputShift, stateZeroPoint, output.Quantization.ZeroPoint, activation);
    }

    /// <summary>
    /// Shift the state, project the input into each filter's newest memory slot, then per unit a bias plus
    /// the rank filters' dot products over memory, in TFLM's order (svdf_common.cc, EvalFloatSvdfReference
    /// and EvalIntegerSvdfReference). The weights keep the model's row-major layout, which these loops read.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, SvdfLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec state = context.Model.Value(layer.Inputs[1]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string stateType = layer.StateType.CSharpName();
        int filterSpan = layer.Filters * layer.Memory;

        string prefix = $"Layer{layer.NodeIndex}";
        ElementType biasType = quantized ? ElementType.Int32 : ElementType.Float32;
        string weightsFeature = context.AddConstant(prefix + "WeightsFeature", layer.Type, layer.WeightsFeature.AsImmutableArray().ToArray(),
            $"feature weights, {layer.Type.ModelName()}[{layer.Filters},{layer.InputSize}]");
        string weightsTime = context.AddConstant(prefix + "WeightsTime", layer.StateType, layer.WeightsTime.AsImmutableArray().ToArray(),
            $"time weights, {layer.StateType.ModelName()}[{layer.Filters},{layer.Memory}]");
        string? bias = layer.Bias is { } biasData
            ? context.AddConstant(prefix + "Bias", biasType, biasData.AsImmutableArray().ToArray(), $"bias, {biasType.ModelName()}[{layer.Units}]")
            : null;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SVDF: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, rank {layer.Rank}: {layer.Filters} filters over the last {layer.Memory} inputs, {layer.Units} units.");
        writer.WriteLine($"/// The state <c>{Literals.Xml(state.Name)}</c>, {Literals.Xml(state.Describe())}, holds each filter's memory ([filters, memory] per batch) and persists across calls.");
        writer.WriteLine("/// Each call shifts every filter's memory left by one, writes the filter's projection of the input (feature weights) into its newest slot,");
        writer.WriteLine("/// then gives each unit its bias plus, for its rank filters, the dot product of the time weights with the filter's memory.");
        if (quantized)
        {
            writer.WriteLine($"/// The projection is requantized to the state with multiplier {layer.FeatureMultiplier} · 2^{layer.FeatureShift}, clamped to {layer.StateType.ModelName()} and offset by the state zero point {layer.StateZeroPoint};");
            writer.WriteLine($"/// the unit sums with multiplier {layer.OutputMultiplier} · 2^{layer.OutputShift}, offset by the output zero point {layer.OutputZeroPoint} and clamped to int8.");
            writer.WriteLine("/// As in TFLM's integer SVDF, no fused activation is applied beyond that clamp. Zero points are folded into per-filter constants at build time.");
        }
        else
        {
            writer.WriteLine($"/// Fused activation {ActivationName(layer.Activation)}.");
        }
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        string weightType = quantized ? "sbyte" : "float";
        string acc = quantized ? "int" : "float";
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> weightsFeature = {context.Constant(weightsFeature)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{stateType}> weightsTime = {context.Constant(weightsTime)};");
        if (bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> bias = {context.Constant(bias)};");
        }
        if (layer.FeatureOffsets is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> featureOffsets = {context.Constant(layer.FeatureOffsets)};");
        }
        if (layer.TimeOffsets is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> timeOffsets = {context.Constant(layer.TimeOffsets)};");
        }
        writer.WriteLine($"{EmitContext.Span}<{stateType}> state = {EmitContext.InputName(1)};");
        if (quantized)
        {
            writer.WriteLine($"{EmitContext.Span}<int> projections = stackalloc int[{layer.Filters}];");
            writer.WriteLine($"{EmitContext.Span}<int> sums = stackalloc int[{layer.Units}];");
        }
        writer.WriteLine();
        writer.WriteLine("// Forget the oldest input: the whole state moves left by one element. Each filter's newest slot receives");
        writer.WriteLine("// the next filter's oldest value, which the projection below overwrites.");
        writer.WriteLine("state.Slice(1).CopyTo(state);");

        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(quantized ? "sbyte" : "float")}> x = input.Slice(b * {layer.InputSize}, {layer.InputSize});");
            writer.WriteLine($"{EmitContext.Span}<{stateType}> memory = state.Slice(b * {filterSpan}, {filterSpan});");
            writer.WriteLine($"{EmitContext.Span}<{(quantized ? "sbyte" : "float")}> y = output.Slice(b * {layer.Units}, {layer.Units});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(quantized ? "sbyte" : "float")}> x = input;");
            writer.WriteLine($"{EmitContext.Span}<{stateType}> memory = state;");
            writer.WriteLine($"{EmitContext.Span}<{(quantized ? "sbyte" : "float")}> y = output;");
        }

        if (quantized)
        {
            WriteIntegerStages(writer, layer, bias is not null);
            if (batched)
            {
                writer.CloseBlock();
            }
            writer.CloseBlock();
            return;
        }

        // Feature projection into the newest memory slot of each filter, each dot product sequential as TFLM's.
        writer.OpenBlock($"for (int f = 0; f < {layer.Filters}; f++)");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> w = weightsFeature.Slice(f * {layer.InputSize}, {layer.InputSize});");
        writer.WriteLine("float dot = 0f;");
        writer.OpenBlock($"for (int i = 0; i < {layer.InputSize}; i++)");
        writer.WriteLine("dot += w[i] * x[i];");
        writer.CloseBlock();
        writer.WriteLine($"memory[f * {layer.Memory} + {layer.Memory - 1}] = dot;");
        writer.CloseBlock();

        // Time: per unit, the bias then each of its rank filters' memory · time weights, in TFLM's order.
        writer.OpenBlock($"for (int u = 0; u < {layer.Units}; u++)");
        writer.WriteLine($"float sum = {(bias is not null ? "bias[u]" : "0f")};");
        string filter = layer.Rank == 1 ? "u" : "f";
        if (layer.Rank > 1)
        {
            writer.OpenBlock($"for (int f = u * {layer.Rank}; f < u * {layer.Rank} + {layer.Rank}; f++)");
        }
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> w = weightsTime.Slice({filter} * {layer.Memory}, {layer.Memory});");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> m = memory.Slice({filter} * {layer.Memory}, {layer.Memory});");
        writer.WriteLine("float dot = 0f;");
        writer.OpenBlock($"for (int j = 0; j < {layer.Memory}; j++)");
        writer.WriteLine("dot += w[j] * m[j];");
        writer.CloseBlock();
        writer.WriteLine("sum += dot;");
        if (layer.Rank > 1)
        {
            writer.CloseBlock();
        }
        writer.WriteLine($"y[u] = {FloatActivation(layer.Activation, "sum")};");
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>
    /// The integer stages for one batch: the feature dot products (vectorized; integer sums equal TFLM's sequential
    /// ones), then <c>SvdfKernels</c> for the projections' requantization into the memory and the time sums, and
    /// <c>Requantization</c> for the output.
    /// </summary>
    private static void WriteIntegerStages(SourceWriter writer, SvdfLayer layer, bool hasBias)
    {
        writer.WriteLine("// Feature projection of each filter, requantized into its newest memory slot.");
        writer.OpenBlock($"for (int f = 0; f < {layer.Filters}; f++)");
        writer.WriteLine($"projections[f] = {(layer.FeatureOffsets is not null ? "featureOffsets[f] + " : "")}global::TinyModel.DotProduct.Int8(x, weightsFeature.Slice(f * {layer.InputSize}, {layer.InputSize}));");
        writer.CloseBlock();
        // TFLM clamps the requantized projection to the state type, then adds the state zero point, so an
        // int8 state with a nonzero zero point can wrap (tflite-micro#2721; the proposed fix, #3627, adds it
        // before the clamp but was not merged when this was written). TinyModel matches TFLM as it is.
        writer.WriteLine($"global::TinyModel.SvdfKernels.StoreProjections(projections, {layer.FeatureMultiplier}, {layer.FeatureShift}, {layer.StateZeroPoint}, memory, {layer.Memory});");
        writer.WriteLine($"// Time: per unit, the bias plus its {layer.Rank} filter(s)' time weights · memory; then requantized to the output.");
        writer.WriteLine($"global::TinyModel.SvdfKernels.TimeSums<{layer.StateType.CSharpName()}>(weightsTime, memory, {layer.Memory}, {layer.Rank}, {(hasBias ? "bias" : "default")}, {(layer.TimeOffsets is not null ? "timeOffsets" : "default")}, sums);");
        writer.WriteLine($"global::TinyModel.Requantization.ToInt8(sums, {layer.OutputMultiplier}, {layer.OutputShift}, {layer.OutputZeroPoint}, -128, 127, y);");
    }

    private static string ActivationName(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => "RELU",
        FusedActivation.ReluN1To1 => "RELU_N1_TO_1",
        FusedActivation.Relu6 => "RELU6",
        FusedActivation.Tanh => "TANH",
        FusedActivation.SignBit => "SIGN_BIT",
        _ => "NONE",
    };

    /// <summary>TFLM's <c>ActivationValFloat</c> applied to <paramref name="value"/>, with the Min and Max of <paramref name="math"/>.</summary>
    private static string FloatActivation(FusedActivation activation, string value, string math = EmitContext.MathClass) => activation switch
    {
        FusedActivation.Relu => $"{math}.Max(0f, {value})",
        FusedActivation.ReluN1To1 => $"{math}.Max(-1f, {math}.Min({value}, 1f))",
        FusedActivation.Relu6 => $"{math}.Max(0f, {math}.Min({value}, 6f))",
        FusedActivation.Tanh => $"global::System.MathF.Tanh({value})",
        FusedActivation.SignBit => $"(float.IsNegative({value}) ? 1f : 0f)",
        _ => value,
    };
}

/// <summary>
/// SVDF (singular value decomposition filter, TFLM svdf.cc / svdf_common.cc): a rank-decomposed
/// filter over the last <see cref="Memory"/> inputs. Each call shifts the state (per batch,
/// [filters, memory]) left by one, writes the new feature projection <c>weightsFeature · input</c>
/// into each filter's last memory slot, then computes
/// <c>output[u] = act(bias[u] + Σ_r Σ_m weightsTime[u·rank + r, m] · state[u·rank + r, m])</c>.
/// Inputs are (input, state); the state is a variable tensor that persists across calls. The weights
/// are the model's own bytes, so that each flavor's emitter chooses their layout.
/// </summary>
/// <param name="Type">Float32, or Int8 (int8 input and feature weights, int32 bias, int8 output).</param>
/// <param name="StateType">The type of the state and the time weights: float32, int16 or int8.</param>
/// <param name="WeightsFeature">The model's feature weights, [filters, inputSize] of <paramref name="Type"/>, little-endian.</param>
/// <param name="WeightsTime">The model's time weights, [filters, memory] of <paramref name="StateType"/>, little-endian.</param>
/// <param name="Bias">The model's bias, [units] of float32 (float layers) or int32, or null when the model has none.</param>
/// <param name="FeatureOffsets">
/// Integer only: per filter, <c>−inputZeroPoint · Σ weightsFeature[f, :]</c>, the input zero point folded
/// out of TFLM's <c>Σ w · (x − zp)</c>; null when the input zero point is 0. Exact in int32.
/// </param>
/// <param name="TimeOffsets">
/// Integer only: per filter, <c>−stateZeroPoint · Σ weightsTime[f, :]</c>, null when the state zero point is 0.
/// </param>
/// <param name="FeatureMultiplier">Integer only: input·featureWeights/state scale, Q0.31.</param>
/// <param name="OutputMultiplier">Integer only: state·timeWeights/output scale, Q0.31.</param>
/// <param name="Activation">The fused activation. TFLM applies it to float SVDF only: the integer kernel clamps to int8 and nothing else.</param>
internal sealed record SvdfLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ElementType StateType,
    int Batches,
    int InputSize,
    int Filters,
    int Rank,
    int Memory,
    EquatableArray<byte> WeightsFeature,
    EquatableArray<byte> WeightsTime,
    EquatableArray<byte>? Bias,
    string? FeatureOffsets,
    string? TimeOffsets,
    int FeatureMultiplier,
    int FeatureShift,
    int OutputMultiplier,
    int OutputShift,
    int StateZeroPoint,
    int OutputZeroPoint,
    FusedActivation Activation)
    : LayerSpec(NodeIndex, "SVDF", Inputs, Outputs)
{
    public int Units => Filters / Rank;

    public override long MacCount => (long)Batches * Filters * (InputSize + Memory);
}
