using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The loop nest CONV_2D and DEPTHWISE_CONV_2D kernels share: batches, output rows and columns, and
/// the filter taps that fall inside the input. Taps outside are skipped, which is TFLite's zero
/// padding; where no output pixel can reach the padding the tap bounds are constants. Each output
/// pixel has a row of accumulators (<c>acc</c>, one per output channel) that the caller fills per tap
/// and then writes out.
/// </summary>
internal static class ConvolutionLoops
{
    /// <summary>Opens the batch, row and column loops. Inside: <c>image</c> (the batch's input), <c>y</c> (the pixel's output channels), tap bounds.</summary>
    public static void OpenPixels(SourceWriter writer, ConvolutionGeometry g, string inputType, string outputType)
    {
        OpenBatches(writer, g, inputType, outputType);
        writer.OpenBlock($"for (int oy = 0; oy < {g.OutputHeight}; oy++)");
        writer.WriteLine($"int iy0 = {Origin("oy", g.StrideHeight, g.PadTop)};");
        if (g.ClipsRows)
        {
            writer.WriteLine("// Filter rows inside the input; the rest fall in the zero padding.");
            WriteBounds(writer, "ky", "iy0", g.FilterHeight, g.DilationHeight, g.InputHeight);
        }
        writer.OpenBlock($"for (int ox = 0; ox < {g.OutputWidth}; ox++)");
        writer.WriteLine($"int ix0 = {Origin("ox", g.StrideWidth, g.PadLeft)};");
        if (g.ClipsColumns)
        {
            WriteBounds(writer, "kx", "ix0", g.FilterWidth, g.DilationWidth, g.InputWidth);
        }
        writer.WriteLine($"{EmitContext.Span}<{outputType}> y = result.Slice((oy * {g.OutputWidth} + ox) * {g.OutputChannels}, {g.OutputChannels});");
    }

    public static void ClosePixels(SourceWriter writer, ConvolutionGeometry g)
    {
        writer.CloseBlock();
        writer.CloseBlock();
        CloseBatches(writer, g);
    }

    /// <summary>Opens the batch loop, if there is more than one batch. Inside: <c>image</c> (the batch's input) and <c>result</c> (its output).</summary>
    public static void OpenBatches(SourceWriter writer, ConvolutionGeometry g, string inputType, string outputType)
    {
        int imageSize = g.InputHeight * g.InputWidth * g.InputChannels;
        int resultSize = g.OutputHeight * g.OutputWidth * g.OutputChannels;
        if (g.Batches > 1)
        {
            writer.OpenBlock($"for (int b = 0; b < {g.Batches}; b++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inputType}> image = input.Slice(b * {imageSize}, {imageSize});");
            writer.WriteLine($"{EmitContext.Span}<{outputType}> result = output.Slice(b * {resultSize}, {resultSize});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inputType}> image = input;");
            writer.WriteLine($"{EmitContext.Span}<{outputType}> result = output;");
        }
    }

