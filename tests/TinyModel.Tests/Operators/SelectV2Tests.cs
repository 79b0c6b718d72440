using System.Collections.Generic;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SELECT_V2 beyond the opsets models: all three operands broadcast against each other (up to 5 dimensions),
/// constant and single-element operands, quantized x and y copied as stored, and the broadcast limit of TFLM's
/// <c>BroadcastSelect5DSlow</c>. Expected values: <c>condition ? x : y</c> per element by multi-index broadcasting.
/// </summary>
public class SelectV2Tests
{
    private const int SelectV2 = 123;

    /// <summary>Builds and runs a SELECT_V2 of int8 or float32 values (as ints, or floats when <paramref name="type"/> is float32); constants where asked.</summary>
    private static void AssertSelect(TfliteType type, int[] conditionShape, int[] xShape, int[] yShape, int[] outputShape, bool constantCondition = false, bool constantX = false, bool constantY = false)
    {
        int[] condition = RandomInts(TfliteReference.Count(conditionShape), 0, 1, 3);
        int[] x = RandomInts(TfliteReference.Count(xShape), -128, 127, 4);
        int[] y = RandomInts(TfliteReference.Count(yShape), -128, 127, 5);
        byte[] Encode(int[] values) => type switch
        {
            TfliteType.Float32 => Bytes(values.Select(v => v / 8f).ToArray()),
            TfliteType.Int16 => Bytes(values.Select(v => (short)(v * 200)).ToArray()),
            _ => values.Select(v => (byte)(sbyte)v).ToArray(),
        };
        var b = new TfliteModelBuilder();
        var runTime = new List<(int Tensor, byte[] Data)>();
        int Operand(string name, TfliteType operandType, int[] shape, byte[] data, bool constant, Quant? quant)
        {
            if (constant)
            {
                return b.Constant(name, operandType, shape, data, quant is null ? null : new[] { quant.Scale }, quant is null ? null : new long[] { quant.ZeroPoint });
            }
            int tensor = b.Tensor(name, operandType, shape, quant?.Scale, quant?.ZeroPoint ?? 0);
            runTime.Add((tensor, data));
            return tensor;
        }
        // x and y with different parameters: TFLM copies stored values without rescaling.
        Quant? qx = type == TfliteType.Float32 ? null : new Quant(0.1f, 3), qy = type == TfliteType.Float32 ? null : new Quant(0.7f, -9);
        int c = Operand("c", TfliteType.Bool, conditionShape, condition.Select(v => (byte)v).ToArray(), constantCondition, null);
        int xt = Operand("x", type, xShape, Encode(x), constantX, qx);
        int yt = Operand("y", type, yShape, Encode(y), constantY, qy);
        int output = b.Tensor("out", type, outputShape, qx?.Scale, qx?.ZeroPoint ?? 0);
        b.Operator(SelectV2, new[] { c, xt, yt }, new[] { output }).Inputs(runTime.Select(r => r.Tensor).ToArray()).Outputs(output);

        byte[] actual = Run(Compile(b), runTime.Select(r => r.Data).ToArray());
        int[] expected = Enumerable.Range(0, TfliteReference.Count(outputShape))
            .Select(i => condition[TfliteReference.BroadcastIndex(i, outputShape, conditionShape)] != 0
                ? x[TfliteReference.BroadcastIndex(i, outputShape, xShape)]
                : y[TfliteReference.BroadcastIndex(i, outputShape, yShape)])
            .ToArray();
        AssertEqual(Encode(expected), actual);
    }

