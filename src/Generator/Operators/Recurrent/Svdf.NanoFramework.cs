using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Recurrent;

/// <summary>SVDF for nanoFramework: the .NET flavor's loops (TFLM's svdf_common.cc order) on arrays with offsets.</summary>
internal sealed partial class Svdf
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, SvdfLayer layer, NanoEmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        if (!quantized && layer.Activation is Reading.FusedActivation.Tanh or Reading.FusedActivation.SignBit)
        {
            context.ReportUnsupported(layer, "a fused TANH or SIGN_BIT on a float SVDF");
            return;
        }
        string stateType = layer.StateType.CSharpName();
        string acc = quantized ? "int" : "float";
        string math = context.Helper(NanoHelper.FixedPoint);
        int filterSpan = layer.Filters * layer.Memory;
        string prefix = $"Layer{layer.NodeIndex}";
        string weightsTime = context.AddConstant(prefix + "WeightsTime", layer.StateType, layer.WeightsTime.AsImmutableArray().ToArray(),
            $"time weights, {layer.StateType.ModelName()}[{layer.Filters},{layer.Memory}]");
        ElementType biasType = quantized ? ElementType.Int32 : ElementType.Float32;
        string? bias = layer.Bias is { } biasData
            ? context.AddConstant(prefix + "Bias", biasType, biasData.AsImmutableArray().ToArray(), $"bias, {biasType.ModelName()}[{layer.Units}]")
            : null;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SVDF: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, rank {layer.Rank}: {layer.Filters} filters over the last {layer.Memory} inputs, {layer.Units} units.");
        writer.WriteLine("/// The state (input 1, [filters, memory] per batch) persists across calls: each call shifts it left by one, writes each filter's");
        writer.WriteLine("/// projection of the input into its newest slot, then gives each unit its bias plus its rank filters' time-weighted memory, in TFLM's order.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        System.Func<string, string> weightsFeature = context.Weights(writer, layer, layer.Type, layer.WeightsFeature.AsImmutableArray().ToArray(),
            $"feature weights, {layer.Type.ModelName()}[{layer.Filters},{layer.InputSize}]", "weightsFeature");
        writer.WriteLine($"{stateType}[] weightsTime = {context.Constant(weightsTime)};");
        if (bias is not null)
        {
            writer.WriteLine($"{acc}[] bias = {context.Constant(bias)};");
        }
        if (layer.FeatureOffsets is not null)
        {
            writer.WriteLine($"int[] featureOffsets = {context.Constant(layer.FeatureOffsets)};");
        }
        if (layer.TimeOffsets is not null)
        {
            writer.WriteLine($"int[] timeOffsets = {context.Constant(layer.TimeOffsets)};");
        }
        writer.WriteLine("// Forget the oldest input: the whole state moves left by one element (a forward copy, safe in place).");
        writer.OpenBlock($"for (int i = 0; i < {layer.Batches * filterSpan - 1}; i++)");
        writer.WriteLine("input1[input1Offset + i] = input1[input1Offset + i + 1];");
        writer.CloseBlock();

        writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        writer.WriteLine($"int x = inputOffset + b * {layer.InputSize};");
        writer.WriteLine($"int memory = input1Offset + b * {filterSpan};");
        writer.WriteLine($"int y = outputOffset + b * {layer.Units};");
        writer.OpenBlock($"for (int f = 0; f < {layer.Filters}; f++)");
        writer.WriteLine($"{acc} dot = {(layer.FeatureOffsets is not null ? "featureOffsets[f]" : quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int i = 0; i < {layer.InputSize}; i++)");
        writer.WriteLine(quantized
            ? $"dot += input[x + i] * {weightsFeature($"f * {layer.InputSize} + i")};"
            : $"dot += {weightsFeature($"f * {layer.InputSize} + i")} * input[x + i];");
        writer.CloseBlock();
        string slot = $"input1[memory + f * {layer.Memory} + {layer.Memory - 1}]";
        if (quantized)
        {
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(dot, {layer.FeatureMultiplier}, {layer.FeatureShift});");
            // TFLM clamps to the state type, then adds the state zero point (which may wrap; see the .NET emitter).
            writer.WriteLine($"{slot} = unchecked(({stateType})({math}.Clamp(scaled, {layer.StateType.MinValue()}, {layer.StateType.MaxValue()}){Literals.PlusTerm(layer.StateZeroPoint)}));");
        }
        else
        {
            writer.WriteLine($"{slot} = dot;");
        }
        writer.CloseBlock();

        writer.OpenBlock($"for (int u = 0; u < {layer.Units}; u++)");
        writer.WriteLine($"{acc} sum = {(bias is not null ? "bias[u]" : quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int f = u * {layer.Rank}; f < u * {layer.Rank} + {layer.Rank}; f++)");
        writer.WriteLine($"{acc} dot = {(layer.TimeOffsets is not null ? "timeOffsets[f]" : quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int j = 0; j < {layer.Memory}; j++)");
        writer.WriteLine($"dot += weightsTime[f * {layer.Memory} + j] * input1[memory + f * {layer.Memory} + j];");
        writer.CloseBlock();
        writer.WriteLine("sum += dot;");
        writer.CloseBlock();
        if (quantized)
        {
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(sum, {layer.OutputMultiplier}, {layer.OutputShift}){Literals.PlusTerm(layer.OutputZeroPoint)};");
            writer.WriteLine($"output[y + u] = (sbyte){math}.Clamp(scaled, -128, 127);");
        }
        else
        {
            writer.WriteLine($"output[y + u] = {FloatActivation(layer.Activation, "sum", math)};");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
