using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TinyModel;

// A whole image of a float convolution that reads its input in place: no staged copy with zeros in the padding.
// Each output pixel's window is cut to the taps inside the input, which is what TFLM does (it skips a padded tap), so
// the sums are TFLM's, in its order, and padded taps cost nothing: an output row's windows lose the same filter rows
// (a shorter window over the packed weights of the rows left), and only its first and last pixels lose columns, which
// the tiles skip at their ends (lead and trail), so that the edges run through the same tiles as the rest.
public static partial class FloatConvolution
{
    /// <summary>
    /// Computes a whole output image: for each output pixel and channel, the sum over the window's taps inside the
    /// input of input value times weight, in TFLM's order (filter row, column, input channel), plus the bias, clamped to
    /// the geometry's range.
    /// </summary>
    /// <param name="input">The input image, <c>[height, width, channels]</c>.</param>
    /// <param name="geometry">The layer's sizes, window and output range.</param>
    /// <param name="weights">The weights packed per block of <see cref="BlockChannels"/> output channels (see the class remarks), the whole filter.</param>
    /// <param name="bias">One bias per output channel, or empty for none (TFLM then adds 0).</param>
    /// <param name="output">The output image, <c>[height, width, channels]</c>.</param>
    /// <exception cref="ArgumentException">
    /// A span is too short for the geometry, or a window other than the first and last of a row reaches the padding
    /// on the left or right (the padding must not exceed the stride).
    /// </exception>
    public static void ConvolveImage(ReadOnlySpan<float> input, in FloatConvolutionGeometry geometry, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int channels = geometry.OutputChannels;
        if (channels <= 0)
        {
            throw new ArgumentException("The geometry is uninitialized.", nameof(geometry));
        }
        int blocks = (channels + BlockChannels - 1) / BlockChannels;
        CheckLength(nameof(input), (long)geometry.InputHeight * geometry.InputWidth * geometry.InputChannels, input.Length);
        CheckLength(nameof(output), (long)geometry.OutputHeight * geometry.OutputWidth * channels, output.Length);
        CheckLength(nameof(weights), (long)blocks * geometry.FilterHeight * geometry.FilterWidth * geometry.InputChannels * BlockChannels, weights.Length);
        if (!bias.IsEmpty)
        {
            CheckLength(nameof(bias), channels, bias.Length);
        }
        if (!EdgesOnly(geometry))
        {
            throw new ArgumentException("A window other than a row's first and last reaches the padding on the left or right.", nameof(geometry));
        }

        Span<float> blockBias = stackalloc float[blocks * BlockChannels];
        PadBias(bias, channels, blockBias);

        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float b = ref MemoryMarshal.GetReference(blockBias);
        ref float y = ref MemoryMarshal.GetReference(output);
        switch (Tier)
        {
            case InstructionTier.Vector512:
                ConvolveImage<Tiles512>(ref x, geometry, ref w, ref b, ref y);
                break;
            case InstructionTier.Vector256:
                ConvolveImage<Tiles256>(ref x, geometry, ref w, ref b, ref y);
                break;
            case InstructionTier.Vector128:
                ConvolveImage<Tiles128>(ref x, geometry, ref w, ref b, ref y);
                break;
            default:
                ConvolveImage<ScalarTiles>(ref x, geometry, ref w, ref b, ref y);
                break;
        }
    }

    /// <summary>Every output row with <typeparamref name="TTiles"/>: its windows cut to the filter rows inside the input, its ends to the columns.</summary>
    private static void ConvolveImage<TTiles>(ref float x, in FloatConvolutionGeometry g, ref float w, ref float bias, ref float y)
        where TTiles : struct, IFloatConvolutionTiles
    {
        int ic = g.InputChannels, oc = g.OutputChannels, width = g.OutputWidth;
        int rowValues = g.FilterWidth * ic;
        (int kx, _) = Taps(-g.PadLeft, g.FilterWidth, 1, g.InputWidth);
        (_, int kxEnd) = Taps((width - 1) * g.StrideWidth - g.PadLeft, g.FilterWidth, 1, g.InputWidth);
        int lead = kx * ic, trail = (g.FilterWidth - kxEnd) * ic;
        if (width == 1 && kxEnd <= kx)
        {
            lead = 0; // a lone pixel whose window lies wholly in the padding: trail covers it.
            trail = rowValues;
        }
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            (int ky, int kyEnd) = Taps(oy * g.StrideHeight - g.PadTop, g.FilterHeight, g.DilationHeight, g.InputHeight);
            var shape = new FloatConvolutionShape(g.StrideWidth * ic, kyEnd - ky, g.DilationHeight * g.InputWidth * ic, rowValues, oc,
                g.OutputMin, g.OutputMax, g.FilterHeight, rowValues, oc);
            // The first pixel's first value after its lead, in its first filter row inside the input (the image's first value if none is).
            nint start = ky == kyEnd ? 0 : ((nint)(oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight) * g.InputWidth - g.PadLeft + kx) * ic;
            ConvolveBlocks<TTiles>(ref Unsafe.Add(ref x, Math.Max(start, 0)), shape, width, ref Unsafe.Add(ref w, (nint)ky * rowValues * BlockChannels), ref bias,
                ref Unsafe.Add(ref y, (nint)oy * width * oc), lead, trail);
        }
    }

    /// <summary>
    /// Whether only the first and last windows of an output row reach the padding on the left or right, each on its own
    /// side and each keeping a column inside the input (unless the row is one pixel).
    /// </summary>
    private static bool EdgesOnly(in FloatConvolutionGeometry g)
    {
        int width = g.OutputWidth;
        for (int ox = 0; ox < width; ox++)
        {
            int column = ox * g.StrideWidth - g.PadLeft;
            bool cutLeft = column < 0, cutRight = column + g.FilterWidth > g.InputWidth;
            if ((cutLeft && ox != 0) || (cutRight && ox != width - 1)
                || (width > 1 && (column + g.FilterWidth <= 0 || column >= g.InputWidth)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The taps <c>[first, end)</c> of <paramref name="count"/>, <paramref name="dilation"/> apart from <paramref name="origin"/>, inside <c>[0, size)</c>.</summary>
    private static (int First, int End) Taps(int origin, int count, int dilation, int size)
    {
        int first = origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
        int last = origin + (count - 1) * dilation;
        int end = last < size ? count : size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dilation + 1;
        return end > first ? (first, end) : (0, 0);
    }
}
