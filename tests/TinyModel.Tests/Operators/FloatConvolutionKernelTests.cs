using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ConvolutionTestSupport;
using static TinyModel.Tests.Operators.TfliteReference;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Float CONV_2D and DEPTHWISE_CONV_2D layers for the vectorized kernels (TinyModel.FloatConvolution,
/// TinyModel.FloatDepthwiseConvolution): channel counts that are not a multiple of any vector width, odd depths,
/// strides, dilation, SAME and VALID padding, no bias, every fused activation, rows shorter than a tile. Each layer is
/// compiled from a model built in memory and compared <b>bit for bit</b> with a plain loop written here from TFLM's
/// reference kernels (reference/conv.h, depthwiseconv_float.h): a sum from 0 over the taps inside the input, filter
/// row, column, then input channel, one product at a time, then the bias, then <c>std::max</c> and <c>std::min</c>.
/// The values span many magnitudes, so that any other order of the sums would round differently. Run under
/// DOTNET_EnableAVX512F=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 too: every path must give the same bits.
/// </summary>
public class FloatConvolutionKernelTests
{
    private const int Conv2DCode = 3, DepthwiseConv2DCode = 4;
    private const byte Conv2DOptionsType = 1, DepthwiseConv2DOptionsType = 2;

    /// <summary>A layer to test.</summary>
    /// <param name="Depthwise">DEPTHWISE_CONV_2D (depth multiplier <paramref name="Multiplier"/>) instead of CONV_2D.</param>
    /// <param name="Activation">0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6.</param>
    /// <param name="Weights">"random", or "infinite" (one weight is +∞: the layer must keep TFLM's skipped padding taps).</param>
    public sealed record Case(bool Depthwise, int Height, int Width, int InputChannels, int OutputChannels, int FilterH, int FilterW,
        int Padding = 0, int StrideH = 1, int StrideW = 1, int DilationH = 1, int DilationW = 1, int Multiplier = 1, int Batches = 1,
        bool Bias = true, int Activation = 0, string Weights = "random")
    {
        public override string ToString() =>
            $"{(Depthwise ? $"dw m{Multiplier}" : "conv")} {Height}x{Width}x{InputChannels}->{OutputChannels} k{FilterH}x{FilterW} {(Padding == 0 ? "SAME" : "VALID")}" +
            $" s{StrideH}x{StrideW} d{DilationH}x{DilationW} b{Batches}{(Bias ? "" : " nobias")} act{Activation} w:{Weights}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        // CONV_2D: channel counts around the 4-, 8- and 16-channel vectors, odd depths, every window kind.
        foreach (int oc in new[] { 1, 3, 4, 8, 9, 15, 16, 17, 33 })
        {
            data.Add(new Case(false, 5, 11, 3, oc, 3, 3));
        }
        foreach (int ic in new[] { 1, 2, 5, 7, 16, 19 })
        {
            data.Add(new Case(false, 6, 5, ic, 20, 3, 2, Padding: 1));
            data.Add(new Case(false, 4, 9, ic, 18, 1, 1));
        }
        data.Add(new Case(false, 9, 11, 4, 12, 3, 3, StrideH: 2, StrideW: 2));
        data.Add(new Case(false, 9, 11, 5, 12, 3, 3, StrideH: 1, StrideW: 3, Padding: 1));
        data.Add(new Case(false, 9, 11, 5, 12, 3, 3, DilationH: 2, DilationW: 2));
        data.Add(new Case(false, 9, 11, 3, 17, 2, 3, DilationH: 1, DilationW: 3, Padding: 1));
        data.Add(new Case(false, 7, 7, 6, 10, 5, 5, StrideH: 2, StrideW: 1, DilationH: 2));
        data.Add(new Case(false, 6, 6, 3, 20, 1, 1, StrideH: 2, StrideW: 2));
        data.Add(new Case(false, 3, 4, 7, 9, 1, 1, Batches: 3));
        data.Add(new Case(false, 5, 6, 4, 9, 3, 3, Batches: 2));
        data.Add(new Case(false, 3, 2, 4, 24, 3, 3));
        data.Add(new Case(false, 34, 36, 16, 16, 3, 3));
        data.Add(new Case(false, 4, 13, 5, 16, 3, 3));
        data.Add(new Case(false, 3, 3, 40, 24, 1, 1));
        data.Add(new Case(false, 30, 40, 8, 8, 3, 3, StrideH: 2, StrideW: 2));
        // A few input channels (a first layer): the pixels inside read the input in place, the edges staged filter rows.
        data.Add(new Case(false, 11, 13, 3, 16, 3, 3, StrideH: 2, StrideW: 2));
        data.Add(new Case(false, 9, 12, 3, 8, 3, 3, DilationH: 2, DilationW: 2));
        data.Add(new Case(false, 8, 10, 2, 9, 5, 5));
        // CONV_2D read in place (FloatConvolution.ConvolveImage, 8 or more input channels, padding no wider than the stride):
        // rows as wide as 1, 2, 3 pixels and around every tile's width, so that a tile's first pixel is cut (lead), its last
        // (trail), both, or neither; cut filter rows above and below; strides, row dilation, batches, no bias, an infinite weight.
        foreach (int width in new[] { 1, 2, 3, 4, 5, 8, 9, 11, 16, 17 })
        {
            data.Add(new Case(false, 4, width, 8, 20, 3, 3));
            data.Add(new Case(false, 5, width, 12, 16, 3, 3, StrideH: 2, StrideW: 2));
        }
        foreach (int oc in new[] { 5, 8, 16, 33, 64 })
        {
            data.Add(new Case(false, 8, 8, 16, oc, 3, 3));
        }
        data.Add(new Case(false, 9, 10, 9, 18, 3, 3, StrideH: 1, StrideW: 2));
        data.Add(new Case(false, 9, 10, 10, 17, 3, 2, DilationH: 2));
        data.Add(new Case(false, 6, 7, 8, 16, 2, 2));
        data.Add(new Case(false, 7, 7, 8, 16, 5, 5));
        data.Add(new Case(false, 7, 9, 16, 24, 3, 3, Batches: 2, Bias: false, Activation: 1));
        data.Add(new Case(false, 6, 9, 8, 20, 3, 3, Weights: "infinite"));
        // DEPTHWISE_CONV_2D: channel counts around the vector widths, odd and even tap counts, every window kind.
        foreach (int channels in new[] { 1, 3, 4, 7, 8, 9, 16, 17, 24, 29, 40 })
        {
            data.Add(new Case(true, 6, 9, channels, channels, 3, 3));
        }
        data.Add(new Case(true, 7, 9, 12, 12, 2, 4, Padding: 1));
        data.Add(new Case(true, 7, 9, 12, 12, 1, 1));
        data.Add(new Case(true, 8, 8, 20, 20, 5, 5, StrideH: 2, StrideW: 2));
        data.Add(new Case(true, 9, 9, 10, 10, 3, 3, DilationH: 2, DilationW: 3));
        data.Add(new Case(true, 9, 9, 10, 10, 3, 3, StrideH: 1, StrideW: 2, Padding: 1, Batches: 2));
        data.Add(new Case(true, 3, 3, 16, 16, 3, 3));
        data.Add(new Case(true, 50, 52, 16, 16, 3, 3, StrideH: 2, StrideW: 2));
        // 3-wide windows, six pixels of a row at a time: rows of exactly one tile, of tiles that overlap, shorter than a
        // tile; stride 2 over even widths (no padding on the left) and odd ones (one column each side); VALID; an image
        // smaller than the window; a dilated row.
        foreach (int width in new[] { 6, 7, 12, 13, 5, 2 })
        {
            data.Add(new Case(true, 5, width, 8, 8, 3, 3));
            data.Add(new Case(true, 5, 2 * width, 4, 4, 3, 3, StrideH: 2, StrideW: 2));
            data.Add(new Case(true, 6, 2 * width + 1, 5, 5, 3, 3, StrideH: 2, StrideW: 2));
            data.Add(new Case(true, 4, width + 2, 16, 16, 3, 3, Padding: 1));
        }
        data.Add(new Case(true, 8, 15, 8, 8, 3, 3, StrideH: 2, StrideW: 2, Padding: 1));
        data.Add(new Case(true, 2, 9, 16, 16, 3, 3, DilationH: 2, DilationW: 1));
        data.Add(new Case(true, 1, 1, 16, 16, 3, 3));
        // A depth multiplier keeps the general kernel; it must still be exact.
        data.Add(new Case(true, 6, 6, 3, 6, 3, 3, Multiplier: 2));
        // No bias, and every fused activation, in both kinds.
        foreach (bool depthwise in new[] { false, true })
        {
            int oc = depthwise ? 13 : 19;
            data.Add(new Case(depthwise, 5, 7, depthwise ? oc : 6, oc, 3, 3, Bias: false));
            for (int activation = 1; activation <= 3; activation++)
            {
                data.Add(new Case(depthwise, 5, 7, depthwise ? oc : 6, oc, 3, 3, Activation: activation));
            }
            // An infinite weight: 0 · ∞ is NaN, so padded taps must be skipped, not multiplied.
            data.Add(new Case(depthwise, 5, 6, depthwise ? oc : 4, oc, 3, 3, Weights: "infinite"));
            data.Add(new Case(depthwise, 5, 14, depthwise ? oc : 4, oc, 3, 3, StrideH: 2, StrideW: 2, Weights: "infinite"));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceBitForBit(Case c)
    {
        (byte[] modelBytes, float[] x, float[] expected) = Build(c);
        ITinyModel model = InMemoryModel.Compile(modelBytes, "/tests/float_convolution.tflite").Create();
        byte[] actual = new byte[expected.Length * sizeof(float)];
        model.InvokeRaw(Bytes(x), actual);
        byte[] wanted = Bytes(expected);
        int first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => BitConverter.ToInt32(actual, i * 4) != BitConverter.ToInt32(wanted, i * 4), -1);
        Assert.True(first < 0, first < 0 ? "" : $"{c}: output {first} is {BitConverter.ToSingle(actual, first * 4):R}, TFLM's is {expected[first]:R}");
    }

    [Theory]
    [InlineData(false, 1, "TinyModel.FloatConvolution.ConvolveRow", "random")]
    [InlineData(true, 1, "TinyModel.FloatDepthwiseConvolution.Convolve", "random")]
    [InlineData(false, 1, "TinyModel.MultiplyAccumulate", "infinite")]
    [InlineData(true, 1, "TinyModel.FloatDepthwiseConvolution.Convolve", "infinite")]
    [InlineData(true, 2, "TinyModel.MultiplyAccumulate", "random")]
    public void TheLayersTakeTheVectorKernels(bool depthwise, int multiplier, string kernel, string weights)
    {
        var c = new Case(depthwise, 5, 7, 3, 3 * multiplier, 3, 3, Multiplier: multiplier, Weights: weights);
        Assert.Contains(kernel, InMemoryModel.Compile(Build(c).Model, "/tests/float_convolution.tflite").GeneratedSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 3, 1, "TinyModel.FloatConvolution.ConvolveImage")]
    [InlineData(3, 3, 2, "TinyModel.FloatConvolution.ConvolveImage")]
    [InlineData(5, 5, 1, "TinyModel.FloatConvolution.ConvolveRow")]
    public void PaddedLayersWithEightInputChannelsReadTheirInputInPlace(int filterH, int filterW, int stride, string kernel)
    {
        // A 5×5 window's padding (2 columns) is wider than its stride: more than the first pixel is cut, so it is staged.
        var c = new Case(false, 9, 9, 8, 16, filterH, filterW, StrideH: stride, StrideW: stride);
        Assert.Contains(kernel, InMemoryModel.Compile(Build(c).Model, "/tests/float_convolution.tflite").GeneratedSource, StringComparison.Ordinal);
    }

    /// <summary>The layer's model, a random input and TFLM's output for it.</summary>
    private static (byte[] Model, float[] Input, float[] Expected) Build(Case c)
    {
        var random = new Random(c.ToString().GetHashCode(StringComparison.Ordinal) & 0x7FFF_FFFF);
        (int outH, int padTop) = Window(c.Padding, c.Height, c.FilterH, c.StrideH, c.DilationH);
        (int outW, int padLeft) = Window(c.Padding, c.Width, c.FilterW, c.StrideW, c.DilationW);
        int[] inputShape = { c.Batches, c.Height, c.Width, c.InputChannels };
        int[] filterShape = c.Depthwise ? new[] { 1, c.FilterH, c.FilterW, c.OutputChannels } : new[] { c.OutputChannels, c.FilterH, c.FilterW, c.InputChannels };
        int[] outputShape = { c.Batches, outH, outW, c.OutputChannels };

        // Magnitudes from 2^-12 to 2^12, both signs, and some exact zeros (of both signs): sums that round differently in any other order.
        float Value() => random.Next(16) switch
        {
            0 => 0f,
            1 => -0f,
            _ => (float)((random.Next(2) == 0 ? -1 : 1) * (1 + random.NextDouble()) * Math.Pow(2, random.Next(-12, 13))),
        };
        float[] x = Enumerable.Range(0, Count(inputShape)).Select(_ => Value()).ToArray();
        float[] w = Enumerable.Range(0, Count(filterShape)).Select(_ => Value()).ToArray();
        if (c.Weights == "infinite")
        {
            // A corner tap's weight, which padding taps of the first pixels multiply.
            w[0] = float.PositiveInfinity;
        }
        float[] b = Enumerable.Range(0, c.OutputChannels).Select(_ => Value()).ToArray();

        var builder = new TfliteModelBuilder();
        int input = builder.Tensor("input", TfliteType.Float32, inputShape);
        int filter = builder.Constant("filter", TfliteType.Float32, filterShape, Bytes(w));
        int bias = c.Bias ? builder.Constant("bias", TfliteType.Float32, new[] { c.OutputChannels }, Bytes(b)) : -1;
        int output = builder.Tensor("output", TfliteType.Float32, outputShape);
        var options = c.Depthwise
            ? new[]
            {
                TfliteModelBuilder.Option.Byte(0, (byte)c.Padding), TfliteModelBuilder.Option.Int(1, c.StrideW), TfliteModelBuilder.Option.Int(2, c.StrideH),
                TfliteModelBuilder.Option.Int(3, c.Multiplier), TfliteModelBuilder.Option.Byte(4, (byte)c.Activation),
                TfliteModelBuilder.Option.Int(5, c.DilationW), TfliteModelBuilder.Option.Int(6, c.DilationH),
            }
            : new[]
            {
                TfliteModelBuilder.Option.Byte(0, (byte)c.Padding), TfliteModelBuilder.Option.Int(1, c.StrideW), TfliteModelBuilder.Option.Int(2, c.StrideH),
                TfliteModelBuilder.Option.Byte(3, (byte)c.Activation), TfliteModelBuilder.Option.Int(4, c.DilationW), TfliteModelBuilder.Option.Int(5, c.DilationH),
            };
        builder.Operator(c.Depthwise ? DepthwiseConv2DCode : Conv2DCode, new[] { input, filter, bias }, new[] { output },
                c.Depthwise ? DepthwiseConv2DOptionsType : Conv2DOptionsType, null, options)
            .Inputs(input)
            .Outputs(output);

        (float min, float max) = FloatActivationRange(c.Activation);
        var expected = new float[Count(outputShape)];
        for (int n = 0; n < c.Batches; n++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    for (int oc = 0; oc < c.OutputChannels; oc++)
                    {
                        // TFLM: a sum from 0 over the taps inside the input only, one product at a time, then the bias.
                        float total = 0f;
                        for (int ky = 0; ky < c.FilterH; ky++)
                        {
                            for (int kx = 0; kx < c.FilterW; kx++)
                            {
                                int iy = oy * c.StrideH - padTop + ky * c.DilationH, ix = ox * c.StrideW - padLeft + kx * c.DilationW;
                                if (iy < 0 || iy >= c.Height || ix < 0 || ix >= c.Width)
                                {
                                    continue;
                                }
                                int pixel = ((n * c.Height + iy) * c.Width + ix) * c.InputChannels;
                                if (c.Depthwise)
                                {
                                    float product = x[pixel + oc / c.Multiplier] * w[(ky * c.FilterW + kx) * c.OutputChannels + oc];
                                    total += product;
                                    continue;
                                }
                                for (int ic = 0; ic < c.InputChannels; ic++)
                                {
                                    float product = x[pixel + ic] * w[((oc * c.FilterH + ky) * c.FilterW + kx) * c.InputChannels + ic];
                                    total += product;
                                }
                            }
                        }
                        // ActivationFunctionWithMinMax: std::min(std::max(x, min), max), where std::max(a, b) is (a < b) ? b : a.
                        float value = total + (c.Bias ? b[oc] : 0f);
                        value = value < min ? min : value;
                        expected[((n * outH + oy) * outW + ox) * c.OutputChannels + oc] = max < value ? max : value;
                    }
                }
            }
        }

        return (builder.Build(), x, expected);
    }
}
