using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The .NET flavor's int8 CONV_2D for 3×3 windows with stride 1 and no dilation, where it pays and is provably
/// exact: Winograd's F(2×2, 3×3) or F(4×4, 3×3) in integers (TinyModel.Int8WinogradConvolution), 16 multiplies per
/// 2×2 output pixels and input channel where the direct kernel does 36, or 36 per 4×4 where it does 144. This class decides which layers take it, transforms
/// and packs the weights, and writes the layer's body.
/// </summary>
/// <remarks>
/// <para>
/// Layers with at most 64 input channels and at least 4 tiles of 4×4 output pixels take F(4×4, 3×3) instead (36
/// multiplies per 4×4 output pixels and input channel): its output transform is 576 times the sum, recovered exactly
/// while the sum lies within ±(2^25 − 1), which 9 · 64 · 128 · 255 ≈ 18.8 M never exceeds (checked all the same).
/// </para>
/// <para>
/// The kernel computes 4 times each output pixel's sum of staged values times weights in int32 and divides by 4,
/// which is exact only while the true sum stays within ±(2^29 − 1) (TFLM's accumulator would hold it without
/// wrapping, and so must 4 times it). The bound is proved here from the weights:
/// <c>Σ|w| · max|x + inputOffset|</c> per output channel (padding adds nothing); a layer that could exceed it keeps
/// the direct kernel, which is exact modulo 2^32 whatever the sum.
/// </para>
/// </remarks>
internal static class WinogradInt8Convolution
{
    /// <summary>The largest true sum whose 4-fold fits int32: 2^29 − 1.</summary>
    public const long MaxExactSum = (1L << 29) - 1;

    /// <summary>The largest true sum F(4×4, 3×3) recovers: 64 times it must fit int32, 2^25 − 1.</summary>
    public const long MaxExactSumLargeTiles = (1L << 25) - 1;

    /// <summary>The most input channels of a layer that takes 4×4 tiles (the kernel's stack buffer).</summary>
    private const int MaxInputChannelsLargeTiles = 64;

    /// <summary>
    /// The fewest 4×4 tiles a layer takes them with: the kernel's micro-kernels compute 8 or 4 tiles per weight load;
    /// with fewer it multiplies one tile at a time, slower than 2×2 tiles several at a time.
    /// </summary>
    private const int MinLargeTiles = 4;

    /// <summary>
    /// The smallest layer that takes the kernel, in output pixels: below it, transforming the input and output costs
    /// more than the multiplies saved (measured on pretrainedResnet_quant's layers, AVX-512).
    /// </summary>
    private const int MinOutputPixels = 16;

    /// <summary>
    /// The smallest input depth that takes the kernel: with fewer channels the transforms outweigh the products (a
    /// 32×32×3 layer ran 3 times slower than with the direct kernel).
    /// </summary>
    private const int MinInputChannels = 8;

    /// <summary>
    /// Weights <c>G = [[2,0,0],[1,1,1],[1,−1,1],[0,0,2]]</c>: Winograd's F(2, 3) filter transform times 2, so that
    /// every entry is an integer.
    /// </summary>
    private static readonly int[,] G = { { 2, 0, 0 }, { 1, 1, 1 }, { 1, -1, 1 }, { 0, 0, 2 } };

    /// <summary>
    /// Weights <c>G' = [[1,0,0],[−1,−1,−1],[−1,1,−1],[1,2,4],[1,−2,4],[0,0,1]]</c>: Lavin and Gray's F(4, 3) filter
    /// transform with its rows scaled by 4, 6, 6, 24, 24 and 1, so that every entry is an integer (the kernel's output
    /// transform undoes the scales).
    /// </summary>
    private static readonly int[,] GLarge = { { 1, 0, 0 }, { -1, -1, -1 }, { -1, 1, -1 }, { 1, 2, 4 }, { 1, -2, 4 }, { 0, 0, 1 } };

    /// <summary>Whether the geometry suits the kernel: 3×3, stride 1, undilated, few enough input channels, enough output, and the padded image fits on the stack.</summary>
    public static bool Suits(ConvolutionGeometry g) =>
        g.FilterHeight == 3 && g.FilterWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.DilationHeight == 1 && g.DilationWidth == 1
        && g.InputChannels >= MinInputChannels && g.InputChannels <= 128 && g.OutputHeight * g.OutputWidth >= MinOutputPixels
        && Int8StagedInput.ImageFits(Staging(g), 0);

