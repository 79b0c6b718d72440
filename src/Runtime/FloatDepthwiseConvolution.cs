using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The float depthwise convolution kernel generated DEPTHWISE_CONV_2D layers (depth multiplier 1) call: channels
/// innermost, vectorized across channels, several output pixels per weight load, reading the input in place,
/// bit-identical to TensorFlow Lite Micro's reference kernel on every instruction set.
/// </summary>
/// <remarks>
/// <para>
/// TFLM sums each output value from 0 over the filter rows, then columns, inside the input, one product at a time,
/// then adds the bias and clamps; taps in the padding are skipped. Here each vector lane is one channel's accumulator
/// and receives the same products in the same order, one multiply and one add each (never a fused multiply-add), and
/// skips the same taps: filter rows outside the input are left out of the row's loop, and the columns of the pixels at
/// the left and right edges are clipped per pixel. The weights are TFLite's own <c>[1, rows, columns, channels]</c>
/// layout. Channels go 16 at a time with 512-bit vectors, then 8, then 4 (SSE, AdvSimd), then one by one.
/// </para>
/// <para>
/// A 3-wide window with column stride 1 or 2 (MobileNet's depthwise layers) walks six output pixels at a time along
/// the row, loading each input column of a filter row once for all the pixels whose windows hold it (8 loads for 18
/// products at stride 1, 13 at stride 2); a tile at an edge of the row skips the one column there that falls in the
/// padding. Other windows take four pixels per weight load inside the row and clip the edge pixels one at a time.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class FloatDepthwiseConvolution
{
    /// <summary>The instruction set <see cref="Convolve"/> (the widest portable vectors; narrower ones take the channels left over) uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>Output pixels per tile of a 3-wide window.</summary>
    private const int RowTilePixels = 6;

    /// <summary>Output pixels per tile of any other window.</summary>
    private const int TilePixels = 4;

    /// <summary>
    /// Computes one image: for each output pixel and channel, the sum over the window's taps inside the input of input
    /// value times weight, in TFLM's order, plus the bias, clamped to the shape's range.
    /// </summary>
    /// <param name="input">The input image, <c>[InputHeight, InputWidth, Channels]</c>.</param>
    /// <param name="shape">The images, the window and the output range.</param>
    /// <param name="weights">The weights, <c>[FilterHeight, FilterWidth, Channels]</c>.</param>
    /// <param name="bias">One bias per channel, or empty for none (TFLM then adds 0).</param>
    /// <param name="output">The output image, <c>[OutputHeight, OutputWidth, Channels]</c>.</param>
    /// <exception cref="ArgumentException">The shape is uninitialized, or a span is too short for it.</exception>
    public static void Convolve(ReadOnlySpan<float> input, in FloatDepthwiseShape shape, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int channels = shape.Channels;
        if (channels <= 0)
        {
            throw new ArgumentException("The shape is uninitialized.", nameof(shape));
        }
        FloatConvolution.CheckLength(nameof(input), (long)shape.InputHeight * shape.InputWidth * channels, input.Length);
        FloatConvolution.CheckLength(nameof(weights), (long)shape.FilterHeight * shape.FilterWidth * channels, weights.Length);
        FloatConvolution.CheckLength(nameof(output), (long)shape.OutputHeight * shape.OutputWidth * channels, output.Length);
        if (!bias.IsEmpty)
        {
            FloatConvolution.CheckLength(nameof(bias), channels, bias.Length);
        }
        Span<float> zeros = bias.IsEmpty ? stackalloc float[channels] : default;
        zeros.Clear();

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float b = ref bias.IsEmpty ? ref MemoryMarshal.GetReference(zeros) : ref MemoryMarshal.GetReference(bias);
        ref float y = ref MemoryMarshal.GetReference(output);
        int c = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            c = ConvolveChannels<Lanes<FloatLanes512, Vector512<float>>>(ref x, shape, ref w, ref b, ref y, c);
        }
        if (InstructionTiers.Has256(tier))
        {
            c = ConvolveChannels<Lanes<FloatLanes256, Vector256<float>>>(ref x, shape, ref w, ref b, ref y, c);
        }
        if (tier != InstructionTier.Scalar)
        {
            c = ConvolveChannels<Lanes<FloatLanes128, Vector128<float>>>(ref x, shape, ref w, ref b, ref y, c);
        }
        ConvolveChannels<Lanes<FloatLanes1, float>>(ref x, shape, ref w, ref b, ref y, c);
    }

    /// <summary>
    /// Channels <paramref name="c"/> on, in groups of <c>TLanes.Width</c> while whole vectors fit, over every output row;
    /// returns the first channel left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ConvolveChannels<TLanes>(ref float x, in FloatDepthwiseShape shape, ref float w, ref float bias, ref float y, int c)
        where TLanes : struct, IDepthwiseLanes
    {
        int channels = shape.Channels, groups = (channels - c) / TLanes.Width;
        if (groups == 0)
        {
            return c;
        }
        nint rowValues = (nint)shape.InputWidth * channels, outputRowValues = (nint)shape.OutputWidth * channels;
        nint filterRowValues = (nint)shape.FilterWidth * channels;
        for (int oy = 0; oy < shape.OutputHeight; oy++)
        {
            // The filter rows inside the input; the others are padding, which TFLM skips.
            int iy0 = oy * shape.StrideHeight - shape.PadTop;
            (int ky, int rows) = Clip(iy0, shape.FilterHeight, shape.DilationHeight, shape.InputHeight);
            nint inputRow = rows == 0 ? 0 : (nint)(iy0 + ky * shape.DilationHeight) * rowValues;
            ConvolveRow<TLanes>(ref Unsafe.Add(ref x, inputRow + c), shape, rows, ref Unsafe.Add(ref w, ky * filterRowValues + c),
                ref Unsafe.Add(ref bias, c), ref Unsafe.Add(ref y, oy * outputRowValues + c), groups * TLanes.Width);
        }
        return c + groups * TLanes.Width;
    }

    /// <summary>
    /// One output row of <paramref name="span"/> channels (whole groups): <paramref name="x"/> is the first filter row's
    /// input row (at column 0), <paramref name="w"/> that filter row's weights, <paramref name="rows"/> the filter rows
    /// inside the input. Each tile position runs every group in turn: a clipped pixel's loops have the same trip counts
    /// for all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRow<TLanes>(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, ref float bias, ref float y, int span)
        where TLanes : struct, IDepthwiseLanes
    {
        int width = shape.OutputWidth, inputWidth = shape.InputWidth, stride = shape.StrideWidth, padLeft = shape.PadLeft;
        nint channels = shape.Channels;
        if (shape.FilterWidth == 3 && shape.DilationWidth == 1 && stride <= 2 && width >= RowTilePixels)
        {
            for (int p = 0; ; p += RowTilePixels)
            {
                // The last tile ends at the last pixel, recomputing (and rewriting identically) the pixels it overlaps.
                p = Math.Min(p, width - RowTilePixels);
                int first = p * stride - padLeft, last = first + (RowTilePixels - 1) * stride + 2;
                if (first >= -1 && last <= inputWidth)
                {
                    // Every column but the first and the last is inside the input; those two may be padding.
                    ref float column = ref Unsafe.Add(ref x, (first + 1) * channels);
                    ref float pixel = ref Unsafe.Add(ref y, p * channels);
                    bool inFirst = first >= 0, inLast = last < inputWidth;
                    for (nint g = 0; g < span; g += TLanes.Width)
                    {
                        if (stride == 1)
                        {
                            TLanes.SixStride1(ref Unsafe.Add(ref column, g), shape, rows, ref Unsafe.Add(ref w, g), inFirst, inLast, ref Unsafe.Add(ref bias, g), ref Unsafe.Add(ref pixel, g));
                        }
                        else
                        {
                            TLanes.SixStride2(ref Unsafe.Add(ref column, g), shape, rows, ref Unsafe.Add(ref w, g), inFirst, inLast, ref Unsafe.Add(ref bias, g), ref Unsafe.Add(ref pixel, g));
                        }
                    }
                }
                else
                {
                    for (int q = p; q < p + RowTilePixels; q++)
                    {
                        ConvolvePixel<TLanes>(ref x, shape, rows, ref w, ref bias, ref y, q, span);
                    }
                }
                if (p == width - RowTilePixels)
                {
                    return;
                }
            }
        }

        // The pixels whose windows lie inside the input's columns, four at a time; the others one by one, clipped.
        int interiorStart = (padLeft + stride - 1) / stride;
        int reach = (shape.FilterWidth - 1) * shape.DilationWidth;
        int interiorEnd = inputWidth - 1 + padLeft - reach < 0 ? 0 : Math.Min(width, (inputWidth - 1 + padLeft - reach) / stride + 1);
        for (int p = 0; p < width;)
        {
            if (p >= interiorStart && p + TilePixels <= interiorEnd)
            {
                ref float window = ref Unsafe.Add(ref x, (p * stride - padLeft) * channels);
                ref float pixel = ref Unsafe.Add(ref y, p * channels);
                for (nint g = 0; g < span; g += TLanes.Width)
                {
                    TLanes.Four(ref Unsafe.Add(ref window, g), shape, rows, ref Unsafe.Add(ref w, g), ref Unsafe.Add(ref bias, g), ref Unsafe.Add(ref pixel, g));
                }
                p += TilePixels;
            }
            else
            {
                ConvolvePixel<TLanes>(ref x, shape, rows, ref w, ref bias, ref y, p, span);
                p++;
            }
        }
    }

    /// <summary>Output pixel <paramref name="p"/> of a row (see <see cref="ConvolveRow"/>), its columns clipped to the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ConvolvePixel<TLanes>(ref float x, in FloatDepthwiseShape shape, int rows, ref float w, ref float bias, ref float y, int p, int span)
        where TLanes : struct, IDepthwiseLanes
    {
        nint channels = shape.Channels;
        int ix0 = p * shape.StrideWidth - shape.PadLeft;
        // The taps inside the input's columns; the others are padding, which TFLM skips.
        (int kx, int columns) = Clip(ix0, shape.FilterWidth, shape.DilationWidth, shape.InputWidth);
        ref float tap = ref Unsafe.Add(ref x, (columns == 0 ? 0 : (nint)(ix0 + kx * shape.DilationWidth)) * channels);
        ref float wp = ref Unsafe.Add(ref w, kx * channels);
        ref float pixel = ref Unsafe.Add(ref y, p * channels);
        for (nint g = 0; g < span; g += TLanes.Width)
        {
            TLanes.Single(ref Unsafe.Add(ref tap, g), shape, rows, columns, ref Unsafe.Add(ref wp, g), ref Unsafe.Add(ref bias, g), ref Unsafe.Add(ref pixel, g));
        }
    }

    /// <summary>
    /// The taps of a window starting at <paramref name="origin"/> (<paramref name="taps"/> of them, <paramref name="dilation"/>
    /// apart) that fall inside <c>[0, size)</c>: the first one and how many (0 and 0 if none does).
    /// </summary>
    private static (int First, int Count) Clip(int origin, int taps, int dilation, int size)
    {
        int first = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
        int end = origin >= size ? 0 : Math.Min(taps, (size - 1 - origin) / dilation + 1);
        return end > first ? (first, end - first) : (0, 0);
    }
}
