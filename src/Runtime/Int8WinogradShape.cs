using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="Int8WinogradConvolution.Convolve"/> needs to know about one 3×3, stride-1, undilated int8
/// convolution layer: the staged input's width, the output's size and channels, and how the output is clamped.
/// Generated code builds one per layer from constants.
/// </summary>
/// <remarks>
/// The output is cut into tiles of 2×2 pixels (the last row and column of tiles half outside the image when the
/// output height or width is odd). Tile <c>(ty, tx)</c> reads the 4×4 staged pixels from row <c>2·ty</c> and
/// column <c>2·tx</c> on, so the staged image has at least <c>2·TilesY + 2</c> rows of <see cref="StagedWidth"/>
/// pixels, <see cref="InputChannels"/> int16 values each.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int8WinogradShape
{
    /// <summary>The most input channels the kernel takes: its stack buffer holds 16 transformed values of 8 tiles × this many channels.</summary>
    public const int MaxInputChannels = 128;

    /// <summary>Describes a layer; see the properties for the meaning of each argument (<c>boundedAccumulators</c>: <see cref="BoundedAccumulators"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive or too large, the staged width is too narrow, or the output range exceeds int8.</exception>
    public Int8WinogradShape(int inputChannels, int stagedWidth, int outputHeight, int outputWidth, int outputChannels,
        int outputZeroPoint, int outputMin, int outputMax, bool boundedAccumulators = false)
    {
        if (inputChannels <= 0 || inputChannels > MaxInputChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(inputChannels), $"The input channels must be between 1 and {MaxInputChannels}.");
        }
        if (outputHeight <= 0 || outputWidth <= 0 || outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(outputHeight <= 0 ? nameof(outputHeight) : outputWidth <= 0 ? nameof(outputWidth) : nameof(outputChannels),
                "The output height, width and channels must be positive.");
        }
        if (stagedWidth < (outputWidth + 1) / 2 * 2 + 2)
        {
            throw new ArgumentOutOfRangeException(nameof(stagedWidth), "The staged image must be as wide as the tiles' windows: the output width rounded up to even, plus 2.");
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
    }

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
    internal int TilesX => (OutputWidth + 1) / 2;

    /// <summary>Rows of tiles.</summary>
    internal int TilesY => (OutputHeight + 1) / 2;

    /// <summary>Pairs of input channels (an odd last channel is paired with a zero weight).</summary>
    internal int Pairs => (InputChannels + 1) / 2;

    /// <summary>Blocks of 16 output channels (the last one padded with zero weights).</summary>
    internal int Blocks => (OutputChannels + 15) / 16;

    /// <summary>Transformed weights per block of 16 output channels: 16 positions × pairs × 16 channels × 2.</summary>
    internal int BlockWeights => 16 * Pairs * 32;

    /// <summary>Staged values the tiles read: 2 rows more than the output height rounded up to even.</summary>
    internal long StagedValues => (2L * TilesY + 2) * StagedWidth * InputChannels;
}
