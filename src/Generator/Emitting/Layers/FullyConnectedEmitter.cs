using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes FULLY_CONNECTED kernels: one dot product per output unit, requantized as TFLM does.</summary>
internal sealed class FullyConnectedEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (FullyConnectedLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";

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
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(quantized ? "sbyte" : "float")}> weights = {context.Constant(layer.Weights)};");
        if (layer.Bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> bias = {context.Constant(layer.Bias)};");
        }
        if (layer.PerChannelMultipliers is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> multipliers = {context.Constant(layer.PerChannelMultipliers)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> shifts = {context.Constant(layer.PerChannelShifts!)};");
        }

        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{t}> x = input.Slice(b * {layer.Depth}, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{t}> y = output.Slice(b * {layer.Units}, {layer.Units});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{t}> x = input;");
            writer.WriteLine($"{EmitContext.Span}<{t}> y = output;");
        }

        writer.OpenBlock($"for (int u = 0; u < {layer.Units}; u++)");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(quantized ? "sbyte" : "float")}> w = weights.Slice(u * {layer.Depth}, {layer.Depth});");
        writer.WriteLine($"{acc} sum = {(quantized && layer.Bias is not null ? "bias[u]" : quantized ? "0" : "0f")};");
        string weight = layer.WeightsOffset == 0 || !quantized ? "w[d]" : $"(w[d] + {layer.WeightsOffset})";
        if (layer.Type == ElementType.Int8 && layer.WeightsOffset == 0)
        {
            // int32 sums wrap the same in any order, so the vectorized dot product equals TFLM's loop bit for bit.
            writer.WriteLine("sum += global::TinyModel.DotProduct.Int8(x, w);");
        }
        else
        {
            // TFLM multiplies in int32 and accumulates in the accumulator type; the same order here
            // (for float, the order of the sum is what keeps results closest to TFLM's).
            writer.OpenBlock($"for (int d = 0; d < {layer.Depth}; d++)");
            writer.WriteLine($"sum += x[d] * {weight};");
            writer.CloseBlock();
        }

        if (quantized)
        {
            string multiplier = layer.PerChannelMultipliers is null ? Literals.Int(layer.Multiplier) : "multipliers[u]";
            string shift = layer.PerChannelMultipliers is null ? Literals.Int(layer.Shift) : "shifts[u]";
            writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(sum, {multiplier}, {shift}){Literals.PlusTerm(layer.OutputZeroPoint)};");
            writer.WriteLine($"y[u] = ({t}){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(scaled, {layer.Activation.QuantizedMin}), {layer.Activation.QuantizedMax});");
        }
        else
        {
            // TFLM adds the bias after the dot product: the same order keeps float results closest to its.
            string total = layer.Bias is null ? "sum" : "sum + bias[u]";
            writer.WriteLine($"y[u] = {EmitContext.MathClass}.Min({EmitContext.MathClass}.Max({total}, {Literals.Float(layer.Activation.FloatMin)}), {Literals.Float(layer.Activation.FloatMax)});");
        }
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
