using System;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The shapes and window of a 2-D convolution (CONV_2D or DEPTHWISE_CONV_2D) on NHWC tensors: what
/// TensorFlow Lite Micro derives in its Prepare step, padding included (TFLite's
/// <c>ComputePaddingHeightWidth</c>). Output pixel (oy, ox) reads input rows
/// <c>oy · StrideHeight − PadTop + ky · DilationHeight</c> and columns likewise; taps outside the
/// input are skipped, which is TFLite's zero padding. With a PAD fused into the convolution
/// (<see cref="FusedPadding"/>), the window is computed on the padded shape and the input is the PAD's:
/// <see cref="PadTop"/> and <see cref="PadLeft"/> include the PAD's rows and columns.
/// </summary>
internal sealed record ConvolutionGeometry(
    int Batches,
    int InputHeight,
    int InputWidth,
    int InputChannels,
    int OutputHeight,
    int OutputWidth,
    int OutputChannels,
    int FilterHeight,
    int FilterWidth,
    int StrideHeight,
    int StrideWidth,
    int DilationHeight,
    int DilationWidth,
    PaddingKind Padding,
    int PadTop,
    int PadLeft,
    FusedPadding? FusedPadding = null)
{
    /// <summary>Whether some output row has filter rows that fall outside the input.</summary>
    public bool ClipsRows => InsideRows != (0, OutputHeight);

    /// <summary>Whether some output column has filter columns that fall outside the input.</summary>
    public bool ClipsColumns => InsideColumns != (0, OutputWidth);

    /// <summary>The output rows whose filter rows all lie inside the input: from the first to one past the last (equal if none).</summary>
    public (int Start, int End) InsideRows => Inside(OutputHeight, StrideHeight, PadTop, FilterHeight, DilationHeight, InputHeight);

    /// <summary>The output columns whose filter columns all lie inside the input: from the first to one past the last (equal if none).</summary>
    public (int Start, int End) InsideColumns => Inside(OutputWidth, StrideWidth, PadLeft, FilterWidth, DilationWidth, InputWidth);

    /// <summary>
    /// Checks strides and dilations, computes the padding as TFLite does and checks the output shape against
    /// it; reports and returns null when they do not fit.
    /// </summary>
    public static ConvolutionGeometry? Lower(LoweringContext context, TfliteOperator op, ConvolutionOperands operands, ConvolutionWindowOptions options, int outputChannels)
    {
        if (!ShapeMath.IsWindowStep(options.StrideWidth) || !ShapeMath.IsWindowStep(options.StrideHeight)
            || !ShapeMath.IsWindowStep(options.DilationWidth) || !ShapeMath.IsWindowStep(options.DilationHeight))
        {
            context.ReportUnsupported(op, $"stride {options.StrideHeight}×{options.StrideWidth} and dilation {options.DilationHeight}×{options.DilationWidth} must be between 1 and {ShapeMath.MaxWindowStep}");
            return null;
        }
        if (options.Padding is not (PaddingKind.Same or PaddingKind.Valid))
        {
            context.ReportUnsupported(op, $"padding {(int)options.Padding} is not supported; supported: SAME, VALID");
            return null;
        }
        var input = operands.InputValue.Shape;
        var output = operands.OutputValue.Shape;
        var filter = operands.FilterTensor.Shape;
        int filterHeight = filter[1], filterWidth = filter[2];
        // The shape the window slides over: the input, plus a fused PAD's rows and columns.
        FusedPadding? fused = operands.Padding;
        int height = input[1] + (fused is null ? 0 : fused.Top + fused.Bottom);
        int width = input[2] + (fused is null ? 0 : fused.Left + fused.Right);
        int outHeight = ShapeMath.WindowOutputSize(options.Padding, height, filterHeight, options.StrideHeight, options.DilationHeight);
        int outWidth = ShapeMath.WindowOutputSize(options.Padding, width, filterWidth, options.StrideWidth, options.DilationWidth);
        if (input[0] != output[0] || output[1] != outHeight || output[2] != outWidth || output[3] != outputChannels)
        {
            context.ReportUnsupported(op,
                $"the output shape {operands.OutputValue.ShapeText} does not match the input {context.Value(op.Inputs[0]).ShapeText} and the {filterHeight}×{filterWidth} window " +
                $"with {options.Padding.ToString().ToUpperInvariant()} padding, stride {options.StrideHeight}×{options.StrideWidth} and dilation {options.DilationHeight}×{options.DilationWidth}: " +
                $"expected [{input[0]},{outHeight},{outWidth},{outputChannels}]");
            return null;
        }
        return new ConvolutionGeometry(
            input[0], input[1], input[2], input[3],
            outHeight, outWidth, outputChannels,
            filterHeight, filterWidth,
            options.StrideHeight, options.StrideWidth, options.DilationHeight, options.DilationWidth,
            options.Padding,
            ShapeMath.WindowPadding(options.StrideHeight, height, filterHeight, outHeight, options.DilationHeight) + (fused?.Top ?? 0),
            ShapeMath.WindowPadding(options.StrideWidth, width, filterWidth, outWidth, options.DilationWidth) + (fused?.Left ?? 0),
            fused);
    }

    /// <summary>The window in words, for generated comments: <c>3×3 window, stride 2×2, SAME padding (top 0, left 0)</c>.</summary>
    public string Describe()
    {
        string text = $"{FilterHeight}×{FilterWidth} window, stride {StrideHeight}×{StrideWidth}";
        if (DilationHeight != 1 || DilationWidth != 1)
        {
            text += $", dilation {DilationHeight}×{DilationWidth}";
        }
        text += $", {Padding.ToString().ToUpperInvariant()} padding (top {PadTop}, left {PadLeft})";
        return FusedPadding is { } fused
            ? text + $", node {fused.PadNode}'s PAD included (rows {fused.Top} before and {fused.Bottom} after, columns {fused.Left} and {fused.Right}: the zero point, read as skipped taps)"
            : text;
    }

    /// <summary>The outputs along one axis whose windows start at or after 0 and end before <paramref name="inputSize"/>.</summary>
    private static (int Start, int End) Inside(int outputSize, int stride, int pad, int filterSize, int dilation, int inputSize)
    {
        int start = (pad + stride - 1) / stride;
        int last = inputSize - 1 + pad - (filterSize - 1) * dilation;
        int end = last < 0 ? 0 : Math.Min(outputSize, last / stride + 1);
        return (Math.Min(start, outputSize), Math.Max(Math.Min(start, outputSize), end));
    }
}
