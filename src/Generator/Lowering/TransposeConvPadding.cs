using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The padding TFLM gives a TRANSPOSE_CONV (transpose_conv.cc, <c>CalculateOpData</c>): TFLite's
/// <c>ComputePaddingHeightWidth</c> (kernels/padding.h) applied as if the transpose convolution's
/// output were the input of an ordinary convolution with the same filter, stride and padding.
/// Reproduced with C's truncating integer division, negative sizes included.
/// </summary>
internal static class TransposeConvPadding
{
    /// <summary>
    /// The padding before the first row (or column) along one axis. <paramref name="outputSize"/> is the
    /// transpose convolution's output size, which TFLM passes as the convolution's "input" size.
    /// </summary>
    public static int Compute(PaddingKind padding, int stride, int outputSize, int filterSize)
    {
        // ComputeOutSize with dilation 1: the size of the convolution that this op transposes.
        int convolutionOutput = stride == 0 ? 0 : padding switch
        {
            PaddingKind.Same => (outputSize + stride - 1) / stride,
            PaddingKind.Valid => (outputSize + stride - filterSize) / stride,
            _ => 0,
        };
        // ComputePaddingWithOffset: the total padding, halved; the odd remainder goes after the data.
        int total = (convolutionOutput - 1) * stride + filterSize - outputSize;
        return (total > 0 ? total : 0) / 2;
    }
}
