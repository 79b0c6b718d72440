using System;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// <see cref="Requantization"/> (eight channels at a time) against <see cref="FixedPoint"/> one value at
/// a time, which the golden tests tie to TFLM: random and extreme accumulators, multipliers and
/// exponents, left shifts included.
/// </summary>
public class RequantizationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MatchesScalarFixedPoint(int seed)
    {
        var random = new Random(seed);
        const int n = 1003;
        var acc = new int[n];
        var multipliers = new int[n];
        var shifts = new int[n];
        int[] extremes = { int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue, int.MaxValue - 1, 1 << 30, -(1 << 30) };
        for (int i = 0; i < n; i++)
        {
            acc[i] = i < extremes.Length ? extremes[i] : random.Next(4) switch
            {
                0 => random.Next(-300, 300),
                1 => random.Next(-100000, 100000),
                _ => random.Next(int.MinValue, int.MaxValue),
            };
            multipliers[i] = i % 97 == 5 ? int.MinValue : i % 89 == 3 ? 0 : random.Next(1 << 30, int.MaxValue);
            shifts[i] = random.Next(-31, 8);
        }
        var expected8 = new sbyte[n];
        var expected16 = new short[n];
        for (int i = 0; i < n; i++)
        {
            int v = TfliteReference.MultiplyByQuantizedMultiplier(acc[i], multipliers[i], shifts[i]);
            expected8[i] = (sbyte)Math.Min(Math.Max(v - 7, -128), 100);
            expected16[i] = (short)Math.Min(Math.Max(v, -30000), 32767);
        }
        var actual8 = new sbyte[n];
        var actual16 = new short[n];
        Requantization.ToInt8(acc, multipliers, shifts, -7, -128, 100, actual8);
        Requantization.ToInt16(acc, multipliers, shifts, 0, -30000, 32767, actual16);
        Assert.Equal(expected8, actual8);
        Assert.Equal(expected16, actual16);

        for (int shift = -31; shift < 8; shift += 3)
        {
            int multiplier = random.Next(1 << 30, int.MaxValue);
            Requantization.ToInt8(acc, multiplier, shift, 5, -120, 127, actual8);
            Requantization.ToInt16(acc, multiplier, shift, 0, -32768, 32767, actual16);
            for (int i = 0; i < n; i++)
            {
                int v = TfliteReference.MultiplyByQuantizedMultiplier(acc[i], multiplier, shift);
                Assert.Equal((sbyte)Math.Min(Math.Max(v + 5, -120), 127), actual8[i]);
                Assert.Equal((short)Math.Min(Math.Max(v, -32768), 32767), actual16[i]);
            }
        }
    }
}
