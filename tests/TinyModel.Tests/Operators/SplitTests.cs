using System;
using System.Linq;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SPLIT and SPLIT_V beyond the opsets models (axis 1 and -1 of 2-D and 3-D inputs): every axis of a 4-D tensor,
/// negative axes, one output, uneven SPLIT_V sizes with the inferred -1 first or last, against slicing by index
/// (split.h: the outputs are consecutive blocks along the axis); outputs that do not add up to the input are a
/// diagnostic naming the sizes.
/// </summary>
public class SplitTests
{
    private static readonly int[] Shape = { 2, 6, 3, 4 };

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 3)]
    [InlineData(2, 1)]
    [InlineData(-1, 4)]
    [InlineData(-3, 6)]
    public void SplitGivesEqualBlocks(int axis, int splits)
    {
        int a = axis < 0 ? axis + Shape.Length : axis;
        int[] sizes = Enumerable.Repeat(Shape[a] / splits, splits).ToArray();
        var b = new TfliteModelBuilder();
        int axisTensor = b.Constant("axis", TfliteType.Int32, Array.Empty<int>(), Bytes(new[] { axis }));
        int x = b.Tensor("x", TfliteType.Float32, Shape);
        int[] outputs = sizes.Select((s, i) => b.Tensor("y" + i, TfliteType.Float32, Shape.Select((d, k) => k == a ? s : d).ToArray())).ToArray();
        b.Operator(Split.BuiltinCode, new[] { axisTensor, x }, outputs, 35, null, TfliteModelBuilder.Option.Int(0, splits)).Inputs(x).Outputs(outputs);
        Check(b, a, sizes);
    }

    [Theory]
    [InlineData(1, new[] { 1, -1, 2 })]
    [InlineData(-1, new[] { -1, 3 })]
    [InlineData(0, new[] { 2 })]
    [InlineData(-2, new[] { 1, 2 })]
    public void SplitVGivesTheSizes(int axis, int[] sizeSplits)
    {
        int a = axis < 0 ? axis + Shape.Length : axis;
        int known = sizeSplits.Where(s => s >= 0).Sum();
        int[] sizes = sizeSplits.Select(s => s < 0 ? Shape[a] - known : s).ToArray();
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, Shape);
        int sizeTensor = b.Constant("size_splits", TfliteType.Int32, new[] { sizeSplits.Length }, Bytes(sizeSplits));
        int axisTensor = b.Constant("axis", TfliteType.Int32, Array.Empty<int>(), Bytes(new[] { axis }));
        int[] outputs = sizes.Select((s, i) => b.Tensor("y" + i, TfliteType.Float32, Shape.Select((d, k) => k == a ? s : d).ToArray())).ToArray();
        b.Operator(SplitV.BuiltinCode, new[] { x, sizeTensor, axisTensor }, outputs, 79, null, TfliteModelBuilder.Option.Int(0, sizes.Length)).Inputs(x).Outputs(outputs);
        Check(b, a, sizes);
    }

    /// <summary>Runs the model on 0, 1, 2... and compares its outputs, one after the other, with the input's blocks along the axis.</summary>
    private static void Check(TfliteModelBuilder b, int axis, int[] sizes)
    {
        int n = Count(Shape);
        float[] input = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        float[] actual = Values<float>(Run(b, n * 4, Bytes(input)));
        int outer = Shape.Take(axis).Aggregate(1, (x, y) => x * y), inner = Shape.Skip(axis + 1).Aggregate(1, (x, y) => x * y);
        var expected = new System.Collections.Generic.List<float>();
        int start = 0;
        foreach (int size in sizes)
        {
            for (int o = 0; o < outer; o++)
            {
                expected.AddRange(input.Skip((o * Shape[axis] + start) * inner).Take(size * inner));
            }
            start += size;
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SizesThatDoNotAddUpAreADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2, 6 });
        int sizeTensor = b.Constant("size_splits", TfliteType.Int32, new[] { 2 }, Bytes(new[] { 2, 3 }));
        int axisTensor = b.Constant("axis", TfliteType.Int32, Array.Empty<int>(), Bytes(new[] { 1 }));
        int y0 = b.Tensor("y0", TfliteType.Float32, new[] { 2, 2 }), y1 = b.Tensor("y1", TfliteType.Float32, new[] { 2, 3 });
        b.Operator(SplitV.BuiltinCode, new[] { x, sizeTensor, axisTensor }, new[] { y0, y1 }, 79, null, TfliteModelBuilder.Option.Int(0, 2)).Inputs(x).Outputs(y0, y1);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("does not add up", error);
    }
}
