using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ConvolutionTestSupport;
using static TinyModel.Tests.Operators.TfliteReference;

namespace TinyModel.Tests.Operators;

/// <summary>
/// FULLY_CONNECTED shapes and options the golden models do not cover, through every kernel the .NET emitter
/// chooses (float panels, int8 panels, int8 dot products for fewer units than a panel, the plain loop for
/// int16 and for int8 weights with a zero point), compiled from models built in memory and compared with
/// a naive reference written here from TFLM's reference fully_connected.h and integer_ops/fully_connected.h:
/// float bit for bit (TFLM's summation order), integers bit for bit.
/// </summary>
public class FullyConnectedTests
{
    private const int FullyConnectedCode = 9;
    private const byte FullyConnectedOptionsType = 8;

    /// <summary>A layer to test.</summary>
    /// <param name="Type">"float32", "int8" or "int16" (int64 bias).</param>
    /// <param name="Activation">0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6.</param>
    /// <param name="WeightsZeroPoint">The int8 weights' zero point (TFLM's kernel subtracts it).</param>
    public sealed record Case(string Type, int Units, int Depth, int Batches = 1, int Activation = 0, bool Bias = true, bool PerChannel = false, int WeightsZeroPoint = 0)
    {
        public override string ToString() =>
            $"{Type} {Units}x{Depth} b{Batches} act{Activation}{(Bias ? "" : " nobias")}{(PerChannel ? " per-channel" : "")}{(WeightsZeroPoint != 0 ? $" wzp{WeightsZeroPoint}" : "")}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        foreach (string type in new[] { "float32", "int8", "int16" })
        {
            foreach ((int units, int depth) in new[] { (1, 1), (3, 5), (16, 1), (16, 16), (21, 7), (40, 64), (70, 3) })
            {
                data.Add(new Case(type, units, depth));
            }
            foreach (int activation in new[] { 1, 2, 3 })
            {
                data.Add(new Case(type, 33, 9, Activation: activation));
            }
            data.Add(new Case(type, 20, 6, Bias: false));
            data.Add(new Case(type, 19, 10, Batches: 3));
            data.Add(new Case(type, 5, 10, Batches: 2, Bias: false));
            if (type != "float32")
            {
                data.Add(new Case(type, 24, 13, PerChannel: true));
                data.Add(new Case(type, 7, 13, PerChannel: true, Activation: 1));
            }
        }
        data.Add(new Case("int8", 18, 11, WeightsZeroPoint: 3));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(Case c)
    {
        var random = new Random(c.ToString().Aggregate(17, (h, ch) => h * 31 + ch));
        int[] inputShape = { c.Batches, c.Depth }, outputShape = { c.Batches, c.Units };
        var builder = new TfliteModelBuilder();
        int input, weights, bias = -1, output;
        byte[] inputBytes;
        Func<byte[]> reference;

        if (c.Type == "float32")
        {
            float[] x = Enumerable.Range(0, c.Batches * c.Depth).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] w = Enumerable.Range(0, c.Units * c.Depth).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, c.Units).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            input = builder.Tensor("input", TfliteType.Float32, inputShape);
            weights = builder.Constant("weights", TfliteType.Float32, new[] { c.Units, c.Depth }, Bytes(w));
            if (c.Bias)
            {
                bias = builder.Constant("bias", TfliteType.Float32, new[] { c.Units }, Bytes(b));
            }
            output = builder.Tensor("output", TfliteType.Float32, outputShape);
            inputBytes = Bytes(x);
            (float min, float max) = FloatActivationRange(c.Activation);
            reference = () =>
            {
                var y = new float[c.Batches * c.Units];
                for (int n = 0; n < c.Batches; n++)
                {
                    for (int u = 0; u < c.Units; u++)
                    {
                        float total = 0f;
                        for (int d = 0; d < c.Depth; d++)
                        {
                            float product = x[n * c.Depth + d] * w[u * c.Depth + d];
                            total += product;
                        }
                        float v = total + (c.Bias ? b[u] : 0f);
                        v = v < min ? min : v;
                        y[n * c.Units + u] = max < v ? max : v;
                    }
                }
                return Bytes(y);
            };
        }
        else
        {
            bool int8 = c.Type == "int8";
            float inputScale = int8 ? 0.02f : 0.001f;
            int inputZero = int8 ? -5 : 0, outputZero = int8 ? 3 : 0;
            float[] weightScales = Enumerable.Range(0, c.PerChannel ? c.Units : 1).Select(_ => 0.005f + (float)random.NextDouble() * 0.015f).ToArray();
            float outputScale = inputScale * 0.01f * 74 * MathF.Sqrt(c.Depth) * 3 * (int8 ? 1 : 64);
            int[] x = Enumerable.Range(0, c.Batches * c.Depth).Select(_ => int8 ? random.Next(-128, 128) : random.Next(-32768, 32768)).ToArray();
            sbyte[] w = Enumerable.Range(0, c.Units * c.Depth).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            long[] b = Enumerable.Range(0, c.Units).Select(_ => (long)random.Next(-20000, 20001) * (int8 ? 1 : 100)).ToArray();
            TfliteType activationType = int8 ? TfliteType.Int8 : TfliteType.Int16;
            input = builder.Tensor("input", activationType, inputShape, inputScale, inputZero);
            long[] weightZeros = Enumerable.Repeat((long)c.WeightsZeroPoint, weightScales.Length).ToArray();
            weights = builder.Constant("weights", TfliteType.Int8, new[] { c.Units, c.Depth }, Bytes(w), weightScales, weightZeros, 0);
            if (c.Bias)
            {
                bias = int8
                    ? builder.Constant("bias", TfliteType.Int32, new[] { c.Units }, Bytes(b.Select(v => (int)v).ToArray()))
                    : builder.Constant("bias", TfliteType.Int64, new[] { c.Units }, Bytes(b));
            }
            output = builder.Tensor("output", activationType, outputShape, outputScale, outputZero);
            inputBytes = int8 ? Bytes(x.Select(v => (sbyte)v).ToArray()) : Bytes(x.Select(v => (short)v).ToArray());
            (int min, int max) = QuantizedActivationRange(c.Activation, outputScale, outputZero, int8 ? -128 : -32768, int8 ? 127 : 32767);
            reference = () =>
            {
                var y = new int[c.Batches * c.Units];
                var requant = Enumerable.Range(0, c.Units)
                    .Select(u => QuantizeMultiplier((double)inputScale * weightScales[c.PerChannel ? u : 0] / outputScale)).ToArray();
                for (int n = 0; n < c.Batches; n++)
                {
                    for (int u = 0; u < c.Units; u++)
                    {
                        // int8: int32 accumulator (wrapping); int16: int64, and the 64-bit requantization.
                        long acc = 0;
                        for (int d = 0; d < c.Depth; d++)
                        {
                            acc += (x[n * c.Depth + d] - inputZero) * (w[u * c.Depth + d] - c.WeightsZeroPoint);
                        }
                        acc += c.Bias ? b[u] : 0;
                        int scaled = int8
                            ? MultiplyByQuantizedMultiplier(unchecked((int)acc), requant[u].Multiplier, requant[u].Shift) + outputZero
                            : MultiplyByQuantizedMultiplier(acc, requant[u].Multiplier, requant[u].Shift) + outputZero;
                        y[n * c.Units + u] = Math.Min(Math.Max(scaled, min), max);
                    }
                }
                return int8 ? Bytes(y.Select(v => (sbyte)v).ToArray()) : Bytes(y.Select(v => (short)v).ToArray());
            };
        }

