using System.Collections.Generic;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// ADD_N beyond the opsets models: two to eight inputs, constant inputs, every int8 value, zero points that make
/// TFLM's sum start away from 0, float signed zeros, and the quantization TFLM refuses. Expected values:
/// <see cref="TfliteReference.AddNInt8"/> (TFLM's add_n.h) and the float sum from 0 in input order.
/// </summary>
public class AddNTests
{
    private const int AddN = 106;

    /// <summary>Builds ADD_N over <paramref name="count"/> inputs of <paramref name="elements"/> values; inputs listed in <paramref name="constants"/> are constant.</summary>
    private static (TfliteModelBuilder Model, List<byte[]> RunTime) Model(TfliteType type, int count, byte[][] data, int elements, Quant? q, Quant? qo, params int[] constants)
    {
        var b = new TfliteModelBuilder();
        var runTime = new List<int>();
        var runTimeData = new List<byte[]>();
        int[] inputs = new int[count];
        for (int k = 0; k < count; k++)
        {
            if (constants.Contains(k))
            {
                inputs[k] = b.Constant($"c{k}", type, new[] { elements }, data[k], q is null ? null : new[] { q.Scale }, q is null ? null : new long[] { q.ZeroPoint });
            }
            else
            {
                inputs[k] = b.Tensor($"x{k}", type, new[] { elements }, q?.Scale, q?.ZeroPoint ?? 0);
                runTime.Add(inputs[k]);
                runTimeData.Add(data[k]);
            }
        }
        int output = b.Tensor("y", type, new[] { elements }, qo?.Scale, qo?.ZeroPoint ?? 0);
        return (b.Operator(AddN, inputs, new[] { output }).Inputs(runTime.ToArray()).Outputs(output), runTimeData);
    }

    [Theory]
    [InlineData(2, 0.05f, -3, 0.1f, -3, new int[0])]
    [InlineData(3, 0.00784313772f, -1, 0.0235294122f, -1, new[] { 1 })]  // the opsets model's parameters, one constant
    [InlineData(5, 0.02f, 127, 0.05f, -128, new int[0])]                 // the zero point's own term is large
    [InlineData(8, 0.01f, -128, 0.02f, 20, new[] { 0, 7 })]              // saturating sums
    public void Int8(int count, float scale, int zeroPoint, float outputScale, int outputZeroPoint, int[] constants)
    {
        // Input 0 walks every int8 value; the others are random.
        int[][] values = Enumerable.Range(0, count).Select(k => k == 0 ? Enumerable.Range(-128, 256).ToArray() : RandomInts(256, -128, 127, 40 + k)).ToArray();
        byte[][] data = values.Select(v => v.Select(x => (byte)(sbyte)x).ToArray()).ToArray();
        (TfliteModelBuilder model, List<byte[]> runTime) = Model(TfliteType.Int8, count, data, 256, new Quant(scale, zeroPoint), new Quant(outputScale, outputZeroPoint), constants);
        sbyte[] actual = Values<sbyte>(Run(Compile(model), runTime.ToArray()));
        sbyte[] expected = Enumerable.Range(0, 256).Select(i => TfliteReference.AddNInt8(values.Select(v => v[i]).ToArray(), scale, zeroPoint, outputScale, outputZeroPoint)).ToArray();
        AssertEqual(expected, actual);
    }

    /// <summary>Summed from +0 in input order: -0 + -0 gives +0, and large values cancel only in that order.</summary>
    [Fact]
    public void Float32InTflmOrder()
    {
        float[][] values =
        {
            new[] { -0f, 1e30f, 1f, 3.5f },
            new[] { -0f, 1f, -1e30f, float.NaN },
            new[] { -0f, -1e30f, 1e-8f, 2f },
        };
        (TfliteModelBuilder model, List<byte[]> runTime) = Model(TfliteType.Float32, 3, values.Select(Bytes).ToArray(), 4, null, null, 2);
        float[] actual = Values<float>(Run(Compile(model), runTime.ToArray()));
        for (int i = 0; i < 4; i++)
        {
            float sum = 0f;
            foreach (float[] v in values)
            {
                sum += v[i];
            }
            Assert.Equal(System.BitConverter.SingleToInt32Bits(sum), System.BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    /// <summary>Blocks of the stack buffer (256 floats) and a partial one, a constant among the inputs: each element summed from +0 in input order.</summary>
    [Theory]
    [InlineData(2, 257)]
    [InlineData(4, 600)]
    public void Float32BlocksInTflmOrder(int count, int elements)
    {
        float[] specials = { -0f, 0f, 1e30f, -1e30f, float.NaN, float.PositiveInfinity, 1e-8f, 3.5f };
        var random = new System.Random(count);
        float[][] values = Enumerable.Range(0, count)
            .Select(k => Enumerable.Range(0, elements).Select(i => (i + k) % 5 == 0 ? specials[random.Next(specials.Length)] : (float)(random.NextDouble() * 4 - 2)).ToArray())
            .ToArray();
        (TfliteModelBuilder model, List<byte[]> runTime) = Model(TfliteType.Float32, count, values.Select(Bytes).ToArray(), elements, null, null, 1);
        float[] actual = Values<float>(Run(Compile(model), runTime.ToArray()));
        for (int i = 0; i < elements; i++)
        {
            float sum = 0f;
            foreach (float[] v in values)
            {
                sum += v[i];
            }
            Assert.Equal(System.BitConverter.SingleToInt32Bits(sum), System.BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    [Fact]
    public void Int8InputsWithDifferentScalesAreReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 4 }, 0.1f, 0);
        int z = b.Tensor("z", TfliteType.Int8, new[] { 4 }, 0.2f, 0);
        int y = b.Tensor("y", TfliteType.Int8, new[] { 4 }, 0.3f, 0);
        AssertUnsupported(b.Operator(AddN, new[] { x, z }, new[] { y }).Inputs(x, z).Outputs(y), "ADD_N at node 0", "one scale and zero point");
    }
}
