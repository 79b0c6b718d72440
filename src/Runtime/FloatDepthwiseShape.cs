using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="FloatDepthwiseConvolution.Convolve"/> needs to know about one float depthwise layer (depth
/// multiplier 1): the input and output images, the window, and how the output is clamped. Generated code builds one
/// per layer from constants.
/// </summary>
/// <remarks>
/// Output pixel (oy, ox) reads input rows <c>oy · StrideHeight − PadTop + ky · DilationHeight</c> and columns
/// <c>ox · StrideWidth − PadLeft + kx · DilationWidth</c>; taps outside the input are TFLite's zero padding, which the
/// kernel skips as TFLM does. Images are NHWC without the batch: rows of pixels of <see cref="Channels"/> values.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FloatDepthwiseShape
{
    /// <summary>Describes a layer; see the properties for the meaning of each argument.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, stride or dilation is not positive, a padding is negative, or the range is empty.</exception>
    public FloatDepthwiseShape(int inputHeight, int inputWidth, int channels, int outputHeight, int outputWidth, int filterHeight, int filterWidth,
        int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, int padTop, int padLeft, float outputMin, float outputMax)
    {
        Positive(inputHeight, nameof(inputHeight));
        Positive(inputWidth, nameof(inputWidth));
        Positive(channels, nameof(channels));
        Positive(outputHeight, nameof(outputHeight));
        Positive(outputWidth, nameof(outputWidth));
        Positive(filterHeight, nameof(filterHeight));
        Positive(filterWidth, nameof(filterWidth));
        Positive(strideHeight, nameof(strideHeight));
        Positive(strideWidth, nameof(strideWidth));
        Positive(dilationHeight, nameof(dilationHeight));
        Positive(dilationWidth, nameof(dilationWidth));
        if (padTop < 0 || padLeft < 0)
        {
            throw new ArgumentOutOfRangeException(padTop < 0 ? nameof(padTop) : nameof(padLeft), "Padding must not be negative.");
        }
        if (!(outputMin <= outputMax))
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must not be empty.");
        }
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        Channels = channels;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        FilterHeight = filterHeight;
        FilterWidth = filterWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        DilationHeight = dilationHeight;
        DilationWidth = dilationWidth;
        PadTop = padTop;
        PadLeft = padLeft;
        OutputMin = outputMin;
        OutputMax = outputMax;
    }

    /// <summary>Input rows.</summary>
    public int InputHeight { get; }

    /// <summary>Input pixels per row.</summary>
    public int InputWidth { get; }

    /// <summary>Channels per pixel, in the input and the output alike.</summary>
    public int Channels { get; }

    /// <summary>Output rows.</summary>
    public int OutputHeight { get; }

    /// <summary>Output pixels per row.</summary>
    public int OutputWidth { get; }

    /// <summary>Filter rows.</summary>
    public int FilterHeight { get; }

    /// <summary>Filter columns (taps per filter row).</summary>
    public int FilterWidth { get; }

    /// <summary>Input rows from one output row's window to the next.</summary>
    public int StrideHeight { get; }

    /// <summary>Input columns from one output pixel's window to the next.</summary>
    public int StrideWidth { get; }

    /// <summary>Input rows from one filter row to the next.</summary>
    public int DilationHeight { get; }

    /// <summary>Input columns from one tap of a filter row to the next.</summary>
    public int DilationWidth { get; }

    /// <summary>Padding rows above the input: the first output row's window starts this many rows above it.</summary>
    public int PadTop { get; }

    /// <summary>Padding columns left of the input: each row's first window starts this many columns left of it.</summary>
    public int PadLeft { get; }

    /// <summary>The fused activation's lower bound.</summary>
    public float OutputMin { get; }

    /// <summary>The fused activation's upper bound.</summary>
    public float OutputMax { get; }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, "Sizes, strides and dilations must be positive.");
        }
    }
}
