using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// What <see cref="FloatConvolution.ConvolveRow"/> needs to know about one float convolution layer: where each output
/// pixel's window lies in its input, how its weights are packed, and how its output is clamped. Generated code
/// builds one per layer from constants.
/// </summary>
/// <remarks>
/// An output pixel's window is <see cref="Rows"/> filter rows (<see cref="RowStride"/> apart in the input), each made
/// of <see cref="Segments"/> contiguous runs (<see cref="SegmentStride"/> apart; one run per filter row unless the
/// columns are dilated), each run <see cref="Run"/> values long. The next output pixel's window starts
/// <see cref="PixelStride"/> values further on. All strides count float values.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct FloatConvolutionShape
{
    /// <summary>Describes a layer; see the properties for the meaning of each argument.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a stride is negative, or the range is empty.</exception>
    public FloatConvolutionShape(int pixelStride, int rows, int rowStride, int segments, int segmentStride, int run,
        int outputChannels, float outputMin, float outputMax)
    {
        if (rows <= 0 || segments <= 0 || run <= 0 || outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(rows <= 0 ? nameof(rows) : segments <= 0 ? nameof(segments) : run <= 0 ? nameof(run) : nameof(outputChannels),
                "Rows, segments, run and output channels must be positive.");
        }
        if (pixelStride < 0 || rowStride < 0 || segmentStride < 0)
        {
            throw new ArgumentOutOfRangeException(pixelStride < 0 ? nameof(pixelStride) : rowStride < 0 ? nameof(rowStride) : nameof(segmentStride),
                "Strides must not be negative.");
        }
        if (!(outputMin <= outputMax))
        {
            throw new ArgumentOutOfRangeException(nameof(outputMin), "The output range must not be empty.");
        }
        PixelStride = pixelStride;
        Rows = rows;
        RowStride = rowStride;
        Segments = segments;
        SegmentStride = segmentStride;
        Run = run;
        OutputChannels = outputChannels;
        OutputMin = outputMin;
        OutputMax = outputMax;
        PackedRows = rows;
        PackedRowValues = segments * run;
        OutputPixelStride = outputChannels;
    }

    /// <summary>
    /// A part of a layer's window, for <see cref="FloatConvolution.ConvolveImage"/>: <paramref name="rows"/> of the filter's
    /// <paramref name="packedRows"/> rows and <paramref name="run"/> of each row's <paramref name="packedRowValues"/> values
    /// (the taps inside the input, possibly none), output pixels <paramref name="outputPixelStride"/> values apart.
    /// </summary>
    internal FloatConvolutionShape(int pixelStride, int rows, int rowStride, int run, int outputChannels, float outputMin, float outputMax,
        int packedRows, int packedRowValues, int outputPixelStride)
    {
        PixelStride = pixelStride;
        Rows = rows;
        RowStride = rowStride;
        Segments = 1;
        Run = run;
        OutputChannels = outputChannels;
        OutputMin = outputMin;
        OutputMax = outputMax;
        PackedRows = packedRows;
        PackedRowValues = packedRowValues;
        OutputPixelStride = outputPixelStride;
    }

    /// <summary>Input values from one output pixel's window to the next (the column stride times the input channels).</summary>
    public int PixelStride { get; }

    /// <summary>Filter rows in the window.</summary>
    public int Rows { get; }

    /// <summary>Input values from one filter row to the next.</summary>
    public int RowStride { get; }

    /// <summary>Contiguous runs per filter row: 1 when the filter's columns are adjacent, else one per column.</summary>
    public int Segments { get; }

    /// <summary>Input values from one run of a filter row to the next.</summary>
    public int SegmentStride { get; }

    /// <summary>Values per run: the filter's columns times the input channels, or the input channels alone when the columns are dilated.</summary>
    public int Run { get; }

    /// <summary>Output channels per pixel.</summary>
    public int OutputChannels { get; }

    /// <summary>The fused activation's lower bound.</summary>
    public float OutputMin { get; }

    /// <summary>The fused activation's upper bound.</summary>
    public float OutputMax { get; }

    /// <summary>Filter rows in the packed weights of a block: <see cref="Rows"/>, unless the window is a part of the filter's.</summary>
    internal int PackedRows { get; }

    /// <summary>Values per filter row in the packed weights: <see cref="Segments"/> × <see cref="Run"/>, unless the window is a part of the filter's.</summary>
    internal int PackedRowValues { get; }

    /// <summary>Output values from one output pixel to the next: <see cref="OutputChannels"/>, unless the pixels are a column of the image.</summary>
    internal int OutputPixelStride { get; }

    /// <summary>Blocks of <see cref="FloatConvolution.BlockChannels"/> output channels (the last one padded with zero weights).</summary>
    internal int Blocks => (OutputChannels + FloatConvolution.BlockChannels - 1) / FloatConvolution.BlockChannels;

    /// <summary>Packed weights per block: one row of <see cref="FloatConvolution.BlockChannels"/> per value of the window.</summary>
    internal int BlockWeights => PackedRows * PackedRowValues * FloatConvolution.BlockChannels;

    /// <summary>Input values one pixel's window spans.</summary>
    internal long WindowExtent => (long)(Rows - 1) * RowStride + (long)(Segments - 1) * SegmentStride + Run;
}
