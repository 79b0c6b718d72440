using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// The one-input math operators of TFLM's elementwise.cc (LOGICAL_NOT on bool too), exp.cc, floor.cc, ceil.cc, round.cc and neg.cc:
/// float32 with the C library function TFLM calls (<c>std::exp</c>, <c>std::sin</c>, ...: .NET's <c>MathF</c>
/// calls the same on Linux), the exact ones (ABS, NEG, SQUARE, SQRT, RSQRT, FLOOR, CEIL) vectorized by
/// <c>TinyModel.FloatElementwise</c>. ABS and RSQRT also have TFLM's quantized int8 and int16 paths.
/// </summary>
internal abstract class MathFunctionDefinition : OperatorDefinition<MathFunctionLayer>
{
    private const string MathF = "global::System.MathF";

    private readonly MathFunction _function;

    protected MathFunctionDefinition(int code, MathFunction function)
        : base(code)
    {
        _function = function;
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32);

    public override string Notes => string.Empty;

    protected override MathFunctionLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        var layer = new MathFunctionLayer(op.Index, Name, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            _function, input.Type, input.ElementCount, null, null);
        return input.Type is ElementType.Float32 or ElementType.Bool ? layer : LowerQuantized(context, op, layer, input, output);
    }

    /// <summary>The integer layer of operators that have one (ABS, RSQRT); the others accept float32 only.</summary>
    protected virtual MathFunctionLayer? LowerQuantized(LoweringContext context, TfliteOperator op, MathFunctionLayer layer, ValueSpec input, ValueSpec output) => null;

    /// <summary>Quantization parameters of both tensors, or null after reporting that they are missing.</summary>
    protected static (QuantizationSpec Input, QuantizationSpec Output)? Quantization(LoweringContext context, TfliteOperator op, ValueSpec input, ValueSpec output, bool zeroPointsZero)
    {
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a quantized {input.Type.ModelName()} {context.OperatorName(op)} needs quantization parameters on its input and output");
            return null;
        }
        if (zeroPointsZero && (qi.ZeroPoint != 0 || qo.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, $"the zero points are {qi.ZeroPoint} (input) and {qo.ZeroPoint} (output); TFLM's int16 {context.OperatorName(op)} requires 0 for both");
            return null;
        }
        return (qi, qo);
    }

    protected override void EmitLayer(SourceWriter writer, MathFunctionLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {ElementwiseCode.Signature(context, layer)}.");
        foreach (string line in Explain(layer))
        {
            writer.WriteLine("/// " + line);
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Type == ElementType.Float32 && VectorOperation(layer.Function) is string operation)
        {
            writer.WriteLine($"global::TinyModel.FloatElementwise.Apply<global::TinyModel.FloatElementwise.{operation}>(input, output);");
        }
        else if (layer.Table is not null)
        {
            ElementwiseCode.WriteTableLookup(writer, context, layer.Table);
        }
        else if (!WriteKernel(writer, layer))
        {
            writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
            writer.WriteLine($"output[i] = {Element(layer)};");
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>Writes a call of a vectorized runtime kernel for a layer that is neither float nor a table, if there is one.</summary>
    protected virtual bool WriteKernel(SourceWriter writer, MathFunctionLayer layer) => false;

    /// <summary>The lines of the layer's summary after its signature.</summary>
    protected virtual IEnumerable<string> Explain(MathFunctionLayer layer)
    {
        yield return layer.Function switch
        {
            MathFunction.Abs => "<c>|x|</c>, elementwise (vectorized: the same bits in every lane).",
            MathFunction.Neg => "<c>-x</c>, elementwise (vectorized).",
            MathFunction.Square => "<c>x · x</c>, elementwise (vectorized).",
            MathFunction.Sqrt => "<c>sqrt(x)</c>, correctly rounded, elementwise (vectorized).",
            MathFunction.Rsqrt => "<c>1 / sqrt(x)</c>: a correctly rounded square root, then a division, as TFLM (vectorized; not an estimate).",
            MathFunction.Exp => "<c>exp(x)</c> by the C library's <c>expf</c>, as TFLM's <c>std::exp</c>.",
            MathFunction.Log => "<c>log(x)</c> by the C library's <c>logf</c>, as TFLM's <c>std::log</c>.",
            MathFunction.Sin => "<c>sin(x)</c> by the C library's <c>sinf</c>, as TFLM's <c>std::sin</c>.",
            MathFunction.Cos => "<c>cos(x)</c> by the C library's <c>cosf</c>, as TFLM's <c>std::cos</c>.",
            MathFunction.Floor => "<c>floor(x)</c>, elementwise (vectorized).",
            MathFunction.Ceil => "<c>ceil(x)</c>, elementwise (vectorized).",
            MathFunction.LogicalNot => "<c>!x</c>, elementwise (vectorized: each byte compared with zero).",
            _ => "<c>x</c> rounded to the nearest integer, ties to even, as TFLM's RoundToNearest (-0.3 gives +0; vectorized).",
        };
    }

    /// <summary>
    /// The expression of one output element from <c>input[i]</c> (layers that are not vectorized). EXP, LOG, SIN and
    /// COS stay scalar on purpose: TFLM's goldens come from the C library's functions, which <c>MathF</c> calls,
    /// and no vector approximation is known to give their bits on every input.
    /// </summary>
    protected virtual string Element(MathFunctionLayer layer) => layer.Function switch
    {
        MathFunction.Exp => $"{MathF}.Exp(input[i])",
        MathFunction.Log => $"{MathF}.Log(input[i])",
        MathFunction.Sin => $"{MathF}.Sin(input[i])",
        MathFunction.Cos => $"{MathF}.Cos(input[i])",
        _ => "!input[i]",
    };

    /// <summary>The <c>TinyModel.FloatElementwise</c> operation of an exact function, or null.</summary>
    private static string? VectorOperation(MathFunction function) => function switch
    {
        MathFunction.Abs => "Abs",
        MathFunction.Neg => "Negate",
        MathFunction.Square => "Square",
        MathFunction.Sqrt => "Sqrt",
        MathFunction.Rsqrt => "ReciprocalSqrt",
        MathFunction.Floor => "Floor",
        MathFunction.Ceil => "Ceiling",
        MathFunction.Round => "Round",
        _ => null,
    };
}

/// <summary>
/// ABS: float32 <c>|x|</c>; int8 (and quantized int16, zero points 0) <c>|q - zero point|</c>, requantized only
/// when the scales differ, as TFLM's <c>AbsEvalQuantized</c>; int16 without quantization a plain <c>|x|</c> that
/// wraps -32768 to itself, as <c>std::abs</c> narrowed to int16 does.
/// </summary>
internal sealed class Abs : MathFunctionDefinition
{
    public Abs()
        : base(BuiltinOperator.Abs, MathFunction.Abs)
    {
    }

    /// <summary>
    /// Unquantized int16 layers shorter than one 128-bit vector (8 values) keep the loop: the kernel would be its scalar
    /// tail plus a call (measured 1.0× the loop at 4 values, 1.2× at 8, 2.4× at 16).
    /// </summary>
    private const int MinKernelElements = 8;

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    public override string Notes => "int8 quantized; int16 quantized (zero points 0) or not";

    protected override MathFunctionLayer? LowerQuantized(LoweringContext context, TfliteOperator op, MathFunctionLayer layer, ValueSpec input, ValueSpec output)
    {
        if (input.Type == ElementType.Int16 && input.Quantization is null)
        {
            return layer; // TFLM's unquantized int16 path
        }
        if (Quantization(context, op, input, output, zeroPointsZero: input.Type == ElementType.Int16) is not var (qi, qo))
        {
            return null;
        }
        // PrepareAbsRsqrt: rescale only when the scales differ, by input scale / output scale in double.
        bool rescale = qi.Scale != qo.Scale;
        (int multiplier, int shift) = rescale ? QuantizationMath.QuantizeMultiplier((double)qi.Scale / qo.Scale) : (0, 0);
        var quantized = new QuantizedMathFunction(qi.ZeroPoint, qo.ZeroPoint, rescale, multiplier, shift);
        if (input.Type == ElementType.Int8)
        {
            sbyte[] table = Enumerable.Range(sbyte.MinValue, 256).Select(q => (sbyte)Quantized(q, quantized, sbyte.MinValue, sbyte.MaxValue)).ToArray();
            string name = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
                $"ABS of every int8 input (index: input + 128), as TFLM's AbsEvalQuantized computes it");
            return layer with { Quantized = quantized, Table = name };
        }
        return layer with { Quantized = quantized };
    }

    /// <summary>TFLM's <c>AbsEvalQuantized</c> on one stored value.</summary>
    private static int Quantized(int q, QuantizedMathFunction p, int min, int max)
    {
        int value = System.Math.Abs(q - p.InputZeroPoint);
        int output = (p.Rescale ? FixedPoint.MultiplyByQuantizedMultiplier(value, p.Multiplier, p.Shift) : value) + p.OutputZeroPoint;
        return System.Math.Min(System.Math.Max(output, min), max);
    }

    protected override IEnumerable<string> Explain(MathFunctionLayer layer) => layer switch
    {
        { Table: not null, Quantized: { } p } => new[] { $"A lookup in a table of the 256 possible outputs: |q - {p.InputZeroPoint}|{Rescaling(p)} + {p.OutputZeroPoint}, clamped, as TFLM's AbsEvalQuantized." },
        { Quantized: { } p } => new[] { $"|q|{Rescaling(p)}, clamped to the int16 range, as TFLM's AbsEvalQuantized." },
        { Type: ElementType.Int16 } => new[] { "<c>|x|</c> without quantization, as TFLM's int16 path for unquantized tensors (-32768 stays -32768; vectorized from 8 values)." },
        _ => base.Explain(layer),
    };

    /// <summary>
    /// Unquantized int16: <c>IntegerElementwise.Abs</c> from <see cref="MinKernelElements"/> values. Quantized int16
    /// (zero points 0): <c>|q|</c> rescaled is the requantization of <c>q</c> with the multiplier negated below zero
    /// (<c>MultiplyByQuantizedMultiplier(q, −m, s)</c> forms the same product as <c>(−q, m, s)</c>); without rescaling,
    /// multipliers of exactly ±1.
    /// </summary>
    protected override bool WriteKernel(SourceWriter writer, MathFunctionLayer layer)
    {
        if (layer.Quantized is not { } p)
        {
            if (layer.ElementCount < MinKernelElements)
            {
                return false;
            }
            writer.WriteLine("global::TinyModel.IntegerElementwise.Abs(input, output);");
            return true;
        }
        (int multiplier, int shift) = p.Rescale ? (p.Multiplier, p.Shift) : (ElementwiseCode.IdentityMultiplier, ElementwiseCode.IdentityShift);
        ElementwiseCode.WriteRequantize(writer, 0, (multiplier, shift), (-multiplier, shift), 0, short.MinValue, short.MaxValue);
        return true;
    }

    private static string Rescaling(QuantizedMathFunction p) => p.Rescale ? $" · {p.Multiplier} · 2^{p.Shift - 31}" : string.Empty;

    protected override string Element(MathFunctionLayer layer) => "(short)(input[i] < 0 ? -input[i] : input[i])";
}

