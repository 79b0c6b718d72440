using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="Int8Convolution.ConvolveRow"/> needs to know about one convolution layer: where each output
/// pixel's window lies in the staged (int16) input, how its weights are packed, and how its output is clamped.
/// Generated code builds one per layer from constants.
/// </summary>
/// <remarks>
/// An output pixel's window is <see cref="Rows"/> filter rows (<see cref="RowStride"/> apart in the staged input),
/// each made of <see cref="Segments"/> contiguous runs (<see cref="SegmentStride"/> apart; one run per filter row
/// unless the columns are dilated), each run <see cref="Pairs"/> pairs of values long. The next output pixel's
/// window starts <see cref="PixelStride"/> values further on. All strides count int16 values.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int8ConvolutionShape
{
    /// <summary>
    /// Describes a layer; see the properties for the meaning of each argument (<c>boundedAccumulators</c>:
    /// <see cref="BoundedAccumulators"/>; <c>outputPixelStride</c>: <see cref="OutputPixelStride"/>, 0 for the output channels).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a stride is negative or the output pixel stride below the output channels, the output range is not within int8, or the input offset is not minus an int8 zero point.</exception>
    public Int8ConvolutionShape(int pixelStride, int rows, int rowStride, int segments, int segmentStride, int pairs,
        int outputChannels, int outputZeroPoint, int outputMin, int outputMax, int inputOffset, bool boundedAccumulators = false, int outputPixelStride = 0)
    {
        if (rows <= 0 || segments <= 0 || pairs <= 0 || outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(rows <= 0 ? nameof(rows) : segments <= 0 ? nameof(segments) : pairs <= 0 ? nameof(pairs) : nameof(outputChannels),
                "Rows, segments, pairs and output channels must be positive.");
        }
        if (pixelStride < 0 || rowStride < 0 || segmentStride < 0)
        {
            throw new ArgumentOutOfRangeException(pixelStride < 0 ? nameof(pixelStride) : rowStride < 0 ? nameof(rowStride) : nameof(segmentStride),
                "Strides must not be negative.");
        }
        if (outputPixelStride != 0 && outputPixelStride < outputChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(outputPixelStride), "Output pixels must not overlap: their stride must be 0 or at least the output channels.");
        }
        if (outputMin > outputMax || outputMin < sbyte.MinValue || outputMax > sbyte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must lie within int8.");
        }
        if (inputOffset < -sbyte.MaxValue || inputOffset > -sbyte.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(inputOffset), "The input offset must be minus an int8 zero point.");
        }
        PixelStride = pixelStride;
        Rows = rows;
        RowStride = rowStride;
        Segments = segments;
        SegmentStride = segmentStride;
        Pairs = pairs;
        OutputChannels = outputChannels;
        OutputZeroPoint = outputZeroPoint;
        OutputMin = outputMin;
        OutputMax = outputMax;
        InputOffset = inputOffset;
        BoundedAccumulators = boundedAccumulators;
        OutputPixelStride = outputPixelStride == 0 ? outputChannels : outputPixelStride;
    }

    /// <summary>Staged values from one output pixel's window to the next (the column stride times the input channels).</summary>
    public int PixelStride { get; }

    /// <summary>Filter rows in the window.</summary>
    public int Rows { get; }

    /// <summary>Staged values from one filter row to the next.</summary>
    public int RowStride { get; }

    /// <summary>Contiguous runs per filter row: 1 when the filter's columns are adjacent, else one per column.</summary>
    public int Segments { get; }

    /// <summary>Staged values from one run of a filter row to the next.</summary>
    public int SegmentStride { get; }

    /// <summary>Pairs of values per run (a run of odd length reads one more value, whose weight is 0).</summary>
    public int Pairs { get; }

    /// <summary>Output channels per pixel.</summary>
    public int OutputChannels { get; }

    /// <summary>
    /// Output values from one pixel of a call to the next: the output channels for a row of the output image, or more
    /// for a column of it (the output width times the channels), which lets a layer whose rows are shorter than a tile
    /// share each weight load among the pixels of a column instead.
    /// </summary>
    public int OutputPixelStride { get; }

    /// <summary>Added to every requantized value.</summary>
    public int OutputZeroPoint { get; }

    /// <summary>The smallest output value (the fused activation's lower bound).</summary>
    public int OutputMin { get; }

    /// <summary>The largest output value (the fused activation's upper bound).</summary>
    public int OutputMax { get; }

    /// <summary>
    /// What staging added to every input value (minus the input zero point): the dot-product path takes it back
    /// off to multiply the int8 values themselves, the padding's zeros becoming the zero point.
    /// </summary>
    public int InputOffset { get; }

    /// <summary>
    /// Whether the generator proved, for every output channel, that the requantization's bounded form is exact: no
    /// left shift, a right shift <c>e ≤ 29</c>, and <c>2·B + 2 + 2^e + |zeroPoint|·2^(e+1) &lt; 2^31</c>, where
    /// <c>B</c> bounds the channel's sum (the bias's magnitude plus the largest staged magnitude times the sum of the
    /// weights' magnitudes). The AVX2 and AVX-512 paths then requantize in about half the operations (the rows
    /// <see cref="Int8Convolution.TableRows"/> counts beyond the dot-product bias hold its constants).
    /// </summary>
    public bool BoundedAccumulators { get; }

    /// <summary>Blocks of 16 output channels (the last one padded with zero weights).</summary>
    internal int Blocks => (OutputChannels + 15) / 16;

    /// <summary>Packed weights per block of 16 output channels: 32 per pair of values.</summary>
    internal int BlockWeights => Rows * Segments * Pairs * 32;

    /// <summary>Staged values one pixel's window spans (its last pair included).</summary>
    internal long WindowExtent => (long)(Rows - 1) * RowStride + (long)(Segments - 1) * SegmentStride + 2L * Pairs;
}
