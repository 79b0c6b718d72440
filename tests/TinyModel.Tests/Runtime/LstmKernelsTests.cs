using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// LstmKernels against TFLM's element-wise LSTM steps (lstm_eval_common.cc) written value by value with the scalar
/// fixed-point helpers, over unit counts around the vector widths and values at the int16 and int32 extremes. The path
/// depends on the machine: CI runs these under lower DOTNET_Enable* tiers and on ARM64 under qemu too.
/// (UnidirectionalSequenceLstmTests covers the generated layers end to end.)
/// </summary>
public class LstmKernelsTests
{
    public static TheoryData<int> Units() => new() { 1, 3, 4, 5, 8, 12, 17, 20, 33 };

    private static short[] Shorts(Random random, int n) =>
        Enumerable.Range(0, n).Select(i => i % 7 == 3 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();

    private static int[] Ints(Random random, int n) =>
        Enumerable.Range(0, n).Select(i => i % 9 == 4 ? (i % 2 == 0 ? int.MinValue : int.MaxValue) : random.Next(-5_000_000, 5_000_000)).ToArray();

    /// <summary>TFLM's <c>CalculateLstmGate</c> sum: each requantized product saturated to int16, then their sum.</summary>
    private static short SaturatedSum(int x, int y) => ActivationMath.SaturateToInt16(ActivationMath.SaturateToInt16(x) + ActivationMath.SaturateToInt16(y));

    [Theory]
    [MemberData(nameof(Units))]
    public void IntegerGateEqualsTflm(int n)
    {
        var random = new Random(n);
        int[] fromInput = Ints(random, n), fromHidden = Ints(random, n);
        foreach ((int m1, int s1, int m2, int s2) in new[] { (2042355328, -3, 1590606080, -2), (1073741824, 2, 2147483647, -20) })
        {
            var gate = new short[n];
            LstmKernels.Gate(fromInput, fromHidden, m1, s1, m2, s2, gate);
            short[] expected = Enumerable.Range(0, n).Select(i => SaturatedSum(
                FixedPoint.MultiplyByQuantizedMultiplier(fromInput[i], m1, s1), FixedPoint.MultiplyByQuantizedMultiplier(fromHidden[i], m2, s2))).ToArray();
            Assert.Equal(expected, gate);

            LstmKernels.Logistic(gate);
            Assert.Equal(expected.Select(v => ActivationMath.Logistic(v, 0, 0)), gate);
        }
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Int16GateEqualsTflmsWideRequantization(int n)
    {
        // int64 products of every size (int64's extremes too, whose products wrap), and multipliers and shifts across
        // TFLite's range: the 16-bit reduction's cap (0x7FFF0000 and above), zero, a negative one (value by value), and
        // shifts that leave a rounding shift of 0 or below (C#'s shift counts are taken modulo 64, as in the scalar form).
        var random = new Random(n * 7);
        long[] Longs() => Enumerable.Range(0, n).Select(i => (i % 11) switch
        {
            3 => long.MinValue,
            7 => long.MaxValue,
            5 => random.NextInt64() >> random.Next(0, 64),
            _ => random.NextInt64(-(1L << 40), 1L << 40) >> random.Next(0, 40),
        }).ToArray();
        long[] fromInput = Longs(), fromHidden = Longs();
        foreach ((int m1, int s1, int m2, int s2) in new[]
        {
            (1518500250, -12, 1073741824, -8), (0x7FFF0000, 0, 0x7FFFFFFF, -31), (0, -3, 1090519040, 14), (1073741824, 15, 1342177280, 30),
            (-1073741824, -10, 1073741824, -10), (1073741824, -40, 1073741824, 20),
        })
        {
            var gate = new short[n];
            LstmKernels.Gate(fromInput, fromHidden, m1, s1, m2, s2, gate);
            short[] expected = Enumerable.Range(0, n).Select(i => SaturatedSum(
                FixedPoint.MultiplyByQuantizedMultiplier(fromInput[i], m1, s1), FixedPoint.MultiplyByQuantizedMultiplier(fromHidden[i], m2, s2))).ToArray();
            Assert.Equal(expected, gate);
        }
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void CellAndHiddenUpdatesEqualTflm(int n)
    {
        var random = new Random(n * 5);
        short[] forget = Shorts(random, n), input = Shorts(random, n), cellGate = Shorts(random, n), output = Shorts(random, n);
        foreach ((int min, int max) in new[] { (-32768, 32767), (-32767, 32767), (-1000, 1000) })
        {
            short[] cell = Shorts(random, n);
            short[] expected = Enumerable.Range(0, n).Select(i => (short)Math.Clamp(
                ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(forget[i] * cell[i], 1073741824, -14))
                + ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(input[i] * cellGate[i], 1073741824, -17)), min, max)).ToArray();
            LstmKernels.UpdateCell(cell, forget, input, cellGate, 1073741824, -14, 1073741824, -17, min, max);
            Assert.Equal(expected, cell);

            var hidden8 = new sbyte[n];
            var hidden16 = new short[n];
            LstmKernels.UpdateHidden(cell, output, 0, 0, 2146304392, -23, 3, hidden8);
            LstmKernels.UpdateHidden(cell, output, 3, 2, 1518500250, -16, 0, hidden16);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (sbyte)Math.Clamp(
                FixedPoint.MultiplyByQuantizedMultiplier(ActivationMath.Tanh(cell[i], 0, 0) * output[i], 2146304392, -23) + 3, -128, 127)), hidden8);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (short)Math.Clamp(
                FixedPoint.MultiplyByQuantizedMultiplier(ActivationMath.Tanh(cell[i], 3, 2) * output[i], 1518500250, -16), -32768, 32767)), hidden16);
        }
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void FloatStepsEqualTflm(int n)
    {
        var random = new Random(n * 3);
        float[] F() => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        float[] forget = F(), input = F(), cellGate = F(), output = F(), fromInput = F(), fromHidden = F();
        var gate = new float[n];
        LstmKernels.Gate(fromInput, fromHidden, gate);
        Assert.Equal(Enumerable.Range(0, n).Select(i => fromInput[i] + fromHidden[i]), gate);

        foreach (float clip in new[] { 0f, 1.5f })
        {
            float[] cell = F();
            float[] expected = Enumerable.Range(0, n).Select(i =>
            {
                float forgotten = forget[i] * cell[i];
                float added = input[i] * cellGate[i];
                float v = forgotten + added;
                return clip > 0 ? Math.Max(-clip, Math.Min(clip, v)) : v;
            }).ToArray();
            LstmKernels.UpdateCell(cell, forget, input, cellGate, clip);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), cell.Select(BitConverter.SingleToInt32Bits));
            var hidden = new float[n];
            LstmKernels.UpdateHidden(cell, output, hidden);
            Assert.Equal(Enumerable.Range(0, n).Select(i => BitConverter.SingleToInt32Bits(MathF.Tanh(cell[i]) * output[i])), hidden.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