/// <summary>
/// RSQRT: float32 <c>1 / sqrt(x)</c>; int8 and int16 by TFLM's <c>RsqrtEvalQuantized</c> (a fixed-point inverse
/// square root, requantized by <c>1 / (sqrt(input scale) · output scale)</c>). TFLM declares int16 unsupported
/// but its type check never fails and its int16 path runs; TinyModel does the same (zero points 0).
/// </summary>
internal sealed class Rsqrt : MathFunctionDefinition
{
    public Rsqrt()
        : base(BuiltinOperator.Rsqrt, MathFunction.Rsqrt)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    /// <summary>
    /// int16 layers shorter than this keep the per-value loop: a vector of four lanes is the narrowest the kernel takes,
    /// so below it the kernel is its own scalar tail plus a call.
    /// </summary>
    private const int MinKernelElements = 4;

    public override string Notes => "int8; int16 with zero points 0 (TFLM runs it though it declares it unsupported); inputs below the zero point, which TFLM rejects at Invoke, are taken as 1";

    protected override MathFunctionLayer? LowerQuantized(LoweringContext context, TfliteOperator op, MathFunctionLayer layer, ValueSpec input, ValueSpec output)
    {
        if (Quantization(context, op, input, output, zeroPointsZero: input.Type == ElementType.Int16) is not var (qi, qo))
        {
            return null;
        }
        // SetRsqrtOutputMultiplier, in double.
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(1.0 / (System.Math.Sqrt(qi.Scale) * qo.Scale));
        var quantized = new QuantizedMathFunction(qi.ZeroPoint, qo.ZeroPoint, true, multiplier, shift);
        if (input.Type == ElementType.Int16)
        {
            return layer with { Quantized = quantized };
        }
        sbyte[] table = Enumerable.Range(sbyte.MinValue, 256).Select(q => (sbyte)Quantized(q - qi.ZeroPoint, quantized)).ToArray();
        string name = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
            $"RSQRT of every int8 input (index: input + 128), as TFLM's RsqrtEvalQuantized computes it");
        return layer with { Quantized = quantized, Table = name };
    }

    /// <summary>TFLM's <c>RsqrtEvalQuantized</c> (int8) on one offset value: the kernel int16 layers call at run time.</summary>
    private static int Quantized(int value, QuantizedMathFunction p) =>
        QuantizedReciprocalSqrt.Compute(value, p.Multiplier, p.Shift, p.OutputZeroPoint, sbyte.MinValue, sbyte.MaxValue);

    protected override IEnumerable<string> Explain(MathFunctionLayer layer) => layer.Quantized is { } p
        ? new[]
        {
            layer.Table is not null
                ? $"A lookup in a table of the 256 possible outputs, computed with TFLM's RsqrtEvalQuantized: 1 / sqrt(q - {p.InputZeroPoint}) in fixed point,"
                : "TFLM's RsqrtEvalQuantized per element (vectorized from 4 values, the same steps in int32 lanes): 1 / sqrt(q) in fixed point,",
            $"scaled by {p.Multiplier} · 2^{p.Shift - 31}, offset by {p.OutputZeroPoint} and clamped; an input at the zero point gives the largest output.",
        }
        : base.Explain(layer);

    /// <summary>
    /// int16 layers of at least <see cref="MinKernelElements"/> values: <c>ReciprocalSqrtKernels.Int16</c>, the same fixed
    /// point in int32 lanes.
    /// </summary>
    protected override bool WriteKernel(SourceWriter writer, MathFunctionLayer layer)
    {
        if (layer.Quantized is not { } p || layer.ElementCount < MinKernelElements || p.Shift < -31 || p.Shift > 30)
        {
            return false;
        }
        writer.WriteLine($"global::TinyModel.ReciprocalSqrtKernels.Int16(input, {Literals.Int(p.Multiplier)}, {Literals.Int(p.Shift)}, output);");
        return true;
    }

    protected override string Element(MathFunctionLayer layer) =>
        $"(short)global::TinyModel.QuantizedReciprocalSqrt.Compute(input[i], {Literals.Int(layer.Quantized!.Multiplier)}, {Literals.Int(layer.Quantized.Shift)}, 0, {short.MinValue}, {short.MaxValue})";
}

