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
        new Entry(BuiltinOperator.Conv2D, "float32; int8 (int8 filter, per-tensor or per-channel); int16 activations with int8 filter (int64, int32 or no bias)", Conv2DLowering.Lower),
        new Entry(BuiltinOperator.DepthwiseConv2D, "float32; int8 (int8 filter, per-tensor or per-channel); int16 activations with int8 filter (int64 or no bias)", DepthwiseConv2DLowering.Lower),
        new Entry(BuiltinOperator.FullyConnected, "float32, int8, int16 (int8 weights, per-tensor or per-channel)", FullyConnectedLowering.Lower),
        new Entry(BuiltinOperator.TransposeConv, "float32; int8 (int8 weights, per-channel or per-tensor, int32 bias); int16 activations with int8 weights (int64 or int16 bias)", TransposeConvLowering.Lower),
        new Entry(BuiltinOperator.Add, "float32, int32, int8, int16 (TFLM's general rescaling); NumPy broadcasting up to 6 dimensions; constant inputs", AddSubLowering.LowerAdd),
        new Entry(BuiltinOperator.Sub, "float32, int32, int8, int16 (TFLM's general rescaling); NumPy broadcasting up to 6 dimensions; constant inputs", AddSubLowering.LowerSub),
        new Entry(BuiltinOperator.Quantize, QuantizeLowering.SupportedTypes + " (per-tensor)", QuantizeLowering.Lower),
        new Entry(BuiltinOperator.Dequantize, "int8, uint8, int16 to float32 (per-tensor)", DequantizeLowering.Lower),
        new Entry(BuiltinOperator.Logistic, "float32, int8, int16 (zero points 0, output scale 2^-15)", LogisticTanhLowering.LowerLogistic),
        new Entry(BuiltinOperator.Tanh, "float32, int8, int16 (zero points 0, output scale 2^-15)", LogisticTanhLowering.LowerTanh),
        new Entry(BuiltinOperator.Relu, "float32, int8, int16 (int16 with zero points 0)", ReluLowering.LowerRelu),
        new Entry(BuiltinOperator.Relu6, "float32, int8, int16", ReluLowering.LowerRelu6),
        new Entry(BuiltinOperator.Svdf, "float32; int8 (int8 feature weights, int16 or int8 time weights and state, int32 bias); any rank; state persists across calls", SvdfLowering.Lower),
        new Entry(BuiltinOperator.UnidirectionalSequenceLstm, "float32; int8 activations (int8 weights, int32 bias, int16 cell state); int16 activations (int8 weights, int64 bias, int16 cell state); time-major or batch-major; no peephole, projection, layer norm or CIFG (as TFLM); state persists across calls", UnidirectionalSequenceLstmLowering.Lower),
    };
}
