using System;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// MUL beyond the opsets models: every fused activation, broadcast shapes, constant inputs, extreme
/// quantization and int32 wrapping. Expected values: a naive transcription of TFLM's reference mul.h and
/// integer_ops/mul.h with mul_common.cc's multiplier (in double).
/// </summary>
public class MulTests
{
    private const int Mul = 18;
    private const byte MulOptions = 21;
    private static readonly Quant In1 = new(0.05f, -3), In2 = new(0.11f, 7), Out = new(0.13f, -10);
    private static readonly Quant In1Int16 = new(0.0006f, 0), In2Int16 = new(0.0009f, 0), OutInt16 = new(0.00013f, 0);

    private static Func<int, int, long> Quantized(Quant q1, Quant q2, Quant qo, byte activation, int min, int max)
    {
        (int m, int s) = TfliteReference.QuantizeMultiplier((double)q1.Scale * q2.Scale / qo.Scale);
        (int lo, int hi) = TfliteReference.QuantizedActivationRange(activation, qo.Scale, qo.ZeroPoint, min, max);
        return (x, y) => Math.Min(hi, Math.Max(lo, qo.ZeroPoint + TfliteReference.MultiplyByQuantizedMultiplier((x - q1.ZeroPoint) * (y - q2.ZeroPoint), m, s)));
    }

    private static Func<float, float, float> Float(byte activation)
    {
        (float lo, float hi) = TfliteReference.FloatActivationRange(activation);
        return (x, y) => Math.Min(Math.Max(x * y, lo), hi);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Float32EveryActivation(byte activation) =>
        new BinaryCase(Mul, TfliteType.Float32, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, OptionsType: MulOptions, Activation: activation).AssertFloat(Float(activation));

    [Theory]
    [MemberData(nameof(AddTests.BroadcastShapes), MemberType = typeof(AddTests))]
    public void Float32Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryCase(Mul, TfliteType.Float32, shape1, shape2, output, OptionsType: MulOptions, Activation: 1).AssertFloat(Float(1));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Int8EveryActivation(byte activation) =>
        new BinaryCase(Mul, TfliteType.Int8, new[] { 3, 7 }, new[] { 3, 7 }, new[] { 3, 7 }, In1, In2, new Quant(0.02f, 5), MulOptions, activation)
            .AssertInteger(Quantized(In1, In2, new Quant(0.02f, 5), activation, -128, 127));

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 4, 1 }, new[] { 1, 4 }, new[] { 4, 4 })]
    [InlineData(new[] { 2, 3, 1, 5 }, new[] { 3, 4, 1 }, new[] { 2, 3, 4, 5 })]
    public void Int8Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryCase(Mul, TfliteType.Int8, shape1, shape2, output, In1, In2, Out, MulOptions).AssertInteger(Quantized(In1, In2, Out, 0, -128, 127));

    [Theory]
    [InlineData(1e-6f)]   // a multiplier far below one: a large right shift
    [InlineData(100f)]    // above one: a left shift, outputs saturate
    public void Int8ExtremeOutputScale(float scale) =>
        new BinaryCase(Mul, TfliteType.Int8, new[] { 64 }, new[] { 64 }, new[] { 64 }, new Quant(0.5f, -128), new Quant(0.5f, 127), new Quant(scale, 0), MulOptions)
            .AssertInteger(Quantized(new Quant(0.5f, -128), new Quant(0.5f, 127), new Quant(scale, 0), 0, -128, 127));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Int16(byte activation) =>
        new BinaryCase(Mul, TfliteType.Int16, new[] { 2, 40 }, new[] { 40 }, new[] { 2, 40 }, In1Int16, In2Int16, OutInt16, MulOptions, activation)
            .AssertInteger(Quantized(In1Int16, In2Int16, OutInt16, activation, short.MinValue, short.MaxValue));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Int32WrapsAndClampsAsTflmDoes(byte activation)
    {
        (int lo, int hi) = activation switch { 1 => (0, int.MaxValue), 3 => (0, 6), _ => (int.MinValue, int.MaxValue) };
        new BinaryCase(Mul, TfliteType.Int32, new[] { 3, 5 }, new[] { 5 }, new[] { 3, 5 }, OptionsType: MulOptions, Activation: activation)
            .AssertInteger((x, y) => Math.Min(hi, Math.Max(lo, unchecked(x * y))));
    }

    [Theory]
    [InlineData(TfliteType.Float32, true, false)]
    [InlineData(TfliteType.Float32, false, true)]
    [InlineData(TfliteType.Int8, true, false)]
    [InlineData(TfliteType.Int16, false, true)]
    [InlineData(TfliteType.Int32, false, true)]
    public void ConstantInput(TfliteType type, bool constant1, bool constant2)
    {
        (Quant? q1, Quant? q2, Quant? qo) = type switch
        {
            TfliteType.Int8 => (In1, In2, Out),
            TfliteType.Int16 => (In1Int16, In2Int16, OutInt16),
            _ => ((Quant?)null, (Quant?)null, (Quant?)null),
        };
        var test = new BinaryCase(Mul, type, new[] { 3, 8 }, new[] { 8 }, new[] { 3, 8 }, q1, q2, qo, MulOptions, Constant1: constant1, Constant2: constant2);
        switch (type)
        {
            case TfliteType.Float32:
                test.AssertFloat(Float(0));
                break;
            case TfliteType.Int32:
                test.AssertInteger((x, y) => unchecked(x * y));
                break;
            default:
                test.AssertInteger(Quantized(q1!, q2!, qo!, 0, type == TfliteType.Int8 ? -128 : short.MinValue, type == TfliteType.Int8 ? 127 : short.MaxValue));
                break;
        }
    }

    [Theory]
    [InlineData(TfliteType.Float32)]
    [InlineData(TfliteType.Int8)]
    public void ScalarConstantInput(TfliteType type)
    {
        Quant? q = type == TfliteType.Int8 ? In1 : null;
        var test = new BinaryCase(Mul, type, new[] { 4, 6 }, new[] { 1 }, new[] { 4, 6 }, q, type == TfliteType.Int8 ? In2 : null, type == TfliteType.Int8 ? Out : null, MulOptions, 3, Constant2: true);
        if (type == TfliteType.Float32)
        {
            test.AssertFloat(Float(3));
        }
        else
        {
            test.AssertInteger(Quantized(In1, In2, Out, 3, -128, 127));
        }
    }

    [Fact]
    public void Int16WithZeroPointsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Mul, TfliteType.Int16, new[] { 4 }, new[] { 4 }, new[] { 4 }, new Quant(0.01f, 3), In2Int16, OutInt16, MulOptions).Model(),
            "MUL at node 0", "zero points", "requires 0");

    [Fact]
    public void QuantizedBroadcastOverFiveDimensionsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Mul, TfliteType.Int8, new[] { 2, 1, 2, 1, 3 }, new[] { 3 }, new[] { 2, 1, 2, 1, 3 }, In1, In2, Out, MulOptions).Model(),
            "5 dimensions", "at most 4");

    [Fact]
    public void FusedTanhIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Mul, TfliteType.Float32, new[] { 3 }, new[] { 3 }, new[] { 3 }, OptionsType: MulOptions, Activation: 4).Model(),
            "fused activation Tanh");
}
