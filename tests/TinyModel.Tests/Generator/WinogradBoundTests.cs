using TinyModel.Generator.Operators.Convolution;
using TinyModel.Generator.Reading;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The build-time proof that the integer Winograd kernel is exact: it computes 4 times each output pixel's sum in
/// int32, so a layer whose sum could leave ±(2^29 − 1) must keep the direct kernel (exact modulo 2^32 whatever the sum).
/// </summary>
public class WinogradBoundTests
{
    private static ConvolutionGeometry Layer(int inputChannels, int outputChannels = 2, int size = 8) =>
        new(1, size, size, inputChannels, size, size, outputChannels, 3, 3, 1, 1, 1, 1, PaddingKind.Same, 1, 1);

    [Theory]
    [InlineData(128)]
    [InlineData(-127)]
    public void TheBoundIsTheLargestAbsoluteSumOfAnyOutputChannel(int inputOffset)
    {
        // Channel 1 holds the larger weights: 9 taps × 3 channels × |−128|, times the largest |x + offset| = 255.
        ConvolutionGeometry g = Layer(3);
        Assert.Equal(9L * 3 * 128 * 255, WinogradInt8Convolution.SumBound(g, (oc, ky, kx, ic) => oc == 1 ? (sbyte)-128 : (sbyte)127, inputOffset));
    }

    [Fact]
    public void TheBoundUsesTheLargestStagedMagnitudeForTheOffset()
    {
        // Zero point 0: staged values lie in [−128, 127].
        Assert.Equal(9L * 2 * 100 * 128, WinogradInt8Convolution.SumBound(Layer(2), (_, _, _, _) => 100, 0));
    }

    [Fact]
    public void ALayerThatCouldWrapKeepsTheDirectKernel()
    {
        // All weights −128, staged values ±255: 9 · 1827 · 128 · 255 = 536 699 520 ≤ 2^29 − 1 (exact), one more input channel exceeds it.
        static sbyte Extreme(int oc, int ky, int kx, int ic) => -128;
        Assert.True(WinogradInt8Convolution.IsExact(Layer(1827, 1, 4), Extreme, 128));
        Assert.False(WinogradInt8Convolution.IsExact(Layer(1828, 1, 4), Extreme, 128));
        Assert.False(WinogradInt8Convolution.Applies(Layer(1828, 1, 4), Extreme, 128));
        // Within the kernel's geometry limits the bound holds, and the layer takes the kernel.
        Assert.True(WinogradInt8Convolution.Applies(Layer(128, 16), Extreme, 128));
    }

    [Fact]
    public void LayersOfAtMost64ChannelsAndFourTilesTakeFourByFourTiles()
    {
        // 64 input channels at the extremes: 9 · 64 · 128 · 255 = 18 800 640 ≤ 2^25 − 1, so F(4×4, 3×3) is exact.
        static sbyte Extreme(int oc, int ky, int kx, int ic) => -128;
        Assert.True(WinogradInt8Convolution.SumBound(Layer(64), Extreme, 128) <= WinogradInt8Convolution.MaxExactSumLargeTiles);
        Assert.Equal(4, WinogradInt8Convolution.TileSize(Layer(64), Extreme, 128));
        // More channels than the kernel's buffer holds, or fewer than 4 tiles of 4×4 (an output of 7×7 has 4, 6×6 too; 4×4 has 1).
        Assert.Equal(2, WinogradInt8Convolution.TileSize(Layer(65), Extreme, 128));
        Assert.Equal(4, WinogradInt8Convolution.TileSize(Layer(16, size: 6), Extreme, 128));
        Assert.Equal(2, WinogradInt8Convolution.TileSize(Layer(16, size: 4), Extreme, 128));
    }

    [Theory]
    [InlineData(3, 16)]
    [InlineData(4, 65)]
    [InlineData(2, 129)]
    public void TheKernelRefusesTileSizesAndDepthsItCannotHold(int tileSize, int inputChannels) =>
        Assert.Throws<System.ArgumentOutOfRangeException>(() => new TinyModel.Int8WinogradShape(inputChannels, 20, 16, 16, 16, 0, -128, 127, tileSize: tileSize));
}
