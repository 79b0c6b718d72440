using System.Collections.Generic;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Lowering;

/// <summary>Index arithmetic on row-major (NHWC) shapes and on constant index tensors, done at build time.</summary>
internal static class ShapeMath
{
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
}
