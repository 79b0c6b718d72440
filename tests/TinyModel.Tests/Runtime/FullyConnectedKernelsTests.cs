using System;
using System.Linq;
using TinyModel.Generator.Operators.Convolution;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// FullyConnectedKernels over weights packed by the generator, against plain loops written here the way
/// TFLM's reference kernels compute: float sums bit for bit in TFLM's order, int8 sums wrapping in int32,
/// 16x8 sums exact in int64, requantized with FixedPoint. The vector paths depend on the machine: run with DOTNET_EnableAVX512=0,
/// DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 (or on ARM) to cover the narrower ones.
/// </summary>
public class FullyConnectedKernelsTests
{
    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 1, 16 }, { 5, 3 }, { 15, 7 }, { 16, 1 }, { 16, 16 }, { 17, 5 }, { 31, 33 }, { 33, 4 },
        { 48, 9 }, { 64, 128 }, { 65, 63 }, { 100, 17 }, { 129, 2 }, { 257, 128 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FloatEqualsTflmsSequentialSumBitForBit(int units, int depth)
    {
        var random = new Random(units * 1000 + depth);
        float[] x = Floats(random, depth), w = Floats(random, units * depth), bias = Floats(random, units);
        float[] packed = FullyConnectedPacking.PackFloat(w, units, depth);
        foreach ((float min, float max) in new[] { (float.MinValue, float.MaxValue), (0f, float.MaxValue), (-1f, 1f), (0f, 6f) })
        {
            foreach (bool withBias in new[] { true, false })
            {
                var actual = new float[units];
                FullyConnectedKernels.Float(x, packed, withBias ? bias : default, min, max, actual);
                float[] expected = FloatReference(x, w, withBias ? bias : null, min, max);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    [Fact]
    public void FloatKeepsNaNInfinitiesAndTheSignOfZeroAsTflm()
    {
        // Products that cancel to −0, overflow to infinity, and NaN from ∞ − ∞; TFLM adds the bias (or +0) and
        // clamps with std::max/std::min, which keep NaN and a −0 that ReLU's 0 bound does not replace.
        const int units = 20, depth = 3;
        float[] x = { -0f, float.MaxValue, 1f };
        var w = new float[units * depth];
        for (int u = 0; u < units; u++)
        {
            w[u * depth] = u % 2 == 0 ? 1f : -1f;
            w[u * depth + 1] = u % 3 == 0 ? 4f : u % 3 == 1 ? -4f : 0f;
            w[u * depth + 2] = u % 5 == 0 ? float.NaN : u % 5 == 1 ? float.PositiveInfinity : u % 5 == 2 ? float.NegativeInfinity : -0f;
        }
        float[] packed = FullyConnectedPacking.PackFloat(w, units, depth);
        foreach ((float min, float max) in new[] { (float.MinValue, float.MaxValue), (0f, float.MaxValue), (-1f, 1f) })
        {
            var actual = new float[units];
            FullyConnectedKernels.Float(x, packed, default, min, max, actual);
            Assert.Equal(FloatReference(x, w, null, min, max).Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int8EqualsTflmsLoop(int units, int depth)
    {
        var random = new Random(units * 1000 + depth);
        sbyte[] x = Bytes(random, depth), w = Bytes(random, units * depth);
        int[] bias = Enumerable.Range(0, units).Select(_ => random.Next(-100000, 100000)).ToArray();
        int[] multipliers = Enumerable.Range(0, units).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
        int[] shifts = Enumerable.Range(0, units).Select(_ => random.Next(-12, 2)).ToArray();
        AssertInt8(x, w, units, bias, multipliers, shifts, zeroPoint: -3, min: -128, max: 127);
        AssertInt8(x, w, units, null, multipliers, shifts, zeroPoint: 17, min: -20, max: 90);
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(33, 7)]
    [InlineData(64, 1)]
    public void Int8AtTheExtremes(int units, int depth)
    {
        // Weights 127 and −128 side by side, inputs at both ends: every product and pair of products at its largest.
        sbyte[] w = Enumerable.Range(0, units * depth).Select(i => (sbyte)((i / depth + i) % 2 == 0 ? 127 : -128)).ToArray();
        foreach (sbyte[] x in new[] { Fill(depth, -128), Fill(depth, 127), Enumerable.Range(0, depth).Select(i => (sbyte)(i % 2 == 0 ? -128 : 127)).ToArray() })
        {
            int[] ones = Enumerable.Repeat(1 << 30, units).ToArray(), zeros = new int[units];
            AssertInt8(x, w, units, null, ones, zeros, 0, -128, 127);
            AssertInt8(x, w, units, Enumerable.Repeat(int.MaxValue - 1000, units).ToArray(), ones, Enumerable.Repeat(-20, units).ToArray(), 5, -128, 127);
        }
    }

    [Fact]
    public void Int8WrapsAsInt32DoesOverLongDepths()
    {
        // Over 2^17 products, most of them (−128)·(−128) = 2^14, sum past 2^31, which wraps in int32; this depth
        // also takes the kernel through several chunks of staged inputs (each different), and a last partial group.
        const int units = 18, depth = (1 << 17) + 3;
        sbyte[] x = Enumerable.Range(0, depth).Select(d => (sbyte)(d % 5 == 4 ? d * 31 : -128)).ToArray();
        sbyte[] w = Enumerable.Range(0, units * depth).Select(i => (sbyte)(i % 7 == 0 ? 127 : -128)).ToArray();
        int[] multipliers = Enumerable.Repeat(1 << 30, units).ToArray(), shifts = Enumerable.Repeat(-24, units).ToArray();
        AssertInt8(x, w, units, null, multipliers, shifts, 0, -128, 127);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int16EqualsTflmsInt64Loop(int units, int depth)
    {
        var random = new Random(units * 1000 + depth);
        short[] x = Enumerable.Range(0, depth).Select(_ => (short)random.Next(-32768, 32768)).ToArray();
        sbyte[] w = Bytes(random, units * depth);
        long[] bias = Enumerable.Range(0, units).Select(_ => (long)random.Next(-100000, 100000) * 1000).ToArray();
        int[] multipliers = Enumerable.Range(0, units).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
        int[] shifts = Enumerable.Range(0, units).Select(_ => random.Next(-20, -5)).ToArray();
        AssertInt16(x, w, units, bias, multipliers, shifts, -32768, 32767);
        AssertInt16(x, w, units, null, multipliers, shifts, -100, 2000);
    }

    [Fact]
    public void Int16SumsPast32BitsExactly()
    {
        // (−32768)·(−128) = 2^22 per product: 70,001 of them reach about 2^38, beyond any 32-bit lane, so the
        // kernel must move its partial sums to 64 bits in time; the odd depth leaves a scalar tail.
        const int units = 3, depth = 70001;
        short[] x = Enumerable.Range(0, depth).Select(d => (short)(d % 9 == 0 ? 32767 : -32768)).ToArray();
        sbyte[] w = Enumerable.Range(0, units * depth).Select(i => (sbyte)(i % 11 == 0 ? 127 : -128)).ToArray();
        AssertInt16(x, w, units, new long[] { 1L << 40, 0, -5 }, Enumerable.Repeat(1 << 30, units).ToArray(), Enumerable.Repeat(-24, units).ToArray(), -32768, 32767);
    }

    [Fact]
    public void ShortWeightsOrBiasAreAnError()
    {
        float[] packed = FullyConnectedPacking.PackFloat(new float[17 * 3], 17, 3);
        Assert.Throws<ArgumentException>(() => FullyConnectedKernels.Float(new float[3], packed.AsSpan(1), default, 0, 1, new float[17]));
        Assert.Throws<ArgumentException>(() => FullyConnectedKernels.Float(new float[3], packed, new float[16], 0, 1, new float[17]));
        byte[] bytes = FullyConnectedPacking.PackInt8(new sbyte[17 * 3], 17, 3);
        Assert.Throws<ArgumentException>(() => FullyConnectedKernels.Int8(new sbyte[3], bytes.AsSpan(1), default, 1 << 30, 0, 0, -128, 127, new sbyte[17]));
        Assert.Throws<ArgumentException>(() => FullyConnectedKernels.Int8(new sbyte[3], bytes, default, new int[16], new int[17], 0, -128, 127, new sbyte[17]));
    }

    /// <summary>Checks the per-tensor form (when the multipliers agree) and the per-channel form.</summary>
    private static void AssertInt8(sbyte[] x, sbyte[] w, int units, int[]? bias, int[] multipliers, int[] shifts, int zeroPoint, int min, int max)
    {
        int depth = x.Length;
        byte[] packed = FullyConnectedPacking.PackInt8(w, units, depth);
        var actual = new sbyte[units];
        FullyConnectedKernels.Int8(x, packed, bias, multipliers, shifts, zeroPoint, min, max, actual);
        Assert.Equal(Int8Reference(x, w, bias, multipliers, shifts, zeroPoint, min, max), actual);

        int[] sameMultiplier = Enumerable.Repeat(multipliers[0], units).ToArray(), sameShift = Enumerable.Repeat(shifts[0], units).ToArray();
        FullyConnectedKernels.Int8(x, packed, bias, multipliers[0], shifts[0], zeroPoint, min, max, actual);
        Assert.Equal(Int8Reference(x, w, bias, sameMultiplier, sameShift, zeroPoint, min, max), actual);
    }

    /// <summary>Checks the per-channel and per-tensor forms of the 16x8 kernel against TFLM's int64 loop.</summary>
    private static void AssertInt16(short[] x, sbyte[] w, int units, long[]? bias, int[] multipliers, int[] shifts, int min, int max)
    {
        int depth = x.Length;
        var actual = new short[units];
        short[] Reference(int[] m, int[] s)
        {
            var y = new short[units];
            for (int u = 0; u < units; u++)
            {
                long sum = bias?[u] ?? 0;
                for (int d = 0; d < depth; d++)
                {
                    sum += x[d] * w[u * depth + d];
                }
                y[u] = (short)Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(sum, m[u], s[u]), min), max);
            }
            return y;
        }
        FullyConnectedKernels.Int16(x, w, bias, multipliers, shifts, 0, min, max, actual);
        Assert.Equal(Reference(multipliers, shifts), actual);
        FullyConnectedKernels.Int16(x, w, bias, multipliers[0], shifts[0], 0, min, max, actual);
        Assert.Equal(Reference(Enumerable.Repeat(multipliers[0], units).ToArray(), Enumerable.Repeat(shifts[0], units).ToArray()), actual);
    }

    /// <summary>TFLM's float FULLY_CONNECTED: a sequential sum from 0, plus the bias (or 0), then std::max and std::min.</summary>
    private static float[] FloatReference(float[] x, float[] w, float[]? bias, float min, float max)
    {
        int depth = x.Length, units = w.Length / depth;
        var y = new float[units];
        for (int u = 0; u < units; u++)
        {
            float total = 0f;
            for (int d = 0; d < depth; d++)
            {
                float product = x[d] * w[u * depth + d];
                total += product;
            }
            float v = total + (bias is null ? 0f : bias[u]);
            v = v < min ? min : v;
            y[u] = max < v ? max : v;
        }
        return y;
    }

    /// <summary>TFLM's int8 FULLY_CONNECTED with the input zero point already in the bias: a wrapping int32 sum, then its requantization.</summary>
    private static sbyte[] Int8Reference(sbyte[] x, sbyte[] w, int[]? bias, int[] multipliers, int[] shifts, int zeroPoint, int min, int max)
    {
        int depth = x.Length, units = w.Length / depth;
        var y = new sbyte[units];
        for (int u = 0; u < units; u++)
        {
            int sum = bias?[u] ?? 0;
            for (int d = 0; d < depth; d++)
            {
                sum = unchecked(sum + x[d] * w[u * depth + d]);
            }
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(sum, multipliers[u], shifts[u]) + zeroPoint;
            y[u] = (sbyte)Math.Min(Math.Max(scaled, min), max);
        }
        return y;
    }

    private static float[] Floats(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

    private static sbyte[] Bytes(Random random, int n) => Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();

    private static sbyte[] Fill(int n, int value) => Enumerable.Repeat((sbyte)value, n).ToArray();
}
