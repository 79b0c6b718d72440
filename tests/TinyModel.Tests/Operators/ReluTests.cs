using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// RELU and RELU6 in every type. Expected values: TFLM's activations.cc transcribed: float clamps;
/// quantized RELU requantizes input to output scale and clamps at the output zero point
/// (CalculateReluOpData); quantized RELU6 clamps between the input's zero point and its quantized 6
/// (FloatToQuantizedType) without requantizing.
/// </summary>
public class ReluTests
{
    [Theory]
    [InlineData(Relu)]
    [InlineData(Relu6)]
    public void Float32(int code)
    {
        float[] x = RandomFloats(256, -10f, 10f, 4);
        byte[] actual = UnaryCase.Run(UnaryCase.Model(code, TfliteType.Float32, null, TfliteType.Float32, null), Bytes(x));
        float[] expected = x.Select(v => code == Relu ? Math.Max(v, 0f) : Math.Min(Math.Max(v, 0f), 6f)).ToArray();
        Assert.Equal(expected, Values<float>(actual));
    }

    [Theory]
    [InlineData(TfliteType.Int8, 0.05f, -3, 0.04f, -128)]
    [InlineData(TfliteType.Int8, 0.05f, 10, 0.05f, 10)]
    [InlineData(TfliteType.Int8, 0.1f, -128, 0.02f, 5)]
    [InlineData(TfliteType.Int16, 0.0005f, 0, 0.0003f, 0)]
    public void QuantizedRelu(TfliteType type, float inputScale, int inputZero, float outputScale, int outputZero)
    {
        (int[] values, byte[] encoded) = Input(type);
        (int min, int max) = QuantizeTests.Range(type);
        (int multiplier, int shift) = TfliteReference.QuantizeMultiplier((double)inputScale / outputScale);
        int low = Math.Max(min, outputZero + (int)MathF.Round(0f / outputScale, MidpointRounding.AwayFromZero));
        int[] expected = values.Select(q => Math.Min(max, Math.Max(low, outputZero + TfliteReference.MultiplyByQuantizedMultiplier(q - inputZero, multiplier, shift)))).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Relu, type, new Quant(inputScale, inputZero), type, new Quant(outputScale, outputZero)), encoded);
        AssertEqual(expected, QuantizeTests.Decode(type, actual));
    }

    [Theory]
    [InlineData(TfliteType.Int8, 0.05f, -3)]
    [InlineData(TfliteType.Int8, 0.01f, -100)]
    [InlineData(TfliteType.Int16, 0.0005f, 0)]
    public void QuantizedRelu6(TfliteType type, float scale, int zeroPoint)
    {
        (int[] values, byte[] encoded) = Input(type);
        (int min, int max) = QuantizeTests.Range(type);
        int six = Math.Min(Math.Max((int)MathF.Round(6f / scale, MidpointRounding.AwayFromZero) + zeroPoint, min), max);
        int[] expected = values.Select(q => q > six ? six : q < zeroPoint ? zeroPoint : q).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Relu6, type, new Quant(scale, zeroPoint), type, new Quant(scale, zeroPoint)), encoded);
        AssertEqual(expected, QuantizeTests.Decode(type, actual));
    }

    [Fact]
    public void Int16ReluWithAZeroPointIsReported() =>
        AssertUnsupported(UnaryCase.Model(Relu, TfliteType.Int16, new Quant(0.001f, 2), TfliteType.Int16, new Quant(0.001f, 0)), "RELU", "0 for both");

    private static (int[] Values, byte[] Encoded) Input(TfliteType type) => type == TfliteType.Int8
        ? (UnaryCase.AllInt8.Select(v => (int)v).ToArray(), Bytes(UnaryCase.AllInt8))
        : (UnaryCase.SpreadInt16.Select(v => (int)v).ToArray(), Bytes(UnaryCase.SpreadInt16));
}
