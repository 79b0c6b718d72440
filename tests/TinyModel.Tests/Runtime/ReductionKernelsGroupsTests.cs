using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The reduction kernels' tables of block offsets (three or more groups of reduced axes): every overload against the
/// loop TFLM's reference runs (each output's values in the table's order, then each block's rows or run), written
/// value by value here, on a table that walks two outer groups (the generated code's odometer), an unordered one with
/// a repeat (the kernels take the order given), and columns and runs that cross every vector width and its tail.
/// </summary>
public class ReductionKernelsGroupsTests
{
    private static readonly int[] Widths = { 1, 3, 4, 15, 16, 17, 33, 64, 65, 130 };

    /// <summary>An odometer over groups (3, stride a) × (2, stride b), outermost slowest; and an unordered table with a repeat.</summary>
    private static int[][] Tables(int span) =>
        new[]
        {
            Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 2).Select(k => i * 4 * span + k * 2 * span)).ToArray(),
            new[] { 3 * span, 0, span + 2, 3 * span },
        };

    [Fact]
    public void FloatColumnsMeetTheirValuesInTableOrder()
    {
        var random = new Random(21);
        foreach (int width in Widths)
        {
            const int rows = 3;
            int rowStride = width + 1, span = rows * rowStride;
            foreach (int[] offsets in Tables(span))
            {
                // Mixed magnitudes make a float sum's bits depend on its order.
                float[] input = Enumerable.Range(0, offsets.Max() + span).Select(i => (float)(random.NextDouble() * Math.Pow(10, random.Next(-4, 5))) * (random.Next(2) * 2 - 1)).ToArray();
                float Fold(int j, float initial, Func<float, float, float> combine)
                {
                    float running = initial;
                    foreach (int offset in offsets)
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            running = combine(running, input[offset + r * rowStride + j]);
                        }
                    }
                    return running;
                }
                float count = offsets.Length * rows;
                var actual = new float[width];
                ReductionKernels.Sum(input, offsets, rows, rowStride, actual);
                AssertBits(Enumerable.Range(0, width).Select(j => Fold(j, 0f, (a, v) => a + v)), actual);
                ReductionKernels.Mean(input, offsets, rows, rowStride, actual);
                AssertBits(Enumerable.Range(0, width).Select(j => Fold(j, 0f, (a, v) => a + v) / count), actual);
                ReductionKernels.Max(input, offsets, rows, rowStride, actual);
                AssertBits(Enumerable.Range(0, width).Select(j => Fold(j, float.MinValue, (a, v) => v > a ? v : a)), actual);
                ReductionKernels.Min(input, offsets, rows, rowStride, actual);
                AssertBits(Enumerable.Range(0, width).Select(j => Fold(j, float.MaxValue, (a, v) => v < a ? v : a)), actual);
            }
        }
    }

    [Fact]
    public void IntegerAndBoolColumnsCombineEveryBlock()
    {
        var random = new Random(22);
        (int multiplier, int shift) = (1518500250, -3);
        foreach (int width in Widths)
        {
            const int rows = 2;
            int rowStride = width, span = rows * rowStride;
            foreach (int[] offsets in Tables(span))
            {
                int n = offsets.Max() + span;
                sbyte[] int8 = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                short[] int16 = Enumerable.Range(0, n).Select(_ => (short)random.Next(-32768, 32768)).ToArray();
                bool[] bools = Enumerable.Range(0, n).Select(_ => random.Next(12) != 0).ToArray();
                int[][] members = Enumerable.Range(0, width).Select(j => offsets.SelectMany(o => Enumerable.Range(0, rows).Select(r => o + r * rowStride + j)).ToArray()).ToArray();
                int count = offsets.Length * rows;
                int Requantized(int sum, int zeroPoint, int min, int max) =>
                    Math.Clamp(TinyModel.Tests.Operators.TfliteReference.MultiplyByQuantizedMultiplier(sum - zeroPoint * count, multiplier, shift) + 5, min, max);

                var sum8 = new sbyte[width];
                ReductionKernels.Sum(int8, offsets, rows, rowStride, -7, multiplier, shift, 5, sum8);
                Assert.Equal(members.Select(m => (sbyte)Requantized(m.Sum(i => int8[i]), -7, -128, 127)), sum8);
                var sum16 = new short[width];
                ReductionKernels.Sum(int16, offsets, rows, rowStride, 0, multiplier, shift, 5, sum16);
                Assert.Equal(members.Select(m => (short)Requantized(m.Sum(i => int16[i]), 0, -32768, 32767)), sum16);
                var extreme = new sbyte[width];
                ReductionKernels.Max(int8, offsets, rows, rowStride, extreme);
                Assert.Equal(members.Select(m => m.Max(i => int8[i])), extreme);
                ReductionKernels.Min(int8, offsets, rows, rowStride, extreme);
                Assert.Equal(members.Select(m => m.Min(i => int8[i])), extreme);
                var all = new bool[width];
                ReductionKernels.All(bools, offsets, rows, rowStride, all);
                Assert.Equal(members.Select(m => m.All(i => bools[i])), all);
            }
        }
    }

    [Fact]
    public void RunsCombineTheRunAtEveryBlock()
    {
        var random = new Random(23);
        (int multiplier, int shift) = (1073741824, -2);
        foreach (int length in Widths)
        {
            const int outputs = 3;
            int span = outputs * length;
            foreach (int[] offsets in Tables(span))
            {
                int n = offsets.Max() + span;
                sbyte[] int8 = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                short[] int16 = Enumerable.Range(0, n).Select(_ => (short)random.Next(-32768, 32768)).ToArray();
                float[] floats = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? (random.Next(2) == 0 ? 0f : -0f) : (float)random.NextDouble() - 2f).ToArray();
                bool[] bools = Enumerable.Range(0, n).Select(_ => random.Next(4 * length) != 0).ToArray();
                int[][] members = Enumerable.Range(0, outputs).Select(o => offsets.SelectMany(b => Enumerable.Range(0, length).Select(i => b + o * length + i)).ToArray()).ToArray();
                int count = offsets.Length * length;

                var sum8 = new sbyte[outputs];
                ReductionKernels.SumRuns(int8, offsets, length, 4, multiplier, shift, -1, sum8);
                Assert.Equal(members.Select(m => (sbyte)Math.Clamp(TinyModel.Tests.Operators.TfliteReference.MultiplyByQuantizedMultiplier(m.Sum(i => int8[i]) - 4 * count, multiplier, shift) - 1, -128, 127)), sum8);
                var sum16 = new short[outputs];
                ReductionKernels.SumRuns(int16, offsets, length, 0, multiplier, shift, 0, sum16);
                Assert.Equal(members.Select(m => (short)Math.Clamp(TinyModel.Tests.Operators.TfliteReference.MultiplyByQuantizedMultiplier(m.Sum(i => int16[i]), multiplier, shift), -32768, 32767)), sum16);
                var extreme = new sbyte[outputs];
                ReductionKernels.MaxRuns(int8, offsets, length, extreme);
                Assert.Equal(members.Select(m => m.Max(i => int8[i])), extreme);
                ReductionKernels.MinRuns(int8, offsets, length, extreme);
                Assert.Equal(members.Select(m => m.Min(i => int8[i])), extreme);
                // Floats: TFLM's strict comparison in the table's order (a zero result keeps the first zero's sign).
                var best = new float[outputs];
                ReductionKernels.MaxRuns(floats, offsets, length, best);
                AssertBits(members.Select(m => m.Aggregate(float.MinValue, (a, i) => floats[i] > a ? floats[i] : a)), best);
                ReductionKernels.MinRuns(floats, offsets, length, best);
                AssertBits(members.Select(m => m.Aggregate(float.MaxValue, (a, i) => floats[i] < a ? floats[i] : a)), best);
                var all = new bool[outputs];
                ReductionKernels.AllRuns(bools, offsets, length, all);
                Assert.Equal(members.Select(m => m.All(i => bools[i])), all);
            }
        }
    }

    [Fact]
    public void TablesMustFitTheInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Sum(new float[10], new[] { 0, 8 }, 1, 0, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Sum(new float[10], new[] { 0, -1 }, 1, 0, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Max(new sbyte[10], ReadOnlySpan<int>.Empty, 1, 0, new sbyte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.AllRuns(new bool[10], new[] { 9 }, 2, new bool[1]));
    }

    private static void AssertBits(System.Collections.Generic.IEnumerable<float> expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
