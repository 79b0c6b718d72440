using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// ELU beyond the opsets models: every int8 value under several quantizations (outputs that saturate, extreme zero
/// points), float32 values near 0 where <c>exp(x) - 1</c> would cancel, far below 0, and special values, and the
/// opsets model's float outputs bit for bit. Expected values: <see cref="TfliteReference.EluInt8"/> (TFLM's table),
/// <see cref="TfliteReference.Expm1"/> and TFLM's own outputs.
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

    /// <summary>
    /// TFLM's float ELU calls glibc's expm1f, which is one ulp off the exact value for about 0.4% of negative inputs;
    /// TinyModel follows glibc's algorithm, so the opsets model's outputs match TFLM's bit for bit (the golden test
    /// allows 1e-5; here no difference at all).
    /// </summary>
    [Fact]
    public void Float32IsBitIdenticalToTflm()
    {
        string directory = System.IO.Path.Combine(SharedData.OpsetsDir, "golden", "elu_float32");
        GoldenModel golden = GoldenModel.Load(directory);
        ITinyModel model = InMemoryModel.Compile(System.IO.Path.Combine(SharedData.OpsetsDir, "elu_float32.tflite")).Create();
        for (int testCase = 0; testCase < golden.CaseCount; testCase++)
        {
            byte[] actual = new byte[golden.Outputs[0].Bytes];
            model.InvokeRaw(golden.ConcatenatedInputs(testCase), actual);
            AssertEqual(golden.Output(testCase, 0), actual);
        }
    }

    /// <summary>Within one ulp of the exact e^x - 1 (glibc's expm1f is not always correctly rounded), specials exact.</summary>
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
            int ulps = Math.Abs(BitConverter.SingleToInt32Bits(expected) - BitConverter.SingleToInt32Bits(actual[i]));
            Assert.True(ulps <= 1 || (float.IsNaN(expected) && float.IsNaN(actual[i])), $"ELU({x:R}): expected {expected:R}, got {actual[i]:R}");
        }
    }
}
