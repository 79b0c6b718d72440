using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// Every <see cref="MultiplyAccumulate"/> kernel against a plain loop written here, bit for bit: integer
/// sums wrapping as int32 (or int64) does, float sums one multiply then one add per product, in the loop's
/// order. Channel counts run through every remainder of the vector widths (4, 8, 16, 32) so that each
/// vector path and the scalar tail meet; weights sit at both extremes (127 and −128 side by side) with
/// inputs at both extremes, and some inputs are large enough that the int32 sums must wrap. The vector
/// paths depend on the machine: CI also runs these with <c>DOTNET_EnableAVX2=0</c> (the Vector128 paths
/// alone) and <c>DOTNET_EnableHWIntrinsic=0</c> (scalar).
/// </summary>
public class MultiplyAccumulateTests
{
    /// <summary>Channel counts: every remainder modulo 32 and a few wider rows.</summary>
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int>();
        foreach (int n in Enumerable.Range(0, 34).Concat(new[] { 47, 64, 100 }))
        {
            data.Add(n);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddOfInt8WeightsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        foreach (int x in new[] { 0, 1, -1, 255, -255, 127, -128, int.MaxValue, int.MinValue, 123_456_789, random.Next() })
        {
            sbyte[] w = ExtremeWeights(random, n);
            int[] acc = RandomInts(random, n), expected = (int[])acc.Clone();
            long[] wide = acc.Select(v => (long)v * 3).ToArray(), expectedWide = (long[])wide.Clone();
            for (int i = 0; i < n; i++)
            {
                expected[i] = unchecked(expected[i] + x * w[i]);
                expectedWide[i] += unchecked(x * w[i]);
            }
            MultiplyAccumulate.Add(acc, x, w);
            MultiplyAccumulate.Add(wide, x, w);
            Assert.Equal(expected, acc);
            Assert.Equal(expectedWide, wide);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddOfFloatWeightsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        float[] w = RandomFloats(random, n), acc = RandomFloats(random, n), expected = (float[])acc.Clone();
        foreach (float x in new[] { 0.3f, -1e-20f, 3e30f, float.Epsilon })
        {
            for (int i = 0; i < n; i++)
            {
                float product = x * w[i];
                expected[i] += product;
            }
            MultiplyAccumulate.Add(acc, x, w);
            AssertBitwiseEqual(expected, acc);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddRunOfInt8InputsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        foreach (int length in new[] { 0, 1, 3, 9, 27 })
        {
            foreach (int xOffset in new[] { 0, 128, -127, 1 << 20 })
            {
                sbyte[] x = ExtremeInputs(random, length);
                sbyte[] w = ExtremeWeights(random, length * n + 5);
                int[] acc = RandomInts(random, n), expected = (int[])acc.Clone();
                for (int o = 0; o < n; o++)
                {
                    for (int i = 0; i < length; i++)
                    {
                        expected[o] = unchecked(expected[o] + (x[i] + xOffset) * w[i * n + o]);
                    }
                }
                MultiplyAccumulate.AddRun(acc, x, xOffset, w);
                Assert.Equal(expected, acc);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddRunOfInt16InputsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        foreach (int length in new[] { 0, 1, 3, 9, 27, 300 })
        {
            short[] x = Enumerable.Range(0, length).Select(i => (short)(i % 3 == 0 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : random.Next(short.MinValue, short.MaxValue + 1))).ToArray();
            sbyte[] w = ExtremeWeights(random, length * n);
            int[] acc = RandomInts(random, n), expected = (int[])acc.Clone();
            long[] wide = RandomInts(random, n).Select(v => (long)v << 12).ToArray(), expectedWide = (long[])wide.Clone();
            for (int o = 0; o < n; o++)
            {
                for (int i = 0; i < length; i++)
                {
                    expected[o] = unchecked(expected[o] + x[i] * w[i * n + o]);
                    expectedWide[o] += x[i] * w[i * n + o];
                }
            }
            MultiplyAccumulate.AddRun(acc, x, w);
            MultiplyAccumulate.AddRun(wide, x, w);
            Assert.Equal(expected, acc);
            Assert.Equal(expectedWide, wide);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddRunOfFloatInputsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        foreach (int length in new[] { 0, 1, 3, 9, 27 })
        {
            float[] x = RandomFloats(random, length), w = RandomFloats(random, length * n);
            float[] acc = RandomFloats(random, n), expected = (float[])acc.Clone();
            for (int o = 0; o < n; o++)
            {
                for (int i = 0; i < length; i++)
                {
                    float product = x[i] * w[i * n + o];
                    expected[o] += product;
                }
            }
            MultiplyAccumulate.AddRun(acc, x, w);
            AssertBitwiseEqual(expected, acc);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddTapProductsMatchesAPlainLoop(int n)
    {
        var random = new Random(n);
        foreach ((int taps, int extraStride) in new[] { (0, 0), (1, 0), (3, 0), (3, 5), (5, 1), (7, 2 * n + 3) })
        {
            // A stride of at least the channel count: a depthwise row steps over whole pixels (and dilation).
            int stride = n + extraStride;
            int span = taps == 0 ? 0 : (taps - 1) * stride + n;
            foreach (int xOffset in new[] { 0, 128, -127 })
            {
                sbyte[] x = ExtremeInputs(random, span + 3);
                sbyte[] w = ExtremeWeights(random, taps * n);
                int[] acc = RandomInts(random, n), expected = (int[])acc.Clone();
                for (int c = 0; c < n; c++)
                {
                    for (int k = 0; k < taps; k++)
                    {
                        expected[c] = unchecked(expected[c] + (x[k * stride + c] + xOffset) * w[k * n + c]);
                    }
                }
                MultiplyAccumulate.AddTapProducts(acc, x, stride, taps, xOffset, w);
                Assert.Equal(expected, acc);
            }

            short[] x16 = Enumerable.Range(0, span).Select(i => (short)(i % 2 == 0 ? short.MinValue : random.Next(short.MinValue, short.MaxValue + 1))).ToArray();
            sbyte[] w16 = ExtremeWeights(random, taps * n);
            long[] wide = RandomInts(random, n).Select(v => (long)v << 20).ToArray(), expectedWide = (long[])wide.Clone();
            float[] xf = RandomFloats(random, span), wf = RandomFloats(random, taps * n);
            float[] accf = RandomFloats(random, n), expectedf = (float[])accf.Clone();
            for (int c = 0; c < n; c++)
            {
                for (int k = 0; k < taps; k++)
                {
                    expectedWide[c] += x16[k * stride + c] * w16[k * n + c];
                    float product = xf[k * stride + c] * wf[k * n + c];
                    expectedf[c] += product;
                }
            }
            MultiplyAccumulate.AddTapProducts(wide, x16, stride, taps, w16);
            MultiplyAccumulate.AddTapProducts(accf, xf, stride, taps, wf);
            Assert.Equal(expectedWide, wide);
            AssertBitwiseEqual(expectedf, accf);
        }
    }

    /// <summary>
    /// Sums that pass int32's range: 40,000 products of an offset input of 255 with −128 (or 127) each, from
    /// near int.MinValue (or int.MaxValue), must wrap exactly as TFLM's int32 accumulator does.
    /// </summary>
    [Fact]
    public void Int32SumsWrap()
    {
        const int n = 37, length = 40_000;
        sbyte[] x = Enumerable.Repeat((sbyte)127, length).ToArray();
        // Even channels: −128 weights from near int.MinValue; odd ones: 127 from near int.MaxValue. Both wrap.
        sbyte[] w = Enumerable.Range(0, length * n).Select(i => (sbyte)(i % n % 2 == 0 ? -128 : 127)).ToArray();
        int[] acc = Enumerable.Range(0, n).Select(o => o % 2 == 0 ? int.MinValue + 5 : int.MaxValue - 5).ToArray(), expected = (int[])acc.Clone();
        for (int o = 0; o < n; o++)
        {
            for (int i = 0; i < length; i++)
            {
                expected[o] = unchecked(expected[o] + (x[i] + 128) * w[i * n + o]);
            }
        }
        MultiplyAccumulate.AddRun(acc, x, 128, w);
        Assert.Equal(expected, acc);
        Assert.All(Enumerable.Range(0, n), o => Assert.True(o % 2 == 0 ? acc[o] > 0 : acc[o] < 0, "the sum should have wrapped"));
    }

    /// <summary>Weights at both extremes side by side (127, −128 in pairs and runs), then random ones.</summary>
    private static sbyte[] ExtremeWeights(Random random, int count) =>
        Enumerable.Range(0, count).Select(i => (i % 5) switch { 0 or 1 => (sbyte)127, 2 or 3 => (sbyte)-128, _ => (sbyte)random.Next(-128, 128) }).ToArray();

    private static sbyte[] ExtremeInputs(Random random, int count) =>
        Enumerable.Range(0, count).Select(i => (i % 3) switch { 0 => (sbyte)-128, 1 => (sbyte)127, _ => (sbyte)random.Next(-128, 128) }).ToArray();

    private static int[] RandomInts(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray();

    private static float[] RandomFloats(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)))).ToArray();

    private static void AssertBitwiseEqual(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
