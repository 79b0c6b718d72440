using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// ELU beyond the opsets models: every int8 value under several quantizations (outputs that saturate, extreme zero
/// points), and float32 values near 0 where <c>exp(x) - 1</c> would cancel, far below 0, and special values.
/// Expected values: <see cref="TfliteReference.EluInt8"/> (TFLM's table) and <see cref="TfliteReference.Expm1"/>.
/// </summary>
public class EluTests
{
    private const int Elu = 111;

    [Theory]
    [InlineData(0.0235294122f, -1, 0.0156862754f, -64)] // the opsets model's parameters
    [InlineData(0.05f, 127, 0.004f, 127)]               // only negative inputs; outputs below -1 saturate
    [InlineData(0.1f, -128, 0.05f, -128)]               // only positive inputs, saturating above
    [InlineData(0.001f, 3, 0.0001f, 0)]                 // small values: expf(x) - 1 loses bits, as in TFLM
    public void Int8EveryValue(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        byte[] output = UnaryCase.Run(UnaryCase.Model(Elu, TfliteType.Int8, new Quant(inputScale, inputZeroPoint), TfliteType.Int8, new Quant(outputScale, outputZeroPoint)),
            Bytes(UnaryCase.AllInt8));
        sbyte[] expected = UnaryCase.AllInt8.Select(q => TfliteReference.EluInt8(q, inputScale, inputZeroPoint, outputScale, outputZeroPoint)).ToArray();
        AssertEqual(expected, Values<sbyte>(output));
    }

    [Fact]
    public void Float32()
    {
        float[] input = Enumerable.Range(0, 200).Select(i => -MathF.Pow(10f, -12f + i * 0.07f)).Concat(new[]
        {
            0f, -0f, 1f, 1e-30f, -1e-30f, -float.Epsilon, -50f, -104f, -1000f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, float.MaxValue,
        }).ToArray();
        float[] actual = Values<float>(UnaryCase.Run(UnaryCase.Model(Elu, TfliteType.Float32, null, TfliteType.Float32, null, new[] { input.Length }), Bytes(input)));
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            float expected = x < 0f ? TfliteReference.Expm1(x) : x;
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected) && float.IsNaN(actual[i])),
                $"ELU({x:R}): expected {expected:R}, got {actual[i]:R}");
        }
    }
}
