using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>FULLY_CONNECTED for nanoFramework: TFLM's reference loop over the model's [units, depth] weights.</summary>
internal sealed partial class FullyConnected
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, FullyConnectedLayer layer, NanoEmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        string math = context.Helper(NanoHelper.FixedPoint);
        ElementType weightsType = LayerWeights.TypeFor(layer.Type);

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, FULLY_CONNECTED: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {(layer.Batches == 1 ? "The row" : $"Each of the {layer.Batches} rows")} of {Literals.Count(layer.Depth, "input")} is multiplied by the {layer.Units}×{layer.Depth} weight matrix{(layer.Bias is null ? "" : " and the bias added")}, one sequential {acc} sum per unit as TFLM computes it;");
        writer.WriteLine(quantized
            ? $"/// requantized with {(layer.PerChannelMultipliers is null ? $"multiplier {layer.Multiplier} · 2^{layer.Shift}" : "a multiplier and exponent per unit")}, offset by {layer.OutputZeroPoint}, clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}] (the input zero point is folded into the bias)."
            : $"/// clamped to [{Literals.FloatText(layer.Activation.FloatMin)}, {Literals.FloatText(layer.Activation.FloatMax)}].");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        byte[] data = layer.Weights.AsImmutableArray().AsSpan().ToArray();
        string description = $"weights, {weightsType.ModelName()}[{layer.Units},{layer.Depth}] as in the model";
        // Weights larger than one nanoFramework object are read a block of units' rows at a time, around the batches.
        int blockRows = context.WeightRowsPerRead(weightsType, data, layer.Depth);
        System.Func<string, string> weights = blockRows == 0 ? context.Weights(writer, layer, weightsType, data, description, "weights") : null!;
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{acc}[] bias = {context.Constant(layer.Bias)};");
        }
        if (layer.PerChannelMultipliers is not null)
        {
            writer.WriteLine($"int[] multipliers = {context.Constant(layer.PerChannelMultipliers)};");
            writer.WriteLine($"int[] shifts = {context.Constant(layer.PerChannelShifts!)};");
        }
        (string firstUnit, string endUnit, string row) = ("0", Literals.Int(layer.Units), "u");
        if (blockRows > 0)
        {
            writer.OpenBlock($"for (int u0 = 0; u0 < {layer.Units}; u0 += {blockRows})");
            writer.WriteLine($"int u1 = u0 + {blockRows} < {layer.Units} ? u0 + {blockRows} : {layer.Units};");
            weights = context.WeightRows(writer, weightsType, data, description, "weights", layer.Depth, "u0", "(u1 - u0)");
            (firstUnit, endUnit, row) = ("u0", "u1", "(u - u0)");
        }
        writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        writer.WriteLine($"int x = inputOffset + b * {layer.Depth};");
        writer.WriteLine($"int y = outputOffset + b * {layer.Units};");
        writer.OpenBlock($"for (int u = {firstUnit}; u < {endUnit}; u++)");
        writer.WriteLine($"int w = {row} * {layer.Depth};");
        writer.WriteLine($"{acc} sum = {(quantized && layer.Bias is not null ? "bias[u]" : quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int d = 0; d < {layer.Depth}; d++)");
        // TFLM multiplies in int32 and accumulates in the accumulator type (int32 sums wrap, as on nanoCLR).
        string weight = layer.WeightsOffset == 0 ? weights("w + d") : $"({weights("w + d")} + {layer.WeightsOffset})";
        writer.WriteLine($"sum += input[x + d] * {weight};");
        writer.CloseBlock();
        if (quantized)
        {
            string multiplier = layer.PerChannelMultipliers is null ? Literals.Int(layer.Multiplier) : "multipliers[u]";
            string shift = layer.PerChannelMultipliers is null ? Literals.Int(layer.Shift) : "shifts[u]";
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(sum, {multiplier}, {shift}){Literals.PlusTerm(layer.OutputZeroPoint)};");
            writer.WriteLine($"output[y + u] = ({layer.Type.CSharpName()}){math}.Clamp(scaled, {layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax});");
        }
        else
        {
            // TFLM adds the bias to the finished sum.
            string total = layer.Bias is null ? "sum" : "sum + bias[u]";
            writer.WriteLine($"output[y + u] = {math}.Clamp({total}, {Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        if (blockRows > 0)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
