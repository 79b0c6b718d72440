using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// LOGICAL_AND and LOGICAL_OR (TFLM logical.cc, logical_common.cc): bool inputs and output, NumPy
/// broadcasting up to 4 dimensions (<c>BroadcastBinaryFunction4DSlow</c>), constant inputs.
/// </summary>
internal abstract class LogicalDefinition : BinaryDefinition<LogicalLayer>
{
    /// <summary>TFLM's broadcasting kernel for these operators walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 4;

    private readonly bool _and;

    protected LogicalDefinition(int code, bool and)
        : base(code)
    {
        _and = and;
    }

    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Bool);

    public override string Notes => "NumPy broadcasting up to 4 dimensions; constant inputs";

    protected override LogicalLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new LogicalLayer(op.Index, Name, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(),
            _and, operands.Plan.Dims.ToEquatableArray(), left, right);
    }

    protected override string Formula(LogicalLayer layer, string x, string y) => $"{x} {(layer.And ? "and" : "or")} {y}";

    protected override IEnumerable<string> Explain(LogicalLayer layer)
    {
        yield return layer.And ? "<c>x &amp;&amp; y</c>, elementwise." : "<c>x || y</c>, elementwise.";
    }

    /// <remarks>Both inputs spans, or one a bool repeated over the run (broadcast along the innermost axis, or a literal).</remarks>
    protected override BinaryKernel? Kernel(LogicalLayer layer) => BinaryKernel.Bools(layer.And ? "LogicalAnd" : "LogicalOr");

    protected override void WriteElement(SourceWriter writer, LogicalLayer layer, string x, string y, string target) =>
        writer.WriteLine($"{target} = {x} {(layer.And ? "&&" : "||")} {y};");
}

/// <summary>LOGICAL_AND: <c>input1 &amp;&amp; input2</c>.</summary>
internal sealed class LogicalAnd : LogicalDefinition
{
    public LogicalAnd()
        : base(BuiltinOperator.LogicalAnd, and: true)
    {
    }
}

/// <summary>LOGICAL_OR: <c>input1 || input2</c>.</summary>
internal sealed class LogicalOr : LogicalDefinition
{
    public LogicalOr()
        : base(BuiltinOperator.LogicalOr, and: false)
    {
    }
}

/// <summary>LOGICAL_AND or LOGICAL_OR of two bool tensors with NumPy broadcasting.</summary>
/// <param name="And">LOGICAL_AND when true, LOGICAL_OR when false.</param>
internal sealed record LogicalLayer(
    int NodeIndex,
    string OperatorName,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    bool And,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right)
    : BinaryLayer(NodeIndex, OperatorName, Inputs, Outputs, ElementType.Bool, Dims, Left, Right);