    /// <summary>
    /// The largest bound, over the output channels, of the absolute sum of staged values times weights:
    /// <c>Σ|w| · max|x + inputOffset|</c> over the 9 × <c>InputChannels</c> taps of each channel.
    /// </summary>
    public static long SumBound(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset)
    {
        long largest = 0;
        foreach (long bound in ChannelSumBounds(g, filter, inputOffset))
        {
            largest = Math.Max(largest, bound);
        }
        return largest;
    }

    /// <summary>Per output channel, the bound of the absolute sum of staged values times weights: <c>Σ|w| · max|x + inputOffset|</c>.</summary>
    private static long[] ChannelSumBounds(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset)
    {
        long input = Math.Max(Math.Abs(sbyte.MinValue + (long)inputOffset), Math.Abs(sbyte.MaxValue + (long)inputOffset));
        long[] bounds = new long[g.OutputChannels];
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            long weights = 0;
            for (int ky = 0; ky < 3; ky++)
            {
                for (int kx = 0; kx < 3; kx++)
                {
                    for (int ic = 0; ic < g.InputChannels; ic++)
                    {
                        weights += Math.Abs((int)filter(oc, ky, kx, ic));
                    }
                }
            }
            bounds[oc] = weights * input;
        }
        return bounds;
    }

    /// <summary>Whether the kernel's sums are TFLM's for every input: 4 times every output channel's largest sum fits int32.</summary>
    public static bool IsExact(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset) =>
        SumBound(g, filter, inputOffset) <= MaxExactSum;

    /// <summary>
    /// Whether a layer takes the kernel: a geometry it suits, and sums it computes exactly. (Within 128 input
    /// channels the bound is at most 9 · 128 · 128 · 255 ≈ 37.6 M, far below 2^29; the check keeps the proof with
    /// the code should the limits change.)
    /// </summary>
    public static bool Applies(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset) =>
        Suits(g) && IsExact(g, filter, inputOffset);

    /// <summary>
    /// Output pixels per side of the layer's tiles: 4 where the layer has at most 64 input channels, at least
    /// <see cref="MinLargeTiles"/> tiles, a padded image that fits and sums F(4×4, 3×3) recovers; else 2.
    /// </summary>
    public static int TileSize(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset) =>
        g.InputChannels <= MaxInputChannelsLargeTiles
        && (long)((g.OutputHeight + 3) / 4) * ((g.OutputWidth + 3) / 4) >= MinLargeTiles
        && Int8StagedInput.ImageFits(Staging(g, 4), 0)
        && SumBound(g, filter, inputOffset) <= MaxExactSumLargeTiles
            ? 4
            : 2;

    /// <summary>The lines of the layer's XML summary saying how the kernel computes it and why that is exact.</summary>
    public static string Describe(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int inputOffset) =>
        TileSize(g, filter, inputOffset) == 4
            ? "The input is staged once as int16 (value minus the input zero point, zero in the padding) and computed by Winograd's F(4×4, 3×3) in integers " +
              "(TinyModel.Int8WinogradConvolution): per 4×4 output tile, 36 products per input channel instead of 144, from the filter transformed at build time (G' g G'ᵀ, G's rows scaled to integers, within ±6272) " +
              "and the input transformed at run time (Bᵀ d B, within ±25500), summed in pairs in int32, transformed back (A'ᵀ M A', 576 times the sum modulo 2^32), times 9's inverse modulo 2^32 and divided by 64. " +
              $"Exact: every output channel's |Σ w·(x − zero point)| ≤ {Literals.Int(SumBound(g, filter, inputOffset))} ≤ 2^25 − 1, so 64 times it fits int32 and the division by 64 returns TFLM's sum; the bias is added after."
            : "The input is staged once as int16 (value minus the input zero point, zero in the padding) and computed by Winograd's F(2×2, 3×3) in integers " +
        "(TinyModel.Int8WinogradConvolution): per 2×2 output tile, 16 products per input channel instead of 36, from the filter transformed at build time (G g Gᵀ, G doubled to integers, within ±1152) " +
        "and the input transformed at run time (Bᵀ d B, within ±1020), summed in pairs in int32, transformed back (Aᵀ M A) and divided by 4. " +
        $"Exact: every output channel's |Σ w·(x − zero point)| ≤ {Literals.Int(SumBound(g, filter, inputOffset))} ≤ 2^29 − 1, so 4 times it fits int32 and the division by 4 returns TFLM's sum; the bias is added after.";

    /// <summary>Writes the body of the layer's method (see <see cref="PairedInt8Convolution.Write"/> for the arguments).</summary>
    public static void Write(SourceWriter writer, EmitContext context, LayerSpec layer, ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter,
        string? bias, int inputOffset, ChannelRequantization requantization, ActivationRange activation)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int pairs = (ic + 1) / 2, tileSize = TileSize(g, filter, inputOffset), positions = (tileSize + 2) * (tileSize + 2);
        string transform = tileSize == 4
            ? "Winograd F(4×4, 3×3) (G' g G'ᵀ, G' = [[1,0,0],[−1,−1,−1],[−1,1,−1],[1,2,4],[1,−2,4],[0,0,1]])"
            : "Winograd F(2×2, 3×3) (G g Gᵀ, G = [[2,0,0],[1,1,1],[1,−1,1],[0,0,2]])";
        string weights = LayerWeights.AddConstant(context, layer, ElementType.Int16, ConstantData.ToBytes(PackWeights(g, filter, tileSize)),
            $"filter transformed for {transform}, int16, packed for TinyModel.Int8WinogradConvolution: " +
            $"{Literals.Count((oc + 15) / 16, "block")} of 16 output channels × {I(positions)} positions × {Literals.Count(pairs, "pair")} × 16 × 2");
        string outputStage = Int8OutputStageTable.Add(context, layer, bias, requantization, oc, boundedRows: true);
        bool bounded = Int8OutputStageTable.AccumulatorsBounded(context, bias, requantization, ChannelSumBounds(g, filter, inputOffset));
        ConvolutionGeometry staging = Staging(g, tileSize);

        writer.WriteLine($"{EmitContext.ReadOnlySpan}<short> weights = {context.Constant(weights)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> outputStage = {context.Constant(outputStage)};");
        writer.WriteLine($"global::TinyModel.Int8WinogradShape shape = new(inputChannels: {I(ic)}, stagedWidth: {I(Int8StagedInput.StagedWidth(staging))}, " +
            $"outputHeight: {I(g.OutputHeight)}, outputWidth: {I(g.OutputWidth)}, outputChannels: {I(oc)}, " +
            $"outputZeroPoint: {I(requantization.OutputZeroPoint)}, outputMin: {I(activation.QuantizedMin)}, outputMax: {I(activation.QuantizedMax)}" +
            (bounded ? ", boundedAccumulators: true" : "") + (tileSize == 4 ? ", tileSize: 4" : "") + ");");
        Int8StagedInput.WriteImage(writer, g, staging, inputOffset, 0,
            (staged, output, _) => $"global::TinyModel.Int8WinogradConvolution.Convolve({staged}, shape, weights, outputStage, {output});");
    }

    /// <summary>The geometry whose windows the tiles read: the output rounded up to whole tiles (the extra rows and columns read padding).</summary>
    private static ConvolutionGeometry Staging(ConvolutionGeometry g, int tileSize = 2) =>
        g with { OutputHeight = (g.OutputHeight + tileSize - 1) / tileSize * tileSize, OutputWidth = (g.OutputWidth + tileSize - 1) / tileSize * tileSize };

    /// <summary>
    /// <c>U = G g Gᵀ</c> (<c>G'</c> for 4×4 tiles) per output and input channel, packed per block of 16 output channels,
    /// position (n·i + j, n = 4 or 6), pair of input channels, then 16 channels × 2 (zero beyond the last output or input channel).
    /// </summary>
    public static short[] PackWeights(ConvolutionGeometry g, Func<int, int, int, int, sbyte> filter, int tileSize = 2)
    {
        int ic = g.InputChannels, oc = g.OutputChannels;
        int pairs = (ic + 1) / 2, blocks = (oc + 15) / 16, n = tileSize + 2, positions = n * n;
        int[,] transform = tileSize == 4 ? GLarge : G;
        short[] packed = new short[blocks * positions * pairs * 32];
        for (int channel = 0; channel < oc; channel++)
        {
            for (int c = 0; c < ic; c++)
            {
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        int u = 0;
                        for (int ky = 0; ky < 3; ky++)
                        {
                            for (int kx = 0; kx < 3; kx++)
                            {
                                u += transform[i, ky] * filter(channel, ky, kx, c) * transform[j, kx];
                            }
                        }
                        packed[(((channel / 16) * positions + n * i + j) * pairs + c / 2) * 32 + (channel % 16) * 2 + c % 2] = checked((short)u);
                    }
                }
            }
        }
        return packed;
    }

    private static string I(long value) => Literals.Int(value);
}
