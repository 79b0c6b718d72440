using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="Int8DepthwiseConvolution.ConvolveRow"/> needs to know about one depthwise layer (depth
/// multiplier 1): where each output pixel's taps lie in the staged (int16) input, and how its output is clamped.
/// Generated code builds one per layer from constants. All strides count int16 values.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Int8DepthwiseShape
{
    /// <summary>Describes a layer; see the properties for the meaning of each argument (<c>boundedAccumulators</c>: <see cref="BoundedAccumulators"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a stride is negative, or the output range is not within int8.</exception>
    public Int8DepthwiseShape(int pixelStride, int rows, int rowStride, int columns, int columnStride, int channels,
        int outputZeroPoint, int outputMin, int outputMax, bool boundedAccumulators = false)
    {
        if (rows <= 0 || columns <= 0 || channels <= 0)
        {
            throw new ArgumentOutOfRangeException(rows <= 0 ? nameof(rows) : columns <= 0 ? nameof(columns) : nameof(channels),
                "Rows, columns and channels must be positive.");
        }
        if (pixelStride < 0 || rowStride < 0 || columnStride < 0)
        {
            throw new ArgumentOutOfRangeException(pixelStride < 0 ? nameof(pixelStride) : rowStride < 0 ? nameof(rowStride) : nameof(columnStride),
                "Strides must not be negative.");
        }
        if (outputMin > outputMax || outputMin < sbyte.MinValue || outputMax > sbyte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must lie within int8.");
        }
        PixelStride = pixelStride;
        Rows = rows;
        RowStride = rowStride;
        Columns = columns;
        ColumnStride = columnStride;
        Channels = channels;
        OutputZeroPoint = outputZeroPoint;
        OutputMin = outputMin;
        OutputMax = outputMax;
        BoundedAccumulators = boundedAccumulators;
    }

    /// <summary>Staged values from one output pixel's first tap to the next pixel's (the column stride times the channels).</summary>
    public int PixelStride { get; }

    /// <summary>Filter rows.</summary>
    public int Rows { get; }

    /// <summary>Staged values from one filter row to the next.</summary>
    public int RowStride { get; }

    /// <summary>Filter columns.</summary>
    public int Columns { get; }

    /// <summary>Staged values from one filter column to the next (the dilation times the channels).</summary>
    public int ColumnStride { get; }

    /// <summary>Channels, in and out.</summary>
    public int Channels { get; }

    /// <summary>Added to every requantized value.</summary>
    public int OutputZeroPoint { get; }

    /// <summary>The smallest output value (the fused activation's lower bound).</summary>
    public int OutputMin { get; }

    /// <summary>The largest output value (the fused activation's upper bound).</summary>
    public int OutputMax { get; }

    /// <summary>
    /// Whether the generator proved the bounded requantization exact for every channel, as for
    /// <see cref="Int8ConvolutionShape.BoundedAccumulators"/> (the bound on a channel's sum: the bias's magnitude plus the
    /// largest staged magnitude times the sum of its taps' weight magnitudes); the output-stage table then has
    /// <see cref="Int8Convolution.TableRows"/> rows, and the AVX2 and AVX-512 paths use that form.
    /// </summary>
    public bool BoundedAccumulators { get; }

    /// <summary>Taps of the filter, taken two at a time (an odd last one with a zero weight).</summary>
    internal int TapPairs => (Rows * Columns + 1) / 2;

    /// <summary>Staged values one filter row of a pixel's taps spans, a whole block of 32 channels read at each.</summary>
    internal long RowExtent => (long)(Columns - 1) * ColumnStride + (Channels + 31) / 32 * 32;

    /// <summary>Blocks of 32 channels (the last one padded with zero weights).</summary>
    internal int Blocks => (Channels + 31) / 32;
}
