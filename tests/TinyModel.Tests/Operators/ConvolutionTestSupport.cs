using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Helpers of the convolution tests, written out independently of the generator: padding.h's
/// <c>ComputePaddingHeightWidth</c> for one axis, and raw bytes of an array. The requantization and
/// activation arithmetic of the reference kernels is <see cref="TfliteReference"/>'s.
/// </summary>
internal static class ConvolutionTestSupport
{
    /// <summary>TFLite's <c>ComputeOutSize</c> and <c>ComputePaddingWithOffset</c> for one axis (padding 0 = SAME, 1 = VALID).</summary>
    public static (int OutSize, int Pad) Window(int padding, int inSize, int filterSize, int stride, int dilation)
    {
        int effective = (filterSize - 1) * dilation + 1;
        int outSize = padding == 0 ? (inSize + stride - 1) / stride : (inSize + stride - effective) / stride;
        int total = Math.Max(0, (outSize - 1) * stride + effective - inSize);
        return (outSize, total / 2);
    }

    /// <summary>
    /// An int8 PAD (with the zero point) of the model's input before a convolution, which the generator fuses into it: the
    /// model's input becomes an unpadded image of the NHWC <paramref name="shape"/> less <paramref name="pad"/>, the PAD writes
    /// <paramref name="padded"/>, and <paramref name="x"/> (the padded image the reference reads) holds the zero point
    /// outside the image. Returns the image tensor and its bytes, the model's input.
    /// </summary>
    public static (int Image, byte[] Bytes) AddFusedPad(TfliteModelBuilder builder, int padded, int[] x, int[] shape,
        (int Top, int Bottom, int Left, int Right) pad, float scale, int zeroPoint)
    {
        int height = shape[1], width = shape[2], channels = shape[3];
        bool Inside(int i) => i / channels / width % height is var iy && iy >= pad.Top && iy < height - pad.Bottom
            && i / channels % width is var ix && ix >= pad.Left && ix < width - pad.Right;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Inside(i) ? x[i] : zeroPoint;
        }
        int[] imageShape = { shape[0], height - pad.Top - pad.Bottom, width - pad.Left - pad.Right, channels };
        int image = builder.Tensor("image", TfliteType.Int8, imageShape, scale, zeroPoint);
        int paddings = builder.Constant("paddings", TfliteType.Int32, new[] { 4, 2 }, Bytes(new[] { 0, 0, pad.Top, pad.Bottom, pad.Left, pad.Right, 0, 0 }));
        builder.Operator(TinyModel.Generator.Reading.BuiltinOperator.Pad, new[] { image, paddings }, new[] { padded }, OperatorHarness.PadOptions);
        return (image, Bytes(Enumerable.Range(0, x.Length).Where(Inside).Select(i => (sbyte)x[i]).ToArray()));
    }

    public static byte[] Bytes<T>(T[] values) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