/// <summary>NEG: <c>-x</c> (TFLM neg.cc: float32 only).</summary>
internal sealed class Neg : MathFunctionDefinition
{
    public Neg()
        : base(BuiltinOperator.Neg, MathFunction.Neg)
    {
    }
}

/// <summary>SQUARE: <c>x · x</c>.</summary>
internal sealed class Square : MathFunctionDefinition
{
    public Square()
        : base(BuiltinOperator.Square, MathFunction.Square)
    {
    }
}

/// <summary>SQRT: <c>sqrt(x)</c>.</summary>
internal sealed class Sqrt : MathFunctionDefinition
{
    public Sqrt()
        : base(BuiltinOperator.Sqrt, MathFunction.Sqrt)
    {
    }
}

/// <summary>EXP: <c>exp(x)</c> (TFLM exp.cc).</summary>
internal sealed class Exp : MathFunctionDefinition
{
    public Exp()
        : base(BuiltinOperator.Exp, MathFunction.Exp)
    {
    }
}

/// <summary>LOG: <c>log(x)</c>.</summary>
internal sealed class Log : MathFunctionDefinition
{
    public Log()
        : base(BuiltinOperator.Log, MathFunction.Log)
    {
    }
}

/// <summary>SIN: <c>sin(x)</c>.</summary>
internal sealed class Sin : MathFunctionDefinition
{
    public Sin()
        : base(BuiltinOperator.Sin, MathFunction.Sin)
    {
    }
}

