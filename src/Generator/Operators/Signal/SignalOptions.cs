using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// The options of one of TFLM's signal operators: the FlexBuffer map of its <c>custom_options</c>. TFLM reads
/// each parameter by its position in the key-sorted map (<c>FlexbufferWrapper::ElementAsInt32(index)</c>);
/// TinyModel reads the same position and checks that the key there is the parameter TFLM means, so a map
/// with missing or extra keys is a diagnostic rather than a silently different model.
/// </summary>
internal sealed class SignalOptions
{
    private readonly IReadOnlyList<FlexValue> _entries;
    private readonly LoweringContext _context;
    private readonly TfliteOperator _op;

    private SignalOptions(IReadOnlyList<FlexValue> entries, LoweringContext context, TfliteOperator op)
    {
        _entries = entries;
        _context = context;
        _op = op;
    }

    /// <summary>The operator's options, or null after reporting a missing or corrupt map (TM0002).</summary>
    public static SignalOptions? Read(LoweringContext context, TfliteOperator op)
    {
        if (FlexBufferReader.ReadMap(op.CustomOptions.Span, out string? error) is not { } entries)
        {
            context.Report(DiagnosticDescriptors.UnreadableModel, context.FileName,
                $"the custom options of node {op.Index} ({context.OperatorName(op)}) are not a readable FlexBuffer map: {error}");
            return null;
        }
        return new SignalOptions(entries, context, op);
    }

    /// <summary>
    /// The integer parameter <paramref name="key"/> that TFLM reads at <paramref name="index"/> of the sorted map,
    /// or null after reporting why it cannot be read.
    /// </summary>
    public int? Int(string key, int index)
    {
        if (index >= _entries.Count || _entries[index].Key != key)
        {
            string keys = string.Join(", ", _entries.Select(e => $"'{e.Key}'"));
            _context.ReportUnsupported(_op, $"TFLM reads option '{key}' at position {index} of the custom options map, which holds {(keys.Length == 0 ? "no keys" : keys)}");
            return null;
        }
        FlexValue value = _entries[index];
        if (!value.IsScalar)
        {
            _context.ReportUnsupported(_op, $"option '{key}' is a {value.TypeName}; TFLM reads an integer");
            return null;
        }
        // ElementAsInt32 keeps the low 32 bits of the value.
        return unchecked((int)value.Integer);
    }

    /// <summary>
    /// Reads several integer parameters at once (each a key and TFLM's index); null when any is missing,
    /// after reporting each.
    /// </summary>
    public int[]? Ints(params (string Key, int Index)[] parameters)
    {
        int?[] values = parameters.Select(p => Int(p.Key, p.Index)).ToArray();
        return values.All(v => v.HasValue) ? values.Select(v => v!.Value).ToArray() : null;
    }
}
