using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// TRANSPOSE_CONV option combinations the golden models (int16, VALID, no activation) do not cover:
/// float32, int8 (per-channel and per-tensor weights, zero points), int16 with int64, int16 or no bias,
/// SAME and VALID padding with odd totals and cropped outputs, unequal strides, batches, every fused
/// activation, output_shape as a constant or a model input. Expected values come from
/// <see cref="Reference"/>, a direct transcription of TFLM's reference kernels
/// (kernels/internal/reference/transpose_conv.h and reference/integer_ops/transpose_conv.h, with the
/// padding of micro/kernels/transpose_conv.cc and the quantization of kernel_util.cc): the same scatter
/// loops into a zeroed accumulator buffer, written here independently of the generator.
/// </summary>
public class TransposeConvTests
{
    private const int TransposeConvCode = 67;
    private const byte TransposeConvOptionsType = 49;
    private const byte Same = 0, Valid = 1;
    private const byte None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4;

    /// <summary>One test model: a single TRANSPOSE_CONV.</summary>
    public sealed record Case(
        string Name,
        TfliteType Type,
        int Batches, int InputHeight, int InputWidth, int InputDepth,
        int OutputDepth, int FilterHeight, int FilterWidth, int OutputHeight, int OutputWidth,
        int StrideHeight, int StrideWidth, byte Padding, byte Activation,
        TfliteType? BiasType, bool PerChannel = true, int InputZeroPoint = 0, int OutputZeroPoint = 0,
        float OutputScale = 0.05f, bool OutputShapeIsInput = false)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        foreach (Case c in AllCases)
        {
            data.Add(c);
        }
        return data;
    }

    private static readonly Case[] AllCases =
    {
        // float32
        new("float VALID 1x1 bias", TfliteType.Float32, 1, 4, 5, 3, 2, 3, 3, 6, 7, 1, 1, Valid, None, TfliteType.Float32),
        new("float SAME 2x2 RELU", TfliteType.Float32, 1, 3, 4, 2, 3, 3, 3, 6, 8, 2, 2, Same, Relu, TfliteType.Float32),
        new("float SAME 2x3 odd padding RELU6 no bias", TfliteType.Float32, 1, 3, 3, 2, 2, 3, 5, 6, 8, 2, 3, Same, Relu6, null),
        new("float VALID 3x2 batch 2 RELU_N1_TO_1", TfliteType.Float32, 2, 2, 3, 3, 2, 2, 3, 5, 7, 3, 2, Valid, ReluN1To1, TfliteType.Float32),
        new("float VALID cropped output", TfliteType.Float32, 1, 3, 3, 2, 2, 4, 4, 6, 6, 2, 2, Valid, None, TfliteType.Float32),
        new("float SAME larger output, output_shape input", TfliteType.Float32, 1, 3, 2, 1, 2, 3, 3, 7, 5, 2, 2, Same, None, TfliteType.Float32, OutputShapeIsInput: true),
        // int8
        new("int8 per-channel SAME 2x2 zero points", TfliteType.Int8, 1, 3, 4, 3, 4, 3, 3, 6, 8, 2, 2, Same, None, TfliteType.Int32, true, -3, 5, 0.4f),
        new("int8 per-tensor VALID 1x2 RELU no bias", TfliteType.Int8, 1, 2, 5, 4, 3, 2, 4, 3, 12, 1, 2, Valid, Relu, null, false, 7, -10, 0.3f),
        new("int8 per-channel SAME 3x1 RELU6 batch 2", TfliteType.Int8, 2, 2, 3, 2, 3, 4, 2, 6, 3, 3, 1, Same, Relu6, TfliteType.Int32, true, 11, -2, 0.1f),
        new("int8 per-channel VALID 2x2 RELU_N1_TO_1", TfliteType.Int8, 1, 3, 3, 5, 2, 3, 3, 7, 7, 2, 2, Valid, ReluN1To1, TfliteType.Int32, true, -128, 3, 0.02f),
        new("int8 per-tensor SAME odd padding", TfliteType.Int8, 1, 3, 3, 3, 3, 3, 5, 6, 8, 2, 3, Same, None, TfliteType.Int32, false, 0, -128, 0.25f),
        // int16 activations, int8 weights
        new("int16 int64 bias VALID 1x2", TfliteType.Int16, 1, 1, 5, 8, 4, 3, 4, 3, 12, 1, 2, Valid, None, TfliteType.Int64, OutputScale: 0.002f),
        new("int16 int16 bias SAME 2x2 RELU", TfliteType.Int16, 1, 3, 3, 4, 3, 3, 3, 6, 6, 2, 2, Same, Relu, TfliteType.Int16, OutputScale: 0.004f),
        new("int16 no bias per-tensor RELU6 batch 2", TfliteType.Int16, 2, 2, 3, 3, 2, 3, 2, 4, 6, 2, 2, Same, Relu6, null, false, OutputScale: 0.0005f),
        new("int16 RELU_N1_TO_1 SAME 3x2", TfliteType.Int16, 1, 2, 2, 3, 2, 3, 3, 6, 4, 3, 2, Same, ReluN1To1, TfliteType.Int64, OutputScale: 0.0001f),
        new("int16 output_shape input", TfliteType.Int16, 1, 2, 4, 3, 2, 2, 2, 4, 8, 2, 2, Valid, None, TfliteType.Int64, OutputScale: 0.002f, OutputShapeIsInput: true),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTflmReferenceKernel(Case c)
    {
        var random = new Random(c.Name.Length * 7919 + c.OutputHeight);
        Data data = Data.Create(c, random);
        InMemoryModel model = InMemoryModel.Compile(Build(c, data));
        ITinyModel instance = model.Create();
        Assert.Equal(0, instance.ArenaBytes); // no scratch accumulator: outputs are gathered in a local

        byte[] inputBytes = InputBytes(c, data);
        byte[] actual = new byte[data.OutputCount * Size(c.Type)];
        instance.InvokeRaw(inputBytes, actual);
        byte[] expected = Reference(c, data);

        if (c.Type == TfliteType.Float32)
        {
            // Same products, summed in the same order, bias added after: equal, not merely close.
            float[] e = MemoryMarshal.Cast<byte, float>(expected).ToArray();
            float[] a = MemoryMarshal.Cast<byte, float>(actual).ToArray();
            Assert.Equal(e, a);
            if (c.Activation != None)
            {
                // The clamp must have cut something, or the case does not test the activation.
                (float min, float max) = TfliteReference.FloatActivationRange(c.Activation);
                Assert.Contains(e, v => v == min || v == max);
            }
        }
        else
        {
            Assert.Equal(expected, actual);
            AssertClampedAndUnclamped(c, expected);
        }

        // A second call on the same instance gives the same result: nothing is left over from the first.
        byte[] again = new byte[actual.Length];
        instance.InvokeRaw(inputBytes, again);
        Assert.Equal(actual, again);
    }

    [Fact]
    public void GeneratedKernelExplainsItselfAndHasNoScratch()
    {
        Case c = AllCases.First(x => x.Name.StartsWith("int8 per-channel SAME 2x2", StringComparison.Ordinal));
        InMemoryModel model = InMemoryModel.Compile(Build(c, Data.Create(c, new Random(1))));
        string source = model.GeneratedSource;
        Assert.Contains("Node 0, TRANSPOSE_CONV", source);
        Assert.Contains("stride 2×2", source);
        Assert.Contains("SAME padding", source);
        Assert.Contains("no scratch buffer", source);
        Assert.Contains("per-channel", source);
        Assert.DoesNotContain("stackalloc", source);
        Assert.DoesNotContain("new ", source.Substring(source.IndexOf("public void Invoke", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("stride 0", "strides are 0x2")]
    [InlineData("stride 2^31-1", "strides are 2147483647x2 (height x width); TRANSPOSE_CONV needs strides between 1 and 65536")] // found by the long fuzz run: the generated indices overflowed
    [InlineData("TANH", "Tanh")]
    [InlineData("runtime weights", "weights are computed at run time")]
    [InlineData("uint8", "operand types int32, uint8, uint8, int32 → uint8 are not supported; supported: ")]
    [InlineData("int16 with int32 bias", "operand types int32, int8, int16, int32 → int16 are not supported; supported: ")]
    [InlineData("scale count", "per-channel weights need one scale per output channel")]
    [InlineData("padding 2", "padding 2")]
    public void UnsupportedOptionsAreTM0007(string problem, string messagePart)
    {
        var b = new TfliteModelBuilder();
        TfliteType type = problem switch { "uint8" => TfliteType.UInt8, "int16 with int32 bias" => TfliteType.Int16, _ => TfliteType.Int8 };
        int shape = b.Constant("output_shape", TfliteType.Int32, new[] { 4 }, Ints(1, 4, 4, 2));
        byte[] weightBytes = new byte[2 * 2 * 2 * 3];
        int weights = problem == "runtime weights"
            ? b.Tensor("weights", TfliteType.Int8, new[] { 2, 2, 2, 3 }, scale: 0.1f)
            : b.Constant("weights", type == TfliteType.UInt8 ? TfliteType.UInt8 : TfliteType.Int8, new[] { 2, 2, 2, 3 }, weightBytes,
                scales: problem == "scale count" ? new[] { 0.1f, 0.2f, 0.3f } : new[] { 0.1f, 0.2f });
        int input = b.Tensor("input", type, new[] { 1, 2, 2, 3 }, scale: 0.5f);
        TfliteType biasType = problem == "int16 with int32 bias" || type != TfliteType.Int16 ? TfliteType.Int32 : TfliteType.Int64;
        int bias = b.Constant("bias", biasType, new[] { 2 }, new byte[2 * (biasType == TfliteType.Int64 ? 8 : 4)], scales: new[] { 0.05f });
        int output = b.Tensor("output", type, new[] { 1, 4, 4, 2 }, scale: 0.25f);
        b.Operator(TransposeConvCode, new[] { shape, weights, input, bias }, new[] { output }, TransposeConvOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, problem == "padding 2" ? (byte)2 : Same),
                TfliteModelBuilder.Option.Int(1, 2),
                TfliteModelBuilder.Option.Int(2, problem switch { "stride 0" => 0, "stride 2^31-1" => int.MaxValue, _ => 2 }),
                TfliteModelBuilder.Option.Byte(3, problem == "TANH" ? Tanh : None))
            .Inputs(problem == "runtime weights" ? new[] { input, weights } : new[] { input }).Outputs(output);

        var harness = new GeneratorHarness(new ModelInput("/project/model.tflite", b.Build()));
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Null(result.Results.Single().Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("TM0007", d.Id);
        Assert.Contains("TRANSPOSE_CONV at node 0", d.GetMessage());
        Assert.Contains(messagePart, d.GetMessage());
    }

    // ---- the model ----

    /// <summary>The tensors' contents and quantization, drawn at random.</summary>
    private sealed record Data(
        float[] FloatInput, int[] IntInput, float[] FloatWeights, sbyte[] IntWeights, float[]? FloatBias, long[]? IntBias,
        float InputScale, float[] WeightScales, int OutputCount)
    {
        public static Data Create(Case c, Random random)
        {
            int inputCount = c.Batches * c.InputHeight * c.InputWidth * c.InputDepth;
            int weightCount = c.OutputDepth * c.FilterHeight * c.FilterWidth * c.InputDepth;
            int outputCount = c.Batches * c.OutputHeight * c.OutputWidth * c.OutputDepth;
            float[] floatInput = Enumerable.Range(0, inputCount).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            float[] floatWeights = Enumerable.Range(0, weightCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[]? floatBias = c.BiasType == TfliteType.Float32 ? Enumerable.Range(0, c.OutputDepth).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray() : null;
            (int min, int max) = c.Type == TfliteType.Int16 ? (-32768, 32767) : (-128, 127);
            int[] intInput = Enumerable.Range(0, inputCount).Select(_ => random.Next(min, max + 1)).ToArray();
            sbyte[] intWeights = Enumerable.Range(0, weightCount).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            long biasRange = c.BiasType == TfliteType.Int16 ? 30000 : c.Type == TfliteType.Int16 ? 3_000_000 : 20_000;
            long[]? intBias = c.BiasType is TfliteType.Int32 or TfliteType.Int64 or TfliteType.Int16
                ? Enumerable.Range(0, c.OutputDepth).Select(_ => random.NextInt64(-biasRange, biasRange + 1)).ToArray()
                : null;
            float inputScale = c.Type == TfliteType.Int16 ? 0.0009f : 0.05f;
            float[] weightScales = c.PerChannel
                ? Enumerable.Range(0, c.OutputDepth).Select(_ => (float)(0.002 + random.NextDouble() * 0.01)).ToArray()
                : new[] { 0.006f };
            return new Data(floatInput, intInput, floatWeights, intWeights, floatBias, intBias, inputScale, weightScales, outputCount);
        }
    }

    private static byte[] Build(Case c, Data data)
    {
        var b = new TfliteModelBuilder();
        int[] outputShape = { c.Batches, c.OutputHeight, c.OutputWidth, c.OutputDepth };
        int shape = c.OutputShapeIsInput
            ? b.Tensor("output_shape", TfliteType.Int32, new[] { 4 })
            : b.Constant("output_shape", TfliteType.Int32, new[] { 4 }, Ints(outputShape));
        int[] weightShape = { c.OutputDepth, c.FilterHeight, c.FilterWidth, c.InputDepth };
        int[] inputShape = { c.Batches, c.InputHeight, c.InputWidth, c.InputDepth };
        bool isFloat = c.Type == TfliteType.Float32;
        int weights = isFloat
            ? b.Constant("weights", TfliteType.Float32, weightShape, Floats(data.FloatWeights))
            : b.Constant("weights", TfliteType.Int8, weightShape, data.IntWeights.Select(v => (byte)v).ToArray(), scales: data.WeightScales);
        int input = isFloat
            ? b.Tensor("input", TfliteType.Float32, inputShape)
            : b.Tensor("input", c.Type, inputShape, scale: data.InputScale, zeroPoint: c.InputZeroPoint);
        int bias = -1;
        if (c.BiasType is TfliteType biasType)
        {
            byte[] biasBytes = biasType switch
            {
                TfliteType.Float32 => Floats(data.FloatBias!),
                TfliteType.Int32 => Ints(data.IntBias!.Select(v => (int)v).ToArray()),
                TfliteType.Int16 => data.IntBias!.SelectMany(v => BitConverter.GetBytes((short)v)).ToArray(),
                _ => data.IntBias!.SelectMany(v => BitConverter.GetBytes(v)).ToArray(),
            };
            bias = isFloat
                ? b.Constant("bias", biasType, new[] { c.OutputDepth }, biasBytes)
                : b.Constant("bias", biasType, new[] { c.OutputDepth }, biasBytes, scales: data.WeightScales.Select(s => s * data.InputScale).ToArray());
        }
        int output = isFloat
            ? b.Tensor("output", TfliteType.Float32, outputShape)
            : b.Tensor("output", c.Type, outputShape, scale: c.OutputScale, zeroPoint: c.OutputZeroPoint);
        int[] inputs = bias >= 0 ? new[] { shape, weights, input, bias } : new[] { shape, weights, input };
        b.Operator(TransposeConvCode, inputs, new[] { output }, TransposeConvOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, c.Padding),
                TfliteModelBuilder.Option.Int(1, c.StrideWidth),
                TfliteModelBuilder.Option.Int(2, c.StrideHeight),
                TfliteModelBuilder.Option.Byte(3, c.Activation))
            .Inputs(c.OutputShapeIsInput ? new[] { shape, input } : new[] { input })
            .Outputs(output);
        return b.Build();
    }

    private static byte[] InputBytes(Case c, Data data)
    {
        byte[] values = c.Type switch
        {
            TfliteType.Float32 => Floats(data.FloatInput),
            TfliteType.Int16 => data.IntInput.SelectMany(v => BitConverter.GetBytes((short)v)).ToArray(),
            _ => data.IntInput.Select(v => (byte)(sbyte)v).ToArray(),
        };
        return c.OutputShapeIsInput
            ? Ints(c.Batches, c.OutputHeight, c.OutputWidth, c.OutputDepth).Concat(values).ToArray()
            : values;
    }

    // ---- the reference: TFLM's kernels, transcribed ----

    /// <summary>
    /// TFLM's TRANSPOSE_CONV for the case: padding from micro/kernels/transpose_conv.cc (padding.h's
    /// ComputePaddingHeightWidth on the output size), multipliers from PopulateConvolutionQuantizationParams,
    /// clamps from CalculateActivationRange(Quantized), then the reference kernel's scatter loops.
    /// </summary>
    private static byte[] Reference(Case c, Data data)
    {
        // transpose_conv.cc: padding.h's padding as if the output were the input of an ordinary convolution.
        int padH = ConvolutionTestSupport.Window(c.Padding, c.OutputHeight, c.FilterHeight, c.StrideHeight, 1).Pad;
        int padW = ConvolutionTestSupport.Window(c.Padding, c.OutputWidth, c.FilterWidth, c.StrideWidth, 1).Pad;
        int outCount = data.OutputCount;

        if (c.Type == TfliteType.Float32)
        {
            float[] output = new float[outCount]; // zeroed, as the reference kernel does
            Scatter(c, padH, padW, (o, i, w) => output[o] += data.FloatInput[i] * data.FloatWeights[w]);
            (float min, float max) = TfliteReference.FloatActivationRange(c.Activation);
            for (int o = 0; o < outCount; o++)
            {
                float acc = output[o];
                if (data.FloatBias is not null)
                {
                    acc += data.FloatBias[o % c.OutputDepth];
                }
                output[o] = Math.Min(Math.Max(acc, min), max);
            }
            return Floats(output);
        }

        var multipliers = new int[c.OutputDepth];
        var shifts = new int[c.OutputDepth];
        for (int ch = 0; ch < c.OutputDepth; ch++)
        {
            float weightScale = c.PerChannel ? data.WeightScales[ch] : data.WeightScales[0];
            (multipliers[ch], shifts[ch]) = TfliteReference.QuantizeMultiplier((double)data.InputScale * weightScale / c.OutputScale);
        }
        (int actMin, int actMax) = QuantizedActivationRange(c);

        if (c.Type == TfliteType.Int8)
        {
            int inputOffset = -c.InputZeroPoint;
            int[] scratch = new int[outCount];
            Scatter(c, padH, padW, (o, i, w) => scratch[o] += (data.IntInput[i] + inputOffset) * data.IntWeights[w]);
            byte[] result = new byte[outCount];
            for (int o = 0; o < outCount; o++)
            {
                int ch = o % c.OutputDepth;
                int acc = scratch[o];
                if (data.IntBias is not null)
                {
                    acc += (int)data.IntBias[ch];
                }
                acc = TfliteReference.MultiplyByQuantizedMultiplier(acc, multipliers[ch], shifts[ch]);
                acc += c.OutputZeroPoint;
                acc = Math.Min(Math.Max(acc, actMin), actMax);
                result[o] = (byte)(sbyte)acc;
            }
            return result;
        }

        // int16: int64 accumulators, no input or output offset (reference_integer_ops::TransposeConv<int64_t>).
        long[] scratch64 = new long[outCount];
        Scatter(c, padH, padW, (o, i, w) => scratch64[o] += data.IntInput[i] * data.IntWeights[w]);
        short[] result16 = new short[outCount];
        for (int o = 0; o < outCount; o++)
        {
            int ch = o % c.OutputDepth;
            long acc = scratch64[o];
            if (data.IntBias is not null)
            {
                acc += data.IntBias[ch];
            }
            int scaled = TfliteReference.MultiplyByQuantizedMultiplier(acc, multipliers[ch], shifts[ch]);
            scaled = Math.Min(Math.Max(scaled, actMin), actMax);
            result16[o] = (short)scaled;
        }
        return MemoryMarshal.AsBytes(result16.AsSpan()).ToArray();
    }

    /// <summary>The reference kernels' loop nest: every input element, every filter tap, every output channel.</summary>
    private static void Scatter(Case c, int padH, int padW, Action<int, int, int> accumulate)
    {
        for (int batch = 0; batch < c.Batches; batch++)
        {
            for (int inY = 0; inY < c.InputHeight; inY++)
            {
                for (int inX = 0; inX < c.InputWidth; inX++)
                {
                    for (int inC = 0; inC < c.InputDepth; inC++)
                    {
                        int outXOrigin = inX * c.StrideWidth - padW;
                        int outYOrigin = inY * c.StrideHeight - padH;
                        for (int fy = 0; fy < c.FilterHeight; fy++)
                        {
                            for (int fx = 0; fx < c.FilterWidth; fx++)
                            {
                                for (int outC = 0; outC < c.OutputDepth; outC++)
                                {
                                    int outX = outXOrigin + fx;
                                    int outY = outYOrigin + fy;
                                    if (outX >= 0 && outX < c.OutputWidth && outY >= 0 && outY < c.OutputHeight)
                                    {
                                        int i = ((batch * c.InputHeight + inY) * c.InputWidth + inX) * c.InputDepth + inC;
                                        int w = ((outC * c.FilterHeight + fy) * c.FilterWidth + fx) * c.InputDepth + inC;
                                        int o = ((batch * c.OutputHeight + outY) * c.OutputWidth + outX) * c.OutputDepth + outC;
                                        accumulate(o, i, w);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>kernel_util.cc CalculateActivationRangeQuantized: clamp bounds quantized with the output's parameters.</summary>
    private static (int Min, int Max) QuantizedActivationRange(Case c)
    {
        (int qmin, int qmax) = c.Type == TfliteType.Int16 ? (-32768, 32767) : (-128, 127);
        return TfliteReference.QuantizedActivationRange(c.Activation, c.OutputScale, c.OutputZeroPoint, qmin, qmax);
    }

    /// <summary>
    /// Guards the test's power: some outputs must lie strictly inside the clamp (or the case checks
    /// little), and with a fused activation some must sit on its bound (or the activation is untested).
    /// </summary>
    private static void AssertClampedAndUnclamped(Case c, byte[] expected)
    {
        (int min, int max) = QuantizedActivationRange(c);
        List<int> values = c.Type == TfliteType.Int16
            ? MemoryMarshal.Cast<byte, short>(expected).ToArray().Select(v => (int)v).ToList()
            : expected.Select(v => (int)(sbyte)v).ToList();
        Assert.Contains(values, v => v > min && v < max);
        if (c.Activation != None)
        {
            Assert.Contains(values, v => v == min || v == max);
        }
    }

    private static int Size(TfliteType type) => type switch { TfliteType.Float32 => 4, TfliteType.Int16 => 2, _ => 1 };

    private static byte[] Floats(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static byte[] Ints(params int[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