/// <summary>COS: <c>cos(x)</c>.</summary>
internal sealed class Cos : MathFunctionDefinition
{
    public Cos()
        : base(BuiltinOperator.Cos, MathFunction.Cos)
    {
    }
}

/// <summary>FLOOR: <c>floor(x)</c> (TFLM floor.cc).</summary>
internal sealed class Floor : MathFunctionDefinition
{
    public Floor()
        : base(BuiltinOperator.Floor, MathFunction.Floor)
    {
    }
}

/// <summary>CEIL: <c>ceil(x)</c> (TFLM ceil.cc).</summary>
internal sealed class Ceil : MathFunctionDefinition
{
    public Ceil()
        : base(BuiltinOperator.Ceil, MathFunction.Ceil)
    {
    }
}

/// <summary>ROUND: to the nearest integer, ties to even (TFLM round.cc, <c>RoundToNearest</c>).</summary>
internal sealed class Round : MathFunctionDefinition
{
    public Round()
        : base(BuiltinOperator.Round, MathFunction.Round)
    {
    }
}

/// <summary>LOGICAL_NOT: <c>!x</c> on bool tensors (TFLM elementwise.cc).</summary>
internal sealed class LogicalNot : MathFunctionDefinition
{
    public LogicalNot()
        : base(BuiltinOperator.LogicalNot, MathFunction.LogicalNot)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Bool);

    /// <summary>One call of <c>ComparisonKernels.LogicalNot</c>: the bytes compared with zero, a vector at a time.</summary>
    protected override bool WriteKernel(SourceWriter writer, MathFunctionLayer layer)
    {
        writer.WriteLine("global::TinyModel.ComparisonKernels.LogicalNot(input, output);");
        return true;
    }
}

