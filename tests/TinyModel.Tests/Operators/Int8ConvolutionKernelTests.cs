using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ConvolutionTestSupport;
using static TinyModel.Tests.Operators.TfliteReference;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Adversarial int8 CONV_2D and DEPTHWISE_CONV_2D layers for the pairwise kernels (TinyModel.Int8Convolution,
/// TinyModel.Int8DepthwiseConvolution): weights at both extremes side by side with inputs at both extremes, sums that
/// wrap int32, channel counts that are not a multiple of any vector width, odd depths, strides, dilation, SAME and
/// VALID padding, left shifts and clamps. Each layer is compiled from a model built in memory and compared bit for bit
/// with a plain loop written here from TFLM's reference kernels (skipped padding taps, a wrapping int32 sum, then
/// MultiplyByQuantizedMultiplier). Run under DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 too: the 128-bit
/// and scalar paths must give the same bits.
/// </summary>
public class Int8ConvolutionKernelTests
{
    private const int Conv2DCode = 3, DepthwiseConv2DCode = 4;
    private const byte Conv2DOptionsType = 1, DepthwiseConv2DOptionsType = 2;

    /// <summary>A layer to test.</summary>
    /// <param name="Depthwise">DEPTHWISE_CONV_2D (depth multiplier <paramref name="Multiplier"/>) instead of CONV_2D.</param>
    /// <param name="Weights">"random", "extreme" (runs of 127 and -128 side by side), or "max" (all -128).</param>
    /// <param name="Inputs">"random" or "extreme" (only -128 and 127).</param>
    /// <param name="InputZero">The input zero point: -128 makes every staged value non-negative up to 255, 127 non-positive down to -255.</param>
    /// <param name="Wrap">A bias near int.MaxValue, so that the int32 sums wrap.</param>
    /// <param name="Gain">The real multiplier's scale: above 1 gives TFLite a left shift.</param>
    /// <param name="Activation">0 NONE, 1 RELU, 3 RELU6 (a clamp narrower than int8).</param>
    /// <param name="Dead">Every third channel dead: "zero", a filter scale of 1e-12 (TFLite's multiplier 0, every output the zero point) and a
    /// bias near int.MaxValue; "tiny", a filter scale of 1e-9 (a right shift of 29 or 30, every reachable output the zero point).</param>
    public sealed record Case(bool Depthwise, int Height, int Width, int InputChannels, int OutputChannels, int FilterH, int FilterW,
        int Padding = 0, int StrideH = 1, int StrideW = 1, int DilationH = 1, int DilationW = 1, int Multiplier = 1, int Batches = 1,
        string Weights = "random", string Inputs = "random", int InputZero = -3, bool Wrap = false, double Gain = 0.01, int Activation = 0, string Dead = "")
    {
        public override string ToString() =>
            $"{(Depthwise ? $"dw m{Multiplier}" : "conv")} {Height}x{Width}x{InputChannels}->{OutputChannels} k{FilterH}x{FilterW} {(Padding == 0 ? "SAME" : "VALID")}" +
            $" s{StrideH}x{StrideW} d{DilationH}x{DilationW} b{Batches} w:{Weights} x:{Inputs} zp{InputZero}{(Wrap ? " wrap" : "")} gain{Gain} act{Activation}{(Dead.Length > 0 ? " dead:" + Dead : "")}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        // CONV_2D: channel counts around the 16-channel blocks, odd depths (a run with an odd last value), every window kind.
        foreach (int oc in new[] { 1, 3, 8, 15, 16, 17, 33 })
        {
            data.Add(new Case(false, 5, 7, 3, oc, 3, 3));
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
        data.Add(new Case(false, 49, 10, 1, 24, 10, 4, StrideH: 2, StrideW: 2));
        // Extremes: weights 127 and -128 side by side, inputs at both ends, staged values of ±255.
        foreach (int zero in new[] { -128, 127 })
        {
            data.Add(new Case(false, 5, 6, 6, 17, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: zero));
            data.Add(new Case(false, 5, 6, 5, 17, 3, 3, Weights: "max", Inputs: "extreme", InputZero: zero, Gain: 0.0001));
            data.Add(new Case(true, 6, 7, 21, 21, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: zero));
            data.Add(new Case(true, 6, 7, 9, 9, 3, 3, Weights: "max", Inputs: "extreme", InputZero: zero, Gain: 0.001));
        }
        data.Add(new Case(false, 4, 5, 9, 19, 3, 3, Wrap: true, Gain: 0.3));
        data.Add(new Case(true, 4, 5, 19, 19, 3, 3, Wrap: true, Gain: 0.3));
        data.Add(new Case(false, 4, 5, 3, 19, 3, 3, Gain: 40, Inputs: "extreme"));
        data.Add(new Case(true, 4, 5, 13, 13, 3, 3, Gain: 40));
        data.Add(new Case(false, 6, 6, 8, 16, 3, 3, Activation: 3, Gain: 0.05));
        data.Add(new Case(true, 6, 6, 24, 24, 3, 3, Activation: 1, InputZero: 20));
        foreach (Case dead in DeadChannelCases())
        {
            data.Add(dead);
        }
        foreach (Case winograd in WinogradCases())
        {
            data.Add(winograd);
        }
        // DEPTHWISE_CONV_2D: channel counts around the 8- and 16-channel blocks, odd and even tap counts, every window kind.
        foreach (int channels in new[] { 1, 2, 7, 8, 9, 16, 17, 24, 40 })
        {
            data.Add(new Case(true, 6, 5, channels, channels, 3, 3));
        }
        data.Add(new Case(true, 7, 9, 12, 12, 2, 4, Padding: 1));
        data.Add(new Case(true, 7, 9, 12, 12, 1, 1));
        data.Add(new Case(true, 8, 8, 20, 20, 5, 5, StrideH: 2, StrideW: 2));
        data.Add(new Case(true, 9, 9, 10, 10, 3, 3, DilationH: 2, DilationW: 3));
        data.Add(new Case(true, 9, 9, 10, 10, 3, 3, StrideH: 1, StrideW: 2, Padding: 1, Batches: 2));
        // Narrow images: the kernel groups pixels into tiles across the ends of rows (widths 1, 3, 5; 8 to 64 channels).
        data.Add(new Case(true, 9, 5, 64, 64, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128));
        data.Add(new Case(true, 7, 3, 8, 8, 3, 3, Batches: 2));
        data.Add(new Case(true, 5, 1, 40, 40, 3, 3));
        data.Add(new Case(true, 6, 3, 16, 16, 3, 3, StrideH: 2, StrideW: 2, Padding: 1));
        // Runs of pixels that end in a partial tile (1 to 3 of 4 at 32 channels, 1 of 2 at 16, 1 to 3 of 4 at 8): rows of 7
        // and 14 as in MobileNet's late layers, whole images and rings of rows.
        data.Add(new Case(true, 1, 7, 48, 48, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128));
        data.Add(new Case(true, 2, 7, 40, 40, 3, 3));
        data.Add(new Case(true, 3, 3, 40, 40, 3, 3, Wrap: true, Gain: 0.3));
        data.Add(new Case(true, 3, 9, 40, 40, 3, 3, Padding: 1));
        data.Add(new Case(true, 14, 14, 384, 384, 3, 3));
        data.Add(new Case(true, 7, 7, 960, 960, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: 127));
        // Channels that do not fill blocks of 32, column stride 1: adjacent pixels are one pixel of whole blocks to the kernel.
        data.Add(new Case(true, 5, 8, 8, 8, 3, 3));
        data.Add(new Case(true, 4, 8, 24, 24, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128));
        data.Add(new Case(true, 3, 32, 3, 3, 3, 3, StrideH: 2));
        data.Add(new Case(true, 5, 6, 144, 144, 3, 3, Padding: 1, Wrap: true, Gain: 0.3));
        data.Add(new Case(true, 6, 8, 16, 16, 3, 3, DilationW: 2, DilationH: 2));
        data.Add(new Case(true, 4, 4, 8, 8, 2, 2, Gain: 40, Activation: 1, Batches: 2));
        // Images too large to stage whole: input rows staged once each into a ring (stride 1 and 2, dilation, rows
        // between windows that are never staged, SAME padding rows, batches).
        foreach (Case ring in RingCases())
        {
            data.Add(ring);
        }
        // One input channel with a depth multiplier: an ordinary convolution for the kernel.
        data.Add(new Case(true, 12, 10, 1, 8, 3, 3, StrideH: 2, StrideW: 2, Multiplier: 8));
        data.Add(new Case(true, 11, 9, 1, 5, 4, 3, Multiplier: 5, Weights: "extreme", Inputs: "extreme", InputZero: -128));
        // A multiplier with several input channels keeps the general kernel; it must still be exact.
        data.Add(new Case(true, 6, 6, 3, 6, 3, 3, Multiplier: 2));
        return data;
    }

    /// <summary>
    /// 3×3 stride-1 CONV_2D layers that take Winograd F(2×2, 3×3) (TinyModel.Int8WinogradConvolution): odd and even
    /// output sizes (tiles half outside), SAME and VALID, odd depths, channels off the 16-channel blocks, extremes.
    /// </summary>
    private static Case[] WinogradCases()
    {
        var cases = new System.Collections.Generic.List<Case>();
        cases.Add(new Case(false, 10, 9, 16, 17, 3, 3));
        cases.Add(new Case(false, 9, 10, 19, 33, 3, 3, Padding: 1));
        cases.Add(new Case(false, 7, 7, 8, 3, 3, 3, Batches: 2));
        cases.Add(new Case(false, 6, 11, 128, 20, 3, 3, Padding: 1));
        cases.Add(new Case(false, 8, 6, 33, 16, 3, 3, Gain: 40, Activation: 1));
        cases.Add(new Case(false, 6, 8, 24, 18, 3, 3, Wrap: true, Gain: 0.3));
        foreach (int zero in new[] { -128, 127 })
        {
            cases.Add(new Case(false, 9, 8, 16, 16, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: zero));
            cases.Add(new Case(false, 8, 9, 9, 17, 3, 3, Padding: 1, Weights: "extreme", Inputs: "extreme", InputZero: zero));
            cases.Add(new Case(false, 7, 6, 128, 5, 3, 3, Weights: "max", Inputs: "extreme", InputZero: zero, Gain: 0.0001));
        }
        cases.AddRange(LargeTileCases());
        return cases.ToArray();
    }

    public static TheoryData<Case> WinogradLayers() => new(WinogradCases());

    /// <summary>
    /// Layers that take 4×4 tiles (F(4×4, 3×3): at most 64 input channels, at least 4 tiles): sizes off the tiles
    /// (tiles partly outside), SAME and VALID, input depths off the 16- and 8-channel vectors and odd, up to 64,
    /// output channels off the 16-channel blocks, extremes, wrapping biases.
    /// </summary>
    private static Case[] LargeTileCases() =>
    [
        new Case(false, 13, 18, 12, 20, 3, 3),
        new Case(false, 18, 18, 9, 16, 3, 3, Padding: 1),
        new Case(false, 11, 17, 24, 33, 3, 3, Wrap: true, Gain: 0.3),
        new Case(false, 16, 10, 64, 17, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128),
        new Case(false, 17, 9, 33, 16, 3, 3, Padding: 1, Weights: "max", Inputs: "extreme", InputZero: 127, Gain: 0.0001),
        new Case(false, 8, 16, 16, 16, 3, 3, Gain: 40, Activation: 1, Batches: 2),
        // 4 to 7 tiles: the four-tile micro-kernel, then single tiles.
        new Case(false, 8, 8, 64, 64, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128),
        new Case(false, 9, 14, 20, 16, 3, 3, Padding: 1),
    ];

    public static TheoryData<Case> LargeTileLayers() => new(LargeTileCases());

    [Theory]
    [MemberData(nameof(LargeTileLayers))]
    public void LargeWinogradLayersTakeFourByFourTiles(Case c) =>
        Assert.Contains("tileSize: 4", InMemoryModel.Compile(Build(c).Model, "/tests/int8_convolution.tflite").GeneratedSource, StringComparison.Ordinal);

    /// <summary>
    /// Layers with dead channels whose bias or shift alone would defeat the bounded requantization's proof: multiplier
    /// 0, or a right shift so large that every reachable output is the zero point (given multiplier 0 and shift 0). The
    /// proof leaves them out and the layer takes the bounded form.
    /// </summary>
    private static Case[] DeadChannelCases() =>
    [
        new Case(true, 6, 7, 40, 40, 3, 3, Dead: "zero", Inputs: "extreme", InputZero: -128),
        new Case(true, 5, 8, 8, 8, 3, 3, Dead: "zero", Activation: 1),
        new Case(false, 4, 6, 16, 35, 1, 1, Dead: "zero"),
        new Case(true, 6, 7, 40, 40, 3, 3, Dead: "tiny", Weights: "extreme", Inputs: "extreme", InputZero: 127),
        new Case(true, 4, 9, 24, 24, 3, 3, Dead: "tiny", Activation: 3),
        new Case(false, 4, 6, 24, 19, 1, 1, Dead: "tiny", Inputs: "extreme", InputZero: -128),
    ];

    public static TheoryData<Case> DeadChannelLayers() => new(DeadChannelCases());

    [Theory]
    [MemberData(nameof(DeadChannelLayers))]
    public void DeadChannelsKeepTheBoundedRequantization(Case c) =>
        Assert.Contains("boundedAccumulators: true", InMemoryModel.Compile(Build(c).Model, "/tests/int8_convolution.tflite").GeneratedSource, StringComparison.Ordinal);

    /// <summary>Depthwise layers whose padded image exceeds the stack budget, so that their rows are staged into a ring.</summary>
    private static Case[] RingCases() =>
    [
        new Case(true, 40, 40, 24, 24, 3, 3, Weights: "extreme", Inputs: "extreme", InputZero: -128),
        new Case(true, 41, 40, 32, 32, 3, 3, StrideH: 2, StrideW: 2),
        new Case(true, 36, 36, 30, 30, 3, 3, DilationH: 2, DilationW: 2, Padding: 1, Activation: 1),
        new Case(true, 47, 45, 20, 20, 2, 2, StrideH: 3, StrideW: 3, Padding: 1),
        new Case(true, 35, 33, 33, 33, 3, 3, Batches: 2, Wrap: true, Gain: 0.3),
    ];

    public static TheoryData<Case> RingLayers() => new(RingCases());

    [Theory]
    [MemberData(nameof(RingLayers))]
    public void LargeDepthwiseLayersStageEachRowOnce(Case c) =>
        Assert.Contains("TinyModel.Int8DepthwiseConvolution.ConvolveRingRow", InMemoryModel.Compile(Build(c).Model, "/tests/int8_convolution.tflite").GeneratedSource, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(WinogradLayers))]
    public void WinogradLayersTakeTheWinogradKernel(Case c) =>
        Assert.Contains("TinyModel.Int8WinogradConvolution.Convolve", InMemoryModel.Compile(Build(c).Model, "/tests/int8_convolution.tflite").GeneratedSource, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(Case c)
    {
        (byte[] modelBytes, sbyte[] x, sbyte[] expected) = Build(c);
        ITinyModel model = InMemoryModel.Compile(modelBytes, "/tests/int8_convolution.tflite").Create();
        byte[] actual = new byte[expected.Length];
        model.InvokeRaw(Bytes(x), actual);
        OutputComparison.AssertMatches(c.ToString(), "int8", Bytes(expected), actual);
    }

    [Theory]
    [InlineData(false, 3, 17, 1, "TinyModel.Int8Convolution.ConvolveRow")]
    [InlineData(true, 3, 3, 1, "TinyModel.Int8DepthwiseConvolution.ConvolveRow")]
    [InlineData(true, 1, 8, 8, "TinyModel.Int8Convolution.ConvolveRow")]
    [InlineData(false, 16, 17, 1, "TinyModel.Int8WinogradConvolution.Convolve")]
    public void TheLayersTakeThePairwiseKernels(bool depthwise, int inputChannels, int outputChannels, int multiplier, string kernel)
    {
        var c = new Case(depthwise, 5, 7, inputChannels, outputChannels, 3, 3, Multiplier: multiplier);
        Assert.Contains(kernel, InMemoryModel.Compile(Build(c).Model, "/tests/int8_convolution.tflite").GeneratedSource, StringComparison.Ordinal);
    }

    /// <summary>The layer's model, a random input and TFLM's output for it.</summary>
    private static (byte[] Model, sbyte[] Input, sbyte[] Expected) Build(Case c)
    {
        var random = new Random(c.ToString().GetHashCode(StringComparison.Ordinal) & 0x7FFF_FFFF);
        (int outH, int padTop) = Window(c.Padding, c.Height, c.FilterH, c.StrideH, c.DilationH);
        (int outW, int padLeft) = Window(c.Padding, c.Width, c.FilterW, c.StrideW, c.DilationW);
        int[] inputShape = { c.Batches, c.Height, c.Width, c.InputChannels };
        int[] filterShape = c.Depthwise ? new[] { 1, c.FilterH, c.FilterW, c.OutputChannels } : new[] { c.OutputChannels, c.FilterH, c.FilterW, c.InputChannels };
        int[] outputShape = { c.Batches, outH, outW, c.OutputChannels };

        sbyte[] x = Enumerable.Range(0, Count(inputShape))
            .Select(_ => c.Inputs == "extreme" ? (sbyte)(random.Next(2) == 0 ? -128 : 127) : (sbyte)random.Next(-128, 128)).ToArray();
        sbyte[] w = Enumerable.Range(0, Count(filterShape)).Select(i => c.Weights switch
        {
            // Runs of two, so that both weights of a pair often share an extreme: (127, 127) and (-128, -128).
            "extreme" => (sbyte)((i / 2 + random.Next(3)) % 2 == 0 ? 127 : -128),
            "max" => (sbyte)-128,
            _ => (sbyte)random.Next(-128, 128),
        }).ToArray();
        int[] b = Enumerable.Range(0, c.OutputChannels)
            .Select(oc => c.Wrap || (c.Dead == "zero" && oc % 3 == 1) ? int.MaxValue - random.Next(0, 1 << 20) : random.Next(-30000, 30001)).ToArray();
        // Per-channel filter scales over a range wide enough that the channels' shifts differ.
        float inputScale = 0.05f, outputScale = 0.05f;
        float[] filterScales = Enumerable.Range(0, c.OutputChannels)
            .Select(oc => c.Dead.Length > 0 && oc % 3 == 1 ? (c.Dead == "zero" ? 1e-12f : 1e-9f) : (float)(c.Gain * Math.Pow(2, random.NextDouble() * 6 - 3))).ToArray();
        int outputZero = random.Next(-20, 21);

        var builder = new TfliteModelBuilder();
        int input = builder.Tensor("input", TfliteType.Int8, inputShape, inputScale, c.InputZero);
        int filter = builder.Constant("filter", TfliteType.Int8, filterShape, Bytes(w), filterScales, new long[c.OutputChannels], c.Depthwise ? 3 : 0);
        int bias = builder.Constant("bias", TfliteType.Int32, new[] { c.OutputChannels }, Bytes(b));
        int output = builder.Tensor("output", TfliteType.Int8, outputShape, outputScale, outputZero);
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

        (int min, int max) = QuantizedActivationRange(c.Activation, outputScale, outputZero, -128, 127);
        var requant = filterScales.Select(s => QuantizeMultiplier((double)inputScale * s / outputScale)).ToArray();
        var expected = new sbyte[Count(outputShape)];
        for (int n = 0; n < c.Batches; n++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    for (int oc = 0; oc < c.OutputChannels; oc++)
                    {
                        // TFLM: an int32 accumulator (wrapping), the taps inside the input only, then the bias.
                        int acc = 0;
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
                                    acc = unchecked(acc + (x[pixel + oc / c.Multiplier] - c.InputZero) * w[(ky * c.FilterW + kx) * c.OutputChannels + oc]);
                                    continue;
                                }
                                for (int ic = 0; ic < c.InputChannels; ic++)
                                {
                                    acc = unchecked(acc + (x[pixel + ic] - c.InputZero) * w[((oc * c.FilterH + ky) * c.FilterW + kx) * c.InputChannels + ic]);
                                }
                            }
                        }
                        acc = unchecked(acc + b[oc]);
                        int scaled = MultiplyByQuantizedMultiplier(acc, requant[oc].Multiplier, requant[oc].Shift) + outputZero;
                        expected[((n * outH + oy) * outW + ox) * c.OutputChannels + oc] = (sbyte)Math.Min(Math.Max(scaled, min), max);
                    }
                }
            }
        }

        return (builder.Build(), x, expected);
    }
}
