using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// HARD_SWISH beyond the opsets models: every int8 value under quantizations that take each branch of TFLM's
/// fixed-point kernel (the reluish multiplier shifted left or right, saturating outputs, extreme zero points),
/// and float32 special values. Expected values: <see cref="TfliteReference.HardSwishInt8"/> and
/// <see cref="TfliteReference.HardSwishFloat"/>, transcribed from TFLM's reference hard_swish.h.
/// </summary>
public class HardSwishTests
{
    private const int HardSwish = 117;

    [Theory]
    [InlineData(0.05f, -3, 0.05f, -3)]       // MobileNetV3-like: same parameters in and out
    [InlineData(0.1f, 0, 0.05f, -100)]       // reluish exponent > 0: a saturating left shift
    [InlineData(0.002f, 127, 0.001f, -128)]  // reluish exponent < 0: a rounding right shift
    [InlineData(0.5f, -128, 0.004f, 0)]      // the output saturates at both ends
    [InlineData(0.02f, 127, 0.0002f, 127)]   // a tiny output scale and extreme zero points
    [InlineData(1.28f, 0, 0.015f, 5)]         // output multiplier 0.667: exponent 0
    public void Int8EveryValue(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        byte[] output = UnaryCase.Run(UnaryCase.Model(HardSwish, TfliteType.Int8, new Quant(inputScale, inputZeroPoint), TfliteType.Int8, new Quant(outputScale, outputZeroPoint)),
            Bytes(UnaryCase.AllInt8));
        sbyte[] expected = UnaryCase.AllInt8.Select(q => TfliteReference.HardSwishInt8(q, inputScale, inputZeroPoint, outputScale, outputZeroPoint)).ToArray();
        AssertEqual(expected, Values<sbyte>(output));
    }

    [Fact]
    public void Float32SpecialValues()
    {
        float[] input = { -4f, -3f, -1.5f, -0f, 0f, 0.5f, 2.999f, 3f, 3.5f, 100f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.Epsilon, 1e-30f };
        byte[] output = UnaryCase.Run(UnaryCase.Model(HardSwish, TfliteType.Float32, null, TfliteType.Float32, null, new[] { input.Length }), Bytes(input));
        float[] actual = Values<float>(output);
        for (int i = 0; i < input.Length; i++)
        {
            float expected = TfliteReference.HardSwishFloat(input[i]);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected) && float.IsNaN(actual[i])),
                $"HARD_SWISH({input[i]:R}): expected {expected:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void OutputScaleBelowTheHighResolutionInputScaleIsReported() =>
        AssertUnsupported(UnaryCase.Model(HardSwish, TfliteType.Int8, new Quant(1f, 0), TfliteType.Int8, new Quant(0.001f, 0)), "HARD_SWISH at node 0", "output scale");
}
