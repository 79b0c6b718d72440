using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The float depthwise convolution kernel generated DEPTHWISE_CONV_2D layers (depth multiplier 1) call: channels
/// innermost, vectorized across channels, four output pixels per weight load, bit-identical to TensorFlow Lite
/// Micro's reference kernel on every instruction set.
/// </summary>
/// <remarks>
/// TFLM sums each output value from 0 over filter rows, then columns, one product at a time, then adds the bias and
/// clamps. Here each vector lane is one channel's accumulator and receives the same products in the same order, one
/// multiply and one add each (never a fused multiply-add). A padded tap reads a staged zero, which leaves the sum
/// unchanged as TFLM's skipped tap does (see <see cref="FloatConvolution"/>). The weights are TFLite's own
/// <c>[1, rows, columns, channels]</c> layout. Channels go 16 at a time with 512-bit vectors, then 8, then 4 (SSE,
/// AdvSimd), then one by one.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FloatDepthwiseConvolution
{
    /// <summary>The instruction set <see cref="ConvolveRow"/> (the widest portable vectors; narrower ones take the channels left over) uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    private const int TilePixels = 4;

    /// <summary>
    /// Computes a run of output pixels: for each, every channel's sum over the pixel's window of input values times
    /// the channel's weights, in TFLM's order, plus the bias, clamped to the shape's range.
    /// </summary>
    /// <param name="input">The input; the first pixel's window starts at its first value.</param>
    /// <param name="shape">The window and the output range.</param>
    /// <param name="weights">The weights, <c>[rows, columns, channels]</c>.</param>
    /// <param name="bias">One bias per channel, or empty for none (TFLM then adds 0).</param>
    /// <param name="output">The output pixels, <see cref="FloatDepthwiseShape.Channels"/> values each.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output is not whole pixels.</exception>
    public static void ConvolveRow(ReadOnlySpan<float> input, in FloatDepthwiseShape shape, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int channels = shape.Channels;
        int pixels = FloatConvolution.PixelsOf(channels, output.Length);
        if (pixels == 0)
        {
            return;
        }
        FloatConvolution.CheckLength(nameof(input), (long)(pixels - 1) * shape.PixelStride + shape.WindowExtent, input.Length);
        FloatConvolution.CheckLength(nameof(weights), (long)shape.Rows * shape.Columns * channels, weights.Length);
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
            c = ConvolveChannels<Lanes<FloatLanes512, Vector512<float>>>(ref x, shape, pixels, ref w, ref b, ref y, c);
        }
        if (InstructionTiers.Has256(tier))
        {
            c = ConvolveChannels<Lanes<FloatLanes256, Vector256<float>>>(ref x, shape, pixels, ref w, ref b, ref y, c);
        }
        if (tier != InstructionTier.Scalar)
        {
            c = ConvolveChannels<Lanes<FloatLanes128, Vector128<float>>>(ref x, shape, pixels, ref w, ref b, ref y, c);
        }
        ConvolveChannels<Lanes<FloatLanes1, float>>(ref x, shape, pixels, ref w, ref b, ref y, c);
    }

    /// <summary>
    /// Channels <paramref name="c"/> on, <c>TLanes.Width</c> at a time while whole vectors fit, over every pixel (tiles of
    /// four, a last tile ending at the last pixel); returns the first channel left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ConvolveChannels<TLanes>(ref float x, in FloatDepthwiseShape shape, int pixels, ref float w, ref float bias, ref float y, int c)
        where TLanes : struct, IDepthwiseLanes
    {
        int channels = shape.Channels;
        nint pixelStride = shape.PixelStride;
        for (; c <= channels - TLanes.Width; c += TLanes.Width)
        {
            ref float xc = ref Unsafe.Add(ref x, c);
            ref float wc = ref Unsafe.Add(ref w, c);
            ref float bc = ref Unsafe.Add(ref bias, c);
            ref float yc = ref Unsafe.Add(ref y, c);
            if (pixels < TilePixels)
            {
                for (int p = 0; p < pixels; p++)
                {
                    TLanes.Single(ref Unsafe.Add(ref xc, p * pixelStride), shape, ref wc, ref bc, ref Unsafe.Add(ref yc, (nint)p * channels));
                }
                continue;
            }
            for (int p = 0; ; p += TilePixels)
            {
                p = Math.Min(p, pixels - TilePixels);
                TLanes.Tile(ref Unsafe.Add(ref xc, p * pixelStride), shape, ref wc, ref bc, ref Unsafe.Add(ref yc, (nint)p * channels));
                if (p == pixels - TilePixels)
                {
                    break;
                }
            }
        }
        return c;
    }

    /// <summary>A group of channels at one vector width, for four pixels or one.</summary>
    private interface IDepthwiseLanes
    {
        /// <summary>Channels per group.</summary>
        static abstract int Width { get; }

        /// <summary>Four output pixels, their windows <see cref="FloatDepthwiseShape.PixelStride"/> apart.</summary>
        static abstract void Tile(ref float x, in FloatDepthwiseShape shape, ref float w, ref float bias, ref float y);

        /// <summary>One output pixel.</summary>
        static abstract void Single(ref float x, in FloatDepthwiseShape shape, ref float w, ref float bias, ref float y);
    }

    /// <summary><see cref="IDepthwiseLanes"/> at the width of <typeparamref name="TLanes"/>: one accumulator per channel and pixel.</summary>
    private readonly struct Lanes<TLanes, TVector> : IDepthwiseLanes
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        public static int Width => TLanes.Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(ref float x, in FloatDepthwiseShape shape, ref float w, ref float bias, ref float y)
        {
            TVector a0 = default, a1 = default, a2 = default, a3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride, columnStride = shape.ColumnStride, channels = shape.Channels;
            int rows = shape.Rows, columns = shape.Columns;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float tap = ref row;
                for (int k = 0; k < columns; k++, tap = ref Unsafe.Add(ref tap, columnStride), wp = ref Unsafe.Add(ref wp, channels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Load(ref tap), wv), m1 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, 2 * step)), wv), m3 = TLanes.Multiply(TLanes.Load(ref Unsafe.Add(ref tap, 3 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                }
            }
            float min = shape.OutputMin, max = shape.OutputMax;
            TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, TLanes.Count);
            TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, channels), TLanes.Count);
            TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * channels), TLanes.Count);
            TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * channels), TLanes.Count);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Single(ref float x, in FloatDepthwiseShape shape, ref float w, ref float bias, ref float y)
        {
            TVector a = default;
            nint rowStride = shape.RowStride, columnStride = shape.ColumnStride, channels = shape.Channels;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < shape.Rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float tap = ref row;
                for (int k = 0; k < shape.Columns; k++, tap = ref Unsafe.Add(ref tap, columnStride), wp = ref Unsafe.Add(ref wp, channels))
                {
                    a = TLanes.Add(a, TLanes.Multiply(TLanes.Load(ref tap), TLanes.Load(ref wp)));
                }
            }
            TLanes.Store(TLanes.Finish(a, ref bias, shape.OutputMin, shape.OutputMax), ref y, TLanes.Count);
        }
    }
}
