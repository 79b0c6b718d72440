using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// PoolingKernels against TFLM's reference loops (reference/pooling.h, reference/integer_ops/pooling.h): each channel
/// reduced over its window row by row, column by column, then clamped with <c>std::max</c>/<c>std::min</c>. Channel
/// counts cover every vector width and the leftovers; the path taken depends on the machine, so CI also runs these
/// under DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 (and ARM64 under qemu).
/// </summary>
public class PoolingKernelsTests
{
    public static TheoryData<int, int, int> Windows()
    {
        var data = new TheoryData<int, int, int>();
        foreach ((int rows, int columns) in new[] { (1, 1), (3, 3), (2, 5), (7, 1) })
        {
            foreach (int channels in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100 })
            {
                data.Add(rows, columns, channels);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Int8MaxEqualsTheSequentialMax(int rows, int columns, int channels)
    {
        var random = new Random(rows * 1000 + columns * 100 + channels);
        (sbyte[] image, int rowStride) = Image(rows, columns, channels, () => (sbyte)random.Next(-128, 128));
        sbyte[] output = Enumerable.Repeat((sbyte)99, channels + 1).ToArray();
        PoolingKernels.MaxWindow(image.AsSpan(channels), rows, columns, rowStride, output.AsSpan(0, channels), -100, 90);
        for (int c = 0; c < channels; c++)
        {
            int max = sbyte.MinValue;
            ForEachValue(image, channels, rows, columns, rowStride, c, v => max = Math.Max(max, v));
            Assert.Equal((sbyte)Math.Min(Math.Max(max, -100), 90), output[c]);
        }
        Assert.Equal(99, output[channels]);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Int16MaxEqualsTheSequentialMax(int rows, int columns, int channels)
    {
        var random = new Random(rows * 1000 + columns * 100 + channels);
        (short[] image, int rowStride) = Image(rows, columns, channels, () => (short)random.Next(short.MinValue, short.MaxValue + 1));
        short[] output = new short[channels];
        PoolingKernels.MaxWindow(image.AsSpan(channels), rows, columns, rowStride, output, short.MinValue, short.MaxValue);
        for (int c = 0; c < channels; c++)
        {
            int max = short.MinValue;
            ForEachValue(image, channels, rows, columns, rowStride, c, v => max = Math.Max(max, v));
            Assert.Equal(max, output[c]);
        }
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void FloatPoolsEqualTflmsFloatLoops(int rows, int columns, int channels)
    {
        var random = new Random(rows * 1000 + columns * 100 + channels);
        // Some NaN, infinities and signed zeros among ordinary values: every path must treat them as TFLM's std::max does.
        float[] specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f };
        (float[] image, int rowStride) = Image(rows, columns, channels,
            () => random.Next(40) == 0 ? specials[random.Next(specials.Length)] : (float)(random.NextDouble() * 20 - 10));
        float lo = -1.5f, hi = 6f;
        float[] max = new float[channels], average = new float[channels], l2 = new float[channels];
        PoolingKernels.MaxWindow(image.AsSpan(channels), rows, columns, rowStride, max, lo, hi);
        PoolingKernels.AverageWindow(image.AsSpan(channels), rows, columns, rowStride, average, lo, hi);
        PoolingKernels.L2Window(image.AsSpan(channels), rows, columns, rowStride, l2, lo, hi);
        for (int c = 0; c < channels; c++)
        {
            float m = float.MinValue, sum = 0f, squares = 0f, count = 0f;
            ForEachValue(image, channels, rows, columns, rowStride, c, v =>
            {
                m = StdMax(m, v);
                sum += v;
                float square = v * v;
                squares += square;
                count += 1f;
            });
            AssertSameBits(Clamp(m, lo, hi), max[c]);
            AssertSameBits(Clamp(sum / count, lo, hi), average[c]);
            AssertSameBits(Clamp(MathF.Sqrt(squares / count), lo, hi), l2[c]);
        }
    }

    [Fact]
    public void RejectsAnEmptyWindowAndAnInputTooShort()
    {
        float[] image = new float[2 * 16 * 3];
        Assert.Throws<ArgumentOutOfRangeException>(() => PoolingKernels.MaxWindow(image, 0, 3, 48, new float[16], 0f, 1f));
        Assert.Throws<ArgumentException>(() => PoolingKernels.AverageWindow(image, 2, 3, 48, new float[17], 0f, 1f));
    }

    /// <summary>An image of <c>rows + 1</c> rows, <c>columns + 2</c> pixels wide: the window starts one pixel in, so its neighbours must not count.</summary>
    private static (T[] Image, int RowStride) Image<T>(int rows, int columns, int channels, Func<T> next)
    {
        int rowStride = (columns + 2) * channels;
        return (Enumerable.Range(0, (rows + 1) * rowStride).Select(_ => next()).ToArray(), rowStride);
    }

    private static void ForEachValue<T>(T[] image, int channels, int rows, int columns, int rowStride, int c, Action<T> visit)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int x = 0; x < columns; x++)
            {
                visit(image[channels + r * rowStride + x * channels + c]);
            }
        }
    }

    // std::max(a, b) is a < b ? b : a; std::min(a, b) is b < a ? b : a.
    private static float StdMax(float a, float b) => a < b ? b : a;

    private static float Clamp(float v, float lo, float hi)
    {
        v = StdMax(v, lo);
        return hi < v ? hi : v;
    }

    private static void AssertSameBits(float expected, float actual) =>
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
}
