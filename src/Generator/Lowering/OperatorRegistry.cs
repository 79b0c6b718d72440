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
        new Entry(BuiltinOperator.Reshape, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.Squeeze, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.ExpandDims, "every type (a view of its input: no copy)", ViewLowering.Lower),
        new Entry(BuiltinOperator.Svdf, "float32; int8 (int8 feature weights, int16 or int8 time weights and state, int32 bias); any rank; state persists across calls", SvdfLowering.Lower),
        new Entry(BuiltinOperator.UnidirectionalSequenceLstm, "float32; int8 activations (int8 weights, int32 bias, int16 cell state); int16 activations (int8 weights, int64 bias, int16 cell state); time-major or batch-major; no peephole, projection, layer norm or CIFG (as TFLM); state persists across calls", UnidirectionalSequenceLstmLowering.Lower),
    };

    private static readonly Dictionary<int, Entry> ByCode = Entries.ToDictionary(e => e.Code);

    public static Entry? Find(int code) => ByCode.TryGetValue(code, out Entry? entry) ? entry : null;

    /// <summary>The supported operators' names, comma-separated, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", Entries.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
}