/// <summary>The function a <see cref="MathFunctionLayer"/> computes.</summary>
internal enum MathFunction
{
    Abs,
    Neg,
    Square,
    Sqrt,
    Rsqrt,
    Exp,
    Log,
    Sin,
    Cos,
    Floor,
    Ceil,
    Round,
    LogicalNot,
}

/// <summary>The quantization of an integer ABS or RSQRT: zero points and TFLM's output multiplier.</summary>
/// <param name="Rescale">ABS: whether the scales differ (TFLM's <c>needs_rescale</c>); RSQRT always rescales.</param>
internal sealed record QuantizedMathFunction(int InputZeroPoint, int OutputZeroPoint, bool Rescale, int Multiplier, int Shift);

/// <summary>A one-input math function, element-wise: <c>output[i] = f(input[i])</c>.</summary>
/// <param name="Function">The function.</param>
/// <param name="Type">The element type of input and output.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Quantized">The quantization of integer ABS and RSQRT layers (null for float32 and unquantized int16 ABS).</param>
/// <param name="Table">int8: the constant of the 256 outputs, indexed by input + 128.</param>
internal sealed record MathFunctionLayer(
    int NodeIndex,
    string OperatorName,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    MathFunction Function,
    ElementType Type,
    int ElementCount,
    QuantizedMathFunction? Quantized,
    string? Table)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
