using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and LESS_EQUAL (TFLM comparisons.cc, reference
/// comparisons.h): a bool output from two inputs of one type, with NumPy broadcasting up to 4 dimensions
/// (<c>Broadcast4DSlow…</c>). float32, int32 and int64 (and bool for EQUAL and NOT_EQUAL) are compared as
/// stored. int8 inputs are rescaled first, each by its own scale, as TFLM's <c>ComparisonWithScaling</c> does:
/// <c>((q − zero point) &lt;&lt; 8)</c> times the scale as a Q0.31 multiplier below one; two stored values that
/// the rescaling rounds to the same int32 compare equal. TFLM's GREATER also runs int16, but with rescaling
/// parameters it never sets (uninitialized memory), so TinyModel does not accept it.
/// </summary>
internal abstract class ComparisonDefinition : BinaryDefinition<ComparisonLayer>
{
    /// <summary>TFLM's broadcasting comparison walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 4;

    /// <summary>TFLM's <c>kLeftShift</c> for rescaled comparisons.</summary>
    private const int LeftShift = 8;

    private readonly ComparisonKind _kind;

    protected ComparisonDefinition(int code, ComparisonKind kind)
        : base(code)
    {
        _kind = kind;
        Types = kind is ComparisonKind.Equal or ComparisonKind.NotEqual
            ? BinaryTypes.ToBool(ElementType.Float32, ElementType.Int8, ElementType.Int32, ElementType.Int64, ElementType.Bool)
            : BinaryTypes.ToBool(ElementType.Float32, ElementType.Int8, ElementType.Int32, ElementType.Int64);
    }

    public override TypeSupport Types { get; }

    public override string Notes => "int8 inputs rescaled by their own scales before comparing, as TFLM does; NumPy broadcasting up to 4 dimensions; constant inputs";

    protected override ComparisonLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        ElementType type = context.ElementTypeOf(operands.Left)!.Value;
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        ComparisonRescaling? rescaling = null;
        if (type == ElementType.Int8)
        {
            if (InputRescaling(context, op, operands.Left, 1) is not { } first || InputRescaling(context, op, operands.Right, 2) is not { } second)
            {
                return null;
            }
            rescaling = new ComparisonRescaling(LeftShift, first.Offset, first.Multiplier, first.Shift, second.Offset, second.Multiplier, second.Shift);
            left = Rescaled(context, op, operands.Left, left, 1, first);
            right = Rescaled(context, op, operands.Right, right, 2, second);
        }
        return new ComparisonLayer(op.Index, Name, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(),
            _kind, type, operands.Plan.Dims.ToEquatableArray(), left, right, rescaling);
    }

    /// <summary>
    /// TFLM's <c>ComparisonsPrepare</c>: minus the zero point, and <c>QuantizeMultiplierSmallerThanOneExp</c> of the
    /// scale itself (TFLM aborts on a scale that is not in (0, 1), so TinyModel reports it).
    /// </summary>
    private static (int Offset, int Multiplier, int Shift)? InputRescaling(LoweringContext context, TfliteOperator op, int tensorIndex, int which)
    {
        if (context.QuantizationOf(tensorIndex) is not QuantizationSpec q)
        {
            context.ReportUnsupported(op, $"input {which} has no quantization parameters; TFLM rescales int8 inputs by their scales before comparing");
            return null;
        }
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(q.Scale);
        if (!(q.Scale > 0f) || shift > 0)
        {
            context.ReportUnsupported(op, $"input {which} has the scale {q.Scale:R}; TFLM's int8 comparison takes it as a multiplier and needs it in (0, 1)");
            return null;
        }
        return (-q.ZeroPoint, multiplier, shift);
    }

    /// <summary>
    /// A single constant becomes its rescaled value; any other int8 operand is read through a table of the
    /// rescaled value of each of the 256 stored values.
    /// </summary>
    private static ElementwiseOperand Rescaled(LoweringContext context, TfliteOperator op, int tensorIndex, ElementwiseOperand operand,
        int which, (int Offset, int Multiplier, int Shift) r)
    {
        if (operand.Literal is not null)
        {
            int value = ConstantData.As<sbyte>(context.ConstantBytes(tensorIndex))[0];
            return operand with { Literal = Literals.Int(GemmlowpMath.ScaleInput(value, r.Offset, LeftShift, r.Multiplier, r.Shift)), Prescaled = true };
        }
        int[] table = Enumerable.Range(sbyte.MinValue, 256).Select(q => GemmlowpMath.ScaleInput(q, r.Offset, LeftShift, r.Multiplier, r.Shift)).ToArray();
        string name = context.AddConstant($"Layer{op.Index}Input{which}Rescaled", ElementType.Int32, ConstantData.ToBytes(table),
            $"input {which} rescaled for every int8 value (index: q + 128): ((q + {r.Offset}) << {LeftShift}) · {r.Multiplier} · 2^{r.Shift - 31}, as TFLM's comparisons compute it");
        return operand with { RescaleTable = name };
    }

    protected override string Formula(ComparisonLayer layer, string x, string y) => $"{x} {Symbol(layer.Kind)} {y}";

    protected override IEnumerable<string> Explain(ComparisonLayer layer)
    {
        if (layer.Rescaling is not ComparisonRescaling r)
        {
            yield return $"<c>x {Operator(layer.Kind)} y</c> on the stored values, as TFLM compares {layer.Type.ModelName()}.";
            yield break;
        }
        yield return $"TFLM's rescaled int8 comparison: each input is offset by minus its zero point ({r.Input1Offset}, {r.Input2Offset}), shifted left by {r.LeftShift}";
        yield return $"and scaled by its own scale (input 1 by {r.Input1Multiplier} · 2^{r.Input1Shift - 31}, input 2 by {r.Input2Multiplier} · 2^{r.Input2Shift - 31}); the int32 results are compared.";
        yield return "Run-time inputs are rescaled by a lookup in a table of the 256 stored values, single constants at build time.";
    }

    protected override void DeclareLocals(SourceWriter writer, ComparisonLayer layer, EmitContext context)
    {
        foreach ((ElementwiseOperand operand, string name) in new[] { (layer.Left, "x"), (layer.Right, "y") })
        {
            if (operand.RescaleTable is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> {name}Rescaled = {context.Constant(operand.RescaleTable)};");
            }
        }
    }

    /// <remarks>
    /// Inputs compared as stored. int8 inputs are rescaled through a table of the 256 stored values first, a
    /// gather per element that the 128-bit tiers do not have, so int8 comparisons stay scalar loops.
    /// </remarks>
    protected override BinaryKernel? Kernel(ComparisonLayer layer) =>
        layer.Rescaling is null ? BinaryKernel.Compare(layer.Type, layer.Kind.ToString()) : null;

    protected override void WriteElement(SourceWriter writer, ComparisonLayer layer, string x, string y, string target)
    {
        string left = layer.Left.RescaleTable is not null ? $"xRescaled[{x} + 128]" : x;
        string right = layer.Right.RescaleTable is not null ? $"yRescaled[{y} + 128]" : y;
        writer.WriteLine($"{target} = {left} {Operator(layer.Kind)} {right};");
    }

    private static string Operator(ComparisonKind kind) => kind switch
    {
        ComparisonKind.Equal => "==",
        ComparisonKind.NotEqual => "!=",
        ComparisonKind.Greater => ">",
        ComparisonKind.GreaterEqual => ">=",
        ComparisonKind.Less => "<",
        _ => "<=",
    };

    private static string Symbol(ComparisonKind kind) => kind switch
    {
        ComparisonKind.Equal => "=",
        ComparisonKind.NotEqual => "≠",
        ComparisonKind.Greater => "&gt;",
        ComparisonKind.GreaterEqual => "≥",
        ComparisonKind.Less => "&lt;",
        _ => "≤",
    };
}

