using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Elementwise;

/// <summary>
/// C# expressions shared by the elementwise emitters: TFLite's fixed-point rescalings with their
/// constants folded in, and clamps written in the order TFLM evaluates them.
/// </summary>
internal static class ElementwiseCode
{
    /// <summary>The multiplier and shift that <c>QuantizeMultiplier</c> gives for a real multiplier of exactly 1.</summary>
    public const int IdentityMultiplier = 1 << 30, IdentityShift = 1;

    /// <summary>
    /// TFLite's 32-bit <c>MultiplyByQuantizedMultiplier(x, multiplier, shift)</c> on <paramref name="x"/>.
    /// When the multiplier encodes exactly 1 and <paramref name="x"/> is known to lie within ±2^30
    /// (<paramref name="xIsSmall"/>), the product is <paramref name="x"/> itself and no code is written.
    /// </summary>
    public static string MultiplyByQuantizedMultiplier(string x, int multiplier, int shift, bool xIsSmall)
    {
        if (xIsSmall && multiplier == IdentityMultiplier && shift == IdentityShift)
        {
            return x;
        }
        return $"{EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier({x}, {Literals.Int(multiplier)}, {Literals.Int(shift)})";
    }

    /// <summary>
    /// TFLite's <c>MultiplyByQuantizedMultiplierSmallerThanOneExp(x, multiplier, shift)</c> for <c>shift ≤ 0</c>:
    /// a rounding doubling high multiply, then a rounding right shift (skipped when it is 0).
    /// </summary>
    public static string MultiplySmallerThanOne(string x, int multiplier, int shift)
    {
        string product = $"{EmitContext.FixedPoint}.SaturatingRoundingDoublingHighMul({x}, {Literals.Int(multiplier)})";
        return shift == 0 ? product : $"{EmitContext.FixedPoint}.RoundingDivideByPOT({product}, {-shift})";
    }

    /// <summary><c>x + offset</c>, or <c>x</c> when the offset is 0.</summary>
    public static string Offset(string x, int offset) => offset switch
    {
        0 => x,
        > 0 => $"{x} + {Literals.Int(offset)}",
        _ => $"{x} - {Literals.Int(-(long)offset)}",
    };

    /// <summary>A negative literal in parentheses, so that it reads well after an operator (<c>x * (-3)</c>).</summary>
    public static string Parenthesized(string value) => value.StartsWith("-", System.StringComparison.Ordinal) ? $"({value})" : value;

    /// <summary>
    /// The integer clamp <c>min(max(value, min), max)</c> cast to the element type, leaving out a bound that
    /// the type's own range already implies.
    /// </summary>
    public static string ClampToType(string value, int min, int max, ElementType type)
    {
        // A bare element read (a rescaling that folded to the identity) is still of the element type, and
        // Math.Max(sbyte, int) would be ambiguous: read it as int. Any arithmetic or call is int already.
        bool needMin = type == ElementType.Int32 ? min != int.MinValue : true;
        bool needMax = type == ElementType.Int32 ? max != int.MaxValue : true;
        bool bareElement = value.IndexOf(' ') < 0 && value.IndexOf('(') < 0;
        string expression = bareElement && (needMin || needMax) ? $"(int){value}" : value;
        if (needMin)
        {
            expression = $"{EmitContext.MathClass}.Max({expression}, {Literals.Int(min)})";
        }
        if (needMax)
        {
            expression = $"{EmitContext.MathClass}.Min({expression}, {Literals.Int(max)})";
        }
        return type == ElementType.Int32 ? expression : $"({type.CSharpName()}){expression}";
    }

    /// <summary>
    /// Writes <c>target = min(max(v, lo), hi)</c> for a float local <paramref name="v"/> with TFLM's
    /// <c>ActivationFunctionWithMinMax</c> comparisons (<c>std::max</c> then <c>std::min</c>), so that NaN and
    /// infinities come out as they do in TFLM.
    /// </summary>
    public static void WriteFloatClamp(SourceWriter writer, string target, string v, float lo, float hi)
    {
        writer.WriteLine($"{v} = {v} < {Literals.Float(lo)} ? {Literals.Float(lo)} : {v};");
        writer.WriteLine($"{target} = {Literals.Float(hi)} < {v} ? {Literals.Float(hi)} : {v};");
    }

    /// <summary>
    /// Writes the loop of a one-input layer over <paramref name="elementCount"/> elements: a lookup in its int8 table
    /// of the 256 outputs (indexed by input + 128) when it has one, else the statements <paramref name="writeElement"/> writes.
    /// </summary>
    public static void WriteTableOrElementLoop(SourceWriter writer, EmitContext context, int elementCount, string? table, System.Action writeElement)
    {
        if (table is not null)
        {
            WriteTableLookup(writer, context, table);
            return;
        }
        writer.OpenBlock($"for (int i = 0; i < {elementCount}; i++)");
        writeElement();
        writer.CloseBlock();
    }

    /// <summary>
    /// Writes the call of <c>TinyModel.QuantizationKernels.Requantize</c>, vectorized: <c>x = input − inputZeroPoint</c>,
    /// then <c>clamp(MultiplyByQuantizedMultiplier(x, …) + outputZeroPoint, min, max)</c> with the first multiplier and
    /// shift for <c>x ≥ 0</c>, the second for <c>x &lt; 0</c>.
    /// </summary>
    public static void WriteRequantize(SourceWriter writer, int inputZeroPoint, (int Multiplier, int Shift) positive, (int Multiplier, int Shift) negative, int outputZeroPoint, int min, int max) =>
        writer.WriteLine($"global::TinyModel.QuantizationKernels.Requantize(input, new global::TinyModel.IntegerRequantization({Literals.Int(inputZeroPoint)}, " +
            $"{Literals.Int(positive.Multiplier)}, {Literals.Int(positive.Shift)}, {Literals.Int(negative.Multiplier)}, {Literals.Int(negative.Shift)}, " +
            $"{Literals.Int(outputZeroPoint)}, {Literals.Int(min)}, {Literals.Int(max)}), output);");

    /// <summary>Writes the lookup of every int8 input in the layer's table of 256 outputs (indexed by input + 128), vectorized by <c>TinyModel.Int8Lookup</c>.</summary>
    public static void WriteTableLookup(SourceWriter writer, EmitContext context, string table) =>
        writer.WriteLine($"global::TinyModel.Int8Lookup.Apply(input, {context.Constant(table)}, output);");

    /// <summary>The layer's one-line summary of input and output, such as <c>int8[1,16] (…) → int8[1,16] (…)</c>.</summary>
    public static string Signature(EmitContext context, LayerSpec layer) =>
        Literals.Xml(context.Model.Value(layer.Inputs[0]).Describe()) + " → " + Literals.Xml(context.Model.Value(layer.Outputs[0]).Describe());
}
