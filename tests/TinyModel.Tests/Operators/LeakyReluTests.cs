using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// LEAKY_RELU beyond the golden models (which are all int16 with alpha 0.3): float32, int8 with zero
/// points, alphas that are negative, zero or above one. Expected values: a naive transcription of TFLM's
/// reference leaky_relu.h with leaky_relu_common.cc's multipliers (computed in float, then double).
/// </summary>
public class LeakyReluTests
{
    [Theory]
    [InlineData(0.2f)]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    public void Float32(float alpha)
    {
        float[] x = RandomFloats(256, -4f, 4f, 3);
        byte[] actual = UnaryCase.Run(UnaryCase.Model(LeakyRelu, TfliteType.Float32, null, TfliteType.Float32, null, null, LeakyReluOptions,
            TfliteModelBuilder.Option.Float(0, alpha)), Bytes(x));
        AssertClose(x.Select(v => v > 0 ? v : v * alpha).ToArray(), Values<float>(actual));
    }

    [Theory]
    [InlineData(0.3f, 0.05f, 3, 0.04f, -20)]
    [InlineData(-0.7f, 0.05f, -128, 0.05f, 0)]
    [InlineData(2.5f, 0.02f, 10, 0.1f, 100)]
    [InlineData(0f, 0.1f, 0, 0.1f, -128)]
    [InlineData(0.1f, 0.1f, -5, 0.1f, -5)]
    public void Int8(float alpha, float inputScale, int inputZero, float outputScale, int outputZero)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(LeakyRelu, TfliteType.Int8, new Quant(inputScale, inputZero), TfliteType.Int8, new Quant(outputScale, outputZero),
            null, LeakyReluOptions, TfliteModelBuilder.Option.Float(0, alpha)), Bytes(UnaryCase.AllInt8));
        int[] expected = Expected(UnaryCase.AllInt8.Select(v => (int)v).ToArray(), alpha, inputScale, inputZero, outputScale, outputZero, sbyte.MinValue, sbyte.MaxValue);
        AssertEqual(expected, Values<sbyte>(actual).Select(v => (int)v).ToArray());
    }

    [Theory]
    [InlineData(0.3f, 0.0017488234f, 0.0017488234f)]
    [InlineData(-0.3f, 0.009473869f, 0.003962478f)]
    [InlineData(1.7f, 0.0005f, 0.002f)]
    public void Int16(float alpha, float inputScale, float outputScale)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(LeakyRelu, TfliteType.Int16, new Quant(inputScale, 0), TfliteType.Int16, new Quant(outputScale, 0),
            null, LeakyReluOptions, TfliteModelBuilder.Option.Float(0, alpha)), Bytes(UnaryCase.SpreadInt16));
        int[] expected = Expected(UnaryCase.SpreadInt16.Select(v => (int)v).ToArray(), alpha, inputScale, 0, outputScale, 0, short.MinValue, short.MaxValue);
        AssertEqual(expected, Values<short>(actual).Select(v => (int)v).ToArray());
    }

    [Fact]
    public void MixedTypesAreReported() =>
        AssertUnsupported(UnaryCase.Model(LeakyRelu, TfliteType.Int8, new Quant(0.1f, 0), TfliteType.Int16, new Quant(0.1f, 0), null, LeakyReluOptions,
            TfliteModelBuilder.Option.Float(0, 0.2f)), "LEAKY_RELU", "int8", "int16");

    private static int[] Expected(int[] input, float alpha, float inputScale, int inputZero, float outputScale, int outputZero, int min, int max)
    {
        (int mAlpha, int sAlpha) = TfliteReference.QuantizeMultiplier((float)(inputScale * alpha / outputScale));
        (int mIdentity, int sIdentity) = TfliteReference.QuantizeMultiplier((float)(inputScale / outputScale));
        return input.Select(q =>
        {
            int x = q - inputZero;
            int y = outputZero + (x >= 0
                ? TfliteReference.MultiplyByQuantizedMultiplier(x, mIdentity, sIdentity)
                : TfliteReference.MultiplyByQuantizedMultiplier(x, mAlpha, sAlpha));
            return Math.Min(max, Math.Max(min, y));
        }).ToArray();
    }
}
