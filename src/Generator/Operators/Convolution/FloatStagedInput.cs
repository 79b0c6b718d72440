using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The loops of the .NET flavor's float CONV_2D layers (TinyModel.FloatConvolution), which read each output pixel's
/// whole window: where no window reaches the padding they read the input itself (all the pixels at once for a 1×1
/// window with stride 1, else output row by output row); otherwise the input is staged with zeros in the padding, in
/// bands of output rows (the whole image if it is small), the input rows each band's windows read.
/// </summary>
internal static class FloatStagedInput
{
    /// <summary>The largest staging buffer, in floats, a layer puts on the stack (128 KiB), for the input rows one output row reads.</summary>
    private const int MaxStagedValues = 32 * 1024;

    /// <summary>
    /// The floats a band of staged rows aims at (32 KiB, about L1): a whole image costs zeroing its buffer (stackalloc) and
    /// copying it once; smaller bands re-copy the rows adjacent bands share but zero and touch less.
    /// </summary>
    private const int BandValues = 8 * 1024;

    /// <summary>Whether some window reaches the padding, so that the input must be staged.</summary>
    private static bool ReadsPadding(ConvolutionGeometry g) => g.ClipsRows || g.ClipsColumns;

    /// <summary>Whether the input is one run of pixels, each output pixel reading its own input pixel.</summary>
    private static bool IsPointwise(ConvolutionGeometry g) =>
        g.FilterHeight == 1 && g.FilterWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1;

    /// <summary>Whether a layer's staged rows (if it needs any) fit on the stack.</summary>
    public static bool Fits(ConvolutionGeometry g) =>
        !ReadsPadding(g) || (long)BandHeight(g, 1) * StagedWidth(g) * g.InputChannels <= MaxStagedValues;

    /// <summary>
    /// Input values from one filter row to the next in what the kernel reads: the input's (also for the pixels read in
    /// place, <see cref="ReadsInPlace"/>), the staged image's, or adjacent staged rows.
    /// </summary>
    public static int RowStride(ConvolutionGeometry g) =>
        g.DilationHeight * (ReadsPadding(g) && !ReadsInPlace(g) ? StagedWidth(g) : g.InputWidth) * g.InputChannels;

    /// <summary>
    /// Whether a layer that reads padding reads the pixels whose windows do not reach it in place, and stages only the
    /// filter rows of the others: for a few input channels (a model's first layer), where copying rows costs the most
    /// per product, and where some pixel's window lies inside the input.
    /// </summary>
    private static bool ReadsInPlace(ConvolutionGeometry g)
    {
        (int rowStart, int rowEnd) = g.InsideRows;
        (int columnStart, int columnEnd) = g.InsideColumns;
        return ReadsPadding(g) && g.InputChannels <= MaxInPlaceChannels && rowEnd > rowStart && columnEnd > columnStart;
    }

    /// <summary>The most input channels of a layer <see cref="ReadsInPlace"/>.</summary>
    private const int MaxInPlaceChannels = 4;

    /// <summary>Staged columns per row: from the first output column's window to the last's.</summary>
    private static int StagedWidth(ConvolutionGeometry g) => (g.OutputWidth - 1) * g.StrideWidth + (g.FilterWidth - 1) * g.DilationWidth + 1;

    /// <summary>A line of the layer's XML summary saying what the kernel reads.</summary>
    public static string Describe(ConvolutionGeometry g) =>
        ReadsInPlace(g) ? DescribeInPlace(g)
        : !ReadsPadding(g) ? (IsPointwise(g) ? "The kernel reads the input as one run of pixels" : "The kernel reads the input row by row, no window reaching the padding")
        : BandRows(g) >= g.OutputHeight ? "The padded input is staged once, zeros in the padding, and the kernel reads it output row by output row"
        : $"The padded input is staged for {Literals.Int(BandRows(g))} output rows at a time, zeros in the padding, and the kernel reads it output row by output row";

