using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// GATHER, GATHER_ND and EMBEDDING_LOOKUP with run-time indices, against naive references written from
/// TFLM's gather.cc, gather_nd.cc and embedding_lookup.cc: negative axes, batch_dims, and indices out of
/// range, which TFLM fails Invoke on and the generated code throws on rather than read outside the params.
/// </summary>
public class GatherTests
{
    private const int GatherCode = 36, GatherNdCode = 107, EmbeddingLookupCode = 7;
    private const byte GatherOptions = 23, GatherNdOptions = 83;

    [Theory]
    [InlineData(new[] { 4, 5, 6 }, new[] { 3 }, -1, 0)]
    [InlineData(new[] { 4, 5, 6 }, new[] { 2, 2 }, -2, 0)]
    [InlineData(new[] { 4, 5, 6 }, new[] { 4, 3 }, 1, 1)]
    [InlineData(new[] { 4, 5, 6 }, new[] { 4, 5, 2 }, 2, -1)]
    [InlineData(new[] { 7 }, new[] { 2, 3 }, 0, 0)]
    public void GatherMatchesNaiveReference(int[] shape, int[] indexShape, int axisOption, int batchDimsOption)
    {
        int axis = axisOption < 0 ? axisOption + shape.Length : axisOption;
        int batchDims = batchDimsOption < 0 ? batchDimsOption + indexShape.Length : batchDimsOption;
        var random = new Random(shape.Sum() + indexShape.Sum() + axis);
        float[] input = RandomFloat(random, Count(shape));
        int[] indices = Enumerable.Range(0, Count(indexShape)).Select(_ => random.Next(shape[axis])).ToArray();
        int[] outputShape = shape.Take(axis).Concat(indexShape.Skip(batchDims)).Concat(shape.Skip(axis + 1)).ToArray();

        // TFLM's loops: batch, outer, coordinate, then a block of the dimensions after the axis.
        int batches = shape.Take(batchDims).Aggregate(1, (a, b) => a * b);
        int outer = shape.Skip(batchDims).Take(axis - batchDims).Aggregate(1, (a, b) => a * b);
        int inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        int coords = indexShape.Skip(batchDims).Aggregate(1, (a, b) => a * b);
        var expected = new float[Count(outputShape)];
        for (int b = 0; b < batches; b++)
        {
            for (int o = 0; o < outer; o++)
            {
                for (int k = 0; k < coords; k++)
                {
                    int index = indices[b * coords + k];
                    Array.Copy(input, (((b * outer) + o) * shape[axis] + index) * inner, expected, (((b * outer) + o) * coords + k) * inner, inner);
                }
            }
        }

        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", TfliteType.Float32, shape);
        int i = builder.Tensor("indices", TfliteType.Int32, indexShape);
        int y = builder.Tensor("y", TfliteType.Float32, outputShape);
        builder.Operator(GatherCode, new[] { x, i }, new[] { y }, GatherOptions, null,
            TfliteModelBuilder.Option.Int(0, axisOption), TfliteModelBuilder.Option.Int(1, batchDimsOption)).Inputs(x, i).Outputs(y);
        float[] actual = Values<float>(Run(builder, expected.Length * 4, Bytes(input), Bytes(indices)));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void GatherIndexOutOfRangeThrows(int badIndex)
    {
        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", TfliteType.Int8, new[] { 5, 2 }, 0.5f, 0);
        int i = builder.Tensor("positions", TfliteType.Int32, new[] { 3 });
        int y = builder.Tensor("y", TfliteType.Int8, new[] { 3, 2 }, 0.5f, 0);
        builder.Operator(GatherCode, new[] { x, i }, new[] { y }, GatherOptions).Inputs(x, i).Outputs(y);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(builder, 6, new byte[10], Bytes(new[] { 0, badIndex, 1 })));
        Assert.Contains("GATHER", e.Message);
        Assert.Contains($"index {badIndex}", e.Message);
        Assert.Contains("'positions'", e.Message);
    }

    [Fact]
    public void GatherConstantIndexOutOfRangeIsAnError()
    {
        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", TfliteType.Float32, new[] { 5, 2 });
        int i = builder.Constant("indices", TfliteType.Int32, new[] { 2 }, Bytes(new[] { 1, 5 }));
        int y = builder.Tensor("y", TfliteType.Float32, new[] { 2, 2 });
        builder.Operator(GatherCode, new[] { x, i }, new[] { y }, GatherOptions).Inputs(x).Outputs(y);
        string? error = CompileError(builder);
        Assert.NotNull(error);
        Assert.Contains("TM0007", error);
        Assert.Contains("constant index 5", error);
    }

    [Fact]
    public void EmbeddingLookupIdOutOfRangeThrows()
    {
        var builder = new TfliteModelBuilder();
        int ids = builder.Tensor("ids", TfliteType.Int32, new[] { 2 });
        int table = builder.Constant("table", TfliteType.Float32, new[] { 3, 2 }, Bytes(new float[] { 1, 2, 3, 4, 5, 6 }));
        int y = builder.Tensor("y", TfliteType.Float32, new[] { 2, 2 });
        builder.Operator(EmbeddingLookupCode, new[] { ids, table }, new[] { y }).Inputs(ids).Outputs(y);
        Assert.Equal(new float[] { 5, 6, 1, 2 }, Values<float>(Run(builder, 16, Bytes(new[] { 2, 0 }))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(builder, 16, Bytes(new[] { 2, 3 })));
    }

    [Fact]
    public void GatherNdChecksTheSliceAsTflmDoes()
    {
        // TFLM adds the components up and checks only that the selected block lies within the params: [0, 7] on
        // a 4×5 matrix is element 7 (row 1, column 2) there, while [3, 5] (element 20) is outside and fails.
        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", TfliteType.Float32, new[] { 4, 5 });
        int i = builder.Tensor("indices", TfliteType.Int32, new[] { 2, 2 });
        int y = builder.Tensor("y", TfliteType.Float32, new[] { 2 });
        builder.Operator(GatherNdCode, new[] { x, i }, new[] { y }, GatherNdOptions).Inputs(x, i).Outputs(y);
        float[] input = Enumerable.Range(0, 20).Select(v => (float)v).ToArray();
        Assert.Equal(new float[] { 7, 19 }, Values<float>(Run(builder, 8, Bytes(input), Bytes(new[] { 0, 7, 3, 4 }))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(builder, 8, Bytes(input), Bytes(new[] { 0, 7, 3, 5 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(builder, 8, Bytes(input), Bytes(new[] { -1, 0, 0, 0 })));
    }
}
