using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// SvdfKernels against TFLM's integer SVDF (EvalIntegerSvdfReference) written value by value, for int16 and int8
/// states, memories around the vector widths and ranks 1 and 2. (SvdfTests covers the generated layers end to end.)
/// </summary>
public class SvdfKernelsTests
{
    [Theory]
    [InlineData(1, 8, 1)]
    [InlineData(6, 8, 2)]
    [InlineData(5, 32, 1)]
    [InlineData(9, 3, 1)]
    [InlineData(4, 17, 2)]
    public void Int16StateEqualsTflm(int filters, int memorySize, int rank) => Check<short>(filters, memorySize, rank, short.MinValue, short.MaxValue, 0);

    [Theory]
    [InlineData(1, 8, 1)]
    [InlineData(6, 8, 2)]
    [InlineData(5, 32, 1)]
    [InlineData(4, 17, 2)]
    public void Int8StateEqualsTflm(int filters, int memorySize, int rank) => Check<sbyte>(filters, memorySize, rank, sbyte.MinValue, sbyte.MaxValue, 7);

    private static void Check<T>(int filters, int memorySize, int rank, int min, int max, int zeroPoint)
        where T : unmanaged
    {
        var random = new Random(filters * 100 + memorySize * 10 + rank);
        T Of(int v) => typeof(T) == typeof(sbyte) ? (T)(object)(sbyte)v : (T)(object)(short)v;
        int ToInt(T v) => v is sbyte b ? b : (short)(object)v;
        int[] dots = Enumerable.Range(0, filters).Select(i => i % 4 == 1 ? int.MaxValue - i : random.Next(-3_000_000, 3_000_000)).ToArray();
        T[] memory = Enumerable.Range(0, filters * memorySize).Select(_ => Of(random.Next(min, max + 1))).ToArray();
        T[] weights = Enumerable.Range(0, filters * memorySize).Select(_ => Of(random.Next(min, max + 1))).ToArray();
        int[] expectedMemory = memory.Select(ToInt).ToArray();
        for (int f = 0; f < filters; f++)
        {
            int v = Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(dots[f], 1395864371, -9), min, max) + zeroPoint;
            expectedMemory[f * memorySize + memorySize - 1] = typeof(T) == typeof(sbyte) ? unchecked((sbyte)v) : unchecked((short)v);
        }
        SvdfKernels.StoreProjections<T>(dots, 1395864371, -9, zeroPoint, memory, memorySize);
        Assert.Equal(expectedMemory, memory.Select(ToInt));

        int units = filters / rank;
        int[] bias = Enumerable.Range(0, units).Select(_ => random.Next(-100_000, 100_000)).ToArray();
        int[] offsets = Enumerable.Range(0, filters).Select(_ => random.Next(-100_000, 100_000)).ToArray();
        var sums = new int[units];
        SvdfKernels.TimeSums<T>(weights, memory, memorySize, rank, bias, offsets, sums);
        int[] expected = Enumerable.Range(0, units).Select(u =>
        {
            int sum = bias[u];
            for (int f = u * rank; f < (u + 1) * rank; f++)
            {
                int dot = offsets[f];
                for (int j = 0; j < memorySize; j++)
                {
                    dot += ToInt(weights[f * memorySize + j]) * ToInt(memory[f * memorySize + j]);
                }
                sum += dot;
            }
            return sum;
        }).ToArray();
        Assert.Equal(expected, sums);
        SvdfKernels.TimeSums<T>(weights, memory, memorySize, rank, default, default, sums);
        Assert.Equal(expected.Select((s, u) => s - bias[u] - Enumerable.Range(u * rank, rank).Sum(f => offsets[f])), sums);
    }
}
