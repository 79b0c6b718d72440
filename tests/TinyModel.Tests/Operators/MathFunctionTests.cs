using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// The one-input math operators beyond the opsets models: float32 special values (zeros of both signs,
/// infinities, NaN, ties for ROUND, lengths that leave vector tails) and every int8 value for ABS and RSQRT
/// with and without rescaling. Expected values: the C functions TFLM calls and naive transcriptions of
/// elementwise.cc's AbsEvalQuantized and RsqrtEvalQuantized.
/// </summary>
public class MathFunctionTests
{
    private const int Floor = 8, Exp = 47, Neg = 59, Sin = 66, Log = 73, Sqrt = 75, Rsqrt = 76, Square = 92, Abs = 101, Ceil = 104, Cos = 108, Round = 116;

    /// <summary>Special values, then a spread over [-20, 20]; 37 elements leave a tail after any vector width.</summary>
    private static float[] FloatInputs() =>
        new[] { 0f, -0f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, 8388609f }
            .Concat(RandomFloats(25, -20f, 20f, 7)).ToArray();

    public static TheoryData<int> FloatFunctions() => new() { Abs, Neg, Square, Sqrt, Rsqrt, Exp, Log, Sin, Cos, Floor, Ceil, Round };

    [Theory]
    [MemberData(nameof(FloatFunctions))]
    public void Float32MatchesTheCFunctionBitForBit(int code)
    {
        Func<float, float> reference = code switch
        {
            Abs => MathF.Abs,
            Neg => x => -x,
            Square => x => x * x,
            Sqrt => MathF.Sqrt,
            Rsqrt => x => 1f / MathF.Sqrt(x),
            Exp => MathF.Exp,
            Log => MathF.Log,
            Sin => MathF.Sin,
            Cos => MathF.Cos,
            Floor => MathF.Floor,
            Ceil => MathF.Ceiling,
            _ => RoundToNearest,
        };
        float[] x = FloatInputs();
        float[] actual = Values<float>(UnaryCase.Run(UnaryCase.Model(code, TfliteType.Float32, null, TfliteType.Float32, null, new[] { x.Length }), Bytes(x)));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(reference(x[i])) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(reference(x[i])) && float.IsNaN(actual[i])),
                $"element {i} ({x[i]:R}): expected {reference(x[i]):R}, got {actual[i]:R}");
        }
    }

    /// <summary>TFLM's RoundToNearest, written as it is.</summary>
    private static float RoundToNearest(float value)
    {
        float floor = MathF.Floor(value);
        float diff = value - floor;
        return diff < 0.5f || (diff == 0.5f && (int)floor % 2 == 0) ? floor : floor + 1f;
    }

    [Theory]
    [InlineData(0.05f, -3, 0.05f, -128)]  // same scale: no rescaling
    [InlineData(0.05f, -3, 0.03f, -128)]
    [InlineData(0.1f, 127, 0.01f, 0)]     // outputs saturate
    public void Int8AbsEveryValue(float inputScale, int inputZero, float outputScale, int outputZero)
    {
        bool rescale = inputScale != outputScale;
        (int m, int s) = TfliteReference.QuantizeMultiplier((double)inputScale / outputScale);
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Abs, TfliteType.Int8, new Quant(inputScale, inputZero), TfliteType.Int8, new Quant(outputScale, outputZero)), Bytes(UnaryCase.AllInt8));
        int[] expected = UnaryCase.AllInt8.Select(q =>
        {
            int value = Math.Abs(q - inputZero);
            int y = (rescale ? TfliteReference.MultiplyByQuantizedMultiplier(value, m, s) : value) + outputZero;
            return Math.Clamp(y, -128, 127);
        }).ToArray();
        AssertEqual(expected, Values<sbyte>(actual).Select(v => (int)v).ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Int16Abs(bool quantized)
    {
        Quant? qi = quantized ? new Quant(0.001f, 0) : null, qo = quantized ? new Quant(0.0015f, 0) : null;
        (int m, int s) = TfliteReference.QuantizeMultiplier((double)0.001f / 0.0015f);
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Abs, TfliteType.Int16, qi, TfliteType.Int16, qo), Bytes(UnaryCase.SpreadInt16));
        int[] expected = UnaryCase.SpreadInt16.Select(q => quantized
            ? Math.Clamp(TfliteReference.MultiplyByQuantizedMultiplier(Math.Abs((int)q), m, s), short.MinValue, short.MaxValue)
            : (short)Math.Abs((int)q)).ToArray();
        AssertEqual(expected, Values<short>(actual).Select(v => (int)v).ToArray());
    }

    /// <summary>Below 8 values the unquantized layer keeps its loop (the kernel takes longer ones): -32768 stays -32768 in both.</summary>
    [Fact]
    public void Int16AbsShortLayer()
    {
        short[] values = { short.MinValue, -5, 0, 7, short.MaxValue };
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Abs, TfliteType.Int16, null, TfliteType.Int16, null, new[] { values.Length }), Bytes(values));
        Assert.Equal(new short[] { short.MinValue, 5, 0, 7, short.MaxValue }, Values<short>(actual));
    }

    [Theory]
    [InlineData(0.02f, -128, 0.05f, -100)]
    [InlineData(0.5f, -128, 0.001f, 0)]   // outputs saturate
    [InlineData(0.0001f, -1, 1f, -128)]
    public void Int8RsqrtEveryValueAtOrAboveTheZeroPoint(float inputScale, int inputZero, float outputScale, int outputZero)
    {
        sbyte[] inputs = UnaryCase.AllInt8.Where(q => q >= inputZero).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Rsqrt, TfliteType.Int8, new Quant(inputScale, inputZero), TfliteType.Int8, new Quant(outputScale, outputZero), new[] { inputs.Length }), Bytes(inputs));
        int[] expected = inputs.Select(q => RsqrtReference(q - inputZero, inputScale, outputScale, outputZero, sbyte.MinValue, sbyte.MaxValue)).ToArray();
        AssertEqual(expected, Values<sbyte>(actual).Select(v => (int)v).ToArray());
    }

    [Fact]
    public void Int16Rsqrt()
    {
        short[] inputs = Enumerable.Range(0, 300).Select(i => (short)(i * i % 32768)).Concat(new short[] { 1, 2, 3, short.MaxValue }).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Rsqrt, TfliteType.Int16, new Quant(0.001f, 0), TfliteType.Int16, new Quant(0.002f, 0), new[] { inputs.Length }), Bytes(inputs));
        int[] expected = inputs.Select(q => RsqrtReference(q, 0.001f, 0.002f, 0, short.MinValue, short.MaxValue)).ToArray();
        AssertEqual(expected, Values<short>(actual).Select(v => (int)v).ToArray());
    }

    /// <summary>Every int16 value TFLM accepts (0 to 32767) through the vector kernel, and a 3-value layer, which keeps the loop.</summary>
    [Theory]
    [InlineData(0.001f, 0.0005f)]
    [InlineData(0.5f, 0.00003f)]
    [InlineData(1e-5f, 0.9f)]
    public void Int16RsqrtEveryValue(float inputScale, float outputScale)
    {
        foreach (short[] inputs in new[] { Enumerable.Range(0, 32768).Select(i => (short)i).ToArray(), new short[] { 0, 5, 32767 } })
        {
            byte[] actual = UnaryCase.Run(UnaryCase.Model(Rsqrt, TfliteType.Int16, new Quant(inputScale, 0), TfliteType.Int16, new Quant(outputScale, 0), new[] { inputs.Length }), Bytes(inputs));
            int[] expected = inputs.Select(q => RsqrtReference(q, inputScale, outputScale, 0, short.MinValue, short.MaxValue)).ToArray();
            AssertEqual(expected, Values<short>(actual).Select(v => (int)v).ToArray());
        }
    }

    [Fact]
    public void Int16RsqrtWithZeroPointsIsReported() =>
        AssertUnsupported(UnaryCase.Model(Rsqrt, TfliteType.Int16, new Quant(0.001f, 5), TfliteType.Int16, new Quant(0.002f, 0)), "RSQRT at node 0", "requires 0");

    [Fact]
    public void Int8ExpIsReported() =>
        AssertUnsupported(UnaryCase.Model(Exp, TfliteType.Int8, new Quant(0.1f, 0), TfliteType.Int8, new Quant(0.1f, 0)), "EXP at node 0", "supported: float32");

    /// <summary>elementwise.cc RsqrtEvalQuantized with common.h GetInvSqrtQuantizedMultiplierExp, transcribed.</summary>
    private static int RsqrtReference(int value, float inputScale, float outputScale, int outputZero, int min, int max)
    {
        if (value == 0)
        {
            return max;
        }
        (int multiplier, int shift) = TfliteReference.QuantizeMultiplier(1.0 / (Math.Sqrt(inputScale) * outputScale));
        (int inv, int invShift) = TfliteReference.InvSqrtQuantizedMultiplierExp(value);
        int data = TfliteReference.MultiplyByQuantizedMultiplier(1, inv, invShift + 20);
        int output = TfliteReference.MultiplyByQuantizedMultiplier(data, multiplier, shift - 20) + outputZero;
        return Math.Clamp(output, min, max);
    }
}