/// <summary>EQUAL: <c>input1 == input2</c>.</summary>
internal sealed class Equal : ComparisonDefinition
{
    public Equal()
        : base(BuiltinOperator.Equal, ComparisonKind.Equal)
    {
    }
}

/// <summary>NOT_EQUAL: <c>input1 != input2</c>.</summary>
internal sealed class NotEqual : ComparisonDefinition
{
    public NotEqual()
        : base(BuiltinOperator.NotEqual, ComparisonKind.NotEqual)
    {
    }
}

/// <summary>GREATER: <c>input1 &gt; input2</c>.</summary>
internal sealed class Greater : ComparisonDefinition
{
    public Greater()
        : base(BuiltinOperator.Greater, ComparisonKind.Greater)
    {
    }
}

/// <summary>GREATER_EQUAL: <c>input1 &gt;= input2</c>.</summary>
internal sealed class GreaterEqual : ComparisonDefinition
{
    public GreaterEqual()
        : base(BuiltinOperator.GreaterEqual, ComparisonKind.GreaterEqual)
    {
    }
}

/// <summary>LESS: <c>input1 &lt; input2</c>.</summary>
internal sealed class Less : ComparisonDefinition
{
    public Less()
        : base(BuiltinOperator.Less, ComparisonKind.Less)
    {
    }
}

/// <summary>LESS_EQUAL: <c>input1 &lt;= input2</c>.</summary>
internal sealed class LessEqual : ComparisonDefinition
{
    public LessEqual()
        : base(BuiltinOperator.LessEqual, ComparisonKind.LessEqual)
    {
    }
}

/// <summary>The relation a <see cref="ComparisonLayer"/> tests.</summary>
internal enum ComparisonKind
{
    Equal,
    NotEqual,
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
}

/// <summary>
/// TFLM's rescaling of int8 comparison inputs: each offset by minus its zero point, shifted left by
/// <see cref="LeftShift"/>, then scaled by its scale as a Q0.31 multiplier and a right shift.
/// </summary>
internal sealed record ComparisonRescaling(
    int LeftShift,
    int Input1Offset,
    int Input1Multiplier,
    int Input1Shift,
    int Input2Offset,
    int Input2Multiplier,
    int Input2Shift);

/// <summary>A comparison of two tensors with NumPy broadcasting, into a bool tensor.</summary>
/// <param name="Kind">The relation tested.</param>
/// <param name="Type">The inputs' element type (the output is bool).</param>
/// <param name="Rescaling">int8 layers: TFLM's rescaling of each input; null for the types compared as stored.</param>
internal sealed record ComparisonLayer(
    int NodeIndex,
    string OperatorName,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ComparisonKind Kind,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    ComparisonRescaling? Rescaling)
    : BinaryLayer(NodeIndex, OperatorName, Inputs, Outputs, Type, Dims, Left, Right);
