using System;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The float convolution kernels read their spans without bounds checks once they have checked the lengths against the
/// shape: a span too short for the shape must be an exception, never a read or write outside it.
/// </summary>
public class FloatConvolutionArgumentTests
{
    // A 3×3 window over 4 input channels, 8 output channels (one block of 16), pixels 4 values apart.
    private static readonly FloatConvolutionShape Shape = new(pixelStride: 4, rows: 3, rowStride: 40, segments: 1, segmentStride: 0, run: 12,
        outputChannels: 8, outputMin: float.MinValue, outputMax: float.MaxValue);

    // A 5×10 image of 8 channels, a 3×3 window with SAME padding: a 5×10 output.
    private static readonly FloatDepthwiseShape DepthwiseShape = new(inputHeight: 5, inputWidth: 10, channels: 8, outputHeight: 5, outputWidth: 10,
        filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1, outputMin: 0f, outputMax: 6f);

    [Fact]
    public void ConvolveRowChecksEverySpan()
    {
        // Two pixels: the window spans 2·40 + 12 values, the second pixel starts 4 further.
        float[] input = new float[4 + 2 * 40 + 12];
        float[] weights = new float[3 * 12 * 16];
        float[] bias = new float[8];
        float[] output = new float[16];
        FloatConvolution.ConvolveRow(input, Shape, weights, bias, output);
        FloatConvolution.ConvolveRow(input, Shape, weights, default, output);
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveRow(input.AsSpan(1), Shape, weights, bias, output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveRow(input, Shape, weights.AsSpan(1), bias, output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveRow(input, Shape, weights, bias.AsSpan(1), output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveRow(input, Shape, weights, bias, output.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveRow(input, default, weights, bias, output));
    }

    [Fact]
    public void ConvolveImageChecksEverySpanAndWindow()
    {
        // A 5×6×4 image, 3×3 window, SAME padding (1 on each side), 8 output channels: 5×6×8 out, one block of 3·3·4·16 weights.
        var geometry = new FloatConvolutionGeometry(5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 5, 6, 8, float.MinValue, float.MaxValue);
        float[] input = new float[5 * 6 * 4];
        float[] weights = new float[3 * 3 * 4 * 16];
        float[] bias = new float[8];
        float[] output = new float[5 * 6 * 8];
        FloatConvolution.ConvolveImage(input, geometry, weights, bias, output);
        FloatConvolution.ConvolveImage(input, geometry, weights, default, output);
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input.AsSpan(1), geometry, weights, bias, output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input, geometry, weights.AsSpan(1), bias, output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input, geometry, weights, bias.AsSpan(1), output));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input, geometry, weights, bias, output.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input, default, weights, bias, output));

        // A 5×5 window with 2 columns of padding: the second pixel's window is cut too, which the tiles cannot skip.
        var wide = new FloatConvolutionGeometry(5, 6, 4, 5, 5, 1, 1, 1, 2, 2, 5, 6, 8, float.MinValue, float.MaxValue);
        Assert.Throws<ArgumentException>(() => FloatConvolution.ConvolveImage(input, wide, new float[5 * 5 * 4 * 16], bias, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConvolutionGeometry(5, 6, 4, 3, 3, 0, 1, 1, 1, 1, 5, 6, 8, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConvolutionGeometry(5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 5, 6, 8, 6f, 0f));
    }

    [Fact]
    public void DepthwiseConvolveChecksEverySpan()
    {
        float[] input = new float[5 * 10 * 8];
        float[] weights = new float[9 * 8];
        float[] bias = new float[8];
        float[] output = new float[5 * 10 * 8];
        FloatDepthwiseConvolution.Convolve(input, DepthwiseShape, weights, bias, output);
        FloatDepthwiseConvolution.Convolve(input, DepthwiseShape, weights, default, output);
        Assert.Throws<ArgumentException>(() => FloatDepthwiseConvolution.Convolve(input.AsSpan(1), DepthwiseShape, weights, bias, output));
        Assert.Throws<ArgumentException>(() => FloatDepthwiseConvolution.Convolve(input, DepthwiseShape, weights.AsSpan(1), bias, output));
        Assert.Throws<ArgumentException>(() => FloatDepthwiseConvolution.Convolve(input, DepthwiseShape, weights, bias.AsSpan(1), output));
        Assert.Throws<ArgumentException>(() => FloatDepthwiseConvolution.Convolve(input, DepthwiseShape, weights, bias, output.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => FloatDepthwiseConvolution.Convolve(input, default, weights, bias, output));
    }

    [Fact]
    public void ShapesRejectImpossibleValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConvolutionShape(4, 0, 40, 1, 0, 12, 8, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConvolutionShape(-4, 3, 40, 1, 0, 12, 8, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConvolutionShape(4, 3, 40, 1, 0, 12, 8, 6f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDepthwiseShape(5, 10, 0, 5, 10, 3, 3, 1, 1, 1, 1, 1, 1, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDepthwiseShape(5, 10, 8, 5, 10, 3, 3, 0, 1, 1, 1, 1, 1, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDepthwiseShape(5, 10, 8, 5, 10, 3, 3, 1, 1, 1, 1, -1, 1, 0f, 6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatDepthwiseShape(5, 10, 8, 5, 10, 3, 3, 1, 1, 1, 1, 1, 1, float.NaN, 6f));
    }
}
