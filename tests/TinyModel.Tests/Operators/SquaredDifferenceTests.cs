using System;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SQUARED_DIFFERENCE beyond the opsets models: broadcast shapes, constant inputs, scales that differ
/// widely, extreme output scales and int32 wrapping. Expected values: a naive transcription of TFLM's
/// squared_difference.cc (PrepareQuantized's multipliers, its float denominator included).
/// </summary>
public class SquaredDifferenceTests
{
    private const int SquaredDifference = 99;

    private static Func<int, int, long> Quantized(Quant q1, Quant q2, Quant qo, bool int16)
    {
        int leftShift = int16 ? 0 : 7;
        double twiceMax = 2.0 * Math.Max(q1.Scale, q2.Scale);
        (int m1, int s1) = TfliteReference.QuantizeMultiplier(q1.Scale / twiceMax);
        (int m2, int s2) = TfliteReference.QuantizeMultiplier(q2.Scale / twiceMax);
        (int mo, int so) = TfliteReference.QuantizeMultiplier(twiceMax * twiceMax / (double)((1 << (leftShift * 2)) * qo.Scale));
        int min = int16 ? short.MinValue : sbyte.MinValue, max = int16 ? short.MaxValue : sbyte.MaxValue;
        return (x, y) =>
        {
            int a = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((x - q1.ZeroPoint) * (1 << leftShift), m1), -s1);
            int b = TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((y - q2.ZeroPoint) * (1 << leftShift), m2), -s2);
            int raw = TfliteReference.MultiplyByQuantizedMultiplier((a - b) * (a - b), mo, so) + qo.ZeroPoint;
            return Math.Min(max, Math.Max(min, raw));
        };
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 1 }, new[] { 2, 5 }, new[] { 2, 5 })]
    public void Float32(int[] shape1, int[] shape2, int[] output) =>
        new BinaryCase(SquaredDifference, TfliteType.Float32, shape1, shape2, output).AssertFloat((x, y) => (x - y) * (x - y));

    [Fact]
    public void Int32Wraps() =>
        new BinaryCase(SquaredDifference, TfliteType.Int32, new[] { 4, 8 }, new[] { 8 }, new[] { 4, 8 }).AssertInteger((x, y) => unchecked((x - y) * (x - y)));

    [Theory]
    [InlineData(0.05f, -3, 0.11f, 7, 0.3f, -100)]
    [InlineData(0.5f, -128, 0.002f, 127, 0.0001f, -128)] // very different input scales, outputs saturate
    [InlineData(0.02f, 0, 0.02f, 0, 50f, 0)]              // equal scales, a large output scale
    public void Int8(float s1, int z1, float s2, int z2, float so, int zo)
    {
        Quant q1 = new(s1, z1), q2 = new(s2, z2), qo = new(so, zo);
        new BinaryCase(SquaredDifference, TfliteType.Int8, new[] { 2, 3, 16 }, new[] { 2, 1, 16 }, new[] { 2, 3, 16 }, q1, q2, qo).AssertInteger(Quantized(q1, q2, qo, false));
    }

    [Fact]
    public void Int16() =>
        new BinaryCase(SquaredDifference, TfliteType.Int16, new[] { 3, 40 }, new[] { 40 }, new[] { 3, 40 }, new Quant(0.0006f, 0), new Quant(0.0009f, 0), new Quant(0.02f, 0))
            .AssertInteger(Quantized(new Quant(0.0006f, 0), new Quant(0.0009f, 0), new Quant(0.02f, 0), true));

    [Fact]
    public void Int8ConstantInput()
    {
        Quant q1 = new(0.05f, -3), q2 = new(0.11f, 7), qo = new(0.3f, -100);
        new BinaryCase(SquaredDifference, TfliteType.Int8, new[] { 3, 8 }, new[] { 8 }, new[] { 3, 8 }, q1, q2, qo, Constant2: true).AssertInteger(Quantized(q1, q2, qo, false));
        new BinaryCase(SquaredDifference, TfliteType.Int8, new[] { 1 }, new[] { 3, 8 }, new[] { 3, 8 }, q1, q2, qo, Constant1: true).AssertInteger(Quantized(q1, q2, qo, false));
    }

    [Fact]
    public void Int16WithZeroPointsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(SquaredDifference, TfliteType.Int16, new[] { 4 }, new[] { 4 }, new[] { 4 }, new Quant(0.01f, 3), new Quant(0.01f, 0), new Quant(0.01f, 0)).Model(),
            "SQUARED_DIFFERENCE at node 0", "requires 0");
}
