using System;
using System.Linq;
using TinyModel.Generator.Operators.Reduction;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// CUMSUM beyond the opsets models: every axis of a 4-D tensor (so runs of one, a few and many columns after the
/// axis), negative axes, all four exclusive/reverse combinations, float bit for bit against TFLM's reference loop
/// (cumsum.h, sums in its order) and int8 against its quantized path (<see cref="TfliteReference.CumSumInt8"/>, with
/// TFLM's multipliers from the scales); an output scale too small for TFLM's rescaling is a diagnostic.
/// </summary>
public class CumSumTests
{
    private const byte CumsumOptions = 99; // BuiltinOptions.CumsumOptions in schema.fbs

    public static TheoryData<TfliteType, int, bool, bool> Cases()
    {
        var data = new TheoryData<TfliteType, int, bool, bool>();
        foreach (TfliteType type in new[] { TfliteType.Float32, TfliteType.Int8 })
        {
            foreach (int axis in new[] { 0, 1, 2, -1 })
            {
                for (int flags = 0; flags < 4; flags++)
                {
                    data.Add(type, axis, (flags & 1) != 0, (flags & 2) != 0);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTflmsLoop(TfliteType type, int axis, bool exclusive, bool reverse)
    {
        int[] shape = { 2, 9, 3, 19 };
        int a = axis < 0 ? axis + shape.Length : axis, n = Count(shape);
        int before = shape.Take(a).Aggregate(1, (x, y) => x * y), depth = shape[a], after = shape.Skip(a + 1).Aggregate(1, (x, y) => x * y);
        var random = new Random(a * 4 + (exclusive ? 1 : 0) + (reverse ? 2 : 0));
        const float inputScale = 0.02f, outputScale = 0.25f;
        const int inputZeroPoint = -7, outputZeroPoint = 3;

        var b = new TfliteModelBuilder();
        float? quantized = type == TfliteType.Int8 ? inputScale : null;
        int x = b.Tensor("x", type, shape, quantized, inputZeroPoint);
        int axisTensor = b.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { axis }));
        int y = b.Tensor("y", type, shape, type == TfliteType.Int8 ? outputScale : null, outputZeroPoint);
        b.Operator(CumSum.BuiltinCode, new[] { x, axisTensor }, new[] { y }, CumsumOptions, null,
            TfliteModelBuilder.Option.Bool(0, exclusive), TfliteModelBuilder.Option.Bool(1, reverse)).Inputs(x).Outputs(y);

        if (type == TfliteType.Float32)
        {
            float[] input = RandomFloat(random, n, 3f);
            float[] expected = new float[n];
            for (int o = 0; o < before; o++)
            {
                for (int j = 0; j < after; j++)
                {
                    float sum = 0f;
                    for (int d = 0; d < depth; d++)
                    {
                        int i = (o * depth + (reverse ? depth - 1 - d : d)) * after + j;
                        float previous = sum;
                        sum += input[i];
                        expected[i] = exclusive ? previous : sum;
                    }
                }
            }
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), Values<float>(Run(b, n * 4, Bytes(input))).Select(BitConverter.SingleToInt32Bits));
            return;
        }
        sbyte[] values = RandomInt8(random, n);
        // cumsum.cc's Prepare: input scale / (2 · input scale), and 2 · input scale / (2^20 · output scale).
        (int inputMultiplier, int inputShift) = TfliteReference.QuantizeMultiplier(0.5);
        (int outputMultiplier, int outputShift) = TfliteReference.QuantizeMultiplier(2.0 * inputScale / ((1 << 20) * (double)outputScale));
        sbyte[] quantizedExpected = TfliteReference.CumSumInt8(values, before, depth, after, exclusive, reverse,
            -inputZeroPoint, inputMultiplier, inputShift, outputZeroPoint, outputMultiplier, outputShift);
        Assert.Equal(quantizedExpected, Values<sbyte>(Run(b, n, Bytes(values))));
    }

    [Fact]
    public void AnOutputScaleTooSmallForTflmsRescalingIsADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 2, 3 }, 0.5f, 0);
        int axis = b.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 1 }));
        int y = b.Tensor("y", TfliteType.Int8, new[] { 2, 3 }, 1e-7f, 0);
        b.Operator(CumSum.BuiltinCode, new[] { x, axis }, new[] { y }).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("too small for TFLM's CUMSUM rescaling", error);
    }
}
