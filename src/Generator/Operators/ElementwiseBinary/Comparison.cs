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
/// the rescaling rounds to the same int32 compare equal. Where trying every stored value shows that the rescaling
/// changes no outcome, the layer compares the stored values instead (<see cref="StoredComparison"/>). TFLM's GREATER also runs int16, but with rescaling
/// parameters it never sets (uninitialized memory), so TinyModel does not accept it.
/// </summary>
internal abstract class ComparisonDefinition : BinaryDefinition<ComparisonLayer>
{
    /// <summary>TFLM's broadcasting comparison walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 4;

    /// <summary>TFLM's <c>kLeftShift</c> for rescaled comparisons.</summary>
    private const int LeftShift = 8;

    /// <summary>
    /// Rescaled int8 runs shorter than this keep the table loop: measured against it, the kernel (both rescalings in
    /// int32 lanes) was 0.3× at 4 elements, 0.8× at 8, 1.2× at 16 and 1.7× from 64.
    /// </summary>
    private const int MinRescaledRun = 16;

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
            if (StoredComparison.Reduce(_kind, rescaling, left, right) is var (kind, storedLeft, storedRight))
            {
                return new ComparisonLayer(op.Index, Name, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(),
                    kind, type, operands.Plan.Dims.ToEquatableArray(), storedLeft, storedRight, null, ReducedFrom: rescaling);
            }
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

    protected override string Formula(ComparisonLayer layer, string x, string y) => $"{x} {Symbol(layer.Kind)} {y}";

    protected override IEnumerable<string> Explain(ComparisonLayer layer)
    {
        if (layer.ReducedFrom is ComparisonRescaling reduced)
        {
            yield return $"TFLM rescales int8 inputs before comparing (input 1 by {reduced.Input1Multiplier} · 2^{reduced.Input1Shift - 31} after offset {reduced.Input1Offset}, input 2 by";
            yield return $"{reduced.Input2Multiplier} · 2^{reduced.Input2Shift - 31} after offset {reduced.Input2Offset}, both shifted left by {reduced.LeftShift}); checked on every stored value when the model";
            yield return $"was compiled, that gives x {Symbol(layer.Kind)} y on the stored values{(layer.Left.Literal ?? layer.Right.Literal) switch { null => string.Empty, string t => $" (the constant's threshold: {t})" }}, which is compared instead.";
            yield break;
        }
        if (layer.Rescaling is not ComparisonRescaling r)
        {
            yield return $"<c>x {Operator(layer.Kind)} y</c> on the stored values, as TFLM compares {layer.Type.ModelName()}.";
            yield break;
        }
        yield return $"TFLM's rescaled int8 comparison: each input is offset by minus its zero point ({r.Input1Offset}, {r.Input2Offset}), shifted left by {r.LeftShift}";
        yield return $"and scaled by its own scale (input 1 by {r.Input1Multiplier} · 2^{r.Input1Shift - 31}, input 2 by {r.Input2Multiplier} · 2^{r.Input2Shift - 31}); the int32 results are compared.";
        yield return IsVectorized(layer)
            ? "Both rescalings run in int32 lanes (QuantizedBinaryKernels.Compare), bit for bit TFLM's."
            : "Run-time inputs are rescaled by a lookup in a table of the 256 stored values, single constants at build time.";
    }

    /// <summary>
    /// The scalar loops of an int8 layer read each run-time input's rescaled values from a table of the 256 stored
    /// values, which only they need, so it is added here rather than in lowering.
    /// </summary>
    protected override void DeclareLocals(SourceWriter writer, ComparisonLayer layer, EmitContext context)
    {
        if (layer.Rescaling is not ComparisonRescaling r || IsVectorized(layer))
        {
            return;
        }
        foreach ((ElementwiseOperand operand, string name, int which) in new[] { (layer.Left, "x", 1), (layer.Right, "y", 2) })
        {
            if (operand.Literal is not null)
            {
                continue;
            }
            (int offset, int multiplier, int shift) = r.Input(which);
            string constant = context.AddConstant($"Layer{layer.NodeIndex}Input{which}Rescaled", ElementType.Int32, ConstantData.ToBytes(StoredComparison.Table(r, which)),
                $"input {which} rescaled for every int8 value (index: q + 128): ((q + {offset}) << {r.LeftShift}) · {multiplier} · 2^{shift - 31}, as TFLM's comparisons compute it");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> {name}Rescaled = {context.Constant(constant)};");
        }
    }

    /// <summary>Whether the layer's runs go to a vector kernel (else scalar loops, <see cref="WriteElement"/>).</summary>
    private bool IsVectorized(ComparisonLayer layer) => Kernel(layer) is { } kernel && kernel.Fits(layer);

    /// <remarks>
    /// Inputs compared as stored: <c>ComparisonKernels</c>. int8 inputs: <c>QuantizedBinaryKernels.Compare</c>, which
    /// rescales both in int32 lanes (TFLM's fixed-point steps, <c>FixedPointLanes</c>) and compares them.
    /// </remarks>
    protected override BinaryKernel? Kernel(ComparisonLayer layer) => layer.Rescaling is { } r
        ? BinaryKernel.Quantized($"ComparisonQuantization<global::TinyModel.ComparisonKernels.{layer.Kind}>",
            new[] { r.LeftShift, r.Input1Offset, r.Input1Multiplier, r.Input1Shift, r.Input2Offset, r.Input2Multiplier, r.Input2Shift },
            new[] { r.Input1Shift, r.Input2Shift }, ElementType.Int8, ElementType.Int8, "Compare", MinRescaledRun)
        : BinaryKernel.Compare(layer.Type, layer.Kind.ToString());

    /// <summary>
    /// One element: int8 inputs rescaled first, run-time ones through their table (<see cref="DeclareLocals"/>), a
    /// single constant at build time.
    /// </summary>
    protected override void WriteElement(SourceWriter writer, ComparisonLayer layer, string x, string y, string target) =>
        writer.WriteLine($"{target} = {Rescaled(layer, layer.Left, x, "x", 1)} {Operator(layer.Kind)} {Rescaled(layer, layer.Right, y, "y", 2)};");

    private static string Rescaled(ComparisonLayer layer, ElementwiseOperand operand, string value, string name, int which)
    {
        if (layer.Rescaling is not ComparisonRescaling r)
        {
            return value;
        }
        if (operand.Literal is null)
        {
            return $"{name}Rescaled[{value} + 128]";
        }
        return Literals.Int(StoredComparison.Table(r, which)[StoredComparison.Stored(operand.Literal) + 128]);
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
    int Input2Shift)
{
    /// <summary>Input 1's or input 2's offset, multiplier and shift.</summary>
    public (int Offset, int Multiplier, int Shift) Input(int which) =>
        which == 1 ? (Input1Offset, Input1Multiplier, Input1Shift) : (Input2Offset, Input2Multiplier, Input2Shift);
}

/// <summary>A comparison of two tensors with NumPy broadcasting, into a bool tensor.</summary>
/// <param name="Kind">The relation tested.</param>
/// <param name="Type">The inputs' element type (the output is bool).</param>
/// <param name="Rescaling">int8 layers: TFLM's rescaling of each input; null for the types compared as stored.</param>
/// <param name="ReducedFrom">An int8 layer that compares stored values instead (<see cref="StoredComparison"/>): the rescaling it stands for.</param>
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
    ComparisonRescaling? Rescaling,
    ComparisonRescaling? ReducedFrom = null)
    : BinaryLayer(NodeIndex, OperatorName, Inputs, Outputs, Type, Dims, Left, Right);