    /// <summary>Closes what <see cref="OpenBatches"/> opened.</summary>
    public static void CloseBatches(SourceWriter writer, ConvolutionGeometry g)
    {
        if (g.Batches > 1)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>
    /// Writes the loops over the filter taps inside the input, in TFLite's order (rows, then columns),
    /// and calls <paramref name="body"/> inside with <c>pixel</c> (the input channels under the tap) and
    /// <c>tapWeights</c> (the tap's <paramref name="tapSize"/> weights) declared.
    /// </summary>
    public static void WriteTaps(SourceWriter writer, ConvolutionGeometry g, string inputType, string weightType, int tapSize, Action body)
    {
        bool rowLoop = g.FilterHeight > 1 || g.ClipsRows;
        bool columnLoop = g.FilterWidth > 1 || g.ClipsColumns;
        if (rowLoop)
        {
            writer.OpenBlock(g.ClipsRows ? "for (int ky = kyStart; ky < kyEnd; ky++)" : $"for (int ky = 0; ky < {g.FilterHeight}; ky++)");
        }
        string iy = rowLoop ? Plus("iy0", Times("ky", g.DilationHeight)) : "iy0";
        if (columnLoop)
        {
            writer.WriteLine($"int row = ({iy}) * {g.InputWidth};");
            writer.OpenBlock(g.ClipsColumns ? "for (int kx = kxStart; kx < kxEnd; kx++)" : $"for (int kx = 0; kx < {g.FilterWidth}; kx++)");
        }
        string ix = columnLoop ? Plus("ix0", Times("kx", g.DilationWidth)) : "ix0";
        string position = columnLoop ? $"row + {ix}" : $"({iy}) * {g.InputWidth} + {ix}";
        string tap = (rowLoop, columnLoop) switch
        {
            (true, true) => Plus(Times("ky", g.FilterWidth), "kx"),
            (true, false) => "ky",
            (false, true) => "kx",
            _ => "0",
        };
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inputType}> pixel = image.Slice(({position}) * {g.InputChannels}, {g.InputChannels});");
        writer.WriteLine(tap == "0"
            ? $"{EmitContext.ReadOnlySpan}<{weightType}> tapWeights = weights;"
            : $"{EmitContext.ReadOnlySpan}<{weightType}> tapWeights = weights.Slice({Times(tap.Contains(" ") ? $"({tap})" : tap, tapSize)}, {tapSize});");
        body();
        if (columnLoop)
        {
            writer.CloseBlock();
        }
        if (rowLoop)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>
    /// Writes the loop over the filter rows inside the input, for filters whose columns are adjacent
    /// (no column dilation): under each filter row, the input pixels the filter covers are one
    /// contiguous run of channels, as are their weights in the [ky, kx, ic, oc] layout.
    /// <paramref name="body"/> is called with <c>run</c> (the input values) and <c>runWeights</c>
    /// (their <paramref name="tapSize"/> weights each) declared.
    /// </summary>
    public static void WriteRowRuns(SourceWriter writer, ConvolutionGeometry g, string inputType, string weightType, int tapSize, Action body)
    {
        bool rowLoop = g.FilterHeight > 1 || g.ClipsRows;
        if (rowLoop)
        {
            writer.OpenBlock(g.ClipsRows ? "for (int ky = kyStart; ky < kyEnd; ky++)" : $"for (int ky = 0; ky < {g.FilterHeight}; ky++)");
        }
        string iy = rowLoop ? Plus("iy0", Times("ky", g.DilationHeight)) : "iy0";
        string firstTap = g.ClipsColumns ? (rowLoop ? $"ky * {g.FilterWidth} + kxStart" : "kxStart") : (rowLoop ? Times("ky", g.FilterWidth) : "0");
        string firstColumn = g.ClipsColumns ? "ix0 + kxStart" : "ix0";
        string columns = g.ClipsColumns ? "(kxEnd - kxStart)" : Literals.Int(g.FilterWidth);
        string length = g.ClipsColumns ? $"{columns} * {g.InputChannels}" : Literals.Int(g.FilterWidth * g.InputChannels);
        string weightLength = g.ClipsColumns ? $"{columns} * {tapSize}" : Literals.Int(g.FilterWidth * tapSize);
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inputType}> run = image.Slice((({iy}) * {g.InputWidth} + {firstColumn}) * {g.InputChannels}, {length});");
        string weightStart = !g.ClipsColumns && rowLoop ? Times("ky", g.FilterWidth * tapSize) : Times(firstTap.Contains(" ") ? $"({firstTap})" : firstTap, tapSize);
        writer.WriteLine(firstTap == "0" && !g.ClipsColumns
            ? $"{EmitContext.ReadOnlySpan}<{weightType}> runWeights = weights;"
            : $"{EmitContext.ReadOnlySpan}<{weightType}> runWeights = weights.Slice({weightStart}, {weightLength});");
        body();
        if (rowLoop)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>
    /// Writes the loop over the filter rows inside the input for kernels that take a whole row of taps
    /// at once: <paramref name="body"/> gets the input offset of the row's first tap inside the input
    /// and the number of taps, with <c>rowWeights</c> (from the first tap's weights on) declared.
    /// </summary>
    public static void WriteTapRows(SourceWriter writer, ConvolutionGeometry g, string inputType, string weightType, Action<string, string> body)
    {
        bool rowLoop = g.FilterHeight > 1 || g.ClipsRows;
        if (rowLoop)
        {
            writer.OpenBlock(g.ClipsRows ? "for (int ky = kyStart; ky < kyEnd; ky++)" : $"for (int ky = 0; ky < {g.FilterHeight}; ky++)");
        }
        string iy = rowLoop ? Plus("iy0", Times("ky", g.DilationHeight)) : "iy0";
        string firstTap = g.ClipsColumns ? (rowLoop ? $"ky * {g.FilterWidth} + kxStart" : "kxStart") : (rowLoop ? Times("ky", g.FilterWidth) : "0");
        string firstColumn = g.ClipsColumns ? Plus("ix0", Times("kxStart", g.DilationWidth)) : "ix0";
        string taps = g.ClipsColumns ? "kxEnd - kxStart" : Literals.Int(g.FilterWidth);
        // With dilation a column range can be empty, and its first tap outside the input.
        bool guard = g.ClipsColumns && g.DilationWidth > 1;
        if (guard)
        {
            writer.OpenBlock("if (kxEnd > kxStart)");
        }
        string weightStart = !g.ClipsColumns && rowLoop ? Times("ky", g.FilterWidth * g.OutputChannels) : Times(firstTap.Contains(" ") ? $"({firstTap})" : firstTap, g.OutputChannels);
        writer.WriteLine(firstTap == "0"
            ? $"{EmitContext.ReadOnlySpan}<{weightType}> rowWeights = weights;"
            : $"{EmitContext.ReadOnlySpan}<{weightType}> rowWeights = weights.Slice({weightStart});");
        body($"(({iy}) * {g.InputWidth} + {firstColumn}) * {g.InputChannels}", taps);
        if (guard)
        {
            writer.CloseBlock();
        }
        if (rowLoop)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>Writes the requantization of <c>acc</c> into <c>y</c>: TFLM's multiply, offset, then clamp (max before min).</summary>
    public static void WriteIntegerOutput(SourceWriter writer, ChannelRequantization requantization, ActivationRange activation, string outputType, int channels)
    {
        if (!requantization.WideAccumulator)
        {
            // Eight channels at a time where the machine allows (TinyModel.Requantization), bit for bit the loop below.
            string method = outputType == "sbyte" ? "ToInt8" : "ToInt16";
            string scale = requantization.PerChannel ? "multipliers, shifts" : $"{requantization.Multiplier}, {requantization.Shift}";
            writer.WriteLine($"global::TinyModel.Requantization.{method}(acc, {scale}, {requantization.OutputZeroPoint}, {activation.QuantizedMin}, {activation.QuantizedMax}, y);");
            return;
        }
        writer.OpenBlock($"for (int oc = 0; oc < {channels}; oc++)");
        int zeroPoint = requantization.OutputZeroPoint;
        string offset = zeroPoint == 0 ? string.Empty : zeroPoint > 0 ? $" + {zeroPoint}" : $" - {-zeroPoint}";
        writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(acc[oc], {requantization.MultiplierFor("oc")}, {requantization.ShiftFor("oc")}){offset};");
        writer.WriteLine($"y[oc] = ({outputType}){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(scaled, {activation.QuantizedMin}), {activation.QuantizedMax});");
        writer.CloseBlock();
    }

    /// <summary>Writes the float output: the bias added after the sum (TFLM's order), then the clamp.</summary>
    public static void WriteFloatOutput(SourceWriter writer, bool hasBias, ActivationRange activation, int channels)
    {
        writer.OpenBlock($"for (int oc = 0; oc < {channels}; oc++)");
        string total = hasBias ? "acc[oc] + bias[oc]" : "acc[oc]";
        writer.WriteLine($"y[oc] = {EmitContext.MathClass}.Min({EmitContext.MathClass}.Max({total}, {Literals.Float(activation.FloatMin)}), {Literals.Float(activation.FloatMax)});");
        writer.CloseBlock();
    }

    /// <summary>Declares the per-pixel accumulators and the constants every convolution reads.</summary>
    public static void WriteConstants(SourceWriter writer, EmitContext context, string weights, string weightType, string? bias, string biasType,
        ChannelRequantization? requantization, string accumulatorType, int channels)
    {
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> weights = {context.Constant(weights)};");
        if (bias is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{biasType}> bias = {context.Constant(bias)};");
        }
        if (requantization?.Multipliers is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> multipliers = {context.Constant(requantization.Multipliers)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> shifts = {context.Constant(requantization.Shifts!)};");
        }
        writer.WriteLine($"{EmitContext.Span}<{accumulatorType}> acc = stackalloc {accumulatorType}[{channels}];");
    }

    /// <summary>Describes the requantization and clamp for the XML summary.</summary>
    public static string DescribeOutput(ChannelRequantization? requantization, ActivationRange activation, string accumulatorType)
    {
        if (requantization is null)
        {
            return $"The bias is added after the sum, as TFLM does, and the result clamped to [{Literals.Float(activation.FloatMin)}, {Literals.Float(activation.FloatMax)}] (fused {activation.Activation.ToString().ToUpperInvariant()}).";
        }
        string scale = requantization.PerChannel
            ? "a multiplier and exponent per output channel"
            : $"multiplier {requantization.Multiplier} · 2^{requantization.Shift} (≈ {Literals.Double(requantization.RealMultiplier)})";
        string zero = requantization.OutputZeroPoint == 0 ? string.Empty : $", offset by the output zero point {requantization.OutputZeroPoint}";
        return $"Each {accumulatorType} accumulator is requantized with {scale}{zero}, and clamped to [{activation.QuantizedMin}, {activation.QuantizedMax}] (fused {activation.Activation.ToString().ToUpperInvariant()}).";
    }

    private static void WriteBounds(SourceWriter writer, string tap, string origin, int filterSize, int dilation, int inputSize)
    {
        if (dilation == 1)
        {
            writer.WriteLine($"int {tap}Start = {EmitContext.MathClass}.Max(0, -{origin});");
            writer.WriteLine($"int {tap}End = {EmitContext.MathClass}.Min({filterSize}, {inputSize} - {origin});");
        }
        else
        {
            writer.WriteLine($"int {tap}Start = {origin} >= 0 ? 0 : (-{origin} + {dilation - 1}) / {dilation};");
            writer.WriteLine($"int {tap}End = {EmitContext.MathClass}.Min({filterSize}, ({inputSize} - {origin} + {dilation - 1}) / {dilation});");
        }
    }

    private static string Origin(string index, int stride, int pad)
    {
        string scaled = Times(index, stride);
        return pad == 0 ? scaled : $"{scaled} - {pad}";
    }

    private static string Times(string value, int factor) => factor == 1 ? value : $"{value} * {factor}";

    private static string Plus(string a, string b) => $"{a} + {b}";
}
