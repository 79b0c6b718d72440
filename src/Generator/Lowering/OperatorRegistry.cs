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
    };

    private static readonly Dictionary<int, Entry> ByCode = Entries.ToDictionary(e => e.Code);

    public static Entry? Find(int code) => ByCode.TryGetValue(code, out Entry? entry) ? entry : null;

    /// <summary>The supported operators' names, comma-separated, for diagnostics.</summary>
    public static string SupportedNames => string.Join(", ", Entries.Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
}
