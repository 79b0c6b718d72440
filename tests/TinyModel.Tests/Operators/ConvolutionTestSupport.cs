using System;

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

    public static byte[] Bytes<T>(T[] values) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
