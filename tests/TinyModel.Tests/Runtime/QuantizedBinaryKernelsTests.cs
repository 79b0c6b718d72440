using System;
using System.Linq;
using TinyModel.Tests.Operators;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// QuantizedBinaryKernels against TFLM's reference arithmetic transcribed in <see cref="TfliteReference"/>: int8 MUL,
/// PRELU and SQUARED_DIFFERENCE on every pair of int8 values (then a tail the vectors leave to the scalar loop), int16
/// on extremes and random values, for multipliers and shifts at the rounding's edges (ties, 2^30, shifts −31 to 30, left shifts that
/// wrap), narrow clamps, each input a span or one repeated value, and the output over the first input. CI runs
/// the Runtime tests on every instruction tier (AVX-512, AVX2, SSE4.1, SSE2, none) too.
/// </summary>
public class QuantizedBinaryKernelsTests
{
    public static TheoryData<int[]> MulParameters() => new()
    {
        // input1Offset, input2Offset, outputOffset, multiplier, shift, min, max
        new[] { 13, -5, -3, 1518500250, -8, -128, 127 },
        new[] { 0, 0, 0, 1 << 30, -7, -128, 127 },
        new[] { 128, -127, 127, 1 << 30, -31, -128, 127 },
        new[] { -128, 128, 0, int.MaxValue, 0, -128, 127 },
        new[] { 1, 2, 3, 1234567890, 1, -128, 127 },
        // A left shift that wraps the product in 32 bits, as TFLM's (x * (1 << shift)) does.
        new[] { 128, 128, 0, 1 << 30, 18, -128, 127 },
        new[] { 7, -9, -20, 1987654321, -12, 0, 127 },
        new[] { 7, -9, 5, 1987654321, -12, -1, 1 },
        new[] { 0, 0, 0, 0, 0, -128, 127 },
    };

    [Theory]
    [MemberData(nameof(MulParameters))]
    public void Int8MulEqualsTflmOnEveryPairOfInputs(int[] p)
    {
        var q = new MulQuantization(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        (sbyte[] x, sbyte[] y) = EveryPair(29);
        var actual = new sbyte[x.Length];
        QuantizedBinaryKernels.Apply(x, y, q, actual);
        Assert.Equal(x.Zip(y, (a, b) => (sbyte)Mul(a, b, q)), actual);
        foreach (sbyte repeated in new sbyte[] { -128, -1, 0, 1, 127, 42 })
        {
            QuantizedBinaryKernels.Apply(x, repeated, q, actual);
            Assert.Equal(x.Select(a => (sbyte)Mul(a, repeated, q)), actual);
            QuantizedBinaryKernels.Apply(repeated, y, q, actual);
            Assert.Equal(y.Select(b => (sbyte)Mul(repeated, b, q)), actual);
        }
    }

    [Theory]
    [InlineData(1 << 30, -15, -32768, 32767)]
    [InlineData(1518500250, -16, -32768, 32767)]
    [InlineData(int.MaxValue, -31, -32768, 32767)]
    [InlineData(1234567890, -14, 0, 32767)]
    [InlineData(1 << 30, 1, -32768, 32767)]
    public void Int16MulEqualsTflm(int multiplier, int shift, int min, int max)
    {
        var q = new MulQuantization(0, 0, 0, multiplier, shift, min, max);
        var random = new Random(multiplier ^ shift);
        short[] specials = { short.MinValue, short.MaxValue, 0, -1, 1, 181, -182, 16384, -16384 };
        foreach (int n in Enumerable.Range(0, 70).Append(1000).Append(1003))
        {
            short[] x = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? specials[random.Next(specials.Length)] : (short)random.Next(-32768, 32768)).ToArray();
            short[] y = Enumerable.Range(0, n).Select(i => i % 4 == 0 ? specials[random.Next(specials.Length)] : (short)random.Next(-32768, 32768)).ToArray();
            var actual = new short[n];
            QuantizedBinaryKernels.Apply(x, y, q, actual);
            Assert.Equal(x.Zip(y, (a, b) => (short)Mul(a, b, q)), actual);
            QuantizedBinaryKernels.Apply(x, short.MinValue, q, actual);
            Assert.Equal(x.Select(a => (short)Mul(a, short.MinValue, q)), actual);
            QuantizedBinaryKernels.Apply((short)-3, y, q, actual);
            Assert.Equal(y.Select(b => (short)Mul(-3, b, q)), actual);
        }
    }

