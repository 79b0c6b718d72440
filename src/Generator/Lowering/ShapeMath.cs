using System.Collections.Generic;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// Index arithmetic on row-major (NHWC) shapes and on constant index tensors, and the SAME/VALID window
/// arithmetic of TFLite's kernels/padding.h, done at build time.
/// </summary>
internal static class ShapeMath
{
    /// <summary>
    /// The largest stride, dilation or filter size a window operator compiles: with tensor dimensions far
    /// below 2^15, every index the generated code computes from them stays within 32 bits.
    /// </summary>
    public const int MaxWindowStep = 1 << 16;

    /// <summary>Whether a stride, dilation or filter size is positive and at most <see cref="MaxWindowStep"/>.</summary>
    public static bool IsWindowStep(int value) => value > 0 && value <= MaxWindowStep;

    /// <summary>The element stride of each dimension of a row-major shape.</summary>
    public static int[] Strides(IReadOnlyList<int> shape)
    {
        var strides = new int[shape.Count];
        int stride = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    /// <summary>The values of a constant int32 or int64 tensor as ints, or null when it is neither (or a value does not fit).</summary>
    public static int[]? IntegerConstant(LoweringContext context, int tensorIndex)
    {
        if (!context.IsConstant(tensorIndex))
        {
            return null;
        }
        switch (context.ElementTypeOf(tensorIndex))
        {
            case ElementType.Int32:
                return ConstantData.As<int>(context.ConstantBytes(tensorIndex));
            case ElementType.Int64:
                long[] wide = ConstantData.As<long>(context.ConstantBytes(tensorIndex));
                var values = new int[wide.Length];
                for (int i = 0; i < wide.Length; i++)
                {
                    if (wide[i] < int.MinValue || wide[i] > int.MaxValue)
                    {
                        return null;
                    }
                    values[i] = (int)wide[i];
                }
                return values;
            default:
                return null;
        }
    }

    /// <summary>TFLite's <c>ComputeOutSize</c> (padding.h): the output size of a window along one axis; any padding other than SAME counts as VALID.</summary>
    public static int WindowOutputSize(PaddingKind padding, int imageSize, int filterSize, int stride, int dilation = 1)
    {
        int effectiveFilterSize = (filterSize - 1) * dilation + 1;
        return padding == PaddingKind.Same
            ? (imageSize + stride - 1) / stride
            : (imageSize + stride - effectiveFilterSize) / stride;
    }

    /// <summary>
    /// TFLite's <c>ComputePaddingWithOffset</c> (padding.h): the padding before the first row or column
    /// along one axis; the odd remainder of the total goes after the data.
    /// </summary>
    public static int WindowPadding(int stride, int inSize, int filterSize, int outSize, int dilation = 1)
    {
        int effectiveFilterSize = (filterSize - 1) * dilation + 1;
        int total = (outSize - 1) * stride + effectiveFilterSize - inSize;
        return (total > 0 ? total : 0) / 2;
    }
}
