using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// CONCATENATION against a naive reference (TFLM's reference/concatenation.h: for each slice before the
/// axis, each input's block in turn), for every axis, negative axes, three inputs, a constant input and
/// inputs with their own quantization (copied as they are, as TFLM does).
/// </summary>
public class ConcatenationTests
{
    public static TheoryData<int, TfliteType, bool> Cases => new()
    {
        { 0, TfliteType.Float32, false },
        { 1, TfliteType.Int8, false },
        { 2, TfliteType.Int16, true },
        { 3, TfliteType.Int8, true },
        { -1, TfliteType.Int32, false },
        { -3, TfliteType.Float32, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveConcatenation(int axis, TfliteType type, bool constantMiddle)
    {
        int size = type switch { TfliteType.Float32 or TfliteType.Int32 => 4, TfliteType.Int16 => 2, _ => 1 };
        int rank = 4;
        int a = axis < 0 ? axis + rank : axis;
        int[] baseShape = { 2, 3, 2, 4 };
        int[] sizes = { 1, 3, 2 };
        int[][] shapes = sizes.Select(s => baseShape.Select((d, i) => i == a ? s : d).ToArray()).ToArray();
        int[] outShape = baseShape.Select((d, i) => i == a ? sizes.Sum() : d).ToArray();
        var random = new Random(axis + 10);
        byte[][] data = shapes.Select(s => { var bytes = new byte[Count(s) * size]; random.NextBytes(bytes); return bytes; }).ToArray();

        var b = new TfliteModelBuilder();
        int[] tensors = new int[3];
        for (int i = 0; i < 3; i++)
        {
            tensors[i] = i == 1 && constantMiddle
                ? b.Constant("c", type, shapes[i], data[i], type is TfliteType.Int8 or TfliteType.Int16 ? new[] { 0.5f } : null)
                : b.Tensor("x" + i, type, shapes[i], type is TfliteType.Int8 or TfliteType.Int16 ? 0.5f + i : null, i);
        }
        int y = b.Tensor("y", type, outShape, type is TfliteType.Int8 or TfliteType.Int16 ? 0.5f : null);
        b.Operator(Concatenation, tensors, new[] { y }, ConcatenationOptions, null, TfliteModelBuilder.Option.Int(0, axis))
            .Inputs(tensors.Where((_, i) => !(i == 1 && constantMiddle)).ToArray()).Outputs(y);
        byte[] actual = Run(b, Count(outShape) * size, data.Where((_, i) => !(i == 1 && constantMiddle)).ToArray());

        // Naive reference: outer slices, then each input's block of (its axis size × inner) elements.
        int outer = baseShape.Take(a).Aggregate(1, (x, z) => x * z);
        int inner = baseShape.Skip(a + 1).Aggregate(1, (x, z) => x * z);
        var expected = new System.Collections.Generic.List<byte>();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < 3; i++)
            {
                int block = sizes[i] * inner * size;
                expected.AddRange(data[i].Skip(o * block).Take(block));
            }
        }
        Assert.Equal(expected.ToArray(), actual);
    }

    [Fact]
    public void AFusedActivationIsReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2 });
        int z = b.Tensor("z", TfliteType.Float32, new[] { 2 });
        int y = b.Tensor("y", TfliteType.Float32, new[] { 4 });
        b.Operator(Concatenation, new[] { x, z }, new[] { y }, ConcatenationOptions, null, TfliteModelBuilder.Option.Int(0, 0), TfliteModelBuilder.Option.Byte(1, 1))
            .Inputs(x, z).Outputs(y);
        Assert.Contains("TFLM requires NONE", CompileError(b));
    }
}