    public static TheoryData<int[]> PreluParameters() => new()
    {
        // inputOffset, alphaOffset, outputOffset, identityMultiplier, identityShift, alphaMultiplier, alphaShift
        new[] { 5, -3, -7, 1 << 30, 1, 1518500250, -8 },
        new[] { -128, 127, 0, 1234567890, 0, int.MaxValue, -31 },
        new[] { 128, 0, 100, 2000000000, -3, 1 << 30, 3 },
        new[] { 0, 0, 0, 1 << 30, 1, 1 << 30, -7 },
    };

    [Theory]
    [MemberData(nameof(PreluParameters))]
    public void PreluEqualsTflmOnEveryPairOfInt8InputsAndOnInt16(int[] p)
    {
        var q8 = new PreluQuantization(p[0], p[1], p[2], p[3], p[4], p[5], p[6], -128, 127);
        (sbyte[] x, sbyte[] alpha) = EveryPair(21);
        var actual = new sbyte[x.Length];
        QuantizedBinaryKernels.Apply(x, alpha, q8, actual);
        Assert.Equal(x.Zip(alpha, (a, b) => (sbyte)Prelu(a, b, q8)), actual);
        QuantizedBinaryKernels.Apply(x, (sbyte)-77, q8, actual);
        Assert.Equal(x.Select(a => (sbyte)Prelu(a, -77, q8)), actual);

        var q16 = new PreluQuantization(0, p[1], 0, p[3], p[4], p[5], p[6], short.MinValue, short.MaxValue);
        var random = new Random(p[3]);
        short[] x16 = Enumerable.Range(0, 1029).Select(i => i < 4 ? new short[] { short.MinValue, short.MaxValue, 0, -1 }[i] : (short)random.Next(-32768, 32768)).ToArray();
        sbyte[] alpha8 = Enumerable.Range(0, 1029).Select(i => (sbyte)random.Next(-128, 128)).ToArray();
        var actual16 = new short[x16.Length];
        QuantizedBinaryKernels.Apply(x16, alpha8, q16, actual16);
        Assert.Equal(x16.Zip(alpha8, (a, b) => (short)Prelu(a, b, q16)), actual16);
    }

    public static TheoryData<int[]> SquaredDifferenceParameters() => new()
    {
        // leftShift, input1Offset, input1Multiplier, input1Shift, input2Offset, input2Multiplier, input2Shift, outputOffset, outputMultiplier, outputShift
        new[] { 7, 3, 1 << 30, 0, -9, 1518500250, -1, -128, 1987654321, -14 },
        new[] { 7, -128, 1 << 30, 0, 127, 1 << 30, 0, 0, 1 << 30, -13 },
        // A square that wraps in 32 bits, as TFLM's int32 product does.
        new[] { 7, 128, int.MaxValue, 0, -127, int.MaxValue, 0, 5, 1234567890, -3 },
        new[] { 7, 0, 1234567890, -31, 0, 1 << 30, -2, -20, 1 << 30, 2 },
    };

