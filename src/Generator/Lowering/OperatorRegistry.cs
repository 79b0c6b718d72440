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
        new Entry(BuiltinOperator.FullyConnected, "float32, int8, int16 (int8 weights, per-tensor or per-channel)", FullyConnectedLowering.Lower),
        new Entry(BuiltinOperator.Add, "float32, int32, int8, int16 (TFLM's general rescaling); NumPy broadcasting up to 6 dimensions; constant inputs", AddSubLowering.LowerAdd),
        new Entry(BuiltinOperator.Sub, "float32, int32, int8, int16 (TFLM's general rescaling); NumPy broadcasting up to 6 dimensions; constant inputs", AddSubLowering.LowerSub),
        new Entry(BuiltinOperator.LeakyRelu, "float32, int8, int16", LeakyReluLowering.Lower),
        new Entry(BuiltinOperator.Quantize, QuantizeLowering.SupportedTypes + " (per-tensor)", QuantizeLowering.Lower),
        new Entry(BuiltinOperator.Dequantize, "int8, uint8, int16 to float32 (per-tensor)", DequantizeLowering.Lower),
        new Entry(BuiltinOperator.Logistic, "float32, int8, int16 (zero points 0, output scale 2^-15)", LogisticTanhLowering.LowerLogistic),
        new Entry(BuiltinOperator.Tanh, "float32, int8, int16 (zero points 0, output scale 2^-15)", LogisticTanhLowering.LowerTanh),
        new Entry(BuiltinOperator.Relu, "float32, int8, int16 (int16 with zero points 0)", ReluLowering.LowerRelu),
        new Entry(BuiltinOperator.Relu6, "float32, int8, int16", ReluLowering.LowerRelu6),
    };

    private static readonly Dictionary<int, Entry> ByCode = Entries.ToDictionary(e => e.Code);

    public static Entry? Find(int code) => ByCode.TryGetValue(code, out Entry? entry) ? entry : null;

    /// <summary>The supported operators' names, comma-separated, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", Entries.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
}
