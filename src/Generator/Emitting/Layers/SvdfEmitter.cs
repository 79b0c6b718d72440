using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes SVDF kernels: shift the state, project the input into each filter's newest memory slot,
/// then per unit a bias plus the rank filters' dot products over memory, in TFLM's order
/// (svdf_common.cc, EvalFloatSvdfReference and EvalIntegerSvdfReference).
/// </summary>
internal sealed class SvdfEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (SvdfLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec state = context.Model.Value(layer.Inputs[1]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string stateType = layer.StateType.CSharpName();
        int filterSpan = layer.Filters * layer.Memory;

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
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> weightsFeature = {context.Constant(layer.WeightsFeature)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{stateType}> weightsTime = {context.Constant(layer.WeightsTime)};");
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> bias = {context.Constant(layer.Bias)};");
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

        // Feature projection into the newest memory slot of each filter.
        writer.OpenBlock($"for (int f = 0; f < {layer.Filters}; f++)");
        if (quantized)
        {
            // An integer sum: the vectorized dot product equals TFLM's sequential one.
            writer.WriteLine($"int dot = {(layer.FeatureOffsets is not null ? "featureOffsets[f] + " : "")}global::TinyModel.DotProduct.Int8(x, weightsFeature.Slice(f * {layer.InputSize}, {layer.InputSize}));");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> w = weightsFeature.Slice(f * {layer.InputSize}, {layer.InputSize});");
            writer.WriteLine("float dot = 0f;");
            writer.OpenBlock($"for (int i = 0; i < {layer.InputSize}; i++)");
            writer.WriteLine("dot += w[i] * x[i];");
            writer.CloseBlock();
        }
        if (quantized)
        {
            string min = Literals.Int(layer.StateType.MinValue()), max = Literals.Int(layer.StateType.MaxValue());
            writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(dot, {layer.FeatureMultiplier}, {layer.FeatureShift});");
            // TFLM clamps the requantized projection to the state type, then adds the state zero point, so an
            // int8 state with a nonzero zero point can wrap (tflite-micro#2721; the proposed fix, #3627, adds it
            // before the clamp but was not merged when this was written). TinyModel matches TFLM as it is.
            string sum = Offset(layer.StateZeroPoint);
            writer.WriteLine($"memory[f * {layer.Memory} + {layer.Memory - 1}] = unchecked(({stateType})({EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(scaled, {min}), {max}){sum}));");
        }
        else
        {
            writer.WriteLine($"memory[f * {layer.Memory} + {layer.Memory - 1}] = dot;");
        }
        writer.CloseBlock();

        // Time: per unit, the bias then each of its rank filters' memory · time weights, in TFLM's order.
        writer.OpenBlock($"for (int u = 0; u < {layer.Units}; u++)");
        writer.WriteLine($"{acc} sum = {(layer.Bias is not null ? "bias[u]" : quantized ? "0" : "0f")};");
        string filter = layer.Rank == 1 ? "u" : "f";
        if (layer.Rank > 1)
        {
            writer.OpenBlock($"for (int f = u * {layer.Rank}; f < u * {layer.Rank} + {layer.Rank}; f++)");
        }
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{stateType}> w = weightsTime.Slice({filter} * {layer.Memory}, {layer.Memory});");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{stateType}> m = memory.Slice({filter} * {layer.Memory}, {layer.Memory});");
        writer.WriteLine($"{acc} dot = {(layer.TimeOffsets is not null ? $"timeOffsets[{filter}]" : quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int j = 0; j < {layer.Memory}; j++)");
        writer.WriteLine("dot += w[j] * m[j];");
        writer.CloseBlock();
        writer.WriteLine("sum += dot;");
        if (layer.Rank > 1)
        {
            writer.CloseBlock();
        }
        if (quantized)
        {
            writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(sum, {layer.OutputMultiplier}, {layer.OutputShift}){Offset(layer.OutputZeroPoint)};");
            writer.WriteLine($"y[u] = (sbyte){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(scaled, -128), 127);");
        }
        else
        {
            writer.WriteLine($"y[u] = {FloatActivation(layer.Activation, "sum")};");
        }
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>An added constant as C# reads best: nothing for 0, <c> + 3</c>, <c> - 3</c>.</summary>
    internal static string Offset(int value) => value == 0 ? "" : value > 0 ? $" + {value}" : $" - {-(long)value}";

    private static string ActivationName(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => "RELU",
        FusedActivation.ReluN1To1 => "RELU_N1_TO_1",
        FusedActivation.Relu6 => "RELU6",
        FusedActivation.Tanh => "TANH",
        FusedActivation.SignBit => "SIGN_BIT",
        _ => "NONE",
    };

    /// <summary>TFLM's <c>ActivationValFloat</c> applied to <paramref name="value"/>.</summary>
    private static string FloatActivation(FusedActivation activation, string value) => activation switch
    {
        FusedActivation.Relu => $"{EmitContext.MathClass}.Max(0f, {value})",
        FusedActivation.ReluN1To1 => $"{EmitContext.MathClass}.Max(-1f, {EmitContext.MathClass}.Min({value}, 1f))",
        FusedActivation.Relu6 => $"{EmitContext.MathClass}.Max(0f, {EmitContext.MathClass}.Min({value}, 6f))",
        FusedActivation.Tanh => $"global::System.MathF.Tanh({value})",
        FusedActivation.SignBit => $"(float.IsNegative({value}) ? 1f : 0f)",
        _ => value,
    };
}
