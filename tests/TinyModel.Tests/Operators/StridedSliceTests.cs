using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// STRIDED_SLICE against a naive reference written from TensorFlow's slicing rules (Python-style
/// begin/end with negative indices, clamping per stride direction, begin_mask/end_mask for the
/// full range, shrink_axis_mask for a single index, offset meaning end = begin + size), which TFLM's
/// strided_slice_logic.h implements: positive and negative strides, masks, shrinking, offset, 1-D to 5-D.
/// </summary>
public class StridedSliceTests
{
    public sealed record Case(int[] Shape, int[] Begin, int[] End, int[] Strides, int BeginMask = 0, int EndMask = 0, int ShrinkMask = 0, bool Offset = false)
    {
        public override string ToString() => $"[{string.Join(",", Shape)}] {string.Join(",", Begin)}:{string.Join(",", End)}:{string.Join(",", Strides)} b{BeginMask} e{EndMask} s{ShrinkMask}{(Offset ? " offset" : "")}";
    }

    public static TheoryData<Case> Cases => new()
    {
        new Case(new[] { 8 }, new[] { 1 }, new[] { 6 }, new[] { 2 }),
        new Case(new[] { 8 }, new[] { -2 }, new[] { 0 }, new[] { -1 }),
        new Case(new[] { 8 }, new[] { 100 }, new[] { -100 }, new[] { -3 }),
        new Case(new[] { 8 }, new[] { 3 }, new[] { 0 }, new[] { -1 }, BeginMask: 1, EndMask: 1),
        new Case(new[] { 3, 5 }, new[] { 1, -4 }, new[] { 3, 5 }, new[] { 1, 2 }),
        new Case(new[] { 3, 5 }, new[] { 1, 0 }, new[] { 2, 5 }, new[] { 1, 1 }, ShrinkMask: 1),
        new Case(new[] { 3, 5 }, new[] { -1, 2 }, new[] { 0, 0 }, new[] { 1, 1 }, ShrinkMask: 3),
        new Case(new[] { 2, 3, 4 }, new[] { 0, 1, -1 }, new[] { 2, 3, 0 }, new[] { 1, 1, -2 }, EndMask: 4),
        new Case(new[] { 2, 3, 4 }, new[] { 1, 0, 1 }, new[] { 1, 2, 2 }, new[] { 1, 1, 1 }, Offset: true),
        new Case(new[] { 1, 4, 6, 3 }, new[] { 0, -2, 0, 0 }, new[] { 0, 0, 0, 2 }, new[] { 1, 1, 1, 1 }, BeginMask: 13, EndMask: 7),
        new Case(new[] { 2, 3, 2, 4, 3 }, new[] { 1, 2, 0, 3, 0 }, new[] { 0, 0, 2, 0, 3 }, new[] { -1, -1, 1, -2, 2 }, BeginMask: 1, EndMask: 3),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveSlicing(Case c)
    {
        int rank = c.Shape.Length;
        var axes = new List<int[]>();
        var outShape = new List<int>();
        for (int d = 0; d < rank; d++)
        {
            int[] indices = AxisIndices(c, d);
            axes.Add(indices);
            if ((c.ShrinkMask & (1 << d)) == 0)
            {
                outShape.Add(indices.Length);
            }
        }
        var random = new Random(rank * 31 + c.Begin.Sum());
        short[] input = RandomInt16(random, Count(c.Shape));

        // Naive reference: every combination of the selected indices, in order.
        int[] strides = Strides(c.Shape);
        var expected = new List<short>();
        void Gather(int d, int offset)
        {
            if (d == rank)
            {
                expected.Add(input[offset]);
                return;
            }
            foreach (int i in axes[d])
            {
                Gather(d + 1, offset + i * strides[d]);
            }
        }
        Gather(0, 0);

        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int16, c.Shape, 0.5f);
        int begin = b.Constant("begin", TfliteType.Int32, new[] { rank }, Bytes(c.Begin));
        int end = b.Constant("end", TfliteType.Int32, new[] { rank }, Bytes(c.End));
        int stride = b.Constant("strides", TfliteType.Int32, new[] { rank }, Bytes(c.Strides));
        int y = b.Tensor("y", TfliteType.Int16, outShape.ToArray(), 0.5f);
        b.Operator(StridedSlice, new[] { x, begin, end, stride }, new[] { y }, StridedSliceOptions, null,
                TfliteModelBuilder.Option.Int(0, c.BeginMask), TfliteModelBuilder.Option.Int(1, c.EndMask),
                TfliteModelBuilder.Option.Int(4, c.ShrinkMask), TfliteModelBuilder.Option.Bool(5, c.Offset))
            .Inputs(x).Outputs(y);
        short[] actual = Values<short>(Run(b, expected.Count * 2, Bytes(input)));
        Assert.Equal(expected.ToArray(), actual);
    }

    /// <summary>The input indices TensorFlow's slicing selects on one axis.</summary>
    private static int[] AxisIndices(Case c, int d)
    {
        int n = c.Shape[d], stride = c.Strides[d];
        int begin = c.Begin[d] < 0 ? c.Begin[d] + n : c.Begin[d];
        if ((c.ShrinkMask & (1 << d)) != 0)
        {
            return new[] { begin };
        }
        int start = stride > 0 ? Math.Clamp(begin, 0, n) : Math.Clamp(begin, -1, n - 1);
        if ((c.BeginMask & (1 << d)) != 0)
        {
            start = stride > 0 ? 0 : n - 1;
        }
        int end = c.Offset ? c.End[d] + start : c.End[d];
        end = end < 0 ? end + n : end;
        int stop = stride > 0 ? Math.Clamp(end, 0, n) : Math.Clamp(end, -1, n - 1);
        if ((c.EndMask & (1 << d)) != 0)
        {
            stop = stride > 0 ? n : -1;
        }
        var indices = new List<int>();
        for (int i = start; stride > 0 ? i < stop : i > stop; i += stride)
        {
            indices.Add(i);
        }
        return indices.ToArray();
    }

    [Fact]
    public void EllipsisMaskIsReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 4 });
        int begin = b.Constant("begin", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 0 }));
        int end = b.Constant("end", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 2 }));
        int stride = b.Constant("strides", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 1 }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 2 });
        b.Operator(StridedSlice, new[] { x, begin, end, stride }, new[] { y }, StridedSliceOptions, null, TfliteModelBuilder.Option.Int(2, 1))
            .Inputs(x).Outputs(y);
        Assert.Contains("TFLM does not support them", CompileError(b));
    }
}