    /// <summary>
    /// Writes the layer's loop: <paramref name="kernelCall"/> gets the name of the shape variable (<c>shape</c>, whose
    /// row stride is <see cref="RowStride"/>, or one this method declares), the expression of the input the kernel
    /// reads (the first window starting at its first value) and that of the output pixels, and returns the statement
    /// that computes them.
    /// </summary>
    public static void Write(SourceWriter writer, ConvolutionGeometry g, Func<string, string, string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        if (!ReadsPadding(g) && IsPointwise(g))
        {
            writer.WriteLine(kernelCall("shape", "input", "output"));
            return;
        }
        if (!ReadsPadding(g))
        {
            ConvolutionLoops.OpenBatches(writer, g, "float", "float");
            writer.OpenBlock($"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
            writer.WriteLine(kernelCall("shape", $"image.Slice(oy * {I((long)g.StrideHeight * g.InputWidth * ic)})", $"result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
            writer.CloseBlock();
            ConvolutionLoops.CloseBatches(writer, g);
            return;
        }
        if (ReadsInPlace(g))
        {
            WriteInPlace(writer, g, kernelCall);
            return;
        }
        int stagedWidth = StagedWidth(g), rowValues = stagedWidth * ic;
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        int band = BandRows(g), bandHeight = BandHeight(g, band);
        writer.WriteLine($"// The padded input, staged {(band >= g.OutputHeight ? "once" : $"for {I(band)} output rows at a time")}: input column ix at column ix + {I(g.PadLeft)} of {I(stagedWidth)}, " +
            $"and the rows the windows read, zeros outside the input: TFLite's padding.");
        writer.WriteLine($"{EmitContext.Span}<float> staged = stackalloc float[{I((long)bandHeight * rowValues)}];");
        ConvolutionLoops.OpenBatches(writer, g, "float", "float");
        bool banded = band < g.OutputHeight;
        if (banded)
        {
            writer.OpenBlock($"for (int first = 0; first < {I(g.OutputHeight)}; first += {I(band)})");
            writer.WriteLine($"int rows = {EmitContext.MathClass}.Min({I(band)}, {I(g.OutputHeight)} - first);");
        }
        string firstRow = banded ? $"{(g.StrideHeight == 1 ? "first" : $"first * {I(g.StrideHeight)}")}{Literals.PlusTerm(-g.PadTop)} + j" : $"j{Literals.PlusTerm(-g.PadTop)}";
        int left = g.PadLeft * ic, right = (stagedWidth - g.PadLeft - columns) * ic;
        writer.OpenBlock($"for (int j = 0; j < {I(bandHeight)}; j++)");
        writer.WriteLine($"int iy = {firstRow};");
        writer.WriteLine($"{EmitContext.Span}<float> line = staged.Slice(j * {I(rowValues)}, {I(rowValues)});");
        writer.OpenBlock($"if ((uint)iy < {I(g.InputHeight)})");
        if (left > 0)
        {
            writer.WriteLine($"line.Slice(0, {I(left)}).Clear();");
        }
        writer.WriteLine($"image.Slice(iy * {I(g.InputWidth * ic)}, {I(columns * ic)}).CopyTo({(left > 0 ? $"line.Slice({I(left)})" : "line")});");
        if (right > 0)
        {
            writer.WriteLine($"line.Slice({I(left + columns * ic)}).Clear();");
        }
        writer.CloseBlock();
        writer.OpenBlock("else");
        writer.WriteLine("line.Clear();");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.OpenBlock(banded ? "for (int r = 0; r < rows; r++)" : $"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
        string oy = banded ? "(first + r)" : "oy";
        string at = banded ? "r" : "oy";
        writer.WriteLine(kernelCall("shape", $"staged.Slice({at} * {I((long)g.StrideHeight * rowValues)})", $"result.Slice({oy} * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)})"));
        writer.CloseBlock();
        if (banded)
        {
            writer.CloseBlock();
        }
        ConvolutionLoops.CloseBatches(writer, g);
    }

    /// <summary>The summary line of a layer that <see cref="ReadsInPlace"/>.</summary>
    private static string DescribeInPlace(ConvolutionGeometry g)
    {
        (int rowStart, int rowEnd) = g.InsideRows;
        (int columnStart, int columnEnd) = g.InsideColumns;
        return $"Output rows {I(rowStart)} to {I(rowEnd - 1)}, columns {I(columnStart)} to {I(columnEnd - 1)} read the input in place; the other pixels read their filter rows staged with zeros in the padding";
    }

    /// <summary>
    /// The loop of a layer that <see cref="ReadsInPlace"/>: per output row, the pixels whose windows lie inside the
    /// input read it in place; the pixels at the row's ends, or all of a row whose window reaches the top or bottom
    /// padding, read the row's filter rows staged (input column ix at column ix + PadLeft), zeros in the padding. The
    /// staged rows' padding columns are never written, so they stay zero.
    /// </summary>
    private static void WriteInPlace(SourceWriter writer, ConvolutionGeometry g, Func<string, string, string, string> kernelCall)
    {
        int ic = g.InputChannels, oc = g.OutputChannels, stagedWidth = StagedWidth(g), rowValues = stagedWidth * ic;
        int columns = Math.Min(g.InputWidth, stagedWidth - g.PadLeft);
        int reach = (g.FilterWidth - 1) * g.DilationWidth;
        (int rowStart, int rowEnd) = g.InsideRows;
        (int columnStart, int columnEnd) = g.InsideColumns;
        // The input columns the edge pixels' windows read: [0, leftColumns) and [rightFirst, rightFirst + rightColumns).
        int leftColumns = columnStart == 0 ? 0 : Math.Min(g.InputWidth, (columnStart - 1) * g.StrideWidth + reach + 1 - g.PadLeft);
        int rightFirst = columnEnd * g.StrideWidth - g.PadLeft;
        int rightColumns = columnEnd == g.OutputWidth ? 0 : Math.Min(g.InputWidth, (g.OutputWidth - 1) * g.StrideWidth + reach + 1 - g.PadLeft) - rightFirst;
        writer.WriteLine($"// The filter rows of one output row, staged for the pixels whose windows reach the padding: input column ix at column ix + {I(g.PadLeft)} of {I(stagedWidth)}, zeros outside the input.");
        writer.WriteLine($"global::TinyModel.FloatConvolutionShape stagedShape = new(shape.PixelStride, shape.Rows, {I(rowValues)}, shape.Segments, shape.SegmentStride, shape.Run, shape.OutputChannels, shape.OutputMin, shape.OutputMax);");
        writer.WriteLine($"{EmitContext.Span}<float> staged = stackalloc float[{I((long)g.FilterHeight * rowValues)}];");
        writer.WriteLine("staged.Clear();");
        ConvolutionLoops.OpenBatches(writer, g, "float", "float");
        writer.OpenBlock($"for (int oy = 0; oy < {I(g.OutputHeight)}; oy++)");
        writer.WriteLine($"int iy0 = oy{(g.StrideHeight == 1 ? "" : $" * {I(g.StrideHeight)}")}{Literals.PlusTerm(-g.PadTop)};");
        writer.WriteLine($"{EmitContext.Span}<float> row = result.Slice(oy * {I(g.OutputWidth * oc)}, {I(g.OutputWidth * oc)});");
        writer.OpenBlock(rowStart == 0 ? $"if (oy < {I(rowEnd)})" : $"if (oy >= {I(rowStart)} && oy < {I(rowEnd)})");
        writer.WriteLine(kernelCall("shape", $"image.Slice(iy0 * {I(g.InputWidth * ic)}{Literals.PlusTerm((columnStart * g.StrideWidth - g.PadLeft) * ic)})",
            $"row.Slice({I(columnStart * oc)}, {I((columnEnd - columnStart) * oc)})"));
        if (leftColumns > 0 || rightColumns > 0)
        {
            writer.OpenBlock($"for (int r = 0; r < {I(g.FilterHeight)}; r++)");
            writer.WriteLine($"int iy = iy0{(g.DilationHeight == 1 ? " + r" : $" + r * {I(g.DilationHeight)}")};");
            if (leftColumns > 0)
            {
                writer.WriteLine($"image.Slice(iy * {I(g.InputWidth * ic)}, {I(leftColumns * ic)}).CopyTo(staged.Slice(r * {I(rowValues)}{Literals.PlusTerm(g.PadLeft * ic)}));");
            }
            if (rightColumns > 0)
            {
                writer.WriteLine($"image.Slice(iy * {I(g.InputWidth * ic)}{Literals.PlusTerm(rightFirst * ic)}, {I(rightColumns * ic)}).CopyTo(staged.Slice(r * {I(rowValues)} + {I((rightFirst + g.PadLeft) * ic)}));");
            }
            writer.CloseBlock();
        }
        if (columnStart > 0)
        {
            writer.WriteLine(kernelCall("stagedShape", "staged", $"row.Slice(0, {I(columnStart * oc)})"));
        }
        if (columnEnd < g.OutputWidth)
        {
            writer.WriteLine(kernelCall("stagedShape", $"staged.Slice({I((long)columnEnd * g.StrideWidth * ic)})", $"row.Slice({I(columnEnd * oc)})"));
        }
        writer.CloseBlock();
        writer.OpenBlock("else");
        writer.OpenBlock($"for (int r = 0; r < {I(g.FilterHeight)}; r++)");
        writer.WriteLine($"int iy = iy0{(g.DilationHeight == 1 ? " + r" : $" + r * {I(g.DilationHeight)}")};");
        writer.WriteLine($"{EmitContext.Span}<float> line = staged.Slice(r * {I(rowValues)}, {I(rowValues)});");
        writer.OpenBlock($"if ((uint)iy < {I(g.InputHeight)})");
        writer.WriteLine($"image.Slice(iy * {I(g.InputWidth * ic)}, {I(columns * ic)}).CopyTo(line{(g.PadLeft > 0 ? $".Slice({I(g.PadLeft * ic)})" : "")});");
        writer.CloseBlock();
        writer.OpenBlock("else");
        writer.WriteLine("line.Clear();");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine(kernelCall("stagedShape", "staged", "row"));
        writer.CloseBlock();
        writer.CloseBlock();
        ConvolutionLoops.CloseBatches(writer, g);
    }

    /// <summary>Output rows staged at a time: as many as fit in <see cref="BandValues"/> (all of them for a small image), at least one.</summary>
    private static int BandRows(ConvolutionGeometry g)
    {
        long rowValues = (long)StagedWidth(g) * g.InputChannels;
        int rows = (int)Math.Min(g.OutputHeight, (BandValues / rowValues - ((g.FilterHeight - 1) * g.DilationHeight + 1)) / g.StrideHeight + 1);
        return Math.Max(1, rows);
    }

    /// <summary>Input rows a band of <paramref name="band"/> output rows reads.</summary>
    private static int BandHeight(ConvolutionGeometry g, int band) => (band - 1) * g.StrideHeight + (g.FilterHeight - 1) * g.DilationHeight + 1;

    private static string I(long value) => Literals.Int(value);
}
