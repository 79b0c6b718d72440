using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// SoftmaxKernels against TFLM's row loops (reference/softmax.h) written value by value, over row lengths around the
/// vector widths. The path depends on the machine: CI runs these under DOTNET_EnableAVX2=0, DOTNET_EnableSSE42=0 and
/// DOTNET_EnableHWIntrinsic=0 too, and on ARM64 under qemu. (SoftmaxTests covers the generated layers end to end.)
/// </summary>
public class SoftmaxKernelsTests
{
    public static TheoryData<int> Lengths() => new() { 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 31, 33, 100, 1001 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MaxEqualsTheRunningMax(int n)
    {
        var random = new Random(n);
        sbyte[] bytes = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        short[] shorts = Enumerable.Range(0, n).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        float[] floats = Enumerable.Range(0, n).Select(i => i % 5 == 1 ? float.NaN : (float)(random.NextDouble() * 10 - 5)).ToArray();
        Assert.Equal(bytes.Max(), SoftmaxKernels.Max(bytes));
        Assert.Equal(shorts.Max(), SoftmaxKernels.Max(shorts));
        float expected = float.MinValue;
        foreach (float v in floats)
        {
            expected = expected < v ? v : expected;
        }
        Assert.Equal(expected, SoftmaxKernels.Max(floats));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int8RowEqualsTflmsLoop(int n)
    {
        var random = new Random(n * 7);
        // Tables shaped like the generator's: exp(-d · 0.05) in Q0.31 and Q12.19, zero past diff_min.
        int[] exp = Enumerable.Range(0, 256).Select(d => d > 200 ? 0 : (int)Math.Min(Math.Exp(-d * 0.05) * 2147483648.0, int.MaxValue)).ToArray();
        int[] expSum = Enumerable.Range(0, 256).Select(d => d > 200 ? 0 : (int)Math.Round(Math.Exp(-d * 0.05) * (1 << 19))).ToArray();
        foreach (bool equalRow in new[] { false, true })
        {
            // A row of equal values has the largest sum, the largest shift: past 31 for long rows, the scalar path's case.
            sbyte[] x = Enumerable.Range(0, n).Select(_ => equalRow ? (sbyte)5 : (sbyte)random.Next(-128, 128)).ToArray();
            var bytes = new sbyte[n];
            var shorts = new short[n];
            SoftmaxKernels.Int8(x, exp, expSum, bytes);
            SoftmaxKernels.Int8(x, exp, expSum, shorts);
            Assert.Equal(Reference(x, exp, expSum, 8), bytes.Select(v => (int)v));
            Assert.Equal(Reference(x, exp, expSum, 16), shorts.Select(v => (int)v));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int16RowEqualsTflmsLoop(int n)
    {
        var random = new Random(n * 11);
        // Tables shaped like TFLM's: exp over [-10, 0] and 1 / (1 + x) over [0, 1], 513 entries in Q0.15.
        short[] expLut = Enumerable.Range(0, 513).Select(i => (short)Math.Min(32767, Math.Round(Math.Exp((i - 512) * 10.0 / 512) * 32768))).ToArray();
        short[] reciprocalLut = Enumerable.Range(0, 513).Select(i => (short)Math.Min(32767, Math.Round(32768 / (1 + i / 512.0)))).ToArray();
        foreach ((int multiplier, int shift) in new[] { (1518500250, -3), (1073741824, 0), (2147483647, 2) })
        {
            short[] x = Enumerable.Range(0, n).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
            var actual = new short[n];
            SoftmaxKernels.Int16(x, multiplier, shift, expLut, reciprocalLut, actual);
            Assert.Equal(Int16Reference(x, multiplier, shift, expLut, reciprocalLut), actual);
        }
    }

    /// <summary>TFLM's int16 SoftmaxInt16 (reference/softmax.h), value by value.</summary>
    private static short[] Int16Reference(short[] x, int multiplier, int shift, short[] expLut, short[] reciprocalLut)
    {
        int max = x.Max();
        var y = new short[x.Length];
        int sum = 0;
        for (int c = 0; c < x.Length; c++)
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(x[c] - max, multiplier, shift) + 32767;
            y[c] = SoftmaxMath.LookupInt16(Math.Clamp(scaled, -32768, 32767), expLut);
            sum += y[c];
        }
        int headroomPlusOne = System.Numerics.BitOperations.LeadingZeroCount((uint)sum);
        int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
        int reciprocal = SoftmaxMath.LookupInt16(Math.Clamp(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767), reciprocalLut);
        int rightShift = 31 - headroomPlusOne;
        long round = 1L << (rightShift - 1);
        for (int c = 0; c < x.Length; c++)
        {
            y[c] = (short)Math.Clamp((int)(((long)y[c] * reciprocal + round) >> rightShift), 0, 32767);
        }
        return y;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FloatRowEqualsTflmsLoop(int n)
    {
        var random = new Random(n * 3);
        float[] x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 16 - 8)).ToArray();
        float beta = 0.7f, max = float.MinValue, sum = 0f;
        foreach (float v in x)
        {
            max = max < v ? v : max;
        }
        float[] expected = x.Select(v => MathF.Exp((v - max) * beta)).ToArray();
        foreach (float e in expected)
        {
            sum += e;
        }
        expected = expected.Select(e => e / sum).ToArray();
        var actual = new float[n];
        SoftmaxKernels.Float(x, actual, beta);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void RejectsMismatchedLengthsAndShortTables()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxKernels.Float(new float[3], new float[4], 1f));
        Assert.Throws<ArgumentException>(() => SoftmaxKernels.Int8(new sbyte[3], new int[255], new int[256], new sbyte[3]));
    }

    private static int[] Reference(sbyte[] x, int[] exp, int[] expSum, int bits)
    {
        int max = sbyte.MinValue, sum = 0;
        foreach (sbyte v in x)
        {
            max = Math.Max(max, v);
        }
        foreach (sbyte v in x)
        {
            sum += expSum[max - v];
        }
        int scale = SoftmaxMath.Reciprocal(sum, 12, out int bitsOverUnit);
        int exponent = bitsOverUnit + 31 - bits, min = bits == 16 ? short.MinValue : sbyte.MinValue, top = bits == 16 ? short.MaxValue : sbyte.MaxValue;
        return x.Select(v => Math.Clamp(FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(scale, exp[max - v]), exponent) + min, min, top)).ToArray();
    }
}
