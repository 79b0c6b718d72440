using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// What the opsets models of SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_ALL (checked bit-exact against TFLM there)
/// leave out: an int8 REDUCE_MAX/MIN whose input and output quantization differ, which TFLM refuses, must be
/// a clear diagnostic rather than a silently wrong kernel; reduced axes in two, three or four groups with kept axes
/// between them, dimensions of one, and float maxima of ±0 and NaN, against TFLM's reference loop (reduce.h:
/// every input value, in memory order, combined into its output from the reducer's initial value).
/// </summary>
public class ReduceTests
{
    [Theory]
    [InlineData(BuiltinOperator.ReduceMax)]
    [InlineData(BuiltinOperator.ReduceMin)]
    public void Int8MaxMinWithDifferentQuantizationIsADiagnostic(int code)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 2, 3 }, 0.05f, 1);
        int axes = b.Constant("axes", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 1 }));
        int y = b.Tensor("y", TfliteType.Int8, new[] { 2 }, 0.1f, 1);
        b.Operator(code, new[] { x, axes }, new[] { y }, ReducerOptions).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("same scale and zero point", error);
    }

    /// <summary>Three groups of reduced axes, innermost kept: one kernel call per kept row, its blocks a constant table of offsets in memory order.</summary>
    [Fact]
    public void ThreeGroupsCallAKernelWithATableOfBlockOffsets()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 2, 3, 4, 5, 3, 40 });
        int axis = b.Constant("axes", TfliteType.Int32, new[] { 3 }, Bytes(new[] { 0, 2, 4 }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 3, 5, 40 });
        b.Operator(BuiltinOperator.Sum, new[] { x, axis }, new[] { y }, ReducerOptions).Inputs(x).Outputs(y);
        InMemoryModel model = InMemoryModel.Compile(b.Build());
        Assert.Contains("global::TinyModel.ReductionKernels.Sum(input.Slice(p1), Constants.Layer0BlockOffsets, 3, 40, output.Slice(o, 40));", model.GeneratedSource);
        // Axis 0 (stride 2400) outer, axis 2 (stride 120) inner: 0, 120, 240, 360, 2400, ...
        Assert.Contains("int32[8]", model.ConstantsSource);
    }

    public static TheoryData<int, TfliteType, int[], int[]> Shapes()
    {
        var data = new TheoryData<int, TfliteType, int[], int[]>();
        // input shape, axes: two groups with the innermost kept (column kernel with blocks) or reduced (runs with blocks),
        // one group, three groups, dimensions of one around and between.
        int[][][] shapes =
        {
            new[] { new[] { 3, 4, 5, 17 }, new[] { 0, 2 } },
            new[] { new[] { 3, 4, 5, 17 }, new[] { 1, 3 } },
            new[] { new[] { 2, 3, 4, 5, 40 }, new[] { 1, 3 } },
            new[] { new[] { 2, 3, 4, 40 }, new[] { -1 } },
            new[] { new[] { 2, 3, 2, 2, 3 }, new[] { 4, 0, 2 } },
            new[] { new[] { 1, 6, 1, 33 }, new[] { 0, 3 } },
            new[] { new[] { 4, 1, 9 }, new[] { 0, 2 } },
            // Three and four groups through the kernels (a table of block offsets): columns of 40 and 18 (and 17: REDUCE_ALL's
            // columns need 16), runs of 33 and 20, dimensions of one between.
            new[] { new[] { 2, 3, 4, 5, 3, 40 }, new[] { 0, 2, 4 } },
            new[] { new[] { 3, 4, 2, 5, 2, 33 }, new[] { 1, 3, 5 } },
            new[] { new[] { 2, 2, 3, 2, 1, 2, 2, 3, 18 }, new[] { 0, 2, 5, 7 } },
            new[] { new[] { 2, 3, 2, 3, 2, 3, 2, 20 }, new[] { 1, 3, 5, 7 } },
            new[] { new[] { 3, 2, 2, 2, 2, 17 }, new[] { 4, 2, 0 } },
        };
        foreach ((int code, TfliteType[] types) in new[]
        {
            (BuiltinOperator.Sum, new[] { TfliteType.Float32, TfliteType.Int8, TfliteType.Int16 }),
            (BuiltinOperator.ReduceMax, new[] { TfliteType.Float32, TfliteType.Int8 }),
            (BuiltinOperator.ReduceMin, new[] { TfliteType.Float32, TfliteType.Int8 }),
            (BuiltinOperator.ReduceAll, new[] { TfliteType.Bool }),
        })
        {
            foreach (TfliteType type in types)
            {
                foreach (int[][] shape in shapes)
                {
                    data.Add(code, type, shape[0], shape[1]);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTflmsLoop(int code, TfliteType type, int[] shape, int[] axes)
    {
        int rank = shape.Length, n = Count(shape);
        bool[] reduced = new bool[rank];
        foreach (int a in axes)
        {
            reduced[a < 0 ? a + rank : a] = true;
        }
        int[] outShape = shape.Where((_, i) => !reduced[i]).ToArray();
        int outCount = Count(outShape), count = n / outCount;
        var random = new Random(code * 31 + n + (int)type);
        // Floats from a few values, so zeros of both signs tie for the maximum, NaN and infinities among them.
        float[] specials = { -0f, 0f, float.NaN, float.NegativeInfinity, -1f, -2.5f };
        float[] floats = Enumerable.Range(0, n).Select(_ => random.Next(4) == 0 ? (float)random.NextDouble() : specials[random.Next(specials.Length)]).ToArray();
        if (code == BuiltinOperator.ReduceMin)
        {
            floats = floats.Select(v => -v).ToArray();
        }
        sbyte[] int8 = RandomInt8(random, n);
        short[] int16 = RandomInt16(random, n);
        bool[] bools = Enumerable.Range(0, n).Select(_ => random.Next(2 * count) != 0).ToArray();

        // Every input value, in memory order, to the output that drops its reduced coordinates.
        int[] strides = Strides(shape);
        var members = Enumerable.Range(0, outCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < n; i++)
        {
            int o = 0;
            for (int d = 0; d < rank; d++)
            {
                if (!reduced[d])
                {
                    o = o * shape[d] + i / strides[d] % shape[d];
                }
            }
            members[o].Add(i);
        }

        var b = new TfliteModelBuilder();
        bool quantized = type is TfliteType.Int8 or TfliteType.Int16;
        float scale = 0.05f, outScale = code == BuiltinOperator.Sum ? 0.4f : scale;
        int zero = type == TfliteType.Int8 ? 3 : 0;
        int x = b.Tensor("x", type, shape, quantized ? scale : null, zero);
        int axis = b.Constant("axes", TfliteType.Int32, new[] { axes.Length }, Bytes(axes));
        int y = b.Tensor("y", type, outShape, quantized ? outScale : null, zero);
        b.Operator(code, new[] { x, axis }, new[] { y }, ReducerOptions).Inputs(x).Outputs(y);

        switch (type)
        {
            case TfliteType.Float32:
            {
                float[] expected = members.Select(m => m.Aggregate(code == BuiltinOperator.Sum ? 0f : code == BuiltinOperator.ReduceMax ? float.MinValue : float.MaxValue,
                    (best, i) => code == BuiltinOperator.Sum ? best + floats[i] : code == BuiltinOperator.ReduceMax ? (floats[i] > best ? floats[i] : best) : (floats[i] < best ? floats[i] : best))).ToArray();
                float[] actual = Values<float>(Run(b, outCount * 4, Bytes(floats)));
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                break;
            }
            case TfliteType.Bool:
                Assert.Equal(members.Select(m => m.All(i => bools[i])), Values<bool>(Run(b, outCount, Bytes(bools))));
                break;
            case TfliteType.Int8 when code != BuiltinOperator.Sum:
                Assert.Equal(members.Select(m => code == BuiltinOperator.ReduceMax ? m.Max(i => int8[i]) : m.Min(i => int8[i])), Values<sbyte>(Run(b, outCount, Bytes(int8))));
                break;
            default:
            {
                (int multiplier, int shift) = TfliteReference.QuantizeMultiplier((double)scale / outScale);
                int min = type == TfliteType.Int8 ? -128 : -32768, max = type == TfliteType.Int8 ? 127 : 32767;
                int[] expected = members.Select(m => Math.Clamp(TfliteReference.MultiplyByQuantizedMultiplier(
                    m.Sum(i => type == TfliteType.Int8 ? int8[i] : int16[i]) - zero * count, multiplier, shift) + zero, min, max)).ToArray();
                if (type == TfliteType.Int8)
                {
                    Assert.Equal(expected.Select(v => (sbyte)v), Values<sbyte>(Run(b, outCount, Bytes(int8))));
                }
                else
                {
                    Assert.Equal(expected.Select(v => (short)v), Values<short>(Run(b, outCount * 2, Bytes(int16))));
                }
                break;
            }
        }
    }
}
