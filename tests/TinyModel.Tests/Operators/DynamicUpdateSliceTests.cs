using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// DYNAMIC_UPDATE_SLICE with run-time start indices, against a naive reference written from TFLM's
/// dynamic_update_slice.cc: each start clamped to [0, operand dimension - update dimension], in 64 bits.
/// </summary>
public class DynamicUpdateSliceTests
{
    private const int Code = 151;
    private const byte Options = 117;

    [Theory]
    [InlineData(1L, 2L, 0L)]
    [InlineData(-5L, 9L, 1L)]
    [InlineData(3L, -1L, 2L)]
    [InlineData(long.MaxValue, long.MinValue, 0L)]
    public void RunTimeStartsAreClampedAsTflmDoes(long s0, long s1, long s2)
    {
        int[] shape = { 4, 5, 3 }, updateShape = { 2, 3, 1 };
        long[] starts = { s0, s1, s2 };
        var random = new Random(7);
        float[] operand = RandomFloat(random, Count(shape));
        float[] update = RandomFloat(random, Count(updateShape));
        float[] expected = (float[])operand.Clone();
        int[] clamped = Enumerable.Range(0, 3).Select(d => (int)Math.Min(Math.Max(0L, starts[d]), shape[d] - updateShape[d])).ToArray();
        for (int i = 0; i < updateShape[0]; i++)
        {
            for (int j = 0; j < updateShape[1]; j++)
            {
                for (int k = 0; k < updateShape[2]; k++)
                {
                    expected[((clamped[0] + i) * shape[1] + clamped[1] + j) * shape[2] + clamped[2] + k] = update[(i * updateShape[1] + j) * updateShape[2] + k];
                }
            }
        }

        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("operand", TfliteType.Float32, shape);
        int u = builder.Tensor("update", TfliteType.Float32, updateShape);
        int s = builder.Tensor("start", TfliteType.Int64, new[] { 3 });
        int y = builder.Tensor("y", TfliteType.Float32, shape);
        builder.Operator(Code, new[] { x, u, s }, new[] { y }, Options).Inputs(x, u, s).Outputs(y);
        float[] actual = Values<float>(Run(builder, expected.Length * 4, Bytes(operand), Bytes(update), Bytes(starts)));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ConstantOperandWithARunTimeUpdate()
    {
        // A constant buffer (say, a cache's initial state) with a run-time update at constant, clamped starts.
        var builder = new TfliteModelBuilder();
        int x = builder.Constant("operand", TfliteType.Int32, new[] { 3, 3 }, Bytes(Enumerable.Range(1, 9).ToArray()));
        int u = builder.Tensor("update", TfliteType.Int32, new[] { 2, 1 });
        int s = builder.Constant("start", TfliteType.Int32, new[] { 2 }, Bytes(new[] { 5, -2 }));
        int y = builder.Tensor("y", TfliteType.Int32, new[] { 3, 3 });
        builder.Operator(Code, new[] { x, u, s }, new[] { y }, Options).Inputs(u).Outputs(y);
        Assert.Equal(new[] { 1, 2, 3, -7, 5, 6, -8, 8, 9 }, Values<int>(Run(builder, 36, Bytes(new[] { -7, -8 }))));
    }
}
