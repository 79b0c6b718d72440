using System;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// LOGISTIC in every type. Expected values: TFLM's reference kernels transcribed in the tests
/// (<see cref="TfliteReference.Int8LogisticOrTanh"/> with gemmlowp's fixed-point logistic for int8,
/// <see cref="LogisticTanhReference"/> for int16, the float formula with TFLM's cut-offs for float32).
/// </summary>
public class LogisticTests
{
    [Fact]
    public void Float32()
    {
        float[] x = RandomFloats(250, -20f, 20f, 7).Concat(new[] { 16.619047164916992188f, 16.62f, -9f, -9.01f, 0f, -30f }).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Logistic, TfliteType.Float32, null, TfliteType.Float32, null, new[] { x.Length }), Bytes(x));
        float[] expected = x.Select(v => v > 16.619047164916992188f ? 1f : v < -9f ? MathF.Exp(v) : 1f / (1f + MathF.Exp(-v))).ToArray();
        AssertClose(expected, Values<float>(actual));
    }

    [Theory]
    [InlineData(0.03877529f, -2)]   // dtln's
    [InlineData(0.1f, 0)]
    [InlineData(0.01f, 50)]
    [InlineData(0.5f, -128)]
    [InlineData(1e-4f, 0)]
    public void Int8EveryInput(float inputScale, int inputZero)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Logistic, TfliteType.Int8, new Quant(inputScale, inputZero), TfliteType.Int8, new Quant(1f / 256, -128)), Bytes(UnaryCase.AllInt8));
        sbyte[] expected = UnaryCase.AllInt8.Select(q => TfliteReference.Int8LogisticOrTanh(true, q, inputScale, inputZero)).ToArray();
        AssertEqual(expected, Values<sbyte>(actual));
    }

    [Theory]
    [InlineData(1f / 4096)]     // power of two: multiplier 3, no shift
    [InlineData(0.0003f)]
    [InlineData(0.002f)]
    public void Int16(float inputScale)
    {
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Logistic, TfliteType.Int16, new Quant(inputScale, 0), TfliteType.Int16, new Quant(1f / 32768, 0)), Bytes(UnaryCase.SpreadInt16));
        (int multiplier, int shift) = LogisticTanhReference.Int16Prepare(true, inputScale);
        short[] expected = UnaryCase.SpreadInt16.Select(q => LogisticTanhReference.Int16Logistic(q, multiplier, shift)).ToArray();
        AssertEqual(expected, Values<short>(actual));
    }

    [Fact]
    public void TheSigmoidTableIsSigmoidOfIOver24InQ016()
    {
        ushort[] table = ActivationMath.SigmoidTable.ToArray();
        Assert.Equal(256, table.Length);
        for (int i = 0; i < table.Length; i++)
        {
            double expected = Math.Min(65535, 65536.0 / (1 + Math.Exp(-i / 24.0)));
            Assert.InRange(table[i], expected - 1.25, expected + 1.25); // TFLite's entries are within 1.11 of the exact value
            Assert.True(i == 0 || table[i] >= table[i - 1]);
        }
    }

    /// <summary>
    /// The table's entries are data, not a formula (see above), and the tests' int16 references read them from the
    /// Runtime: so the entries are pinned here by their SHA-256 (256 little-endian ushorts), taken when the table
    /// matched TFLM's int16 LOGISTIC, TANH and LSTM goldens. A changed entry fails here, whatever the references say.
    /// </summary>
    [Fact]
    public void TheSigmoidTableIsTheOneTheGoldensWereCheckedWith()
    {
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(ActivationMath.SigmoidTable).ToArray();
        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal("c79a34d2c8c6e794fbb0207601538fe0169e968cd6d9d5ca65fff859dcd55183", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public void Int8OutputZeroPointOtherThanMinus128IsReported() =>
        AssertUnsupported(UnaryCase.Model(Logistic, TfliteType.Int8, new Quant(0.1f, 0), TfliteType.Int8, new Quant(1f / 256, 0)), "LOGISTIC", "-128");

    [Fact]
    public void Int16WithAZeroPointIsReported() =>
        AssertUnsupported(UnaryCase.Model(Logistic, TfliteType.Int16, new Quant(1f / 4096, 3), TfliteType.Int16, new Quant(1f / 32768, 0)), "zero points", "0 for both");

    [Fact]
    public void Int16OutputScaleOtherThan2ToMinus15IsReported() =>
        AssertUnsupported(UnaryCase.Model(Logistic, TfliteType.Int16, new Quant(1f / 4096, 0), TfliteType.Int16, new Quant(1f / 1000, 0)), "2^-15");
}
