using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// QUANTIZE beyond the golden models: float32 to each integer type (ties, saturation) and every
/// requantization TFLM's quantize_common.cc implements. Expected values: naive transcriptions of
/// TFLite's reference AffineQuantize (round half away from zero of x / scale, in float) and Requantize.
/// </summary>
public class QuantizeTests
{
    [Theory]
    [InlineData(TfliteType.Int8, 0.05f, -3)]
    [InlineData(TfliteType.UInt8, 0.04f, 128)]
    [InlineData(TfliteType.Int16, 0.0005f, 0)]
    public void FromFloat32(TfliteType outputType, float scale, int zeroPoint)
    {
        // Random values, exact ties (k + 0.5) · scale, and values far outside the range.
        float[] x = RandomFloats(200, -20f, 20f, 5)
            .Concat(Enumerable.Range(-25, 50).Select(k => (k + 0.5f) * scale))
            .Concat(new[] { 1e6f, -1e6f, 0f, -0f, scale * 0.5f, -scale * 0.5f })
            .ToArray();
        (int min, int max) = Range(outputType);
        int[] expected = x.Select(v => Math.Min(Math.Max((int)MathF.Round(v / scale, MidpointRounding.AwayFromZero) + zeroPoint, min), max)).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Quantize, TfliteType.Float32, null, outputType, new Quant(scale, zeroPoint), new[] { x.Length }), Bytes(x));
        AssertEqual(expected, Decode(outputType, actual));
    }

    [Theory]
    [InlineData(TfliteType.Int8, TfliteType.Int8, 0.05f, -3, 0.07f, 10)]
    [InlineData(TfliteType.Int8, TfliteType.Int8, 0.05f, -3, 0.05f, -3)]
    [InlineData(TfliteType.Int8, TfliteType.UInt8, 0.05f, -128, 0.05f, 0)]
    [InlineData(TfliteType.Int8, TfliteType.UInt8, 0.05f, 5, 0.02f, 130)]
    [InlineData(TfliteType.Int8, TfliteType.Int16, 0.05f, 4, 0.0002f, 0)]
    [InlineData(TfliteType.Int8, TfliteType.Int32, 0.05f, 4, 1e-5f, 0)]
    [InlineData(TfliteType.UInt8, TfliteType.Int8, 0.03f, 128, 0.03f, 0)]
    [InlineData(TfliteType.UInt8, TfliteType.Int8, 0.03f, 100, 0.05f, -7)]
    [InlineData(TfliteType.Int16, TfliteType.Int8, 0.000625f, 0, 0.059208333f, -128)]
    [InlineData(TfliteType.Int16, TfliteType.Int16, 0.0005f, 0, 0.0003f, 0)]
    [InlineData(TfliteType.Int16, TfliteType.Int32, 1.5259022E-05f, -32768, 3.051851E-05f, 0)]
    [InlineData(TfliteType.Int32, TfliteType.Int8, 1e-4f, 0, 0.05f, 3)]
    [InlineData(TfliteType.Int32, TfliteType.Int16, 1.4901161E-07f, 0, 0.00092197146f, 0)]
    public void Requantize(TfliteType inputType, TfliteType outputType, float inputScale, int inputZero, float outputScale, int outputZero)
    {
        int[] input = inputType switch
        {
            TfliteType.Int8 => UnaryCase.AllInt8.Select(v => (int)v).ToArray(),
            TfliteType.UInt8 => UnaryCase.AllUInt8.Select(v => (int)v).ToArray(),
            TfliteType.Int16 => UnaryCase.SpreadInt16.Select(v => (int)v).ToArray(),
            _ => RandomInts(256, -20_000_000, 20_000_000, 9),
        };
        byte[] encoded = inputType switch
        {
            TfliteType.Int8 => Bytes(input.Select(v => (sbyte)v).ToArray()),
            TfliteType.UInt8 => Bytes(input.Select(v => (byte)v).ToArray()),
            TfliteType.Int16 => Bytes(input.Select(v => (short)v).ToArray()),
            _ => Bytes(input),
        };
        (int multiplier, int shift) = TfliteReference.QuantizeMultiplier((double)inputScale / outputScale);
        (int min, int max) = Range(outputType);
        int[] expected = input.Select(q => Math.Max(Math.Min(TfliteReference.MultiplyByQuantizedMultiplier(q - inputZero, multiplier, shift) + outputZero, max), min)).ToArray();
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Quantize, inputType, new Quant(inputScale, inputZero), outputType, new Quant(outputScale, outputZero)), encoded);
        AssertEqual(expected, Decode(outputType, actual));
    }

    [Theory]
    [InlineData(TfliteType.Float32, TfliteType.Int32, "float32 → int32")]
    [InlineData(TfliteType.UInt8, TfliteType.Int16, "uint8 → int16")]
    [InlineData(TfliteType.Int32, TfliteType.Int32, "int32")]
    public void UnsupportedPairsAreReported(TfliteType input, TfliteType output, string types) =>
        AssertUnsupported(UnaryCase.Model(Quantize, input, new Quant(0.1f, 0), output, new Quant(0.2f, 0)),
            "QUANTIZE at node 0", $"operand types {types} are not supported", "supported: float32 → int8;");

    [Fact]
    public void PerChannelOutputIsReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2, 2 });
        int y = b.PerChannelTensor("y", TfliteType.Int8, new[] { 2, 2 }, new[] { 0.1f, 0.2f }, new long[2], quantizedDimension: 1);
        b.Operator(Quantize, new[] { x }, new[] { y }).Inputs(x).Outputs(y);
        Assert.Contains(Diagnostics(b), d => d.Id == "TM0007" && d.GetMessage().Contains("per-tensor"));
    }

    internal static (int Min, int Max) Range(TfliteType type) => type switch
    {
        TfliteType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        TfliteType.UInt8 => (byte.MinValue, byte.MaxValue),
        TfliteType.Int16 => (short.MinValue, short.MaxValue),
        _ => (int.MinValue, int.MaxValue),
    };

    internal static int[] Decode(TfliteType type, byte[] bytes) => type switch
    {
        TfliteType.Int8 => Values<sbyte>(bytes).Select(v => (int)v).ToArray(),
        TfliteType.UInt8 => bytes.Select(v => (int)v).ToArray(),
        TfliteType.Int16 => Values<short>(bytes).Select(v => (int)v).ToArray(),
        _ => Values<int>(bytes),
    };
}
