using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// Int8Pooling.SumWindow against TFLM's order (rows, then columns, channel by channel). The vector path depends on
/// the machine: run with DOTNET_EnableHWIntrinsic=0 to cover the scalar one.
/// </summary>
public class Int8PoolingTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 3, 15)]
    [InlineData(2, 5, 16)]
    [InlineData(25, 5, 64)]
    [InlineData(7, 7, 37)]
    [InlineData(1, 4, 1280)]
    public void SumWindowEqualsTheSequentialSums(int rows, int columns, int channels)
    {
        var random = new Random(rows * 1000 + columns * 10 + channels);
        int width = columns + 2, rowStride = width * channels;
        sbyte[] image = Enumerable.Range(0, (rows + 1) * rowStride).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        // The window starts one pixel into the image; its neighbours must not count.
        ReadOnlySpan<sbyte> window = image.AsSpan(channels);
        int[] sums = Enumerable.Repeat(12345, channels).ToArray();
        Int8Pooling.SumWindow(window, rows, columns, rowStride, sums);
        for (int c = 0; c < channels; c++)
        {
            int expected = 0;
            for (int r = 0; r < rows; r++)
            {
                for (int x = 0; x < columns; x++)
                {
                    expected += window[r * rowStride + x * channels + c];
                }
            }
            Assert.Equal(expected, sums[c]);
        }
    }

    [Theory]
    [InlineData(3, 3, 15)]
    [InlineData(2, 5, 16)]
    [InlineData(7, 7, 37)]
    public void Int16SumWindowEqualsTheSequentialSums(int rows, int columns, int channels)
    {
        var random = new Random(rows * 1000 + columns * 10 + channels);
        int width = columns + 2, rowStride = width * channels;
        short[] image = Enumerable.Range(0, (rows + 1) * rowStride).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        ReadOnlySpan<short> window = image.AsSpan(channels);
        int[] sums = Enumerable.Repeat(12345, channels).ToArray();
        Int8Pooling.SumWindow(window, rows, columns, rowStride, sums);
        for (int c = 0; c < channels; c++)
        {
            int expected = 0;
            for (int r = 0; r < rows; r++)
            {
                for (int x = 0; x < columns; x++)
                {
                    expected += window[r * rowStride + x * channels + c];
                }
            }
            Assert.Equal(expected, sums[c]);
        }
    }

    [Fact]
    public void SumWindowRejectsAWindowPastTheInput()
    {
        sbyte[] image = new sbyte[2 * 16 * 3];
        Assert.Throws<ArgumentException>(() => Int8Pooling.SumWindow(image, 2, 3, 48, new int[17]));
    }
}
