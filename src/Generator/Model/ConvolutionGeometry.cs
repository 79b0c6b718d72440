using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Model;

/// <summary>
/// The shapes and window of a 2-D convolution (CONV_2D or DEPTHWISE_CONV_2D) on NHWC tensors: what
/// TensorFlow Lite Micro derives in its Prepare step, padding included (TFLite's
/// <c>ComputePaddingHeightWidth</c>). Output pixel (oy, ox) reads input rows
/// <c>oy · StrideHeight − PadTop + ky · DilationHeight</c> and columns likewise; taps outside the
/// input are skipped, which is TFLite's zero padding.
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
    int PadLeft)
{
    /// <summary>Whether some output row has filter rows that fall outside the input.</summary>
    public bool ClipsRows => Clips(OutputHeight, StrideHeight, PadTop, FilterHeight, DilationHeight, InputHeight);

    /// <summary>Whether some output column has filter columns that fall outside the input.</summary>
    public bool ClipsColumns => Clips(OutputWidth, StrideWidth, PadLeft, FilterWidth, DilationWidth, InputWidth);

    /// <summary>The window in words, for generated comments: <c>3×3 window, stride 2×2, SAME padding (top 0, left 0)</c>.</summary>
    public string Describe()
    {
        string text = $"{FilterHeight}×{FilterWidth} window, stride {StrideHeight}×{StrideWidth}";
        if (DilationHeight != 1 || DilationWidth != 1)
        {
            text += $", dilation {DilationHeight}×{DilationWidth}";
        }
        return text + $", {Padding.ToString().ToUpperInvariant()} padding (top {PadTop}, left {PadLeft})";
    }

    private static bool Clips(int outputSize, int stride, int pad, int filterSize, int dilation, int inputSize)
    {
        for (int o = 0; o < outputSize; o++)
        {
            int origin = o * stride - pad;
            if (origin < 0 || origin + (filterSize - 1) * dilation >= inputSize)
            {
                return true;
            }
        }
        return false;
    }
}
