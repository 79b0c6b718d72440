using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering.Operators;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The operators TinyModel compiles: one entry per TFLite builtin, with its lowering and the types it
/// accepts. Diagnostics and the README's table of supported operators are both read from here.
/// </summary>
internal static class OperatorRegistry
{
    /// <summary>One supported operator.</summary>
    /// <param name="Code">The TFLite builtin operator code.</param>
    /// <param name="Types">The activation types it compiles, as users read them.</param>
    /// <param name="Lower">Builds the layer, or reports why it cannot and returns null.</param>
    public sealed record Entry(int Code, string Types, Func<LoweringContext, TfliteOperator, LayerSpec?> Lower)
    {
        public string Name => BuiltinOperatorNames.Get(Code);
    }

    public static IReadOnlyList<Entry> Entries { get; } = new[]
    {
        new Entry(BuiltinOperator.Reshape, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.Squeeze, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.ExpandDims, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.Softmax, "float32; int8 → int8 or int16; int16 → int16 (TFLM's fixed-point and table kernels)", SoftmaxLowering.Lower),
        new Entry(BuiltinOperator.AveragePool2D, "float32, int8, int16 (any filter and stride, SAME/VALID, fused ReLU/ReLU6/ReLU-N1-to-1)", PoolingLowering.LowerAverage),
        new Entry(BuiltinOperator.MaxPool2D, "float32, int8, int16 (any filter and stride, SAME/VALID, fused ReLU/ReLU6/ReLU-N1-to-1)", PoolingLowering.LowerMax),
        new Entry(BuiltinOperator.Mean, "float32, int8, int16 (constant axes, keep_dims or not; integer means requantized as TFLM does)", MeanLowering.Lower),
        new Entry(BuiltinOperator.Pad, "float32, int8, int16, int32 (constant non-negative paddings, any rank)", PadLowering.Lower),
        new Entry(PadLowering.PadV2Code, "float32, int8, int16, int32 (constant non-negative paddings; pad value constant or computed)", PadLowering.Lower),
        new Entry(BuiltinOperator.Transpose, "any element type (constant permutation, any rank)", TransposeLowering.Lower),
        new Entry(BuiltinOperator.StridedSlice, "any element type, up to 5-D (constant begin/end/strides, begin/end/shrink masks, negative strides, offset)", StridedSliceLowering.Lower),
        new Entry(BuiltinOperator.Concatenation, "float32, int8, int16, int32, int64, uint8, bool (any axis, run-time or constant inputs, copied without requantization as in TFLM)", ConcatenationLowering.Lower),
    };
}
