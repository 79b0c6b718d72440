using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// FLOOR_DIV and FLOOR_MOD (TFLM floor_div.cc, floor_mod.cc; reference floor_div.h, floor_mod.h): float32
/// only, as TFLM's kernels; NumPy broadcasting up to 4 dimensions (<c>BroadcastBinaryFunction4DSlow</c>),
/// constant inputs. FLOOR_DIV divides in double and floors, and refuses a divisor with any element equal to
/// 0 (TFLM fails the Invoke before writing anything): a constant one is reported at build time, a run-time one
/// throws <see cref="System.DivideByZeroException"/>. FLOOR_MOD takes <c>fmod</c> and moves a nonzero
/// remainder to the divisor's sign; a zero divisor gives NaN, as in TFLM.
/// </summary>
internal abstract class FloorDivModDefinition : BinaryDefinition<FloorDivModLayer>
{
    /// <summary>TFLM's broadcasting kernel for these operators walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 4;

    private readonly bool _division;

    protected FloorDivModDefinition(int code, bool division)
        : base(code)
    {
        _division = division;
    }

    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Float32);

    protected override FloorDivModLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        if (_division && context.IsConstant(operands.Right) && ConstantData.As<float>(context.ConstantBytes(operands.Right)).Any(v => v == 0f))
        {
            context.ReportUnsupported(op, "the constant divisor has an element equal to 0; TFLM's FLOOR_DIV refuses it at every Invoke (\"Division by 0\")");
            return null;
        }
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new FloorDivModLayer(op.Index, Name, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(),
            _division, operands.Plan.Dims.ToEquatableArray(), left, right, context.Tensor(operands.Right).Shape.Aggregate(1, (count, d) => count * d));
    }

    protected override string Formula(FloorDivModLayer layer, string x, string y) => layer.Division ? $"floor({x} / {y})" : $"{x} mod {y} (floored)";

    protected override IEnumerable<string> Explain(FloorDivModLayer layer)
    {
        if (layer.Division)
        {
            yield return "<c>floor((double)x / y)</c>, as TFLM's FloorDiv divides in double.";
            if (layer.Right.IsRunTime)
            {
                yield return "A divisor with an element equal to 0 throws before anything is written: TFLM's Invoke fails on it (\"Division by 0\").";
            }
            yield break;
        }
        yield return "<c>m = fmod(x, y)</c>, plus <c>y</c> when <c>m</c> is nonzero and its sign differs from <c>y</c>'s, as TFLM's FloorMod (a zero divisor gives NaN).";
    }

    protected override void DeclareLocals(SourceWriter writer, FloorDivModLayer layer, EmitContext context)
    {
        if (!layer.Division || !layer.Right.IsRunTime)
        {
            return;
        }
        // TFLM's EvalFloorDiv checks every element of the divisor before it divides.
        string divisor = EmitContext.InputName(layer.Right.Position);
        writer.OpenBlock($"for (int i = 0; i < {layer.DivisorElementCount}; i++)");
        writer.OpenBlock($"if ({divisor}[i] == 0f)");
        writer.WriteLine($"global::TinyModel.ThrowHelper.ThrowDivisionByZero(\"FLOOR_DIV\", {layer.NodeIndex});");
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <remarks>
    /// FLOOR_DIV only. FLOOR_MOD's <c>fmod</c> has no vector form that is exact for every pair (a quotient
    /// rounded to float loses the remainder's low bits), so it stays a scalar loop.
    /// </remarks>
    protected override BinaryKernel? Kernel(FloorDivModLayer layer) => layer.Division ? BinaryKernel.Apply(ElementType.Float32, "FloorDivide") : null;

    protected override void WriteElement(SourceWriter writer, FloorDivModLayer layer, string x, string y, string target)
    {
        if (layer.Division)
        {
            writer.WriteLine($"{target} = (float){EmitContext.MathClass}.Floor((double){x} / (double){Parenthesized(y)});");
            return;
        }
        writer.WriteLine($"float d = {y};");
        writer.WriteLine($"float m = {x} % d;");
        writer.WriteLine($"{target} = m != 0f && (d < 0f) != (m < 0f) ? m + d : m;");
    }

    private static string Parenthesized(string value) => value.StartsWith("-", System.StringComparison.Ordinal) ? $"({value})" : value;
}

/// <summary>FLOOR_DIV: <c>floor(input1 / input2)</c>.</summary>
internal sealed class FloorDiv : FloorDivModDefinition
{
    public FloorDiv()
        : base(BuiltinOperator.FloorDiv, division: true)
    {
    }

    public override string Notes => "divides in double, as TFLM; a zero divisor throws (TFLM fails the Invoke), a constant one is reported; NumPy broadcasting up to 4 dimensions; constant inputs";
}

/// <summary>FLOOR_MOD: the remainder of the floored division, with the divisor's sign.</summary>
internal sealed class FloorMod : FloorDivModDefinition
{
    public FloorMod()
        : base(BuiltinOperator.FloorMod, division: false)
    {
    }

    public override string Notes => "fmod, then moved to the divisor's sign, as TFLM; a zero divisor gives NaN; NumPy broadcasting up to 4 dimensions; constant inputs";
}

/// <summary>FLOOR_DIV or FLOOR_MOD of two float32 tensors with NumPy broadcasting.</summary>
/// <param name="Division">FLOOR_DIV when true, FLOOR_MOD when false.</param>
/// <param name="DivisorElementCount">The elements of the divisor (input 2), which FLOOR_DIV checks for zeros.</param>
internal sealed record FloorDivModLayer(
    int NodeIndex,
    string OperatorName,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    bool Division,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    int DivisorElementCount)
    : BinaryLayer(NodeIndex, OperatorName, Inputs, Outputs, ElementType.Float32, Dims, Left, Right);
