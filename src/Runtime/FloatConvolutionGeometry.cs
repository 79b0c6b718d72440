using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="FloatConvolution.ConvolveImage"/> needs to know about one float convolution layer: the input image,
/// the filter's window (stride, row dilation, padding; adjacent columns), the output image and its clamp. Generated code
/// builds one per layer from constants.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FloatConvolutionGeometry
{
    /// <summary>Describes a layer; see the properties for the meaning of each argument.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, stride or dilation is not positive, or the range is empty.</exception>
    public FloatConvolutionGeometry(int inputHeight, int inputWidth, int inputChannels, int filterHeight, int filterWidth,
        int strideHeight, int strideWidth, int dilationHeight, int padTop, int padLeft,
        int outputHeight, int outputWidth, int outputChannels, float outputMin, float outputMax)
    {
        if (inputHeight <= 0 || inputWidth <= 0 || inputChannels <= 0 || filterHeight <= 0 || filterWidth <= 0 || strideHeight <= 0
            || strideWidth <= 0 || dilationHeight <= 0 || outputHeight <= 0 || outputWidth <= 0 || outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputHeight), "Sizes, strides and the dilation must be positive.");
        }
        if (!(outputMin <= outputMax))
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must not be empty.");
        }
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputChannels = inputChannels;
        FilterHeight = filterHeight;
        FilterWidth = filterWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        DilationHeight = dilationHeight;
        PadTop = padTop;
        PadLeft = padLeft;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        OutputChannels = outputChannels;
        OutputMin = outputMin;
        OutputMax = outputMax;
    }

    /// <summary>Input rows.</summary>
    public int InputHeight { get; }

    /// <summary>Input columns.</summary>
    public int InputWidth { get; }

    /// <summary>Input channels (the filter's depth).</summary>
    public int InputChannels { get; }

    /// <summary>Filter rows.</summary>
    public int FilterHeight { get; }

    /// <summary>Filter columns (adjacent: the columns are not dilated).</summary>
    public int FilterWidth { get; }

    /// <summary>Input rows from one output row's window to the next.</summary>
    public int StrideHeight { get; }

    /// <summary>Input columns from one output column's window to the next.</summary>
    public int StrideWidth { get; }

    /// <summary>Input rows from one filter row to the next.</summary>
    public int DilationHeight { get; }

    /// <summary>Padding rows above the input: the first output row's window starts this many rows above it.</summary>
    public int PadTop { get; }

    /// <summary>Padding columns left of the input: the first output column's window starts this many columns before it.</summary>
    public int PadLeft { get; }

    /// <summary>Output rows.</summary>
    public int OutputHeight { get; }

    /// <summary>Output columns.</summary>
    public int OutputWidth { get; }

    /// <summary>Output channels (filters).</summary>
    public int OutputChannels { get; }

    /// <summary>The fused activation's lower bound.</summary>
    public float OutputMin { get; }

    /// <summary>The fused activation's upper bound.</summary>
    public float OutputMax { get; }
}