        int[] inputs = c.Bias ? new[] { input, weights, bias } : new[] { input, weights };
        builder.Operator(FullyConnectedCode, inputs, new[] { output }, FullyConnectedOptionsType, null, TfliteModelBuilder.Option.Byte(0, (byte)c.Activation))
            .Inputs(input)
            .Outputs(output);

        ITinyModel model = InMemoryModel.Compile(builder.Build(), "/tests/fully_connected.tflite").Create();
        byte[] expected = reference();
        byte[] actual = new byte[expected.Length];
        model.InvokeRaw(inputBytes, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("int8")]
    public void BiasOfAnotherLengthThanTheUnitsIsReported(string type)
    {
        // Found by the long fuzz run: a float bias of 1 value for 16 units compiled and then failed at run time.
        var builder = new TfliteModelBuilder();
        bool int8 = type == "int8";
        TfliteType activation = int8 ? TfliteType.Int8 : TfliteType.Float32;
        float? scale = int8 ? 0.05f : null;
        int input = builder.Tensor("input", activation, new[] { 1, 4 }, scale);
        int weights = builder.Constant("weights", int8 ? TfliteType.Int8 : TfliteType.Float32, new[] { 3, 4 },
            int8 ? new byte[12] : Bytes(new float[12]), int8 ? new[] { 0.01f } : null, int8 ? new[] { 0L } : null);
        int bias = builder.Constant("bias", int8 ? TfliteType.Int32 : TfliteType.Float32, new[] { 2 }, new byte[8]);
        int output = builder.Tensor("output", activation, new[] { 1, 3 }, scale);
        builder.Operator(FullyConnectedCode, new[] { input, weights, bias }, new[] { output }, FullyConnectedOptionsType).Inputs(input).Outputs(output);
        Assert.Contains("the bias has 2 values for 3 units", OperatorHarness.CompileError(builder));
    }
}
