using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="FloatDepthwiseConvolution.ConvolveRow"/> needs to know about one float depthwise layer (depth
/// multiplier 1): where each output pixel's window lies in its input and how its output is clamped. Generated code
/// builds one per layer from constants.
/// </summary>
/// <remarks>
/// An output pixel's window is <see cref="Rows"/> filter rows (<see cref="RowStride"/> apart in the input) of
/// <see cref="Columns"/> taps (<see cref="ColumnStride"/> apart), each tap <see cref="Channels"/> contiguous values.
/// The next output pixel's window starts <see cref="PixelStride"/> values further on. All strides count float values.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FloatDepthwiseShape
{
    /// <summary>Describes a layer; see the properties for the meaning of each argument.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a stride is negative, or the range is empty.</exception>
    public FloatDepthwiseShape(int pixelStride, int rows, int rowStride, int columns, int columnStride, int channels, float outputMin, float outputMax)
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
        if (!(outputMin <= outputMax))
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must not be empty.");
        }
        PixelStride = pixelStride;
        Rows = rows;
        RowStride = rowStride;
        Columns = columns;
        ColumnStride = columnStride;
        Channels = channels;
        OutputMin = outputMin;
        OutputMax = outputMax;
    }

    /// <summary>Input values from one output pixel's window to the next (the column stride times the channels).</summary>
    public int PixelStride { get; }

    /// <summary>Filter rows in the window.</summary>
    public int Rows { get; }

    /// <summary>Input values from one filter row to the next.</summary>
    public int RowStride { get; }

    /// <summary>Filter columns (taps) per row.</summary>
    public int Columns { get; }

    /// <summary>Input values from one tap of a row to the next (the column dilation times the channels).</summary>
    public int ColumnStride { get; }

    /// <summary>Channels per pixel, in the input and the output alike.</summary>
    public int Channels { get; }

    /// <summary>The fused activation's lower bound.</summary>
    public float OutputMin { get; }

    /// <summary>The fused activation's upper bound.</summary>
    public float OutputMax { get; }

    /// <summary>Input values one pixel's window spans.</summary>
    internal long WindowExtent => (long)(Rows - 1) * RowStride + (long)(Columns - 1) * ColumnStride + Channels;
}
