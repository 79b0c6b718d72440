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
    /// <summary>Values a staging buffer holds beyond its length so that its start can be aligned (TinyModel.Int8Convolution.AlignmentSlack).</summary>
    private const int AlignmentSlack = 31;

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

    /// <summary>Whether the whole padded image fits on the stack, so that each input row is staged once, not once per filter row that reads it.</summary>
    public static bool ImageFits(ConvolutionGeometry g, int slack) => (long)StagedHeight(g) * StagedWidth(g) * g.InputChannels + slack <= MaxStagedValues;

    /// <summary>Staged rows of the whole image: from the first output row's window to the last's.</summary>
    private static int StagedHeight(ConvolutionGeometry g) => (g.OutputHeight - 1) * g.StrideHeight + (g.FilterHeight - 1) * g.DilationHeight + 1;

    /// <summary>Staged values from one filter row to the next in the kernel's window: adjacent slots per output row, or <c>dilation</c> rows of the staged image.</summary>
    public static int RowStride(ConvolutionGeometry g, int slack) =>
        (ImageFits(g, slack) ? g.DilationHeight : 1) * StagedWidth(g) * g.InputChannels;

    /// <summary>Pixels a pointwise layer stages at a time: about <see cref="PointwiseChunkValues"/> values, a multiple of 4 pixels.</summary>
    private static int PointwiseChunk(ConvolutionGeometry g) =>
        Math.Min(g.Batches * g.InputHeight * g.InputWidth, Math.Max(4, PointwiseChunkValues / g.InputChannels / 4 * 4));

    /// <summary>Staged columns per filter row: from the first output column's window to the last's.</summary>
    public static int StagedWidth(ConvolutionGeometry g) => (g.OutputWidth - 1) * g.StrideWidth + (g.FilterWidth - 1) * g.DilationWidth + 1;

    /// <summary>
    /// Writes the loop of a pointwise layer: <paramref name="kernelCall"/> gets the staged input's and the output's
    /// expressions and returns the statement that computes the one from the other. <paramref name="slack"/> values follow the staged ones.
    /// </summary>
    public static void WritePointwise(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int pixels = g.Batches * g.InputHeight * g.InputWidth;
        int chunk = PointwiseChunk(g);
        writer.WriteLine($"{EmitContext.Span}<short> staged = global::TinyModel.Int8Convolution.Align(stackalloc short[{I(chunk * ic + slack + AlignmentSlack)}], {I(chunk * ic + slack)});");
        if (chunk == pixels)
        {
            writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(input, {I(inputOffset)}, staged);");
            writer.WriteLine(kernelCall("staged", "output"));
            return;
        }
        writer.WriteLine($"// {I(pixels)} pixels, {I(chunk)} at a time.");
        writer.OpenBlock($"for (int start = 0; start < {I(pixels)}; start += {I(chunk)})");
        writer.WriteLine($"int count = {EmitContext.MathClass}.Min({I(chunk)}, {I(pixels)} - start);");
        writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(input.Slice(start * {I(ic)}, count * {I(ic)}), {I(inputOffset)}, staged);");
        writer.WriteLine(kernelCall("staged", $"output.Slice(start * {I(oc)}, count * {I(oc)})"));
        writer.CloseBlock();
    }

    /// <summary>
    /// Writes the loop of any other layer: per output row, the filter rows' input rows staged side by side
    /// (<see cref="StagedWidth"/> columns each, padding columns and rows zero), then <paramref name="kernelCall"/> with the staged
    /// input and the output row. <paramref name="slack"/> values follow the staged rows. When the whole padded image fits
    /// on the stack and <paramref name="imageCall"/> is given, it computes every output row in one statement instead: it
    /// gets the staged image's and the output's expressions and the staged values from one output row's windows to the next.
    /// With <paramref name="byColumns"/> (only where the image fits), <paramref name="kernelCall"/> computes a column of the
    /// output image per call instead of a row: its windows start <c>strideHeight</c> staged rows apart, its pixels lie
    /// a row of the output apart.
    /// </summary>
    public static void WriteRows(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string, string> kernelCall,
        Func<string, string, long, string>? imageCall = null, bool byColumns = false)
    {
        if (ImageFits(g, slack))
        {
            WriteImage(writer, g, inputOffset, slack, kernelCall, imageCall, byColumns: byColumns);
            return;
        }
        int ic = g.InputChannels, oc = g.OutputChannels;
        int stagedWidth = StagedWidth(g);
        int rowStride = stagedWidth * ic;
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        writer.WriteLine($"// Filter row ky of output row oy reads input row oy·{I(g.StrideHeight)}{Literals.PlusTerm(-g.PadTop)} + ky·{I(g.DilationHeight)}, staged as {I(stagedWidth)} columns (input column ix at ix + {I(g.PadLeft)});");
        writer.WriteLine("// the columns and rows outside the input hold zeros: TFLite's padding.");
        writer.WriteLine($"{EmitContext.Span}<short> staged = global::TinyModel.Int8Convolution.Align(stackalloc short[{I(g.FilterHeight * rowStride + slack + AlignmentSlack)}], {I(g.FilterHeight * rowStride + slack)});");
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
        writer.WriteLine(kernelCall("staged", $"result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
        writer.CloseBlock();
        ConvolutionLoops.CloseBatches(writer, g);
    }

    /// <summary>Staged rows one output row's windows span: the filter's height, dilated.</summary>
    private static int WindowHeight(ConvolutionGeometry g) => (g.FilterHeight - 1) * g.DilationHeight + 1;

    /// <summary>Whether a ring of <see cref="WindowHeight"/> staged rows fits on the stack (see <see cref="WriteRing"/>).</summary>
    public static bool RingFits(ConvolutionGeometry g, int slack) => (long)WindowHeight(g) * StagedWidth(g) * g.InputChannels + slack <= MaxStagedValues;

    /// <summary>
    /// Writes the loop of a layer whose kernel takes each filter row's staged offset (<see cref="RingFits"/>): the staged
    /// rows live in a ring of <see cref="WindowHeight"/> slots, staged row <c>sr</c> (input row <c>sr − padTop</c>) in slot
    /// <c>sr % height</c>, so that each input row is staged once however many output rows read it. Per output row,
    /// <paramref name="kernelCall"/> gets the staged input's, the row offsets' and the output row's expressions.
    /// </summary>
    public static void WriteRing(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string, string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int stagedWidth = StagedWidth(g), height = WindowHeight(g);
        int rowStride = stagedWidth * ic;
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        writer.WriteLine($"// Input rows are staged once each, in a ring of {I(height)} rows of {I(stagedWidth)} columns (input column ix at ix + {I(g.PadLeft)}): staged row sr, input row sr{Literals.PlusTerm(-g.PadTop)},");
        writer.WriteLine($"// in slot sr % {I(height)}; filter row ky of output row oy reads staged row oy·{I(g.StrideHeight)} + ky·{I(g.DilationHeight)}. The columns and rows outside the input hold zeros: TFLite's padding.");
        writer.WriteLine($"{EmitContext.Span}<short> staged = global::TinyModel.Int8Convolution.Align(stackalloc short[{I((long)height * rowStride + slack + AlignmentSlack)}], {I((long)height * rowStride + slack)});");
        writer.WriteLine("staged.Clear();");
        writer.WriteLine($"{EmitContext.Span}<int> rowOffsets = stackalloc int[{I(g.FilterHeight)}];");
        ConvolutionLoops.OpenBatches(writer, g, "sbyte", "sbyte");
        writer.WriteLine("int next = 0; // the next staged row to stage");
        writer.OpenBlock($"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
        writer.WriteLine($"int top = oy * {I(g.StrideHeight)};");
        if (g.StrideHeight > height)
        {
            writer.WriteLine("next = top > next ? top : next; // rows between windows are never read");
        }
        writer.OpenBlock($"for (; next < top + {I(height)}; next++)");
        writer.WriteLine($"{EmitContext.Span}<short> slot = staged.Slice(next % {I(height)} * {I(rowStride)}{Literals.PlusTerm((long)g.PadLeft * ic)}, {I(columns * ic)});");
        if (g.ClipsRows)
        {
            writer.WriteLine($"int iy = next{Literals.PlusTerm(-g.PadTop)};");
            writer.OpenBlock($"if ((uint)iy < {I(g.InputHeight)})");
            writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(image.Slice(iy * {I(g.InputWidth * ic)}, {I(columns * ic)}), {I(inputOffset)}, slot);");
            writer.CloseBlock();
            writer.OpenBlock("else");
            writer.WriteLine("slot.Clear();");
            writer.CloseBlock();
        }
        else
        {
            string row = g.PadTop == 0 ? "next" : $"(next{Literals.PlusTerm(-g.PadTop)})";
            writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(image.Slice({row} * {I(g.InputWidth * ic)}, {I(columns * ic)}), {I(inputOffset)}, slot);");
        }
        writer.CloseBlock();
        writer.OpenBlock($"for (int ky = 0; ky < {I(g.FilterHeight)}; ky++)");
        writer.WriteLine($"rowOffsets[ky] = (top + ky * {I(g.DilationHeight)}) % {I(height)} * {I(rowStride)};");
        writer.CloseBlock();
        writer.WriteLine(kernelCall("staged", "rowOffsets", $"result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
        writer.CloseBlock();
        ConvolutionLoops.CloseBatches(writer, g);
    }

    /// <summary>
    /// Writes the loop of a layer whose whole padded image fits on the stack (<see cref="ImageFits"/> of
    /// <paramref name="staging"/>): the image staged once, as wide and high as <paramref name="staging"/>'s windows reach
    /// (a geometry like <paramref name="g"/> but for more output rows or columns, whose windows read more padding), then
    /// <paramref name="imageCall"/> (see <see cref="WriteRows"/>).
    /// </summary>
    public static void WriteImage(SourceWriter writer, ConvolutionGeometry g, ConvolutionGeometry staging, int inputOffset, int slack,
        Func<string, string, long, string> imageCall) =>
        WriteImage(writer, g, inputOffset, slack, (_, _) => string.Empty, imageCall, staging);

    /// <summary>
    /// The loop of a layer whose padded image fits on the stack: every input row the windows read is staged once,
    /// then the kernel runs per output row from the row where its windows start.
    /// </summary>
    private static void WriteImage(SourceWriter writer, ConvolutionGeometry g, int inputOffset, int slack, Func<string, string, string> kernelCall,
        Func<string, string, long, string>? imageCall, ConvolutionGeometry? staging = null, bool byColumns = false)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int stagedWidth = StagedWidth(staging ?? g), stagedHeight = StagedHeight(staging ?? g);
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        int rows = Math.Min(g.InputHeight, stagedHeight - g.PadTop);
        writer.WriteLine($"// The padded image, staged once: input row iy at row iy + {I(g.PadTop)} of {I(stagedHeight)}, input column ix at column ix + {I(g.PadLeft)} of {I(stagedWidth)};");
        writer.WriteLine($"// the rest holds zeros: TFLite's padding. Output row oy's windows start at staged row oy·{I(g.StrideHeight)}.");
        writer.WriteLine($"{EmitContext.Span}<short> staged = global::TinyModel.Int8Convolution.Align(stackalloc short[{I((long)stagedHeight * stagedWidth * ic + slack + AlignmentSlack)}], {I((long)stagedHeight * stagedWidth * ic + slack)});");
        writer.WriteLine("staged.Clear();");
        ConvolutionLoops.OpenBatches(writer, g, "sbyte", "sbyte");
        writer.OpenBlock($"for (int iy = 0; iy < {I(rows)}; iy++)");
        writer.WriteLine($"global::TinyModel.Int8Convolution.Stage(image.Slice(iy * {I(g.InputWidth * ic)}, {I(columns * ic)}), {I(inputOffset)}, " +
            $"staged.Slice((iy + {I(g.PadTop)}) * {I(stagedWidth * ic)}{Literals.PlusTerm((long)g.PadLeft * ic)}, {I(columns * ic)}));");
        writer.CloseBlock();
        if (imageCall is not null)
        {
            writer.WriteLine(imageCall("staged", "result", (long)g.StrideHeight * stagedWidth * ic));
        }
        else if (byColumns)
        {
            writer.WriteLine($"// Output column ox's windows start at staged column ox·{I(g.StrideWidth)}; its pixels lie {I(g.OutputWidth * oc)} values apart in the output.");
            writer.OpenBlock($"for (int ox = 0; ox < {I(g.OutputWidth)}; ox++)");
            writer.WriteLine(kernelCall($"staged.Slice(ox * {I((long)g.StrideWidth * ic)})", $"result.Slice(ox * {I(oc)}, {I((long)(g.OutputHeight - 1) * g.OutputWidth * oc + oc)})"));
            writer.CloseBlock();
        }
        else
        {
            writer.OpenBlock($"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
            writer.WriteLine(kernelCall($"staged.Slice(oy * {I((long)g.StrideHeight * stagedWidth * ic)})", $"result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
            writer.CloseBlock();
        }
        ConvolutionLoops.CloseBatches(writer, g);
    }

    private static string I(long value) => Literals.Int(value);
}