    public static TheoryData<int[], int[], int[], int[]> Shapes() => new()
    {
        { new[] { 3, 4 }, new[] { 3, 4 }, new[] { 3, 4 }, new[] { 3, 4 } },
        { new[] { 3, 1 }, new[] { 1, 4 }, new[] { 3, 4 }, new[] { 3, 4 } },
        { new[] { 4 }, new[] { 2, 3, 1 }, new[] { 1 }, new[] { 2, 3, 4 } },
        { new[] { 2, 1, 3, 1, 2 }, new[] { 1, 2, 1, 2, 1 }, new[] { 2, 1, 1, 1, 2 }, new[] { 2, 2, 3, 2, 2 } },
        { new[] { 2, 37 }, new[] { 37 }, new[] { 2, 1 }, new[] { 2, 37 } },
        { new[] { 3, 16 }, new[] { 3, 16 }, new[] { 16 }, new[] { 3, 16 } },
        // A condition per run (repeated along the innermost dimension): each run a copy of x's or y's, or a fill.
        { new[] { 7, 1 }, new[] { 7, 9 }, new[] { 1 }, new[] { 7, 9 } },
        { new[] { 4, 1, 1 }, new[] { 4, 3, 5 }, new[] { 3, 5 }, new[] { 4, 3, 5 } },
        { new[] { 1 }, new[] { 2, 6 }, new[] { 2, 6 }, new[] { 2, 6 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryTypeBroadcasts(int[] condition, int[] x, int[] y, int[] output)
    {
        AssertSelect(TfliteType.Float32, condition, x, y, output);
        AssertSelect(TfliteType.Int8, condition, x, y, output);
        AssertSelect(TfliteType.Int16, condition, x, y, output);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, true)]
    public void ConstantOperands(bool condition, bool x, bool y)
    {
        AssertSelect(TfliteType.Int8, new[] { 2, 5 }, new[] { 5 }, new[] { 2, 1 }, new[] { 2, 5 }, condition, x, y);
        AssertSelect(TfliteType.Int8, new[] { 1 }, new[] { 1 }, new[] { 2, 5 }, new[] { 2, 5 }, condition, x, y);
        AssertSelect(TfliteType.Float32, new[] { 2, 5 }, new[] { 1 }, new[] { 1 }, new[] { 2, 5 }, condition, x, y);
    }

    /// <summary>
    /// An intermediate tensor that the output may take over in the arena: t = x + y, then SELECT_V2(c, t, z) and
    /// ADD_N(t, z, t) each write in place of t where the planner lets them; the results must not change.
    /// </summary>
    [Fact]
    public void IntermediateInputsSharedInPlace()
    {
        const int n = 12;
        float[] x = RandomFloats(n, -2f, 2f, 1), y = RandomFloats(n, -2f, 2f, 2), z = RandomFloats(n, -2f, 2f, 3);
        byte[] c = RandomInts(n, 0, 1, 4).Select(v => (byte)v).ToArray();
        foreach (bool select in new[] { true, false })
        {
            var b = new TfliteModelBuilder();
            int xt = b.Tensor("x", TfliteType.Float32, new[] { 3, 4 }), yt = b.Tensor("y", TfliteType.Float32, new[] { 3, 4 });
            int zt = b.Tensor("z", TfliteType.Float32, new[] { 3, 4 }), ct = b.Tensor("c", TfliteType.Bool, new[] { 3, 4 });
            int t = b.Tensor("t", TfliteType.Float32, new[] { 3, 4 }), output = b.Tensor("out", TfliteType.Float32, new[] { 3, 4 });
            b.Operator(Add, new[] { xt, yt }, new[] { t }, AddOptions);
            b.Operator(select ? SelectV2 : 106, select ? new[] { ct, t, zt } : new[] { t, zt, t }, new[] { output });
            b.Inputs(xt, yt, zt, ct).Outputs(output);
            float[] actual = Values<float>(Run(Compile(b), Bytes(x), Bytes(y), Bytes(z), c));
            float[] expected = Enumerable.Range(0, n).Select(i =>
            {
                float sum = x[i] + y[i];
                return select ? (c[i] != 0 ? sum : z[i]) : 0f + sum + z[i] + sum;
            }).ToArray();
            AssertEqual(expected, actual);
        }
    }

    [Fact]
    public void BroadcastOverSixDimensionsIsReported()
    {
        var b = new TfliteModelBuilder();
        int c = b.Tensor("c", TfliteType.Bool, new[] { 2, 1, 1, 1, 1, 3 });
        int x = b.Tensor("x", TfliteType.Float32, new[] { 3 });
        int y = b.Tensor("y", TfliteType.Float32, new[] { 3 });
        int output = b.Tensor("out", TfliteType.Float32, new[] { 2, 1, 1, 1, 1, 3 });
        AssertUnsupported(b.Operator(SelectV2, new[] { c, x, y }, new[] { output }).Inputs(c, x, y).Outputs(output), "SELECT_V2 at node 0", "6 dimensions", "at most 5");
    }
}
