using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// ReductionKernels against the scalar loops the generator wrote before them, column by column in the same order:
/// floats bit for bit (NaN, ±0, ±infinity, float.MaxValue sums that overflow), int8 sums requantized as TFLM's
/// QuantizedMeanOrSum, for widths across every vector tier and its tail, one row and many, strides past the width.
/// </summary>
public class ReductionKernelsTests
{
    private static readonly float[] Specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, -float.MaxValue, float.Epsilon, 1e20f, -1e20f };

    private static readonly (int Rows, int Width, int Stride)[] Shapes =
        Enumerable.Range(1, 49).Select(w => (w % 7 + 1, w, w))
            .Concat(new[] { (1, 16, 16), (49, 1024, 1024), (3, 5, 9), (10, 33, 40), (2, 64, 200), (100, 17, 17) })
            .ToArray();

    private static float[] Floats(int n, Random random, bool specials) =>
        Enumerable.Range(0, n).Select(i => specials && i % 11 == 0 ? Specials[i / 11 % Specials.Length] : (float)(random.NextDouble() * 200 - 100) * (i % 13 == 0 ? 1e-6f : 1f)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloatReductionsAreTheScalarLoops(bool specials)
    {
        var random = new Random(specials ? 2 : 1);
        foreach ((int rows, int width, int stride) in Shapes)
        {
            float[] input = Floats((rows - 1) * stride + width, random, specials);
            Check(input, rows, stride, width, 0f, (a, v) => a + v, a => a, ReductionKernels.Sum);
            Check(input, rows, stride, width, 0f, (a, v) => a + v, a => a / rows, ReductionKernels.Mean);
            Check(input, rows, stride, width, float.MinValue, (a, v) => v > a ? v : a, a => a, ReductionKernels.Max);
            Check(input, rows, stride, width, float.MaxValue, (a, v) => v < a ? v : a, a => a, ReductionKernels.Min);
        }
    }

    private delegate void FloatKernel(ReadOnlySpan<float> input, int rows, int rowStride, Span<float> output);

    private static void Check(float[] input, int rows, int stride, int width, float initial, Func<float, float, float> combine, Func<float, float> finish, FloatKernel kernel)
    {
        float[] expected = new float[width];
        for (int j = 0; j < width; j++)
        {
            float a = initial;
            for (int r = 0; r < rows; r++)
            {
                a = combine(a, input[r * stride + j]);
            }
            expected[j] = finish(a);
        }
        float[] actual = new float[width];
        kernel(input, rows, stride, actual);
        for (int j = 0; j < width; j++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]) || (float.IsNaN(expected[j]) && float.IsNaN(actual[j])),
                $"rows {rows}, width {width}, column {j}: expected {expected[j]:R}, got {actual[j]:R}");
        }
    }

    [Theory]
    [InlineData(0, 1 << 30, 1, 0)]            // a plain sum
    [InlineData(-128, 1431655765, -5, -3)]    // a mean with 1/count folded in
    [InlineData(5, 1717986918, -10, 12)]
    [InlineData(127, int.MaxValue, -31, -128)]
    [InlineData(-7, 1500000000, 4, 100)]      // a left shift: sums saturate to the clamp
    public void Int8SumsAreRequantizedAsTflm(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift);
        foreach ((int rows, int width, int stride) in Shapes)
        {
            sbyte[] input = Enumerable.Range(0, (rows - 1) * stride + width).Select(i => (sbyte)(i % 9 == 0 ? (i % 2 == 0 ? -128 : 127) : random.Next(-128, 128))).ToArray();
            sbyte[] expected = new sbyte[width];
            for (int j = 0; j < width; j++)
            {
                int sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += input[r * stride + j];
                }
                int shifted = (int)(sum - (long)zeroPoint * rows);
                int v = FixedPoint.MultiplyByQuantizedMultiplier(shifted, multiplier, shift) + outputZeroPoint;
                expected[j] = (sbyte)Math.Min(Math.Max(v, -128), 127);
            }
            sbyte[] actual = new sbyte[width];
            ReductionKernels.Sum(input, rows, stride, zeroPoint, multiplier, shift, outputZeroPoint, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(0, 1 << 30, 1, 0)]            // a plain sum
    [InlineData(0, 1431655765, -5, 0)]        // a mean with 1/count folded in
    [InlineData(-300, 1717986918, -10, 12)]
    [InlineData(0, int.MaxValue, -31, -5)]
    [InlineData(7, 1500000000, 4, 100)]       // a left shift: sums saturate to the clamp
    public void Int16SumsAreRequantizedAsTflm(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift);
        foreach ((int rows, int width, int stride) in Shapes)
        {
            short[] input = Enumerable.Range(0, (rows - 1) * stride + width).Select(i => (short)(i % 9 == 0 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : random.Next(-32768, 32768))).ToArray();
            short[] expected = new short[width];
            for (int j = 0; j < width; j++)
            {
                int sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += input[r * stride + j];
                }
                int shifted = (int)(sum - (long)zeroPoint * rows);
                int v = FixedPoint.MultiplyByQuantizedMultiplier(shifted, multiplier, shift) + outputZeroPoint;
                expected[j] = (short)Math.Min(Math.Max(v, short.MinValue), short.MaxValue);
            }
            short[] actual = new short[width];
            ReductionKernels.Sum(input, rows, stride, zeroPoint, multiplier, shift, outputZeroPoint, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Int8ExtremesAreTheScalarComparisons()
    {
        var random = new Random(3);
        foreach ((int rows, int width, int stride) in Shapes.Concat(new[] { (3, 100, 130), (1, 65, 65) }))
        {
            sbyte[] input = Enumerable.Range(0, (rows - 1) * stride + width).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            sbyte[] max = new sbyte[width], min = new sbyte[width];
            ReductionKernels.Max(input, rows, stride, max);
            ReductionKernels.Min(input, rows, stride, min);
            for (int j = 0; j < width; j++)
            {
                sbyte hi = sbyte.MinValue, lo = sbyte.MaxValue;
                for (int r = 0; r < rows; r++)
                {
                    sbyte v = input[r * stride + j];
                    hi = v > hi ? v : hi;
                    lo = v < lo ? v : lo;
                }
                Assert.Equal(hi, max[j]);
                Assert.Equal(lo, min[j]);
            }
        }
    }

    /// <summary>Widths around every tier's lane count (4, 8, 16 columns): 0, 1, lane − 1, lane, lane + 1, 3 · lane + 5, and more.</summary>
    private static readonly (int Rows, int Width, int Stride)[] ArgShapes =
        new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 29, 47, 53, 64, 100 }
            .SelectMany(w => new[] { (1, w, w), (2, w, w), (5, w, w + 3), (37, w, w) })
            .ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloatArgExtremesAreTflmsLoop(bool maximum)
    {
        // Few distinct values, so ties are common; NaN (in row 0 too), ±0 and ±infinity among them.
        float[] values = { float.NaN, -0f, 0f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, 2.5f, float.MaxValue, -float.MaxValue };
        var random = new Random(maximum ? 5 : 6);
        foreach ((int rows, int width, int stride) in ArgShapes)
        {
            float[] input = Enumerable.Range(0, Math.Max(0, (rows - 1) * stride + width)).Select(_ => values[random.Next(values.Length)]).ToArray();
            int[] actual = new int[width];
            (maximum ? (ArgKernel<float>)ReductionKernels.ArgMax : ReductionKernels.ArgMin)(input, rows, stride, actual);
            Assert.Equal(ArgReference(input, rows, stride, width, maximum ? (v, b) => v > b : (v, b) => v < b), actual);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8ArgExtremesAreTflmsLoop(bool maximum)
    {
        var random = new Random(maximum ? 7 : 8);
        foreach ((int rows, int width, int stride) in ArgShapes)
        {
            // Half the columns from a handful of values (ties), the rest over the whole range with its extremes.
            sbyte[] input = Enumerable.Range(0, Math.Max(0, (rows - 1) * stride + width))
                .Select(i => (sbyte)(i % 2 == 0 ? random.Next(-2, 3) : i % 7 == 0 ? (i % 3 == 0 ? -128 : 127) : random.Next(-128, 128))).ToArray();
            int[] actual = new int[width];
            (maximum ? (ArgKernel<sbyte>)ReductionKernels.ArgMax : ReductionKernels.ArgMin)(input, rows, stride, actual);
            Assert.Equal(ArgReference(input, rows, stride, width, maximum ? (v, b) => v > b : (v, b) => v < b), actual);
        }
    }

    private delegate void ArgKernel<T>(ReadOnlySpan<T> input, int rows, int rowStride, Span<int> output);

    /// <summary>TFLM's reference arg_min_max.h loop for one outer block: from row 0, replaced only where <paramref name="better"/> holds.</summary>
    private static int[] ArgReference<T>(T[] input, int rows, int stride, int width, Func<T, T, bool> better)
    {
        var indices = new int[width];
        for (int j = 0; j < width; j++)
        {
            T best = input[j];
            for (int r = 1; r < rows; r++)
            {
                T v = input[r * stride + j];
                if (better(v, best))
                {
                    best = v;
                    indices[j] = r;
                }
            }
        }
        return indices;
    }

    /// <summary>Run lengths around every tier's lane count for int8 (16, 32, 64) and int16 (8, 16, 32): 1, lane − 1, lane, lane + 1, several lanes and a tail.</summary>
    private static readonly (int Runs, int Length)[] RunShapes =
        new[] { 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 127, 128, 129, 200, 1000 }
            .SelectMany(n => new[] { (1, n), (3, n) })
            .Concat(new[] { (0, 5), (49, 49) })
            .ToArray();

    [Theory]
    [InlineData(0, 1 << 30, 1, 0)]
    [InlineData(-128, 1431655765, -5, -3)]
    [InlineData(127, int.MaxValue, -31, -128)]
    [InlineData(-7, 1500000000, 4, 100)]
    public void Int8RunSumsAreTheScalarLoop(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift + 20);
        foreach ((int runs, int length) in RunShapes)
        {
            sbyte[] input = Enumerable.Range(0, runs * length).Select(i => (sbyte)(i % 9 == 0 ? (i % 2 == 0 ? -128 : 127) : random.Next(-128, 128))).ToArray();
            sbyte[] actual = new sbyte[runs];
            ReductionKernels.SumRuns(input, length, zeroPoint, multiplier, shift, outputZeroPoint, actual);
            Assert.Equal(RunSumReference(input, runs, length, zeroPoint, multiplier, shift, outputZeroPoint, -128, 127).Select(v => (sbyte)v), actual);
        }
    }

    [Theory]
    [InlineData(0, 1 << 30, 1, 0)]
    [InlineData(-300, 1717986918, -10, 12)]
    [InlineData(7, 1500000000, 4, 100)]
    [InlineData(0, 1 << 30, 16, 0)]           // all-extreme runs wrap the int32 sum: the wrap must match too
    public void Int16RunSumsAreTheScalarLoop(int zeroPoint, int multiplier, int shift, int outputZeroPoint)
    {
        var random = new Random(zeroPoint + shift + 30);
        foreach ((int runs, int length) in RunShapes.Concat(new[] { (2, 70000) }))
        {
            short[] input = Enumerable.Range(0, runs * length).Select(i => (short)(length == 70000 ? short.MaxValue : i % 9 == 0 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : random.Next(-32768, 32768))).ToArray();
            short[] actual = new short[runs];
            ReductionKernels.SumRuns(input, length, zeroPoint, multiplier, shift, outputZeroPoint, actual);
            Assert.Equal(RunSumReference(input, runs, length, zeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue).Select(v => (short)v), actual);
        }
    }

    /// <summary>The generated loop: <c>int sum</c> in input order (wrapping), then TFLM's requantization.</summary>
    private static int[] RunSumReference<T>(T[] input, int runs, int length, int zeroPoint, int multiplier, int shift, int outputZeroPoint, int min, int max)
        where T : IConvertible
    {
        var result = new int[runs];
        for (int o = 0; o < runs; o++)
        {
            int sum = 0;
            for (int i = 0; i < length; i++)
            {
                sum = unchecked(sum + input[o * length + i].ToInt32(null));
            }
            int shifted = (int)(sum - (long)zeroPoint * length);
            result[o] = Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(shifted, multiplier, shift) + outputZeroPoint, min), max);
        }
        return result;
    }

    [Fact]
    public void Int8RunExtremesAreTheScalarComparisons()
    {
        var random = new Random(40);
        foreach ((int runs, int length) in RunShapes)
        {
            // The extreme in every position in turn (first, last, each lane), and runs of one repeated value.
            sbyte[] input = Enumerable.Range(0, runs * length).Select(i => (sbyte)random.Next(-100, 100)).ToArray();
            for (int o = 0; o < runs; o++)
            {
                int at = (o * 7 + length / 3) % length;
                input[o * length + at] = (sbyte)(o % 2 == 0 ? 127 : -128);
            }
            sbyte[] max = new sbyte[runs], min = new sbyte[runs];
            ReductionKernels.MaxRuns(input, length, max);
            ReductionKernels.MinRuns(input, length, min);
            for (int o = 0; o < runs; o++)
            {
                sbyte hi = sbyte.MinValue, lo = sbyte.MaxValue;
                for (int i = 0; i < length; i++)
                {
                    sbyte v = input[o * length + i];
                    hi = v > hi ? v : hi;
                    lo = v < lo ? v : lo;
                }
                Assert.Equal(hi, max[o]);
                Assert.Equal(lo, min[o]);
            }
        }
        for (int length = 1; length <= 130; length++)
        {
            for (int at = 0; at < length; at++)
            {
                sbyte[] input = new sbyte[length];
                input[at] = 5;
                sbyte[] max = new sbyte[1], min = new sbyte[1];
                ReductionKernels.MaxRuns(input, length, max);
                input[at] = -5;
                ReductionKernels.MinRuns(input, length, min);
                Assert.Equal((sbyte)5, max[0]);
                Assert.Equal((sbyte)-5, min[0]);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloatArgRunsAreTflmsLoop(bool maximum)
    {
        // Few distinct values, so ties are common; NaN (at index 0 too), ±0 and ±infinity among them.
        float[] values = { float.NaN, -0f, 0f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity, 2.5f, float.MaxValue, -float.MaxValue };
        var random = new Random(maximum ? 50 : 51);
        foreach ((int runs, int length) in RunShapes.Concat(new[] { (40, 4), (40, 1), (20, 33) }))
        {
            float[] input = Enumerable.Range(0, runs * length).Select(_ => values[random.Next(values.Length)]).ToArray();
            CheckArgRuns(input, runs, length, maximum, (v, b) => v > b, (v, b) => v < b, ReductionKernels.ArgMaxRuns, ReductionKernels.ArgMinRuns);
            // Runs of one value repeated (ties everywhere) and of all-infinite values, where the extreme is the start.
            float[] flat = Enumerable.Range(0, runs * length).Select(i => (i / length) % 3 == 0 ? float.NegativeInfinity : (i / length) % 3 == 1 ? float.PositiveInfinity : -0f).ToArray();
            CheckArgRuns(flat, runs, length, maximum, (v, b) => v > b, (v, b) => v < b, ReductionKernels.ArgMaxRuns, ReductionKernels.ArgMinRuns);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8ArgRunsAreTflmsLoop(bool maximum)
    {
        var random = new Random(maximum ? 52 : 53);
        foreach ((int runs, int length) in RunShapes.Concat(new[] { (40, 4), (40, 1), (20, 33) }))
        {
            sbyte[] input = Enumerable.Range(0, runs * length)
                .Select(i => (sbyte)(i % 2 == 0 ? random.Next(-2, 3) : i % 7 == 0 ? (i % 3 == 0 ? -128 : 127) : random.Next(-128, 128))).ToArray();
            CheckArgRuns(input, runs, length, maximum, (v, b) => v > b, (v, b) => v < b, ReductionKernels.ArgMaxRuns, ReductionKernels.ArgMinRuns);
        }
        // The extreme alone at every position of runs around every lane count.
        for (int length = 1; length <= 130; length++)
        {
            for (int at = 0; at < length; at++)
            {
                sbyte[] input = new sbyte[length];
                input[at] = (sbyte)(maximum ? 1 : -1);
                CheckArgRuns(input, 1, length, maximum, (v, b) => v > b, (v, b) => v < b, ReductionKernels.ArgMaxRuns, ReductionKernels.ArgMinRuns);
            }
        }
    }

    private delegate void ArgRunKernel<T>(ReadOnlySpan<T> input, int runLength, Span<int> output);

    private static void CheckArgRuns<T>(T[] input, int runs, int length, bool maximum, Func<T, T, bool> greater, Func<T, T, bool> less, ArgRunKernel<T> argMax, ArgRunKernel<T> argMin)
    {
        int[] actual = new int[runs];
        (maximum ? argMax : argMin)(input, length, actual);
        // TFLM's loop on each run: one column, its rows one element apart.
        int[] expected = new int[runs];
        for (int o = 0; o < runs; o++)
        {
            expected[o] = ArgReference(input.Skip(o * length).Take(length).ToArray(), length, 1, 1, maximum ? greater : less)[0];
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void FloatCumSumsAreTflmsLoop(bool exclusive, bool reverse)
    {
        var random = new Random((exclusive ? 60 : 61) + (reverse ? 2 : 0));
        foreach ((int rows, int columns, int _) in ArgShapes.Concat(new[] { (100, 33, 0), (3, 1000, 0), (0, 8, 0) }))
        {
            float[] input = Floats(rows * columns, random, specials: true);
            float[] expected = new float[input.Length];
            for (int j = 0; j < columns; j++)
            {
                float sum = 0f;
                for (int d = reverse ? rows - 1 : 0; reverse ? d >= 0 : d < rows; d += reverse ? -1 : 1)
                {
                    int i = d * columns + j;
                    float before = sum;
                    sum += input[i];
                    expected[i] = exclusive ? before : sum;
                }
            }
            float[] actual = new float[input.Length];
            ReductionKernels.CumSum(input, rows, columns, exclusive, reverse, actual);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            // In place, as a model whose output shares the input's buffer would run it.
            ReductionKernels.CumSum(input, rows, columns, exclusive, reverse, input);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), input.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void RowsMustFitTheInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Sum(new float[10], 2, 8, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Sum(new float[10], 0, 8, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.MaxRuns(new sbyte[10], 3, new sbyte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.MaxRuns(new sbyte[10], 0, new sbyte[4]));
    }
}
