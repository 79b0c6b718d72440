using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The loops of the .NET flavor's int8 convolution layers that stage their input as int16 (value minus the input
/// zero point, TinyModel.Int8Convolution.Stage) with zeros in the padding, and hand it to a kernel: a run of pixels
/// at a time for 1×1 windows with stride 1, otherwise per output row the input rows its filter rows read.
/// </summary>
internal static class Int8StagedInput
{
    /// <summary>The largest staging buffer, in int16 values, a layer puts on the stack.</summary>
    private const int MaxStagedValues = 32 * 1024;

    /// <summary>Pointwise layers stage this many int16 values at a time (16 KiB: the staged pixels stay in L1 while every block of channels reads them).</summary>
    private const int PointwiseChunkValues = 8 * 1024;

    /// <summary>Whether the input is one run of pixels, each output pixel reading its own input pixel.</summary>
    public static bool IsPointwise(ConvolutionGeometry g) =>
        g.FilterHeight == 1 && g.FilterWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1;

    /// <summary>Whether a layer's staged values (a chunk of pixels, or the rows of one output row) fit on the stack.</summary>
    public static bool Fits(ConvolutionGeometry g, int slack) =>
        (IsPointwise(g) ? (long)PointwiseChunk(g) * g.InputChannels : (long)g.FilterHeight * StagedWidth(g) * g.InputChannels) + slack <= MaxStagedValues;

    /// <summary>Pixels a pointwise layer stages at a time: about <see cref="PointwiseChunkValues"/> values, a multiple of 4 pixels.</summary>
    private static int PointwiseChunk(ConvolutionGeometry g) =>
        Math.Min(g.Batches * g.InputHeight * g.InputWidth, Math.Max(4, PointwiseChunkValues / g.InputChannels / 4 * 4));

    /// <summary>Staged columns per filter row: from the first output column's window to the last's.</summary>
    public static int StagedWidth(ConvolutionGeometry g) => (g.OutputWidth - 1) * g.StrideWidth + (g.FilterWidth - 1) * g.DilationWidth + 1;

    /// <summary>
    /// Writes the loop of a pointwise layer: <paramref name="kernelCall"/> gets the staged span's output slice expression
    /// and returns the statement computing it from <c>staged</c>. <paramref name="slack"/> values follow the staged ones.
    /// </summary>
    public static void WritePointwise(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int pixels = g.Batches * g.InputHeight * g.InputWidth;
        int chunk = PointwiseChunk(g);
        writer.WriteLine($"{EmitContext.Span}<short> staged = stackalloc short[{I(chunk * ic + slack)}];");
        if (chunk == pixels)
        {
            writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(input, {I(inputOffset)}, staged);");
            writer.WriteLine(kernelCall("output"));
            return;
        }
        writer.WriteLine($"// {I(pixels)} pixels, {I(chunk)} at a time.");
        writer.OpenBlock($"for (int start = 0; start < {I(pixels)}; start += {I(chunk)})");
        writer.WriteLine($"int count = {EmitContext.MathClass}.Min({I(chunk)}, {I(pixels)} - start);");
        writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(input.Slice(start * {I(ic)}, count * {I(ic)}), {I(inputOffset)}, staged);");
        writer.WriteLine(kernelCall($"output.Slice(start * {I(oc)}, count * {I(oc)})"));
        writer.CloseBlock();
    }

    /// <summary>
    /// Writes the loop of any other layer: per output row, the filter rows' input rows staged side by side
    /// (<see cref="StagedWidth"/> columns each, padding columns and rows zero), then <paramref name="kernelCall"/> with the
    /// output row's slice. <paramref name="slack"/> values follow the staged rows.
    /// </summary>
    public static void WriteRows(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int stagedWidth = StagedWidth(g);
        int rowStride = stagedWidth * ic;
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        writer.WriteLine($"// Filter row ky of output row oy reads input row oy·{I(g.StrideHeight)}{Literals.PlusTerm(-g.PadTop)} + ky·{I(g.DilationHeight)}, staged as {I(stagedWidth)} columns (input column ix at ix + {I(g.PadLeft)});");
        writer.WriteLine("// the columns and rows outside the input hold zeros: TFLite's padding.");
        writer.WriteLine($"{EmitContext.Span}<short> staged = stackalloc short[{I(g.FilterHeight * rowStride + slack)}];");
        writer.WriteLine("staged.Clear();");
        ConvolutionLoops.OpenBatches(writer, g, "sbyte", "sbyte");
        writer.OpenBlock($"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
        writer.OpenBlock($"for (int ky = 0; ky < {I(g.FilterHeight)}; ky++)");
        writer.WriteLine($"int iy = oy * {I(g.StrideHeight)}{Literals.PlusTerm(-g.PadTop)} + ky * {I(g.DilationHeight)};");
        writer.WriteLine($"{EmitContext.Span}<short> slot = staged.Slice(ky * {I(rowStride)}{Literals.PlusTerm((long)g.PadLeft * ic)}, {I(columns * ic)});");
        if (g.ClipsRows)
        {
            writer.OpenBlock($"if ((uint)iy < {I(g.InputHeight)})");
        }
        writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(image.Slice(iy * {I(g.InputWidth * ic)}, {I(columns * ic)}), {I(inputOffset)}, slot);");
        if (g.ClipsRows)
        {
            writer.CloseBlock();
            writer.OpenBlock("else");
            writer.WriteLine("slot.Clear();");
            writer.CloseBlock();
        }
        writer.CloseBlock();
        writer.WriteLine(kernelCall($"result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
        writer.CloseBlock();
        ConvolutionLoops.CloseBatches(writer, g);
    }

    private static string I(long value) => Literals.Int(value);
}
