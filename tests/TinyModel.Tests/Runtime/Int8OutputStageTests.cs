using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The vector requantization of the int8 convolution kernels (<see cref="Int8OutputStage"/>) against TFLite's
/// <c>MultiplyByQuantizedMultiplier</c> (<see cref="FixedPoint"/>), lane by lane: every shift from -31 to 30, multipliers
/// at both ends of their range, the int32 extremes, and values where both of TFLite's roundings meet ties. Which vector paths run depends on the machine: run with
/// DOTNET_EnableAVX512=0 and DOTNET_EnableAVX2=0 too (AdvSimd on ARM64).
/// </summary>
public class Int8OutputStageTests
{
    private const int Stride = 16 + 8;

    public static IEnumerable<object[]> Shifts() => Enumerable.Range(-31, 62).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Shifts))]
    public void VectorPathsEqualTfliteForEveryShift(int shift)
    {
        var random = new Random(shift + 100);
        // 2^30 is one half: x·m + 2^30 then lands on a multiple of 2^31 for odd x, a tie of the first rounding.
        int[] multipliers = { 0, 1 << 30, int.MaxValue, random.Next(1 << 30, int.MaxValue), random.Next(1 << 30, int.MaxValue), random.Next(1, 1 << 30) };
        var values = new List<int> { int.MinValue, int.MinValue + 1, int.MaxValue, int.MaxValue - 1, 0, 1, -1 };
        for (int v = -3000; v <= 3000; v++)
        {
            values.Add(v);
        }
        for (int i = 0; i < 3000; i++)
        {
            values.Add(random.Next(int.MinValue, int.MaxValue));
            // Log-uniform magnitudes, and exact multiples of the shift's powers of two plus or minus a half.
            values.Add((int)(Math.Pow(2, random.NextDouble() * 31) * (random.Next(2) * 2 - 1)));
            int e = Math.Max(0, -shift);
            long tie = ((long)random.Next(-1000, 1000) << e) + (e > 0 ? 1L << (e - 1) : 0) + random.Next(-1, 2);
            values.Add((int)Math.Clamp(tie, int.MinValue, int.MaxValue));
        }
        foreach (int multiplier in multipliers)
        {
            int[] table = Table(multiplier, shift);
            for (int at = 0; at + 8 <= values.Count; at += 8)
            {
                int[] lanes = values.Skip(at).Take(8).ToArray();
                int[] expected = lanes.Select(v => FixedPoint.MultiplyByQuantizedMultiplier(v, multiplier, shift)).ToArray();
                if (Avx2.IsSupported)
                {
                    Vector256<int> result = Int8OutputStage.Requantize8(Vector256.Create(lanes), ref table[0], Stride);
                    AssertLanes(expected, Lanes(result), lanes, multiplier, shift);
                }
                if (Avx512BW.IsSupported)
                {
                    int[] both = lanes.Concat(lanes).ToArray();
                    Vector512<int> wide = Int8OutputStage.Requantize16(Vector512.Create(both), ref table[0], Stride);
                    AssertLanes(expected.Concat(expected).ToArray(), Lanes(wide), both, multiplier, shift);
                }
                if (Sse41.IsSupported || AdvSimd.Arm64.IsSupported)
                {
                    Vector128<int> low = Int8OutputStage.Requantize4(Vector128.Create(lanes[0], lanes[1], lanes[2], lanes[3]), ref table[0], Stride);
                    Vector128<int> high = Int8OutputStage.Requantize4(Vector128.Create(lanes[4], lanes[5], lanes[6], lanes[7]), ref table[4], Stride);
                    AssertLanes(expected, Lanes(low).Concat(Lanes(high)).ToArray(), lanes, multiplier, shift);
                }
            }
        }
    }

    [Fact]
    public void ChannelsKeepTheirOwnMultipliersAndShifts()
    {
        // Eight channels with eight different (multiplier, shift) pairs: no lane may read a neighbour's.
        var random = new Random(7);
        int[] multipliers = Enumerable.Range(0, 16).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
        int[] shifts = Enumerable.Range(0, 16).Select(i => i * 5 % 23 - 15).ToArray();
        int[] table = new int[Int8Convolution.OutputStageRows * Stride];
        for (int c = 0; c < 16; c++)
        {
            Fill(table, c, multipliers[c], shifts[c]);
        }
        for (int round = 0; round < 2000; round++)
        {
            int[] lanes = Enumerable.Range(0, 16).Select(_ => random.Next(int.MinValue, int.MaxValue) >> random.Next(0, 31)).ToArray();
            int[] expected = lanes.Select((v, c) => FixedPoint.MultiplyByQuantizedMultiplier(v, multipliers[c], shifts[c])).ToArray();
            if (Avx2.IsSupported)
            {
                int[] actual = Lanes(Int8OutputStage.Requantize8(Vector256.Create(lanes, 0), ref table[0], Stride))
                    .Concat(Lanes(Int8OutputStage.Requantize8(Vector256.Create(lanes, 8), ref table[8], Stride))).ToArray();
                Assert.Equal(expected, actual);
            }
            if (Avx512BW.IsSupported)
            {
                Assert.Equal(expected, Lanes(Int8OutputStage.Requantize16(Vector512.Create(lanes), ref table[0], Stride)));
            }
            if (Sse41.IsSupported || AdvSimd.Arm64.IsSupported)
            {
                int[] actual = Enumerable.Range(0, 4).SelectMany(q => Lanes(Int8OutputStage.Requantize4(Vector128.Create(lanes, 4 * q), ref table[4 * q], Stride))).ToArray();
                Assert.Equal(expected, actual);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomChannelsAtTheirRoundingTiesEqualTflite(int seed)
    {
        // 16 channels of random (multiplier, shift) per round, and accumulators aimed at each channel's ties: where
        // x·m + 2^30 meets a multiple of 2^31 and where the high product meets half of 2^e, from both signs; 1.6 M lanes per seed.
        var random = new Random(seed);
        int[] specialMultipliers = { 0, 1, 1 << 30, (1 << 30) + (1 << 29), int.MaxValue, int.MaxValue - 1 };
        int[] multipliers = new int[16], shifts = new int[16], lanes = new int[16], expected = new int[16];
        for (int round = 0; round < 1000; round++)
        {
            int[] table = new int[Int8Convolution.OutputStageRows * Stride];
            for (int c = 0; c < 16; c++)
            {
                multipliers[c] = random.Next(3) == 0 ? specialMultipliers[random.Next(specialMultipliers.Length)] : random.Next(1 << 30, int.MaxValue);
                shifts[c] = random.Next(4) == 0 ? random.Next(-31, 31) : random.Next(-12, 1);
                Fill(table, c, multipliers[c], shifts[c]);
            }
            for (int vector = 0; vector < 100; vector++)
            {
                for (int c = 0; c < 16; c++)
                {
                    lanes[c] = Accumulator(random, multipliers[c], shifts[c]);
                    expected[c] = FixedPoint.MultiplyByQuantizedMultiplier(lanes[c], multipliers[c], shifts[c]);
                }
                if (Avx512BW.IsSupported)
                {
                    AssertLanes(expected, Lanes(Int8OutputStage.Requantize16(Vector512.Create(lanes), ref table[0], Stride)), lanes, multipliers, shifts);
                }
                if (Avx2.IsSupported)
                {
                    int[] actual = Lanes(Int8OutputStage.Requantize8(Vector256.Create(lanes, 0), ref table[0], Stride))
                        .Concat(Lanes(Int8OutputStage.Requantize8(Vector256.Create(lanes, 8), ref table[8], Stride))).ToArray();
                    AssertLanes(expected, actual, lanes, multipliers, shifts);
                }
                if (Sse41.IsSupported || AdvSimd.Arm64.IsSupported)
                {
                    int[] actual = Enumerable.Range(0, 4).SelectMany(q => Lanes(Int8OutputStage.Requantize4(Vector128.Create(lanes, 4 * q), ref table[4 * q], Stride))).ToArray();
                    AssertLanes(expected, actual, lanes, multipliers, shifts);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void BoundedFormEqualsTfliteWithinItsBounds(int seed)
    {
        // 16 channels of random multiplier, right shift (0 to 29) and zero point per round; accumulators anywhere up to
        // the largest magnitude the generator's bound admits for the channel (2·B + 2 + 2^e + |z|·2^(e+1) < 2^31), at
        // both ends of it, and at both roundings' ties. The bounded form includes the zero point.
        var random = new Random(seed);
        int[] specialMultipliers = { 0, 1, 1 << 30, (1 << 30) + (1 << 29), int.MaxValue, int.MaxValue - 1 };
        int[] multipliers = new int[16], shifts = new int[16], bounds = new int[16], lanes = new int[16], expected = new int[16];
        for (int round = 0; round < 500; round++)
        {
            int[] table = new int[Int8Convolution.TableRows * Stride];
            for (int c = 0; c < 16; c++)
            {
                multipliers[c] = random.Next(3) == 0 ? specialMultipliers[random.Next(specialMultipliers.Length)] : random.Next(1 << 30, int.MaxValue);
                int zeroPoint = random.Next(4) == 0 ? (random.Next(2) == 0 ? sbyte.MinValue : sbyte.MaxValue) : random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
                int e;
                long bound;
                do
                {
                    e = random.Next(4) == 0 ? random.Next(0, 30) : random.Next(0, 13);
                    bound = ((1L << 31) - 3 - (1L << e) - Math.Abs(zeroPoint) * (2L << e)) / 2;
                }
                while (bound < 0);
                shifts[c] = -e;
                bounds[c] = (int)bound;
                Fill(table, c, multipliers[c], -e);
                table[8 * Stride + c] = (int)(1 + (e > 0 ? 1L << e : 0) + zeroPoint * (2L << e));
                table[9 * Stride + c] = e > 0 ? -2 : 0;
                table[10 * Stride + c] = e + 1;
                expected[c] = zeroPoint;
            }
            int[] zeroPoints = (int[])expected.Clone();
            for (int vector = 0; vector < 100; vector++)
            {
                for (int c = 0; c < 16; c++)
                {
                    lanes[c] = random.Next(8) switch
                    {
                        0 => bounds[c] - random.Next(2),
                        1 => -bounds[c] + random.Next(2),
                        2 => random.Next(-bounds[c], bounds[c]) >> random.Next(24),
                        _ => Math.Clamp(Accumulator(random, multipliers[c], shifts[c]), -bounds[c], bounds[c]),
                    };
                    expected[c] = FixedPoint.MultiplyByQuantizedMultiplier(lanes[c], multipliers[c], shifts[c]) + zeroPoints[c];
                }
                if (Avx512BW.IsSupported)
                {
                    AssertLanes(expected, Lanes(Int8OutputStage.RequantizeBounded16(Vector512.Create(lanes), ref table[0], Stride)), lanes, multipliers, shifts);
                }
                if (Avx2.IsSupported)
                {
                    int[] actual = Lanes(Int8OutputStage.RequantizeBounded8(Vector256.Create(lanes, 0), ref table[0], Stride))
                        .Concat(Lanes(Int8OutputStage.RequantizeBounded8(Vector256.Create(lanes, 8), ref table[8], Stride))).ToArray();
                    AssertLanes(expected, actual, lanes, multipliers, shifts);
                }
            }
        }
    }

    [Fact]
    public void BoundedFormOfADeadChannelIsItsZeroPointForEverySum()
    {
        // A dead channel (multiplier 0, any shift TFLite gave it) has no bound on its sum: the generator gives its bounded
        // rows e = 0 (offset 1 + 2z, no sign correction, shift 1), and the product is 0 whatever the sum.
        var random = new Random(5);
        int[] lanes = new int[16], zeroPoints = new int[16], table = new int[Int8Convolution.TableRows * Stride];
        int[] multipliers = new int[16], shifts = new int[16];
        for (int c = 0; c < 16; c++)
        {
            shifts[c] = -random.Next(0, 32);
            zeroPoints[c] = c < 2 ? (c == 0 ? sbyte.MinValue : sbyte.MaxValue) : random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
            Fill(table, c, 0, shifts[c]);
            table[8 * Stride + c] = 1 + 2 * zeroPoints[c];
            table[10 * Stride + c] = 1;
        }
        for (int vector = 0; vector < 2000; vector++)
        {
            for (int c = 0; c < 16; c++)
            {
                lanes[c] = vector < 4 ? new[] { int.MinValue, int.MaxValue, 0, -1 }[vector] : random.Next(int.MinValue, int.MaxValue) >> random.Next(32);
                Assert.Equal(0, FixedPoint.MultiplyByQuantizedMultiplier(lanes[c], 0, shifts[c]));
            }
            if (Avx512BW.IsSupported)
            {
                AssertLanes(zeroPoints, Lanes(Int8OutputStage.RequantizeBounded16(Vector512.Create(lanes), ref table[0], Stride)), lanes, multipliers, shifts);
            }
            if (Avx2.IsSupported)
            {
                int[] actual = Lanes(Int8OutputStage.RequantizeBounded8(Vector256.Create(lanes, 0), ref table[0], Stride))
                    .Concat(Lanes(Int8OutputStage.RequantizeBounded8(Vector256.Create(lanes, 8), ref table[8], Stride))).ToArray();
                AssertLanes(zeroPoints, actual, lanes, multipliers, shifts);
            }
        }
    }

    [Fact]
    public void NeonRoundingShiftFormEqualsTflitesRoundingDivide()
    {
        // The ARM64 path's rounding right shift (gemmlowp's NEON form): sqadd of −1 where the value is negative and
        // e > 0, then srshl by −e (a shift right by e rounding half up, computed without overflow). Checked here as
        // arithmetic, since this machine may not run AdvSimd: every e, both extremes, and ties from both signs.
        var random = new Random(11);
        for (int e = 0; e <= 31; e++)
        {
            var values = new List<int> { int.MinValue, int.MinValue + 1, int.MaxValue, int.MaxValue - 1, 0, 1, -1 };
            for (int i = 0; i < 20000; i++)
            {
                values.Add(random.Next(int.MinValue, int.MaxValue) >> random.Next(32));
                long tie = ((long)random.Next(-100000, 100000) << e) + (e > 0 ? 1L << (e - 1) : 0) + random.Next(-1, 2);
                values.Add((int)Math.Clamp(tie, int.MinValue, int.MaxValue));
            }
            foreach (int h in values)
            {
                int fixup = (h & -e) >> 31;
                int fixedUp = (int)Math.Clamp((long)h + fixup, int.MinValue, int.MaxValue);
                int rounded = e == 0 ? fixedUp : (int)(((long)fixedUp + (1L << (e - 1))) >> e);
                Assert.True(FixedPoint.RoundingDivideByPOT(h, e) == rounded, $"h = {h}, e = {e}");
            }
        }
    }

    /// <summary>An accumulator near a rounding tie of this channel (or anywhere, or at the int32 extremes).</summary>
    private static int Accumulator(Random random, int multiplier, int shift)
    {
        int left = Math.Max(shift, 0), right = Math.Max(-shift, 0);
        switch (random.Next(5))
        {
            case 0:
                return random.Next(4) switch { 0 => int.MinValue, 1 => int.MaxValue, 2 => int.MinValue + random.Next(4), _ => int.MaxValue - random.Next(4) };
            case 1:
                return random.Next(int.MinValue, int.MaxValue) >> random.Next(32);
            default:
                if (multiplier == 0)
                {
                    return random.Next(int.MinValue, int.MaxValue);
                }
                // A high product h at a tie of the second rounding (k·2^e + 2^(e−1)), or any h for the first rounding's
                // ties: x' = (h·2^31 − 2^30) / m, then its neighbours, and x = x' >> left (ties of x' itself when left > 0).
                long h = right > 0 ? ((long)random.Next(-(int)Math.Min(1L << 30, (1L << 31 >> right) + 2), (int)Math.Min(1L << 30, (1L << 31 >> right) + 2)) << right) + (1L << (right - 1))
                    : random.Next(int.MinValue, int.MaxValue);
                double target = ((double)h * (1L << 31) - (1L << 30)) / multiplier;
                long shifted = (long)Math.Round(target) + random.Next(-2, 3);
                long x = Math.Clamp(shifted, int.MinValue, int.MaxValue) >> left;
                return (int)x;
        }
    }

    private static void AssertLanes(int[] expected, int[] actual, int[] inputs, int[] multipliers, int[] shifts)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i],
                $"x = {inputs[i]}, multiplier {multipliers[i]}, shift {shifts[i]}: TFLite gives {expected[i]}, the vector path {actual[i]}.");
        }
    }

    /// <summary>A table of 16 channels with the same multiplier and shift, laid out as Int8Convolution documents it.</summary>
    private static int[] Table(int multiplier, int shift)
    {
        int[] table = new int[Int8Convolution.OutputStageRows * Stride];
        for (int c = 0; c < 16; c++)
        {
            Fill(table, c, multiplier, shift);
        }
        return table;
    }

    private static void Fill(int[] table, int channel, int multiplier, int shift)
    {
        int left = Math.Max(shift, 0), right = Math.Max(-shift, 0);
        int mask = (int)((1L << right) - 1);
        table[Stride + channel] = multiplier;
        table[2 * Stride + channel] = left;
        table[3 * Stride + channel] = unchecked(1 << left);
        table[4 * Stride + channel] = right;
        table[5 * Stride + channel] = mask;
        table[6 * Stride + channel] = mask >> 1;
    }


    private static int[] Lanes(Vector512<int> v) => Enumerable.Range(0, 16).Select(i => v.GetElement(i)).ToArray();

    private static int[] Lanes(Vector256<int> v) => Enumerable.Range(0, 8).Select(i => v.GetElement(i)).ToArray();

    private static int[] Lanes(Vector128<int> v) => Enumerable.Range(0, 4).Select(i => v.GetElement(i)).ToArray();

    private static void AssertLanes(int[] expected, int[] actual, int[] inputs, int multiplier, int shift)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"x = {inputs[i]}, multiplier {multiplier}, shift {shift}: TFLite gives {expected[i]}, the vector path {actual[i]}.");
        }
    }
}
