using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// MIRROR_PAD against a naive reference written from TFLM's mirror_pad.cc (<c>GetInputDimension</c>, offset 1
/// for REFLECT and 0 for SYMMETRIC), on ranks and paddings the shared models leave out.
/// </summary>
public class MirrorPadTests
{
    private const int Code = 100;
    private const byte Options = 77;

    [Theory]
    [InlineData(new[] { 5 }, new[] { 3, 4 }, 0)]
    [InlineData(new[] { 5 }, new[] { 5, 5 }, 1)]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 1, 0, 2, 3, 0 }, 0)]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 0, 3, 3, 0, 4 }, 1)]
    [InlineData(new[] { 1, 2, 3, 2, 2 }, new[] { 0, 1, 1, 1, 2, 2, 1, 0, 0, 1 }, 1)]
    public void MatchesTflmIndexing(int[] shape, int[] paddings, int mode)
    {
        int rank = shape.Length;
        int[] outputShape = Enumerable.Range(0, rank).Select(d => shape[d] + paddings[2 * d] + paddings[2 * d + 1]).ToArray();
        float[] input = Enumerable.Range(0, Count(shape)).Select(v => (float)v).ToArray();
        int offset = mode == 0 ? 1 : 0;
        int[] inStrides = Strides(shape), outStrides = Strides(outputShape);
        var expected = new float[Count(outputShape)];
        for (int o = 0; o < expected.Length; o++)
        {
            int source = 0;
            for (int d = 0; d < rank; d++)
            {
                int padded = o / outStrides[d] % outputShape[d];
                source += InputDimension(padded, paddings[2 * d], shape[d], offset) * inStrides[d];
            }
            expected[o] = input[source];
        }
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, shape);
        int p = b.Constant("paddings", TfliteType.Int64, new[] { rank, 2 }, Bytes(paddings.Select(v => (long)v).ToArray()));
        int y = b.Tensor("y", TfliteType.Float32, outputShape);
        b.Operator(Code, new[] { x, p }, new[] { y }, Options, null, TfliteModelBuilder.Option.Byte(0, (byte)mode)).Inputs(x).Outputs(y);
        Assert.Equal(expected, Values<float>(Run(b, expected.Length * 4, Bytes(input))));
    }

    [Fact]
    public void ReflectOnADimensionOfOneIsAnError()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 1, 3 });
        int p = b.Constant("paddings", TfliteType.Int32, new[] { 2, 2 }, Bytes(new[] { 1, 0, 0, 0 }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 2, 3 });
        b.Operator(Code, new[] { x, p }, new[] { y }, Options).Inputs(x).Outputs(y);
        Assert.Contains("REFLECT needs at least 2 elements", CompileError(b));
    }

    // TFLM's GetInputDimension.
    private static int InputDimension(int padded, int left, int size, int offset)
    {
        if (padded < left)
        {
            int original = left + offset - 1;
            return original - Math.Min(padded, original - offset);
        }
        padded -= left;
        if (padded >= size)
        {
            padded -= size;
            int original = size - (1 + offset);
            return original - Math.Min(padded, original);
        }
        return padded;
    }
}
