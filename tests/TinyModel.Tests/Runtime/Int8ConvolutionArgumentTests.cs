using System;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The int8 convolution kernels read their spans without bounds checks once they have checked the lengths against the
/// shape: a span too short for the shape must be an exception, never a read or write outside it.
/// </summary>
public class Int8ConvolutionArgumentTests
{
    // A 3×3 window over 4 input channels, 8 output channels, pixels 4 values apart.
    private static readonly Int8ConvolutionShape Shape = new(pixelStride: 4, rows: 3, rowStride: 40, segments: 1, segmentStride: 0, pairs: 6,
        outputChannels: 8, outputZeroPoint: 0, outputMin: -128, outputMax: 127, inputOffset: 128);

    private static readonly Int8DepthwiseShape DepthwiseShape = new(pixelStride: 8, rows: 3, rowStride: 80, columns: 3, columnStride: 8, channels: 8,
        outputZeroPoint: 0, outputMin: -128, outputMax: 127);

    [Fact]
    public void ConvolveRowChecksEverySpan()
    {
        // Two pixels: the window spans 2·40 + 12 staged values, the second pixel starts 4 further.
        short[] staged = new short[4 + 2 * 40 + 12];
        sbyte[] weights = new sbyte[3 * 6 * 32];
        int[] table = new int[Int8Convolution.TableRows * Int8Convolution.OutputStageStride(8)];
        sbyte[] output = new sbyte[16];
        Int8Convolution.ConvolveRow(staged, Shape, weights, table, output);
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged.AsSpan(1), Shape, weights, table, output));
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged, Shape, weights.AsSpan(1), table, output));
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged, Shape, weights, table.AsSpan(1), output));
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged, Shape, weights, table, output.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged, default, weights, table, output));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    public void StridedOutputPixelsEqualContiguousOnesAndLeaveTheGapsAlone(int pixels)
    {
        // A column of the output image (pixels 3 pixels apart, as generated layers with short rows write them) gives the
        // values of the same pixels computed side by side, every tile size and remainder included; the gaps keep their bytes.
        var random = new Random(pixels);
        const int channels = 20, gap = 3 * channels;
        var strided = new Int8ConvolutionShape(pixelStride: 4, rows: 3, rowStride: 40, segments: 1, segmentStride: 0, pairs: 6,
            outputChannels: channels, outputZeroPoint: -3, outputMin: -128, outputMax: 127, inputOffset: 128, outputPixelStride: gap);
        var contiguous = new Int8ConvolutionShape(pixelStride: 4, rows: 3, rowStride: 40, segments: 1, segmentStride: 0, pairs: 6,
            outputChannels: channels, outputZeroPoint: -3, outputMin: -128, outputMax: 127, inputOffset: 128);
        short[] staged = new short[(pixels - 1) * 4 + 2 * 40 + 12];
        for (int i = 0; i < staged.Length; i++)
        {
            staged[i] = (short)random.Next(-255, 256);
        }
        sbyte[] weights = new sbyte[2 * 3 * 6 * 32];
        random.NextBytes((byte[])(Array)weights);
        int stride = Int8Convolution.OutputStageStride(channels);
        int[] table = new int[Int8Convolution.TableRows * stride];
        for (int c = 0; c < channels; c++)
        {
            table[c] = random.Next(-5000, 5000);
            table[stride + c] = random.Next(1 << 30, int.MaxValue);
            table[4 * stride + c] = 12;
            table[5 * stride + c] = (1 << 12) - 1;
            table[6 * stride + c] = (1 << 11) - 1;
        }
        sbyte[] expected = new sbyte[pixels * channels];
        Int8Convolution.ConvolveRow(staged, contiguous, weights, table, expected);
        sbyte[] output = new sbyte[(pixels - 1) * gap + channels];
        Array.Fill(output, (sbyte)77);
        Int8Convolution.ConvolveRow(staged, strided, weights, table, output);
        for (int p = 0; p < pixels; p++)
        {
            Assert.Equal(expected.AsSpan(p * channels, channels).ToArray(), output.AsSpan(p * gap, channels).ToArray());
            if (p + 1 < pixels)
            {
                Assert.All(output.AsSpan(p * gap + channels, gap - channels).ToArray(), value => Assert.Equal(77, value));
            }
        }
        Assert.Throws<ArgumentException>(() => Int8Convolution.ConvolveRow(staged, strided, weights, table, output.AsSpan(0, output.Length - 1)));
    }

    [Fact]
    public void DepthwiseConvolveRowChecksEverySpan()
    {
        // Two pixels: the taps span 2·80 + 2·8 values, read 32 channels at a time, the second pixel 8 further.
        short[] staged = new short[8 + 2 * 80 + 2 * 8 + 32];
        sbyte[] weights = new sbyte[5 * 64];
        int[] table = new int[Int8Convolution.OutputStageRows * Int8Convolution.OutputStageStride(8)];
        sbyte[] output = new sbyte[16];
        Int8DepthwiseConvolution.ConvolveRow(staged, DepthwiseShape, weights, table, output);
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRow(staged.AsSpan(1), DepthwiseShape, weights, table, output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRow(staged, DepthwiseShape, weights.AsSpan(1), table, output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRow(staged, DepthwiseShape, weights, table.AsSpan(1), output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRow(staged, DepthwiseShape, weights, table, output.AsSpan(1)));
    }

    [Fact]
    public void DepthwiseConvolveRowsChecksTheRows()
    {
        // Two rows of one pixel, the second row's windows 8 values on: the same span as two pixels of one row.
        short[] staged = new short[8 + 2 * 80 + 2 * 8 + 32];
        sbyte[] weights = new sbyte[5 * 64];
        int[] table = new int[Int8Convolution.OutputStageRows * Int8Convolution.OutputStageStride(8)];
        sbyte[] output = new sbyte[16];
        Int8DepthwiseConvolution.ConvolveRows(staged, DepthwiseShape, 1, 8, weights, table, output);
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRows(staged, DepthwiseShape, 1, 9, weights, table, output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRows(staged, DepthwiseShape, 3, 8, weights, table, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8DepthwiseConvolution.ConvolveRows(staged, DepthwiseShape, -1, 8, weights, table, output));
    }

    [Fact]
    public void DepthwiseConvolveRingRowChecksTheRowOffsets()
    {
        // Filter rows in reverse order, the last one at 160: the same span as ConvolveRow's rows 80 apart.
        short[] staged = new short[8 + 2 * 80 + 2 * 8 + 32];
        sbyte[] weights = new sbyte[5 * 64];
        int[] table = new int[Int8Convolution.OutputStageRows * Int8Convolution.OutputStageStride(8)];
        sbyte[] output = new sbyte[16];
        Int8DepthwiseConvolution.ConvolveRingRow(staged, DepthwiseShape, [160, 80, 0], weights, table, output);
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRingRow(staged, DepthwiseShape, [161, 80, 0], weights, table, output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRingRow(staged, DepthwiseShape, [80, -1, 0], weights, table, output));
        Assert.Throws<ArgumentException>(() => Int8DepthwiseConvolution.ConvolveRingRow(staged, DepthwiseShape, [80, 0], weights, table, output));
    }

    [Fact]
    public void ShapesRejectImpossibleValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8ConvolutionShape(4, 0, 40, 1, 0, 6, 8, 0, -128, 127, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8ConvolutionShape(-4, 3, 40, 1, 0, 6, 8, 0, -128, 127, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8ConvolutionShape(4, 3, 40, 1, 0, 6, 8, 0, -129, 127, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8ConvolutionShape(4, 3, 40, 1, 0, 6, 8, 0, -128, 127, 129));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8DepthwiseShape(8, 3, 80, 3, 8, 0, 0, -128, 127));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Int8DepthwiseShape(8, 3, 80, 3, 8, 8, 0, 5, 4));
    }

    [Fact]
    public void StageOffsetsEveryValue()
    {
        sbyte[] x = new sbyte[37];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (sbyte)(i * 37 - 128);
        }
        short[] staged = new short[37];
        Int8Convolution.Stage(x, 128, staged);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] + 128, staged[i]);
        }
        Assert.Throws<ArgumentException>(() => Int8Convolution.Stage(x, 0, new short[36]));
    }
}
