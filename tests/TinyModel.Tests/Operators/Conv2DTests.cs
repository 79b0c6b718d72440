using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ConvolutionTestSupport;
using static TinyModel.Tests.Operators.TfliteReference;

namespace TinyModel.Tests.Operators;

/// <summary>
/// CONV_2D option combinations the golden models do not cover, each compiled from a model built in
/// memory and compared with a naive reference written here from TFLM's reference kernels
/// (tensorflow/lite/kernels/internal/reference/conv.h for float32,
/// reference/integer_ops/conv.h ConvPerChannel for int8 and 16x8, with conv.cc's choice of an int32
/// accumulator for 16x8 layers without an int64 bias): integer outputs must match bit for bit.
/// </summary>
public class Conv2DTests
{
    private const int Conv2DCode = 3;
    private const byte Conv2DOptionsType = 1;

    /// <summary>A convolution to test: types, window options and shapes.</summary>
    /// <param name="Type">"float32", "int8", "int16" (int64 bias), "int16-int32bias".</param>
    /// <param name="Padding">0 = SAME, 1 = VALID.</param>
    /// <param name="Activation">0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6.</param>
    /// <param name="Pad">
    /// Rows before and after and columns before and after of an int8 PAD (with the zero point) before the convolution, which
    /// the generator fuses into it; <see cref="Height"/> and <see cref="Width"/> are the padded shape's.
    /// </param>
    public sealed record Case(string Type, int Padding, int StrideH, int StrideW, int DilationH, int DilationW, int Activation,
        bool Bias = true, bool PerChannel = true, int Groups = 1, int Batches = 1, int FilterH = 3, int FilterW = 2,
        int Height = 7, int Width = 9, int InputChannels = 4, int OutputChannels = 12, (int Top, int Bottom, int Left, int Right)? Pad = null)
    {
        public override string ToString() =>
            $"{Type} {(Padding == 0 ? "SAME" : "VALID")} s{StrideH}x{StrideW} d{DilationH}x{DilationW} act{Activation}" +
            $"{(Bias ? "" : " nobias")}{(PerChannel ? "" : " per-tensor")}{(Groups > 1 ? $" g{Groups}" : "")}{(Batches > 1 ? $" b{Batches}" : "")}" +
            $" k{FilterH}x{FilterW} in{Height}x{Width}x{InputChannels} out{OutputChannels}{(Pad is { } p ? $" after PAD {p}" : "")}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        var windows = new (int Sh, int Sw, int Dh, int Dw)[] { (1, 1, 1, 1), (2, 2, 1, 1), (1, 3, 2, 1), (2, 1, 1, 3) };
        foreach (string type in new[] { "float32", "int8", "int16", "int16-int32bias" })
        {
            foreach (int padding in new[] { 0, 1 })
            {
                foreach (var (sh, sw, dh, dw) in windows)
                {
                    data.Add(new Case(type, padding, sh, sw, dh, dw, Activation: 0));
                }
            }
            foreach (int activation in new[] { 1, 2, 3 })
            {
                data.Add(new Case(type, 0, 1, 1, 1, 1, activation));
            }
            data.Add(new Case(type, 0, 2, 1, 1, 1, 0, Bias: false));
            data.Add(new Case(type, 0, 1, 2, 1, 1, 1, PerChannel: false));
            data.Add(new Case(type, 0, 1, 1, 1, 1, 0, Groups: 2));
            data.Add(new Case(type, 1, 1, 1, 1, 1, 0, Batches: 2, FilterH: 1, FilterW: 1));
            data.Add(new Case(type, 0, 2, 2, 1, 1, 3, FilterH: 5, FilterW: 5, Height: 4, Width: 3, InputChannels: 3, OutputChannels: 8));
        }
        // A PAD fused into the convolution: mobilenet_v2's first layer (3 channels, stride 2, VALID after a PAD of one on
        // every side), a 3×3 stride-1 window (the Winograd kernel's shape), uneven paddings, and a SAME window on top of a PAD.
        data.Add(new Case("int8", 1, 2, 2, 1, 1, 3, FilterW: 3, Height: 12, Width: 11, InputChannels: 3, OutputChannels: 32, Pad: (1, 1, 1, 1)));
        data.Add(new Case("int8", 1, 1, 1, 1, 1, 0, FilterW: 3, Height: 10, Width: 12, InputChannels: 16, OutputChannels: 24, Pad: (1, 1, 1, 1)));
        data.Add(new Case("int8", 1, 1, 2, 1, 1, 1, Height: 9, Width: 12, InputChannels: 5, OutputChannels: 20, Pad: (0, 2, 3, 1)));
        data.Add(new Case("int8", 0, 1, 1, 1, 1, 0, FilterW: 3, Height: 8, Width: 11, InputChannels: 8, OutputChannels: 16, Pad: (2, 0, 1, 2)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(Case c)
    {
        var random = new Random(c.ToString().Length * 31 + c.Activation);
        int filterChannels = c.InputChannels / c.Groups;
        (int outH, int padTop) = Window(c.Padding, c.Height, c.FilterH, c.StrideH, c.DilationH);
        (int outW, int padLeft) = Window(c.Padding, c.Width, c.FilterW, c.StrideW, c.DilationW);
        int[] inputShape = { c.Batches, c.Height, c.Width, c.InputChannels };
        int[] filterShape = { c.OutputChannels, c.FilterH, c.FilterW, filterChannels };
        int[] outputShape = { c.Batches, outH, outW, c.OutputChannels };
        int inputCount = inputShape.Aggregate(1, (a, b) => a * b);
        int filterCount = filterShape.Aggregate(1, (a, b) => a * b);
        int outputCount = outputShape.Aggregate(1, (a, b) => a * b);
        int taps = c.FilterH * c.FilterW * filterChannels;
        var builder = new TfliteModelBuilder();
        int input, filter, bias = -1, output;
        int modelInput = -1;
        byte[] inputBytes;
        Func<byte[]> reference;

        if (c.Type == "float32")
        {
            float[] x = Enumerable.Range(0, inputCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] w = Enumerable.Range(0, filterCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, c.OutputChannels).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            input = builder.Tensor("input", TfliteType.Float32, inputShape);
            filter = builder.Constant("filter", TfliteType.Float32, filterShape, Bytes(w));
            if (c.Bias)
            {
                bias = builder.Constant("bias", TfliteType.Float32, new[] { c.OutputChannels }, Bytes(b));
            }
            output = builder.Tensor("output", TfliteType.Float32, outputShape);
            inputBytes = Bytes(x);
            (float min, float max) = FloatActivationRange(c.Activation);
            reference = () =>
            {
                var y = new float[outputCount];
                Reference(c, outH, outW, padTop, padLeft, (n, iy, ix, ic) => x[((n * c.Height + iy) * c.Width + ix) * c.InputChannels + ic],
                    (oc, ky, kx, ic) => w[((oc * c.FilterH + ky) * c.FilterW + kx) * filterChannels + ic],
                    (index, oc, total, _) => y[index] = Math.Min(Math.Max(total + (c.Bias ? b[oc] : 0f), min), max));
                return Bytes(y);
            };
        }
        else
        {
            bool int8 = c.Type == "int8";
            // conv.cc: int64 bias -> int64 accumulator; int32 bias or none -> int32 accumulator.
            bool wide = c.Type == "int16" && c.Bias;
            float inputScale = int8 ? 0.02f : 0.001f;
            int inputZero = int8 ? -5 : 0, outputZero = int8 ? 3 : 0;
            float[] filterScales = Enumerable.Range(0, c.PerChannel ? c.OutputChannels : 1).Select(_ => 0.005f + (float)random.NextDouble() * 0.015f).ToArray();
            float outputScale = (int8 ? 0.02f * 74 : 0.001f * 2365) * 0.01f * 74 * MathF.Sqrt(taps) * 3 / (int8 ? 128 : 32768);
            int[] x = Enumerable.Range(0, inputCount).Select(_ => int8 ? random.Next(-128, 128) : random.Next(-4096, 4097)).ToArray();
            sbyte[] w = Enumerable.Range(0, filterCount).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            long[] b = Enumerable.Range(0, c.OutputChannels).Select(_ => (long)random.Next(-20000, 20001) * (wide ? 10 : 1)).ToArray();
            TfliteType activationType = int8 ? TfliteType.Int8 : TfliteType.Int16;
            input = builder.Tensor("input", activationType, inputShape, inputScale, inputZero);
            filter = builder.Constant("filter", TfliteType.Int8, filterShape, Bytes(w), filterScales, new long[filterScales.Length], 0);
            if (c.Bias)
            {
                bias = c.Type == "int16"
                    ? builder.Constant("bias", TfliteType.Int64, new[] { c.OutputChannels }, Bytes(b))
                    : builder.Constant("bias", TfliteType.Int32, new[] { c.OutputChannels }, Bytes(b.Select(v => (int)v).ToArray()));
            }
            output = builder.Tensor("output", activationType, outputShape, outputScale, outputZero);
            if (c.Pad is { } pad)
            {
                // The model's input is the unpadded image; `input` becomes the PAD's output, which the convolution reads.
                (modelInput, inputBytes) = AddFusedPad(builder, input, x, inputShape, pad, inputScale, inputZero);
            }
            else
            {
                inputBytes = int8 ? Bytes(x.Select(v => (sbyte)v).ToArray()) : Bytes(x.Select(v => (short)v).ToArray());
            }
            (int min, int max) = QuantizedActivationRange(c.Activation, outputScale, outputZero, int8 ? -128 : -32768, int8 ? 127 : 32767);
            reference = () =>
            {
                var y = new int[outputCount];
                // TFLM derives one multiplier per channel, in double, also for per-tensor filters.
                var requant = Enumerable.Range(0, c.OutputChannels)
                    .Select(oc => QuantizeMultiplier((double)inputScale * filterScales[c.PerChannel ? oc : 0] / outputScale)).ToArray();
                Reference(c, outH, outW, padTop, padLeft, (n, iy, ix, ic) => x[((n * c.Height + iy) * c.Width + ix) * c.InputChannels + ic] - inputZero,
                    (oc, ky, kx, ic) => w[((oc * c.FilterH + ky) * c.FilterW + kx) * filterChannels + ic],
                    (index, oc, _, exact) =>
                    {
                        // exact holds the exact sum; an int32 accumulator keeps it modulo 2^32.
                        long acc = exact + (c.Bias ? b[oc] : 0);
                        int scaled = wide
                            ? MultiplyByQuantizedMultiplier(acc, requant[oc].Multiplier, requant[oc].Shift)
                            : MultiplyByQuantizedMultiplier(unchecked((int)acc), requant[oc].Multiplier, requant[oc].Shift) + outputZero;
                        y[index] = Math.Min(Math.Max(scaled, min), max);
                    });
                return int8 ? Bytes(y.Select(v => (sbyte)v).ToArray()) : Bytes(y.Select(v => (short)v).ToArray());
            };
        }

        int[] inputs = c.Bias ? new[] { input, filter, bias } : new[] { input, filter };
        builder.Operator(Conv2DCode, inputs, new[] { output }, Conv2DOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, (byte)c.Padding),
                TfliteModelBuilder.Option.Int(1, c.StrideW),
                TfliteModelBuilder.Option.Int(2, c.StrideH),
                TfliteModelBuilder.Option.Byte(3, (byte)c.Activation),
                TfliteModelBuilder.Option.Int(4, c.DilationW),
                TfliteModelBuilder.Option.Int(5, c.DilationH))
            .Inputs(modelInput >= 0 ? modelInput : input)
            .Outputs(output);

        ITinyModel model = InMemoryModel.Compile(builder.Build(), "/tests/conv2d.tflite").Create();
        byte[] expected = reference();
        byte[] actual = new byte[expected.Length];
        model.InvokeRaw(inputBytes, actual);
        OutputComparison.AssertMatches(c.ToString(), c.Type.StartsWith("int16", StringComparison.Ordinal) ? "int16" : c.Type, expected, actual);
    }

    /// <summary>
    /// TFLM's reference loop nest: every output, summed over the filter taps inside the input in the
    /// order (row, column, channel): in float for float inputs, exactly (in 64 bits) for integer ones,
    /// whose values <paramref name="input"/> and <paramref name="weight"/> return as exact floats.
    /// </summary>
    private static void Reference(Case c, int outH, int outW, int padTop, int padLeft,
        Func<int, int, int, int, float> input, Func<int, int, int, int, float> weight, Action<int, int, float, long> write)
    {
        bool isFloat = c.Type == "float32";
        int filterChannels = c.InputChannels / c.Groups, perGroup = c.OutputChannels / c.Groups;
        for (int n = 0; n < c.Batches; n++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    for (int oc = 0; oc < c.OutputChannels; oc++)
                    {
                        int group = oc / perGroup;
                        float total = 0f;
                        long exact = 0;
                        for (int ky = 0; ky < c.FilterH; ky++)
                        {
                            int iy = oy * c.StrideH - padTop + ky * c.DilationH;
                            for (int kx = 0; kx < c.FilterW; kx++)
                            {
                                int ix = ox * c.StrideW - padLeft + kx * c.DilationW;
                                if (iy < 0 || iy >= c.Height || ix < 0 || ix >= c.Width)
                                {
                                    continue;
                                }
                                for (int ic = 0; ic < filterChannels; ic++)
                                {
                                    float xv = input(n, iy, ix, group * filterChannels + ic);
                                    float wv = weight(oc, ky, kx, ic);
                                    if (isFloat)
                                    {
                                        total += xv * wv;
                                    }
                                    else
                                    {
                                        exact += (long)xv * (long)wv;
                                    }
                                }
                            }
                        }
                        write(((n * outH + oy) * outW + ox) * c.OutputChannels + oc, oc, total, exact);
                    }
                }
            }
        }
    }
}
