using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes TRANSPOSE_CONV kernels. TFLM's reference kernels scatter: they zero an accumulator buffer the
/// size of the output (int32, int64 or the float output itself), add every input pixel's products into
/// the output pixels it reaches, then requantize the whole buffer. This kernel gathers instead: for each
/// output element it visits the input pixels that reach it, in TFLM's order (input row, then column, then
/// channel, all ascending), in a local accumulator. Integer sums are therefore identical (wrapping int32
/// additions commute), float sums are added in the same order, and no scratch buffer is needed at all.
/// </summary>
internal sealed class TransposeConvEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (TransposeConvLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        bool quantized = layer.Type != ElementType.Float32;
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        string weightType = quantized ? "sbyte" : "float";
        string math = EmitContext.MathClass;

        WriteSummary(writer, layer, input, output, acc);
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> weights = {context.Constant(layer.Weights)};");
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

        // Input row iy reaches output row oy through filter row fy = oy + padHeight - iy * strideHeight,
        // so the rows that reach oy are those with 0 <= fy < filterHeight and 0 <= iy < inputHeight.
        writer.OpenBlock($"for (int oy = 0; oy < {oh}; oy++)");
        writer.WriteLine($"int ty = {Plus("oy", layer.PadHeight)};");
        writer.WriteLine($"int iyFirst = {math}.Max(0, {Divide(Plus("ty", sh - fh), sh)});");
        writer.WriteLine($"int iyLast = {math}.Min({ih - 1}, {Divide("ty", sh)});");
        writer.OpenBlock($"for (int ox = 0; ox < {ow}; ox++)");
        writer.WriteLine($"int tx = {Plus("ox", layer.PadWidth)};");
        writer.WriteLine($"int ixFirst = {math}.Max(0, {Divide(Plus("tx", sw - fw), sw)});");
        writer.WriteLine($"int ixLast = {math}.Min({iw - 1}, {Divide("tx", sw)});");
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
}
