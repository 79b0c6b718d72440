using System;
using System.Linq;
using TinyModel.Generator.Operators.Reduction;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// ARG_MAX and ARG_MIN beyond the opsets models (middle and last axes of 3-D tensors): every axis of a 4-D tensor,
/// negative axes, runs long enough for the vector kernels and one-element axes, against TFLM's reference loop
/// (arg_min_max.h: from index 0, replaced only when <c>std::greater</c> / <c>std::less</c> holds, so ties keep the first
/// index and a NaN never wins); an int64 output, which TFLM refuses at Invoke, and an axis outside the rank are
/// diagnostics.
/// </summary>
public class ArgMinMaxTests
{
    public static TheoryData<bool, TfliteType, int[], int> Cases()
    {
        var data = new TheoryData<bool, TfliteType, int[], int>();
        foreach (bool maximum in new[] { true, false })
        {
            foreach (TfliteType type in new[] { TfliteType.Float32, TfliteType.Int8 })
            {
                foreach (int axis in new[] { 0, 1, 2, 3, -1, -4 })
                {
                    data.Add(maximum, type, new[] { 3, 5, 2, 37 }, axis);
                }
                data.Add(maximum, type, new[] { 4, 1, 6 }, 1);
                data.Add(maximum, type, new[] { 2, 70 }, -1);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTflmsLoop(bool maximum, TfliteType type, int[] shape, int axis)
    {
        int rank = shape.Length, a = axis < 0 ? axis + rank : axis, n = Count(shape);
        int before = shape.Take(a).Aggregate(1, (x, y) => x * y), depth = shape[a], after = shape.Skip(a + 1).Aggregate(1, (x, y) => x * y);
        var random = new Random(n + a + (maximum ? 1 : 0));
        // Few distinct values, so ties are common; NaN and ±0 among the floats.
        float[] pool = { float.NaN, -0f, 0f, 1f, -1f, 0.5f, float.NegativeInfinity };
        float[] floats = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
        sbyte[] int8 = Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-3, 4)).ToArray();

        int[] expected = new int[before * after];
        for (int b = 0; b < before; b++)
        {
            for (int j = 0; j < after; j++)
            {
                int best = 0;
                for (int d = 1; d < depth; d++)
                {
                    int i = (b * depth + d) * after + j, at = (b * depth + best) * after + j;
                    bool wins = type == TfliteType.Float32
                        ? (maximum ? floats[i] > floats[at] : floats[i] < floats[at])
                        : (maximum ? int8[i] > int8[at] : int8[i] < int8[at]);
                    best = wins ? d : best;
                }
                expected[b * after + j] = best;
            }
        }

        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", type, shape, type == TfliteType.Int8 ? 0.1f : null, 2);
        int axisTensor = builder.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { axis }));
        int y = builder.Tensor("y", TfliteType.Int32, shape.Where((_, i) => i != a).ToArray());
        builder.Operator(maximum ? ArgMinMax.ArgMaxCode : ArgMinMax.ArgMinCode, new[] { x, axisTensor }, new[] { y }).Inputs(x).Outputs(y);
        byte[] input = type == TfliteType.Float32 ? Bytes(floats) : Bytes(int8);
        Assert.Equal(expected, Values<int>(Run(builder, expected.Length * 4, input)));
    }

    [Fact]
    public void AnInt64OutputIsADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2, 3 });
        int axis = b.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 1 }));
        int y = b.Tensor("y", TfliteType.Int64, new[] { 2 });
        b.Operator(ArgMinMax.ArgMaxCode, new[] { x, axis }, new[] { y }).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("int64", error);
    }

    [Fact]
    public void AnAxisOutsideTheRankIsADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2, 3 });
        int axis = b.Constant("axis", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 2 }));
        int y = b.Tensor("y", TfliteType.Int32, new[] { 2 });
        b.Operator(ArgMinMax.ArgMinCode, new[] { x, axis }, new[] { y }).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("within the 2 dimensions", error);
    }
}
