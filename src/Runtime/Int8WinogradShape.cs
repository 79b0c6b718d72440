using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="Int8WinogradConvolution.Convolve"/> needs to know about one 3×3, stride-1, undilated int8
/// convolution layer: the staged input's width, the output's size and channels, and how the output is clamped.
/// Generated code builds one per layer from constants.
/// </summary>
/// <remarks>
/// The output is cut into tiles of <c>T×T</c> pixels, <c>T</c> the <see cref="TileSize"/> (2 for F(2×2, 3×3), 4 for
/// F(4×4, 3×3); the last row and column of tiles partly outside the image when the output height or width is not a
/// multiple of <c>T</c>). Tile <c>(ty, tx)</c> reads the <c>(T + 2)×(T + 2)</c> staged pixels from row <c>T·ty</c> and
/// column <c>T·tx</c> on, so the staged image has at least <c>T·TilesY + 2</c> rows of <see cref="StagedWidth"/>
/// pixels, <see cref="InputChannels"/> int16 values each.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int8WinogradShape
{
    /// <summary>The most input channels the kernel takes: its stack buffer holds 16 transformed values of 8 tiles × this many channels.</summary>
    public const int MaxInputChannels = 128;

    /// <summary>The most input channels the kernel takes with 4×4 tiles: its stack buffer holds 36 transformed values of 8 tiles × this many channels.</summary>
    public const int MaxInputChannelsLargeTiles = 64;

    /// <summary>
    /// Describes a layer; see the properties for the meaning of each argument (<c>boundedAccumulators</c>:
    /// <see cref="BoundedAccumulators"/>, <c>tileSize</c>: <see cref="TileSize"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive or too large, the staged width is too narrow, the output range exceeds int8, or the tile size is neither 2 nor 4.</exception>
    public Int8WinogradShape(int inputChannels, int stagedWidth, int outputHeight, int outputWidth, int outputChannels,
        int outputZeroPoint, int outputMin, int outputMax, bool boundedAccumulators = false, int tileSize = 2)
    {
        if (tileSize is not (2 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(tileSize), "The tile size must be 2 or 4.");
        }
        int maxChannels = tileSize == 4 ? MaxInputChannelsLargeTiles : MaxInputChannels;
        if (inputChannels <= 0 || inputChannels > maxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(inputChannels), $"The input channels must be between 1 and {maxChannels}.");
        }
        if (outputHeight <= 0 || outputWidth <= 0 || outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(outputHeight <= 0 ? nameof(outputHeight) : outputWidth <= 0 ? nameof(outputWidth) : nameof(outputChannels),
                "The output height, width and channels must be positive.");
        }
        if (stagedWidth < (outputWidth + tileSize - 1) / tileSize * tileSize + 2)
        {
            throw new ArgumentOutOfRangeException(nameof(stagedWidth), "The staged image must be as wide as the tiles' windows: the output width rounded up to a multiple of the tile size, plus 2.");
        }
        if (outputMin > outputMax || outputMin < sbyte.MinValue || outputMax > sbyte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must lie within int8.");
        }
        InputChannels = inputChannels;
        StagedWidth = stagedWidth;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        OutputChannels = outputChannels;
        OutputZeroPoint = outputZeroPoint;
        OutputMin = outputMin;
        OutputMax = outputMax;
        BoundedAccumulators = boundedAccumulators;
        TileSize = tileSize;
    }

    /// <summary>
    /// Output pixels per side of a tile: 2 for Winograd's F(2×2, 3×3) (16 products per tile and input channel), 4 for
    /// F(4×4, 3×3) (36 products for 16 output pixels, exact for smaller sums: see <see cref="Int8WinogradConvolution"/>).
    /// </summary>
    public int TileSize { get; }

    /// <summary>Channels per input pixel.</summary>
    public int InputChannels { get; }

    /// <summary>Pixels per row of the staged input.</summary>
    public int StagedWidth { get; }

    /// <summary>Rows of output pixels.</summary>
    public int OutputHeight { get; }

    /// <summary>Output pixels per row.</summary>
    public int OutputWidth { get; }

    /// <summary>Output channels per pixel.</summary>
    public int OutputChannels { get; }

    /// <summary>Added to every requantized value.</summary>
    public int OutputZeroPoint { get; }

    /// <summary>The smallest output value (the fused activation's lower bound).</summary>
    public int OutputMin { get; }

    /// <summary>The largest output value (the fused activation's upper bound).</summary>
    public int OutputMax { get; }

    /// <summary>
    /// Whether the generator proved the bounded requantization exact for every output channel, as for
    /// <see cref="Int8ConvolutionShape.BoundedAccumulators"/>; the output-stage table then has
    /// <see cref="Int8Convolution.TableRows"/> rows, and the AVX-512 path uses that form.
    /// </summary>
    public bool BoundedAccumulators { get; }

    /// <summary>Tiles per row of tiles.</summary>
    internal int TilesX => (OutputWidth + TileSize - 1) / TileSize;

    /// <summary>Rows of tiles.</summary>
    internal int TilesY => (OutputHeight + TileSize - 1) / TileSize;

    /// <summary>Positions of a tile's transform: (T + 2)², 16 or 36.</summary>
    internal int Positions => (TileSize + 2) * (TileSize + 2);

    /// <summary>Pairs of input channels (an odd last channel is paired with a zero weight).</summary>
    internal int Pairs => (InputChannels + 1) / 2;

    /// <summary>Blocks of 16 output channels (the last one padded with zero weights).</summary>
    internal int Blocks => (OutputChannels + 15) / 16;

    /// <summary>Transformed weights per block of 16 output channels: positions × pairs × 16 channels × 2.</summary>
    internal int BlockWeights => Positions * Pairs * 32;

    /// <summary>Staged values the tiles read: 2 rows more than the output height rounded up to a multiple of the tile size.</summary>
    internal long StagedValues => ((long)TileSize * TilesY + 2) * StagedWidth * InputChannels;
}
