using System;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// <see cref="Requantization"/> (eight channels at a time with AVX2, four with SSE4.1 or AdvSimd) against
/// <see cref="FixedPoint"/> one value at a time, which the golden tests tie to TFLM: random and extreme
/// accumulators, multipliers and exponents, left shifts included. Lengths with every remainder modulo 8
/// run the four-lane path after the eight-lane one on an AVX2 machine; run the tests with
/// <c>DOTNET_EnableAVX2=0</c> and <c>DOTNET_EnableHWIntrinsic=0</c> (as CI does) for the other tiers alone.
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

    /// <summary>
    /// Every length from 0 to 19 (every vector remainder), every exponent TFLite can produce and one past it
    /// ([−31, 31]), with accumulators at both extremes, zero, ties and the one saturating product
    /// (<c>int.MinValue</c> times a multiplier of <c>int.MinValue</c>).
    /// </summary>
    [Fact]
    public void EveryLengthAndExponentMatchesScalarFixedPoint()
    {
        var random = new Random(8);
        int[] accumulators = { int.MinValue, int.MaxValue, 0, -1, 1, int.MinValue + 1, int.MaxValue - 1, 1 << 30, -(1 << 30), 3, -3, 5, -5, 1 << 15, -(1 << 15) - 1, 64, -64, -65, 127, -128 };
        int[] multipliers = { int.MaxValue, 1 << 30, (1 << 30) + 1, 0, int.MinValue, 1518500250, 1073741823, 2, -(1 << 30) };
        for (int length = 0; length < 20; length++)
        {
            var acc = new int[length];
            var perChannelMultipliers = new int[length];
            var perChannelShifts = new int[length];
            var actual8 = new sbyte[length];
            var actual16 = new short[length];
            for (int shift = -31; shift <= 31; shift++)
            {
                foreach (int multiplier in multipliers)
                {
                    for (int i = 0; i < length; i++)
                    {
                        acc[i] = random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : accumulators[(i + shift + 40) % accumulators.Length];
                        perChannelMultipliers[i] = multipliers[random.Next(multipliers.Length)];
                        perChannelShifts[i] = random.Next(-31, 32);
                    }
                    int zeroPoint = random.Next(-128, 128), min = random.Next(-128, 0), max = random.Next(0, 128);
                    Requantization.ToInt8(acc, multiplier, shift, zeroPoint, min, max, actual8);
                    Requantization.ToInt16(acc, multiplier, shift, zeroPoint, -32768, 32767, actual16);
                    for (int i = 0; i < length; i++)
                    {
                        int v = FixedPoint.MultiplyByQuantizedMultiplier(acc[i], multiplier, shift);
                        Assert.True(Math.Clamp(v + zeroPoint, min, max) == actual8[i], $"int8, per tensor: acc {acc[i]}, multiplier {multiplier}, shift {shift}, lane {i} of {length}");
                        Assert.True(Math.Clamp(v + zeroPoint, -32768, 32767) == actual16[i], $"int16, per tensor: acc {acc[i]}, multiplier {multiplier}, shift {shift}, lane {i} of {length}");
                    }
                    Requantization.ToInt8(acc, perChannelMultipliers, perChannelShifts, zeroPoint, min, max, actual8);
                    Requantization.ToInt16(acc, perChannelMultipliers, perChannelShifts, zeroPoint, -32768, 32767, actual16);
                    for (int i = 0; i < length; i++)
                    {
                        int v = FixedPoint.MultiplyByQuantizedMultiplier(acc[i], perChannelMultipliers[i], perChannelShifts[i]);
                        string where = $"acc {acc[i]}, multiplier {perChannelMultipliers[i]}, shift {perChannelShifts[i]}, lane {i} of {length}";
                        Assert.True(Math.Clamp(v + zeroPoint, min, max) == actual8[i], "int8, per channel: " + where);
                        Assert.True(Math.Clamp(v + zeroPoint, -32768, 32767) == actual16[i], "int16, per channel: " + where);
                    }
                }
            }
        }
    }
}
