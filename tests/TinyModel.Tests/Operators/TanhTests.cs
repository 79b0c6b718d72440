using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// TANH in every type. Expected values: TFLM's reference kernels transcribed in the tests
/// (<see cref="TfliteReference.Int8LogisticOrTanh"/> with gemmlowp's fixed-point tanh for int8,
/// <see cref="LogisticTanhReference"/> for int16, tanh for float32).
/// </summary>
public class TanhTests
{
    [Fact]
    public void Float32()
    {
        float[] x = RandomFloats(256, -6f, 6f, 8);
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Tanh, TfliteType.Float32, null, TfliteType.Float32, null), Bytes(x));
        AssertClose(x.Select(MathF.Tanh).ToArray(), Values<float>(actual));
    }

    [Theory]
    [InlineData(0.05f, 0)]
    [InlineData(0.02f, -20)]
    [InlineData(0.3f, 100)]
    [InlineData(1f / 16, 0)]
    public void Int8EveryInput(float inputScale, int inputZero)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Tanh, TfliteType.Int8, new Quant(inputScale, inputZero), TfliteType.Int8, new Quant(1f / 128, 0)), Bytes(UnaryCase.AllInt8));
        sbyte[] expected = UnaryCase.AllInt8.Select(q => TfliteReference.Int8LogisticOrTanh(false, q, inputScale, inputZero)).ToArray();
        AssertEqual(expected, Values<sbyte>(actual));
    }

    [Theory]
    [InlineData(1f / 4096)]     // power of two, shift 0: multiplier 3
    [InlineData(1f / 2048)]     // power of two, shift 1: multiplier 6
    [InlineData(0.0007f)]
    public void Int16(float inputScale)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Tanh, TfliteType.Int16, new Quant(inputScale, 0), TfliteType.Int16, new Quant(1f / 32768, 0)), Bytes(UnaryCase.SpreadInt16));
        (int multiplier, int shift) = LogisticTanhReference.Int16Prepare(false, inputScale);
        short[] expected = UnaryCase.SpreadInt16.Select(q => LogisticTanhReference.Int16Tanh(q, multiplier, shift)).ToArray();
        AssertEqual(expected, Values<short>(actual));
    }

    [Fact]
    public void Int8TracksTheRealFunction()
    {
        // A sanity bound independent of TFLM's arithmetic: within 1/128 of tanh of the dequantized input.
        const float scale = 0.05f;
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Tanh, TfliteType.Int8, new Quant(scale, 0), TfliteType.Int8, new Quant(1f / 128, 0)), Bytes(UnaryCase.AllInt8));
        sbyte[] y = Values<sbyte>(actual);
        for (int i = 0; i < 256; i++)
        {
            Assert.InRange(y[i] / 128f - MathF.Tanh((i - 128) * scale), -1.5f / 128, 1.5f / 128);
        }
    }

    [Fact]
    public void Int16WithAZeroPointIsReported() =>
        AssertUnsupported(UnaryCase.Model(Tanh, TfliteType.Int16, new Quant(1f / 4096, 0), TfliteType.Int16, new Quant(1f / 32768, 5)), "TANH", "0 for both");
}
