using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The vectorized element-wise unary kernels against the scalar code the generator wrote before them, bit for
/// bit: every length from 1 to three 512-bit vectors and odd ones past that (so each tier and its tail run),
/// NaN, ±0, ±infinity and the type bounds. CI's tier runs (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0,
/// DOTNET_EnableSSE42=0, DOTNET_EnableHWIntrinsic=0) cover the narrower paths.
/// </summary>
public class UnaryKernelsTests
{
    private static readonly float[] Specials =
    {
        float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, -float.MaxValue,
        float.Epsilon, -float.Epsilon, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 6f, 6.0000005f, -3f, -2.9999998f, 3f, 1e-30f, -1e-30f,
        8388607.5f, -8388607.5f, 16777216f, 2147483648f, -2147483904f, 1e10f, -1e10f,
    };

    /// <summary>Lengths 1..3 vectors of 64 bytes (int8) and odd lengths beyond.</summary>
    public static IEnumerable<int> Lengths() => Enumerable.Range(1, 3 * 64 + 1).Concat(new[] { 255, 256, 257, 1001 });

    private static float[] Floats(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => i % 3 == 0 ? Specials[(i / 3) % Specials.Length] : (float)(random.NextDouble() * 20 - 10)).ToArray();
    }

    private static void AssertFloats(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static void AssertFloatKernel(Func<float, float> scalar, Action<float[], float[]> kernel)
    {
        foreach (int n in Lengths())
        {
            float[] x = Floats(n, n);
            float[] expected = x.Select(scalar).ToArray();
            float[] actual = new float[n];
            kernel(x, actual);
            AssertFloats(expected, actual);
            kernel(x, x); // in place
            AssertFloats(expected, x);
        }
    }

    [Fact]
    public void ReluIsTheScalarComparison() =>
        AssertFloatKernel(x => x < 0f ? 0f : x, (x, y) => FloatElementwise.Apply<FloatElementwise.Relu>(x, y));

    [Fact]
    public void Relu6IsTheScalarComparison() =>
        AssertFloatKernel(x => x > 6f ? 6f : x < 0f ? 0f : x, (x, y) => FloatElementwise.Apply<FloatElementwise.Relu6>(x, y));

    [Fact]
    public void HardSwishIsTflmsFloatOrder() =>
        AssertFloatKernel(x =>
        {
            float r = x + 3f;
            r = 0f < r ? r : 0f;
            r = r < 6f ? r : 6f;
            return x * r / 6f;
        }, (x, y) => FloatElementwise.Apply<FloatElementwise.HardSwish>(x, y));

    [Fact]
    public void RoundIsTflmsRoundToNearest()
    {
        AssertFloatKernel(FloatElementwise.RoundToNearest, (x, y) => FloatElementwise.Apply<FloatElementwise.Round>(x, y));
        // Every tie and its neighbours from -2^23 to 2^23, spread.
        float[] ties = Enumerable.Range(-2000, 4001).SelectMany(k => new[] { k * 4194.3037f + 0.5f, k + 0.5f, MathF.BitDecrement(k + 0.5f), MathF.BitIncrement(k + 0.5f) }).ToArray();
        float[] actual = new float[ties.Length];
        FloatElementwise.Apply<FloatElementwise.Round>(ties, actual);
        AssertFloats(ties.Select(FloatElementwise.RoundToNearest).ToArray(), actual);
    }

    [Theory]
    [InlineData(0.2f)]
    [InlineData(-1.5f)]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    public void LeakyReluIsTheScalarComparison(float alpha) =>
        AssertFloatKernel(x => x > 0f ? x : x * alpha, (x, y) => FloatElementwise.LeakyRelu(x, alpha, y));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Int8LookupReadsTheTable(int seed)
    {
        var random = new Random(seed);
        sbyte[] table = Enumerable.Range(0, 256).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        foreach (int n in Lengths())
        {
            // Every value in the first 256 elements, then random ones.
            sbyte[] x = Enumerable.Range(0, n).Select(i => i < 256 ? (sbyte)(i * 37 + seed) : (sbyte)random.Next(-128, 128)).ToArray();
            sbyte[] expected = x.Select(v => table[v + 128]).ToArray();
            sbyte[] actual = new sbyte[n];
            Int8Lookup.Apply(x, table, actual);
            Assert.Equal(expected, actual);
            Int8Lookup.Apply(x, table, x);
            Assert.Equal(expected, x);
        }
    }

    [Fact]
    public void Int8LookupRefusesATableOfAnotherLength() =>
        Assert.Throws<ArgumentException>(() => Int8Lookup.Apply(new sbyte[4], new sbyte[255], new sbyte[4]));

    [Theory]
    [InlineData(0.5f, 0)]
    [InlineData(0.0039215689f, -128)]
    [InlineData(0.1f, 7)]
    [InlineData(1e-3f, 1)]
    public void DequantizeIsTheScalarProduct(float scale, int zeroPoint)
    {
        foreach (int n in Lengths())
        {
            var random = new Random(n);
            sbyte[] s8 = Enumerable.Range(0, n).Select(i => (sbyte)(i < 256 ? i - 128 : random.Next(-128, 128))).ToArray();
            byte[] u8 = s8.Select(v => (byte)v).ToArray();
            short[] s16 = Enumerable.Range(0, n).Select(i => (short)(i % 5 == 0 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : random.Next(short.MinValue, short.MaxValue + 1))).ToArray();
            float[] actual = new float[n];
            QuantizationKernels.Dequantize(s8, scale, zeroPoint, actual);
            AssertFloats(s8.Select(q => scale * (q - zeroPoint)).ToArray(), actual);
            QuantizationKernels.Dequantize(u8, scale, zeroPoint, actual);
            AssertFloats(u8.Select(q => scale * (q - zeroPoint)).ToArray(), actual);
            QuantizationKernels.Dequantize(s16, scale, zeroPoint, actual);
            AssertFloats(s16.Select(q => scale * (q - zeroPoint)).ToArray(), actual);
        }
    }

    [Theory]
    [InlineData(0.5f, 0)]
    [InlineData(0.0039215689f, -128)]
    [InlineData(0.1f, 7)]
    [InlineData(1f, 3)]
    [InlineData(3e-5f, -1)]
    public void QuantizeRoundsAsMathFRoundAwayFromZero(float scale, int zeroPoint)
    {
        static int Scalar(float x, float scale, int zeroPoint, int min, int max) =>
            Math.Min(Math.Max((int)MathF.Round(x / scale, MidpointRounding.AwayFromZero) + zeroPoint, min), max);
        foreach (int n in Lengths())
        {
            // Specials, halves (ties both ways) and their neighbours in the output scale, random values.
            var random = new Random(n);
            float[] x = Floats(n, n).Select((v, i) => (i % 3) switch
            {
                1 => scale * (random.Next(-300, 300) + 0.5f),
                2 => MathF.BitIncrement(scale * (random.Next(-300, 300) + 0.5f)) * (i % 2 == 0 ? 1 : -1),
                _ => v,
            }).ToArray();
            sbyte[] s8 = new sbyte[n];
            byte[] u8 = new byte[n];
            short[] s16 = new short[n];
            QuantizationKernels.Quantize(x, scale, zeroPoint, s8);
            QuantizationKernels.Quantize(x, scale, zeroPoint, u8);
            QuantizationKernels.Quantize(x, scale, zeroPoint, s16);
            Assert.Equal(x.Select(v => (sbyte)Scalar(v, scale, zeroPoint, -128, 127)).ToArray(), s8);
            Assert.Equal(x.Select(v => (byte)Scalar(v, scale, zeroPoint, 0, 255)).ToArray(), u8);
            Assert.Equal(x.Select(v => (short)Scalar(v, scale, zeroPoint, short.MinValue, short.MaxValue)).ToArray(), s16);
        }
    }

    public static TheoryData<int[]> Requantizations() => new()
    {
        // Input zero point, multiplier, shift, negative multiplier, negative shift, output zero point.
        new[] { 0, 1 << 30, 1, 1288490240, -1, 0 },            // LeakyRelu0: identity and alpha 0.3
        new[] { -5, 1 << 30, 1, 1 << 30, 1, 3 },                // identity with offsets
        new[] { 17, 1717986918, -2, 1717986918, -2, -9 },       // ≈ 0.1
        new[] { 0, 1500000000, 3, -1500000000, -4, 0 },          // left shift; a negative alpha
        new[] { -128, int.MaxValue, 0, int.MaxValue, -31, 127 }, // shifts 0 and −31
        new[] { 3, 1073741824, -31, 1073741824, 30, -1 },        // rounding ties at the largest right shift; large left shift
    };

    [Theory]
    [MemberData(nameof(Requantizations))]
    public void RequantizeIsTheScalarFixedPoint(int[] p)
    {
        static int Scalar(int q, in IntegerRequantization r)
        {
            int x = q - r.InputZeroPoint;
            x = x >= 0 ? FixedPoint.MultiplyByQuantizedMultiplier(x, r.Multiplier, r.Shift) : FixedPoint.MultiplyByQuantizedMultiplier(x, r.NegativeMultiplier, r.NegativeShift);
            return Math.Min(Math.Max(x + r.OutputZeroPoint, r.Min), r.Max);
        }
        foreach (int n in Lengths())
        {
            var random = new Random(n);
            sbyte[] s8 = Enumerable.Range(0, n).Select(i => (sbyte)(i < 256 ? i - 128 : random.Next(-128, 128))).ToArray();
            byte[] u8 = s8.Select(v => (byte)v).ToArray();
            short[] s16 = Enumerable.Range(0, n).Select(i => (short)(i % 5 == 0 ? (i % 2 == 0 ? short.MinValue : short.MaxValue) : random.Next(short.MinValue, short.MaxValue + 1))).ToArray();
            var to8 = new IntegerRequantization(p[0], p[1], p[2], p[3], p[4], p[5], -128 + n % 3, 127 - n % 5);
            var toU8 = to8 with { Min = 0, Max = 255 };
            var to16 = to8 with { Min = short.MinValue, Max = short.MaxValue };
            sbyte[] out8 = new sbyte[n];
            byte[] outU8 = new byte[n];
            short[] out16 = new short[n];
            QuantizationKernels.Requantize(s8, to8, out8);
            Assert.Equal(s8.Select(q => (sbyte)Scalar(q, to8)).ToArray(), out8);
            QuantizationKernels.Requantize(s8, toU8, outU8);
            Assert.Equal(s8.Select(q => (byte)Scalar(q, toU8)).ToArray(), outU8);
            QuantizationKernels.Requantize(s8, to16, out16);
            Assert.Equal(s8.Select(q => (short)Scalar(q, to16)).ToArray(), out16);
            QuantizationKernels.Requantize(u8, to8, out8);
            Assert.Equal(u8.Select(q => (sbyte)Scalar(q, to8)).ToArray(), out8);
            QuantizationKernels.Requantize(s16, to8, out8);
            Assert.Equal(s16.Select(q => (sbyte)Scalar(q, to8)).ToArray(), out8);
            QuantizationKernels.Requantize(s16, to16, out16);
            Assert.Equal(s16.Select(q => (short)Scalar(q, to16)).ToArray(), out16);
            QuantizationKernels.Requantize(s16, to16, s16); // in place
            Assert.Equal(out16, s16);
        }
    }

    [Fact]
    public void CastIsStaticCastAsTheGeneratedCodeWroteIt()
    {
        foreach (int n in Lengths())
        {
            var random = new Random(n);
            float[] f = Floats(n, n);
            int[] i32 = Enumerable.Range(0, n).Select(i => i % 4 == 0 ? new[] { int.MinValue, int.MaxValue, 16777217, -16777217, 0, -1 }[i / 4 % 6] : random.Next(int.MinValue, int.MaxValue)).ToArray();
            uint[] u32 = i32.Select(v => unchecked((uint)v)).ToArray();
            short[] i16 = i32.Select(v => unchecked((short)v)).ToArray();
            sbyte[] i8 = i32.Select(v => unchecked((sbyte)v)).ToArray();

            Check(i8, v => (float)v);
            Check(i8, v => (short)v);
            Check(i8, v => (int)v);
            Check(i8, v => unchecked((uint)v));
            Check(i16, v => (float)v);
            Check(i16, v => unchecked((sbyte)v));
            Check(i16, v => (int)v);
            Check(i16, v => unchecked((uint)v));
            Check(i32, v => (float)v);
            Check(i32, v => unchecked((sbyte)v));
            Check(i32, v => unchecked((short)v));
            Check(i32, v => unchecked((uint)v));
            Check(u32, v => unchecked((sbyte)v));
            Check(u32, v => unchecked((short)v));
            Check(u32, v => unchecked((int)v));
            Check(f, v => CastConversions.FloatToInt32(v));
            Check(f, v => unchecked((short)CastConversions.FloatToInt32(v)));
            Check(f, v => unchecked((sbyte)CastConversions.FloatToInt32(v)));
        }

        static void Check<TFrom, TTo>(TFrom[] input, Func<TFrom, TTo> scalar)
            where TFrom : unmanaged
            where TTo : unmanaged
        {
            TTo[] actual = new TTo[input.Length];
            CastKernels.Convert<TFrom, TTo>(input, actual);
            Assert.Equal(input.Select(scalar).ToArray(), actual);
        }
    }

    [Fact]
    public void CastRefusesPairsWithoutAKernel()
    {
        Assert.Throws<NotSupportedException>(() => CastKernels.Convert<uint, float>(new uint[1], new float[1]));
        Assert.Throws<NotSupportedException>(() => CastKernels.Convert<float, uint>(new float[1], new uint[1]));
        Assert.Throws<NotSupportedException>(() => CastKernels.Convert<int, int>(new int[1], new int[1]));
    }
}
