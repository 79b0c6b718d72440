using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// PAD and PADV2 against a naive reference (reference/pad.h: each output element is the input element
/// it covers, or the pad value), for 1-D to 5-D tensors, every TFLM type, TFLM's default pad values
/// (the output zero point for int8, 0 otherwise), constant and run-time constant_values, int64 paddings.
/// </summary>
public class PadTests
{
    public static TheoryData<int[], int[], TfliteType> Cases => new()
    {
        { new[] { 5 }, new[] { 2, 3 }, TfliteType.Float32 },
        { new[] { 3, 4 }, new[] { 1, 0, 0, 2 }, TfliteType.Int8 },
        { new[] { 1, 4, 4, 3 }, new[] { 0, 0, 1, 1, 1, 1, 0, 0 }, TfliteType.Int8 },
        { new[] { 1, 2, 5, 2 }, new[] { 0, 0, 0, 0, 3, 3, 0, 0 }, TfliteType.Int16 },
        { new[] { 2, 3, 2 }, new[] { 1, 1, 0, 2, 1, 0 }, TfliteType.Int32 },
        { new[] { 2, 1, 2, 3, 2 }, new[] { 0, 1, 1, 0, 0, 0, 2, 1, 1, 1 }, TfliteType.Float32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PadMatchesNaivePad(int[] shape, int[] paddings, TfliteType type)
    {
        int zeroPoint = type == TfliteType.Int8 ? -7 : 0;
        byte[] padValue = type switch
        {
            TfliteType.Int8 => new[] { unchecked((byte)(sbyte)zeroPoint) },
            TfliteType.Int16 => new byte[2],
            _ => new byte[4],
        };
        Check(shape, paddings, type, zeroPoint, padValue, b => { }, PadV2: false, runtimeValue: false, int64Paddings: shape.Length == 3);
    }

    [Theory]
    [InlineData(TfliteType.Float32, false)]
    [InlineData(TfliteType.Int8, false)]
    [InlineData(TfliteType.Int16, true)]
    [InlineData(TfliteType.Float32, true)]
    public void PadV2UsesTheGivenValue(TfliteType type, bool runtimeValue)
    {
        byte[] padValue = type switch
        {
            TfliteType.Int8 => new[] { unchecked((byte)(sbyte)-100) },
            TfliteType.Int16 => BitConverter.GetBytes((short)1234),
            _ => BitConverter.GetBytes(1.5f),
        };
        Check(new[] { 1, 3, 3, 2 }, new[] { 0, 1, 2, 0, 0, 1, 1, 1 }, type, 3, padValue, b => { }, PadV2: true, runtimeValue: runtimeValue, int64Paddings: false);
    }

    private static void Check(int[] shape, int[] paddings, TfliteType type, int zeroPoint, byte[] padValue, Action<TfliteModelBuilder> _, bool PadV2, bool runtimeValue, bool int64Paddings)
    {
        int size = padValue.Length;
        int rank = shape.Length;
        int[] outShape = shape.Select((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]).ToArray();
        var random = new Random(Count(shape));
        byte[] input = new byte[Count(shape) * size];
        random.NextBytes(input);
        float? scale = type is TfliteType.Int8 or TfliteType.Int16 ? 0.25f : null;

        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", type, shape, scale, zeroPoint);
        int p = int64Paddings
            ? b.Constant("paddings", TfliteType.Int64, new[] { rank, 2 }, Bytes(paddings.Select(v => (long)v).ToArray()))
            : b.Constant("paddings", TfliteType.Int32, new[] { rank, 2 }, Bytes(paddings));
        int y = b.Tensor("y", type, outShape, scale, zeroPoint);
        if (PadV2)
        {
            int v = runtimeValue
                ? b.Tensor("value", type, new[] { 1 }, scale, zeroPoint)
                : b.Constant("value", type, new[] { 1 }, padValue, scale is null ? null : new[] { scale.Value }, scale is null ? null : new long[] { zeroPoint });
            b.Operator(OperatorHarness.PadV2, new[] { x, p, v }, new[] { y }, PadV2Options).Inputs(runtimeValue ? new[] { x, v } : new[] { x }).Outputs(y);
        }
        else
        {
            b.Operator(Pad, new[] { x, p }, new[] { y }, PadOptions).Inputs(x).Outputs(y);
        }
        byte[] actual = runtimeValue ? Run(b, Count(outShape) * size, input, padValue) : Run(b, Count(outShape) * size, input);

        // Naive reference: each output element is the input element it covers, or the pad value.
        int[] inStrides = Strides(shape), outStrides = Strides(outShape);
        byte[] expected = new byte[actual.Length];
        for (int o = 0; o < Count(outShape); o++)
        {
            int j = 0;
            bool inside = true;
            for (int d = 0; d < rank; d++)
            {
                int c = o / outStrides[d] % outShape[d] - paddings[2 * d];
                inside &= c >= 0 && c < shape[d];
                j += c * inStrides[d];
            }
            if (inside)
            {
                Array.Copy(input, j * size, expected, o * size, size);
            }
            else
            {
                Array.Copy(padValue, 0, expected, o * size, size);
            }
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void NegativePaddingsAreReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 4 });
        int p = b.Constant("paddings", TfliteType.Int32, new[] { 1, 2 }, Bytes(new[] { -1, 0 }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 3 });
        b.Operator(Pad, new[] { x, p }, new[] { y }, PadOptions).Inputs(x).Outputs(y);
        Assert.Contains("negative paddings", CompileError(b));
    }
}
