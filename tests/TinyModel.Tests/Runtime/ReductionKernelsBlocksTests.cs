using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The reduction kernels added for issue 11's last forms against the loops TFLM's reference runs, written here
/// value by value: float REDUCE_MAX/MIN over runs (the sign of a zero result, NaN and −∞ that never win), reductions
/// over two groups of axes (blocks of rows or runs), REDUCE_ALL of bool, and int8 CUMSUM's per-value rescaling.
/// Lengths cross every vector width and its tail.
/// </summary>
public class ReductionKernelsBlocksTests
{
    private static readonly int[] Lengths = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129 };

    private static readonly float[] Values = { float.NaN, -0f, 0f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, 2.5f, float.MaxValue, -float.MaxValue, float.MinValue };

    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    /// <summary>TFLM's REDUCE_MAX (or MIN) of one run: from the type's lowest (highest) value, <c>in &gt; current ? in : current</c>.</summary>
    private static float ExtremeReference(ReadOnlySpan<float> run, bool maximum)
    {
        float best = maximum ? float.MinValue : float.MaxValue;
        foreach (float v in run)
        {
            best = maximum ? (v > best ? v : best) : (v < best ? v : best);
        }
        return best;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FloatRunExtremesAreTflmsLoop(bool maximum)
    {
        var random = new Random(maximum ? 1 : 2);
        foreach (int length in Lengths)
        {
            foreach (int runs in new[] { 1, 3 })
            {
                // Few distinct values, so ties (and ±0 ties) are common.
                float[] input = Enumerable.Range(0, runs * length).Select(_ => Values[random.Next(Values.Length)]).ToArray();
                CheckExtremeRuns(input, runs, length, maximum);
            }
        }
        // A zero result: the sign of the run's first zero, wherever the two zeros are; NaN and −∞ runs give the bound.
        foreach (int length in Lengths.Where(n => n >= 2))
        {
            for (int first = 0; first < length; first++)
            {
                int second = (first * 7 + 3) % length;
                if (second == first)
                {
                    continue;
                }
                float[] input = Enumerable.Repeat(maximum ? -1f : 1f, length).ToArray();
                input[first] = first % 2 == 0 ? -0f : 0f;
                input[second] = first % 2 == 0 ? 0f : -0f;
                input[(first + 1) % length] = float.NaN;
                CheckExtremeRuns(input, 1, length, maximum);
            }
            CheckExtremeRuns(Enumerable.Repeat(float.NaN, length).ToArray(), 1, length, maximum);
            CheckExtremeRuns(Enumerable.Repeat(maximum ? float.NegativeInfinity : float.PositiveInfinity, length).ToArray(), 1, length, maximum);
        }
    }

    private static void CheckExtremeRuns(float[] input, int runs, int length, bool maximum)
    {
        float[] actual = new float[runs];
        if (maximum)
        {
            ReductionKernels.MaxRuns(input, length, actual);
        }
        else
        {
            ReductionKernels.MinRuns(input, length, actual);
        }
        for (int o = 0; o < runs; o++)
        {
            float expected = ExtremeReference(input.AsSpan(o * length, length), maximum);
            Assert.True(Bits(expected) == Bits(actual[o]), $"length {length}, run {o}: expected {expected:R} ({Bits(expected):X8}), got {actual[o]:R} ({Bits(actual[o]):X8})");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FloatRunBlockExtremesAreTflmsLoop(bool maximum)
    {
        var random = new Random(maximum ? 7 : 8);
        foreach (int length in Lengths)
        {
            foreach ((int blocks, int runs, int blockStride) in new[] { (3, 4, 4 * length), (1, 2, 0), (2, 3, 3 * length + 7), (5, 1, length) })
            {
                float[] input = Enumerable.Range(0, (blocks - 1) * blockStride + runs * length).Select(_ => Values[random.Next(Values.Length)]).ToArray();
                // Also: no zero in the first block, the first zero (negative or positive) in a later one, its opposite after it.
                float[] zeros = Enumerable.Range(0, input.Length).Select(_ => maximum ? -1f : 1f).ToArray();
                for (int o = 0; o < runs; o++)
                {
                    int b = blocks - 1 - o % blocks, at = b * blockStride + o * length + (o * 5) % length;
                    zeros[at] = o % 2 == 0 ? -0f : 0f;
                    if (at + 1 < (b * blockStride + (o + 1) * length))
                    {
                        zeros[at + 1] = o % 2 == 0 ? 0f : -0f;
                    }
                }
                foreach (float[] values in new[] { input, zeros })
                {
                    float[] actual = new float[runs];
                    if (maximum)
                    {
                        ReductionKernels.MaxRuns(values, blocks, blockStride, length, actual);
                    }
                    else
                    {
                        ReductionKernels.MinRuns(values, blocks, blockStride, length, actual);
                    }
                    for (int o = 0; o < runs; o++)
                    {
                        float[] members = Enumerable.Range(0, blocks).SelectMany(b => values.Skip(b * blockStride + o * length).Take(length)).ToArray();
                        float expected = ExtremeReference(members, maximum);
                        Assert.True(Bits(expected) == Bits(actual[o]), $"length {length}, blocks {blocks}, run {o}: expected {expected:R}, got {actual[o]:R}");
                    }
                }
            }
        }
    }

    /// <summary>(blocks, blockStride, rows, rowStride, width): axes 0 and 2 of [blocks, 2, rows, width] and wider strides.</summary>
    private static readonly (int Blocks, int BlockStride, int Rows, int RowStride, int Width)[] BlockShapes =
        Lengths.SelectMany(w => new[] { (3, 2 * 4 * w, 4, w, w), (1, 0, 2, w, w), (2, 3 * w + 5, 3, w + 1, w) }).ToArray();

    [Fact]
    public void FloatBlocksAreTheNestedLoops()
    {
        var random = new Random(3);
        foreach ((int blocks, int blockStride, int rows, int rowStride, int width) in BlockShapes)
        {
            float[] input = Enumerable.Range(0, (blocks - 1) * blockStride + (rows - 1) * rowStride + width)
                .Select(i => i % 5 == 0 ? Values[random.Next(Values.Length)] : (float)(random.NextDouble() * 200 - 100)).ToArray();
            float count = blocks * rows;
            CheckFloatBlocks(input, blocks, blockStride, rows, rowStride, width, 0f, (a, v) => a + v, a => a, ReductionKernels.Sum);
            CheckFloatBlocks(input, blocks, blockStride, rows, rowStride, width, 0f, (a, v) => a + v, a => a / count, ReductionKernels.Mean);
            CheckFloatBlocks(input, blocks, blockStride, rows, rowStride, width, float.MinValue, (a, v) => v > a ? v : a, a => a, ReductionKernels.Max);
            CheckFloatBlocks(input, blocks, blockStride, rows, rowStride, width, float.MaxValue, (a, v) => v < a ? v : a, a => a, ReductionKernels.Min);
        }
    }

    private delegate void FloatBlockKernel(ReadOnlySpan<float> input, int blocks, int blockStride, int rows, int rowStride, Span<float> output);

    private static void CheckFloatBlocks(float[] input, int blocks, int blockStride, int rows, int rowStride, int width,
        float initial, Func<float, float, float> combine, Func<float, float> finish, FloatBlockKernel kernel)
    {
        float[] actual = new float[width];
        kernel(input, blocks, blockStride, rows, rowStride, actual);
        for (int j = 0; j < width; j++)
        {
            // Input memory order: blocks outer, rows inner.
            float a = initial;
            for (int b = 0; b < blocks; b++)
            {
                for (int r = 0; r < rows; r++)
                {
                    a = combine(a, input[b * blockStride + r * rowStride + j]);
                }
            }
            float expected = finish(a);
            Assert.True(Bits(expected) == Bits(actual[j]) || (float.IsNaN(expected) && float.IsNaN(actual[j])), $"width {width}, column {j}: expected {expected:R}, got {actual[j]:R}");
        }
    }

    [Theory]
    [InlineData(-13, 1280511957, -2, 0)]
    [InlineData(127, int.MaxValue, -31, -128)]
    [InlineData(-7, 1500000000, 4, 100)]
    public void IntegerBlocksAreTheNestedLoops(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift + 4);
        foreach ((int blocks, int blockStride, int rows, int rowStride, int width) in BlockShapes)
        {
            int n = (blocks - 1) * blockStride + (rows - 1) * rowStride + width;
            sbyte[] input = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            short[] wide = Enumerable.Range(0, n).Select(_ => (short)random.Next(-32768, 32768)).ToArray();
            sbyte[] sum = new sbyte[width], max = new sbyte[width], min = new sbyte[width];
            short[] sum16 = new short[width];
            ReductionKernels.Sum(input, blocks, blockStride, rows, rowStride, zeroPoint, multiplier, shift, outputZeroPoint, sum);
            ReductionKernels.Sum(wide, blocks, blockStride, rows, rowStride, zeroPoint, multiplier, shift, outputZeroPoint, sum16);
            ReductionKernels.Max(input, blocks, blockStride, rows, rowStride, max);
            ReductionKernels.Min(input, blocks, blockStride, rows, rowStride, min);
            for (int j = 0; j < width; j++)
            {
                int[] at = Enumerable.Range(0, blocks).SelectMany(b => Enumerable.Range(0, rows).Select(r => b * blockStride + r * rowStride + j)).ToArray();
                Assert.Equal(Requantized(at.Sum(i => (int)input[i]), at.Length, zeroPoint, multiplier, shift, outputZeroPoint, -128, 127), sum[j]);
                Assert.Equal(Requantized(at.Sum(i => (int)wide[i]), at.Length, zeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue), sum16[j]);
                Assert.Equal(at.Max(i => input[i]), max[j]);
                Assert.Equal(at.Min(i => input[i]), min[j]);
            }
        }
    }

    [Theory]
    [InlineData(-13, 1168942082, -1, -1)]
    [InlineData(127, int.MaxValue, -31, -128)]
    public void IntegerRunBlocksAreTheNestedLoops(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift + 5);
        foreach (int length in Lengths)
        {
            // Axes 0 and 2 of [blocks, runs, length] (block stride runs · length), and a block stride with a gap.
            foreach ((int blocks, int runs, int blockStride) in new[] { (3, 4, 4 * length), (1, 2, 0), (2, 3, 3 * length + 7) })
            {
                int n = (blocks - 1) * blockStride + runs * length;
                sbyte[] input = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                short[] wide = Enumerable.Range(0, n).Select(_ => (short)random.Next(-32768, 32768)).ToArray();
                sbyte[] sum = new sbyte[runs], max = new sbyte[runs], min = new sbyte[runs];
                short[] sum16 = new short[runs];
                ReductionKernels.SumRuns(input, blocks, blockStride, length, zeroPoint, multiplier, shift, outputZeroPoint, sum);
                ReductionKernels.SumRuns(wide, blocks, blockStride, length, zeroPoint, multiplier, shift, outputZeroPoint, sum16);
                ReductionKernels.MaxRuns(input, blocks, blockStride, length, max);
                ReductionKernels.MinRuns(input, blocks, blockStride, length, min);
                for (int o = 0; o < runs; o++)
                {
                    int[] at = Enumerable.Range(0, blocks).SelectMany(b => Enumerable.Range(0, length).Select(i => b * blockStride + o * length + i)).ToArray();
                    Assert.Equal(Requantized(at.Sum(i => (int)input[i]), at.Length, zeroPoint, multiplier, shift, outputZeroPoint, -128, 127), sum[o]);
                    Assert.Equal(Requantized(at.Sum(i => (int)wide[i]), at.Length, zeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue), sum16[o]);
                    Assert.Equal(at.Max(i => input[i]), max[o]);
                    Assert.Equal(at.Min(i => input[i]), min[o]);
                }
            }
        }
    }

    /// <summary>TFLM's QuantizedMeanOrSum output stage.</summary>
    private static int Requantized(int sum, int count, int zeroPoint, int multiplier, int shift, int outputZeroPoint, int min, int max) =>
        Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier((int)(sum - (long)zeroPoint * count), multiplier, shift) + outputZeroPoint, min), max);

    [Fact]
    public void AllIsEveryValueTrue()
    {
        var random = new Random(6);
        foreach ((int blocks, int blockStride, int rows, int rowStride, int width) in BlockShapes)
        {
            // Mostly true, so that both results occur.
            bool[] input = Enumerable.Range(0, (blocks - 1) * blockStride + (rows - 1) * rowStride + width).Select(_ => random.Next(40) != 0).ToArray();
            bool[] columns = new bool[width];
            ReductionKernels.All(input, blocks, blockStride, rows, rowStride, columns);
            for (int j = 0; j < width; j++)
            {
                bool expected = Enumerable.Range(0, blocks).All(b => Enumerable.Range(0, rows).All(r => input[b * blockStride + r * rowStride + j]));
                Assert.Equal(expected, columns[j]);
            }
            if (blocks == 1)
            {
                bool[] oneBlock = new bool[width];
                ReductionKernels.All(input, rows, rowStride, oneBlock);
                Assert.Equal(columns, oneBlock);
            }
        }
        foreach (int length in Lengths)
        {
            foreach ((int blocks, int runs, int blockStride) in new[] { (1, 5, 0), (3, 4, 4 * length), (2, 3, 3 * length + 7) })
            {
                bool[] input = Enumerable.Range(0, (blocks - 1) * blockStride + runs * length).Select(_ => random.Next(3 * length) != 0).ToArray();
                bool[] actual = new bool[runs];
                ReductionKernels.AllRuns(input, blocks, blockStride, length, actual);
                for (int o = 0; o < runs; o++)
                {
                    bool expected = Enumerable.Range(0, blocks).All(b => Enumerable.Range(0, length).All(i => input[b * blockStride + o * length + i]));
                    Assert.Equal(expected, actual[o]);
                }
                if (blocks == 1)
                {
                    bool[] oneBlock = new bool[runs];
                    ReductionKernels.AllRuns(input, length, oneBlock);
                    Assert.Equal(actual, oneBlock);
                }
            }
        }
    }

    [Theory]
    [InlineData(13, 1073741824, 0, -1, 2057965442, -21)]    // cumsum_int8_axis1 of ../shared/opsets
    [InlineData(13, 1073741824, 0, -1, 1150437644, -20)]    // cumsum_int8_axis_neg1_exclusive_reverse
    [InlineData(-127, 1073741824, 0, 100, 1500000000, -12)] // sums that saturate the output
    [InlineData(128, 1073741824, 0, -128, 2147483647, -31)]
    public void Int8CumSumsAreTflmsLoop(int inputOffset, int inputMultiplier, int inputShift, int outputOffset, int outputMultiplier, int outputShift)
    {
        var random = new Random(inputOffset + outputShift);
        foreach (int rows in new[] { 0, 1, 2, 5, 16, 65, 150 })
        {
            foreach (int columns in new[] { 1, 2, 3, 4, 5, 16, 17, 64, 65, 130 })
            {
                sbyte[] input = Enumerable.Range(0, rows * columns).Select(i => (sbyte)(i % 9 == 0 ? (i % 2 == 0 ? -128 : 127) : random.Next(-128, 128))).ToArray();
                for (int flags = 0; flags < 4; flags++)
                {
                    bool exclusive = (flags & 1) != 0, reverse = (flags & 2) != 0;
                    sbyte[] expected = TinyModel.Tests.Operators.TfliteReference.CumSumInt8(input, 1, rows, columns, exclusive, reverse, inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift);
                    sbyte[] actual = new sbyte[input.Length];
                    ReductionKernels.CumSum(input, rows, columns, exclusive, reverse, inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift, actual);
                    Assert.Equal(expected, actual);
                    // In place, as a model whose output shares the input's buffer would run it.
                    sbyte[] inPlace = (sbyte[])input.Clone();
                    ReductionKernels.CumSum(inPlace, rows, columns, exclusive, reverse, inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift, inPlace);
                    Assert.Equal(expected, inPlace);
                }
            }
        }
    }

    [Fact]
    public void BlocksMustFitTheInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Sum(new float[10], 2, 8, 1, 0, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Max(new sbyte[10], 0, 8, 1, 0, new sbyte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.MaxRuns(new sbyte[10], 2, 8, 3, new sbyte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.AllRuns(new bool[10], 0, 0, 2, new bool[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.CumSum(new sbyte[6], 2, 3, false, false, 0, 1 << 30, 1, 0, 1 << 30, 0, new sbyte[6]));
    }
}
