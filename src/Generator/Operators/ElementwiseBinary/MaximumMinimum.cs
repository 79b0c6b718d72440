using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// MAXIMUM and MINIMUM (TFLM maximum_minimum.cc, reference maximum_minimum.h): float32, int8, int16, int32
/// and int64, NumPy broadcasting up to 5 dimensions (<c>MaximumMinimumBroadcastSlow</c>). Quantized inputs
/// are compared as stored, without rescaling, and the output takes the chosen input's stored value: TFLM
/// ignores quantization here (a model is expected to give all three tensors the same parameters).
/// </summary>
internal abstract class MaximumMinimumDefinition : BinaryDefinition<MaximumMinimumLayer>
{
    /// <summary>TFLM's <c>MaximumMinimumBroadcastSlow</c> walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 5;

    private readonly bool _maximum;

    protected MaximumMinimumDefinition(int code, bool maximum)
        : base(code)
    {
        _maximum = maximum;
    }

    public override TypeSupport Types { get; } =
        BinaryTypes.Same(ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64);

    public override string Notes => "stored values compared without rescaling, as TFLM does; NumPy broadcasting up to 5 dimensions; constant inputs";

    protected override MaximumMinimumLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new MaximumMinimumLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(),
            _maximum, operands.Output.Type, operands.Plan.Dims.ToEquatableArray(), left, right);
    }

    protected override string Formula(MaximumMinimumLayer layer, string x, string y) => $"{(layer.Maximum ? "max" : "min")}({x}, {y})";

    protected override IEnumerable<string> Explain(MaximumMinimumLayer layer)
    {
        yield return layer.Maximum
            ? "<c>x &gt; y ? x : y</c> on the stored values, as TFLM's MaximumOp (no rescaling)."
            : "<c>x &lt; y ? x : y</c> on the stored values, as TFLM's MinimumOp (no rescaling).";
    }

    /// <remarks>Every type: the kernels compare and select, as the element code (NaN and −0 included).</remarks>
    protected override BinaryKernel? Kernel(MaximumMinimumLayer layer) =>
        BinaryKernel.Apply(layer.Type, BinaryKernel.Generic(layer.Maximum ? "Maximum" : "Minimum", layer.Type));

    protected override void WriteElement(SourceWriter writer, MaximumMinimumLayer layer, string x, string y, string target)
    {
        string choice = $"{x} {(layer.Maximum ? ">" : "<")} {y} ? {x} : {y}";
        // A literal operand makes the choice an int; narrow it back to the element type.
        bool narrow = layer.Type is ElementType.Int8 or ElementType.Int16 && (layer.Left.Literal is not null || layer.Right.Literal is not null);
        writer.WriteLine($"{target} = {(narrow ? $"({layer.Type.CSharpName()})({choice})" : choice)};");
    }
}

/// <summary>MAXIMUM: <c>max(input1, input2)</c>, element-wise with broadcasting.</summary>
internal sealed class Maximum : MaximumMinimumDefinition
{
    public Maximum()
        : base(BuiltinOperator.Maximum, maximum: true)
    {
    }
}

/// <summary>MINIMUM: <c>min(input1, input2)</c>, element-wise with broadcasting.</summary>
internal sealed class Minimum : MaximumMinimumDefinition
{
    public Minimum()
        : base(BuiltinOperator.Minimum, maximum: false)
    {
    }
}

/// <summary>MAXIMUM or MINIMUM of two tensors with NumPy broadcasting, on stored values.</summary>
/// <param name="Maximum">MAXIMUM when true, MINIMUM when false.</param>
internal sealed record MaximumMinimumLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    bool Maximum,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right)
    : BinaryLayer(NodeIndex, Maximum ? "MAXIMUM" : "MINIMUM", Inputs, Outputs, Type, Dims, Left, Right);