    [Theory]
    [MemberData(nameof(SquaredDifferenceParameters))]
    public void SquaredDifferenceEqualsTflmOnEveryPairOfInt8Inputs(int[] p)
    {
        var q = new SquaredDifferenceQuantization(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], -128, 127);
        (sbyte[] x, sbyte[] y) = EveryPair(13);
        var actual = new sbyte[x.Length];
        QuantizedBinaryKernels.Apply(x, y, q, actual);
        Assert.Equal(x.Zip(y, (a, b) => (sbyte)SquaredDifference(a, b, q)), actual);
        QuantizedBinaryKernels.Apply((sbyte)-128, y, q, actual);
        Assert.Equal(y.Select(b => (sbyte)SquaredDifference(-128, b, q)), actual);
    }

    [Fact]
    public void SquaredDifferenceEqualsTflmOnInt16()
    {
        var q = new SquaredDifferenceQuantization(0, 0, 1 << 30, 0, 0, 1518500250, -1, 0, 1234567890, -20, short.MinValue, short.MaxValue);
        var random = new Random(17);
        short[] x = Enumerable.Range(0, 2055).Select(i => i < 2 ? short.MinValue : (short)random.Next(-32768, 32768)).ToArray();
        short[] y = Enumerable.Range(0, 2055).Select(i => i < 1 ? short.MaxValue : (short)random.Next(-32768, 32768)).ToArray();
        var actual = new short[x.Length];
        QuantizedBinaryKernels.Apply(x, y, q, actual);
        Assert.Equal(x.Zip(y, (a, b) => (short)SquaredDifference(a, b, q)), actual);
    }

    public static TheoryData<int[]> AddSubParameters() => new()
    {
        // leftShift, input1Offset, input1Multiplier, input1Shift, input2Offset, input2Multiplier, input2Shift, outputOffset, outputMultiplier, outputShift, min, max
        new[] { 20, 3, 1 << 30, 0, -9, 1518500250, -1, -128, 1987654321, -19, -128, 127 },
        new[] { 20, -128, 1 << 30, 0, 127, 1 << 30, 0, 5, 1 << 30, -20, -128, 127 },
        new[] { 20, 128, 1073741824, 0, -127, 1234567890, -3, 0, 1717986918, -18, 0, 127 },
        new[] { 15, 0, 1 << 30, 0, 0, 1518500250, -1, 0, 1987654321, -14, -32768, 32767 },
        new[] { 15, 0, 1073741824, 0, 0, 1073741824, 0, 0, 1073741824, -15, -32768, 32767 },
        new[] { 15, 0, 1234567890, -2, 0, 1 << 30, 0, 0, 2000000000, -16, 0, 32767 },
    };

    [Theory]
    [MemberData(nameof(AddSubParameters))]
    public void AddAndSubEqualTflm(int[] p)
    {
        var add = new AddSubOperation<BinaryOperations.Add<int>>(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]);
        var sub = new AddSubOperation<BinaryOperations.Subtract<int>>(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]);
        int Reference(int x, int y, bool subtract)
        {
            int a = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((x + p[1]) << p[0], p[2]), -p[3]);
            int b = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((y + p[4]) << p[0], p[5]), -p[6]);
            int v = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul(subtract ? a - b : a + b, p[8]), -p[9]) + p[7];
            return Math.Min(Math.Max(v, p[10]), p[11]);
        }
        if (p[0] == 20)
        {
            (sbyte[] x, sbyte[] y) = EveryPair(29);
            var actual = new sbyte[x.Length];
            QuantizedBinaryKernels.Apply(x, y, add, actual);
            Assert.Equal(x.Zip(y, (a, b) => (sbyte)Reference(a, b, false)), actual);
            QuantizedBinaryKernels.Apply(x, y, sub, actual);
            Assert.Equal(x.Zip(y, (a, b) => (sbyte)Reference(a, b, true)), actual);
            foreach (sbyte repeated in new sbyte[] { -128, -1, 0, 127 })
            {
                QuantizedBinaryKernels.Apply(x, repeated, sub, actual);
                Assert.Equal(x.Select(a => (sbyte)Reference(a, repeated, true)), actual);
                QuantizedBinaryKernels.Apply(repeated, y, add, actual);
                Assert.Equal(y.Select(b => (sbyte)Reference(repeated, b, false)), actual);
            }
            return;
        }
        var random = new Random(p[2]);
        short[] specials = { short.MinValue, short.MaxValue, 0, -1, 1, 16384, -16384 };
        foreach (int n in Enumerable.Range(0, 40).Append(1000).Append(1003))
        {
            short[] x16 = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? specials[random.Next(specials.Length)] : (short)random.Next(-32768, 32768)).ToArray();
            short[] y16 = Enumerable.Range(0, n).Select(i => i % 4 == 0 ? specials[random.Next(specials.Length)] : (short)random.Next(-32768, 32768)).ToArray();
            var actual16 = new short[n];
            QuantizedBinaryKernels.Apply(x16, y16, add, actual16);
            Assert.Equal(x16.Zip(y16, (a, b) => (short)Reference(a, b, false)), actual16);
            QuantizedBinaryKernels.Apply(x16, y16, sub, actual16);
            Assert.Equal(x16.Zip(y16, (a, b) => (short)Reference(a, b, true)), actual16);
            QuantizedBinaryKernels.Apply(x16, short.MinValue, sub, actual16);
            Assert.Equal(x16.Select(a => (short)Reference(a, short.MinValue, true)), actual16);
            QuantizedBinaryKernels.Apply((short)-3, y16, add, actual16);
            Assert.Equal(y16.Select(b => (short)Reference(-3, b, false)), actual16);
        }
    }

    [Fact]
    public void OtherElementTypesAreRefused() =>
        Assert.Throws<NotSupportedException>(() => QuantizedBinaryKernels.Apply(new int[4], new int[4], new MulQuantization(0, 0, 0, 1 << 30, 0, -128, 127), new int[4]));

    [Fact]
    public void OutputMayBeTheFirstInput()
    {
        var q = new MulQuantization(13, -5, -3, 1518500250, -8, -128, 127);
        sbyte[] x = Enumerable.Range(0, 99).Select(i => (sbyte)(i * 7 - 50)).ToArray(), y = Enumerable.Range(0, 99).Select(i => (sbyte)(100 - i * 3)).ToArray();
        sbyte[] expected = x.Zip(y, (a, b) => (sbyte)Mul(a, b, q)).ToArray();
        QuantizedBinaryKernels.Apply(x, y, q, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void ShiftsOutsideTflitesRangeAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MulQuantization(0, 0, 0, 1 << 30, 31, -128, 127));

    /// <summary>Every (x, y) pair of int8 values, then <paramref name="tail"/> more pairs.</summary>
    private static (sbyte[] X, sbyte[] Y) EveryPair(int tail)
    {
        int n = 65536 + tail;
        return (Enumerable.Range(0, n).Select(i => (sbyte)(i >> 8)).ToArray(), Enumerable.Range(0, n).Select(i => (sbyte)(i * 37 + 11)).ToArray());
    }

    /// <summary>TFLM's prelu.h for one element.</summary>
    private static int Prelu(int x, int alpha, PreluQuantization q)
    {
        int v = x + q.InputOffset;
        int scaled = v >= 0
            ? TfliteReference.MultiplyByQuantizedMultiplier(v, q.IdentityMultiplier, q.IdentityShift)
            : TfliteReference.MultiplyByQuantizedMultiplier(unchecked(v * (alpha + q.AlphaOffset)), q.AlphaMultiplier, q.AlphaShift);
        return Math.Min(Math.Max(scaled + q.OutputOffset, q.Min), q.Max);
    }

    /// <summary>TFLM's squared_difference.cc for one element: <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c> on each input.</summary>
    private static int SquaredDifference(int x, int y, SquaredDifferenceQuantization q)
    {
        int a = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((x + q.Input1Offset) << q.LeftShift, q.Input1Multiplier), -q.Input1Shift);
        int b = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((y + q.Input2Offset) << q.LeftShift, q.Input2Multiplier), -q.Input2Shift);
        int d = a - b;
        int v = TfliteReference.MultiplyByQuantizedMultiplier(unchecked(d * d), q.OutputMultiplier, q.OutputShift) + q.OutputOffset;
        return Math.Min(Math.Max(v, q.Min), q.Max);
    }

    /// <summary>TFLM's mul.h for one element: the offset product rescaled, offset and clamped.</summary>
    private static int Mul(int x, int y, MulQuantization q)
    {
        int v = TfliteReference.MultiplyByQuantizedMultiplier(unchecked((x + q.Input1Offset) * (y + q.Input2Offset)), q.Multiplier, q.Shift) + q.OutputOffset;
        return Math.Min(Math.Max(v, q.Min), q.Max);
    }
}
