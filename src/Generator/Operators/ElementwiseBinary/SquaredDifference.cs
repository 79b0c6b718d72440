using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// SQUARED_DIFFERENCE (TFLM squared_difference.cc): float32 and int32 without quantization; int8 and int16
/// (zero points 0) with TFLM's rescaling: both inputs shifted left (by 7 for int8, 0 for int16) and scaled to
/// twice the larger input scale, the difference squared in int32 and scaled to the output. NumPy
/// broadcasting up to 4 dimensions (TFLM's <c>BroadcastBinaryFunction4DSlow</c>); constant inputs.
/// </summary>
internal sealed class SquaredDifference : BinaryDefinition<SquaredDifferenceLayer>
{
    /// <summary>TFLM's broadcasting kernel for this operator walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 4;

    public SquaredDifference()
        : base(BuiltinOperator.SquaredDifference)
    {
    }

    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Float32, ElementType.Int32, ElementType.Int8, ElementType.Int16);

    public override string Notes => "int32 without quantization; int8 and int16 (zero points 0) rescaled as TFLM does; NumPy broadcasting up to 4 dimensions; constant inputs";

    protected override SquaredDifferenceLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        ValueSpec output = operands.Output;
        SquaredDifferenceRequantization? requantization = null;
        if (output.Type is ElementType.Int8 or ElementType.Int16)
        {
            QuantizationSpec? q1 = context.QuantizationOf(operands.Left), q2 = context.QuantizationOf(operands.Right);
            if (q1 is null || q2 is null || output.Quantization is not QuantizationSpec qo)
            {
                context.ReportUnsupported(op, $"a {output.Type.ModelName()} SQUARED_DIFFERENCE needs quantization parameters on both inputs and the output");
                return null;
            }
            if (output.Type == ElementType.Int16 && (q1.ZeroPoint != 0 || q2.ZeroPoint != 0 || qo.ZeroPoint != 0))
            {
                context.ReportUnsupported(op, $"the zero points are {q1.ZeroPoint}, {q2.ZeroPoint} (inputs) and {qo.ZeroPoint} (output); TFLM's int16 SQUARED_DIFFERENCE requires 0 for all");
                return null;
            }
            requantization = Requantization(output.Type == ElementType.Int8 ? 7 : 0, q1, q2, qo);
        }
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new SquaredDifferenceLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            output.Type, operands.Plan.Dims.ToEquatableArray(), left, right, requantization);
    }

    /// <summary>
    /// TFLM's <c>PrepareQuantized</c>: the input multipliers in double from twice the larger input scale; the
    /// output's denominator <c>(1 &lt;&lt; 2·leftShift) · output scale</c> is a float product, as in TFLM.
    /// </summary>
    private static SquaredDifferenceRequantization Requantization(int leftShift, QuantizationSpec q1, QuantizationSpec q2, QuantizationSpec qo)
    {
        double twiceMaxInputScale = 2.0 * System.Math.Max(q1.Scale, q2.Scale);
        (int m1, int s1) = QuantizationMath.QuantizeMultiplier(q1.Scale / twiceMaxInputScale);
        (int m2, int s2) = QuantizationMath.QuantizeMultiplier(q2.Scale / twiceMaxInputScale);
        float denominator = (1 << (leftShift * 2)) * qo.Scale;
        (int mo, int so) = QuantizationMath.QuantizeMultiplier(twiceMaxInputScale * twiceMaxInputScale / denominator);
        return new SquaredDifferenceRequantization(leftShift, -q1.ZeroPoint, m1, s1, -q2.ZeroPoint, m2, s2, qo.ZeroPoint, mo, so);
    }

    protected override string Formula(SquaredDifferenceLayer layer, string x, string y) => $"({x} − {y})²";

    protected override IEnumerable<string> Explain(SquaredDifferenceLayer layer)
    {
        if (layer.Requantization is not SquaredDifferenceRequantization r)
        {
            yield return layer.Type == ElementType.Float32 ? "<c>d = x - y; d · d</c> in float." : "<c>d = x - y; d · d</c> in int32, wrapping on overflow as in TFLM.";
            yield break;
        }
        yield return $"TFLM's quantized arithmetic, bit for bit: each input is offset by minus its zero point ({r.Input1Offset}, {r.Input2Offset}), shifted left by {r.LeftShift}";
        yield return $"and scaled to twice the larger input scale (input 1 by {r.Input1Multiplier} · 2^{r.Input1Shift - 31}, input 2 by {r.Input2Multiplier} · 2^{r.Input2Shift - 31});";
        yield return $"the squared difference is scaled by {r.OutputMultiplier} · 2^{r.OutputShift - 31}, offset by the output zero point {r.OutputOffset} and clamped to the {layer.Type.ModelName()} range.";
    }

    protected override BinaryKernel? Kernel(SquaredDifferenceLayer layer) => layer.Requantization switch
    {
        SquaredDifferenceRequantization r => BinaryKernel.Quantized("SquaredDifferenceQuantization",
            new[] { r.LeftShift, r.Input1Offset, r.Input1Multiplier, r.Input1Shift, r.Input2Offset, r.Input2Multiplier, r.Input2Shift, r.OutputOffset, r.OutputMultiplier, r.OutputShift, layer.Type.MinValue(), layer.Type.MaxValue() }, new[] { r.Input1Shift, r.Input2Shift, r.OutputShift },
            layer.Type, layer.Type),
        _ => BinaryKernel.Apply(layer.Type, BinaryKernel.Generic("SquaredDifference", layer.Type)),
    };

    protected override void WriteElement(SourceWriter writer, SquaredDifferenceLayer layer, string x, string y, string target)
    {
        switch (layer.Requantization)
        {
            case null when layer.Type == ElementType.Float32:
                writer.WriteLine($"float d = {x} - {Negative(y)};");
                writer.WriteLine($"{target} = d * d;");
                break;
            case null:
                writer.WriteLine($"int d = unchecked({x} - {Negative(y)});");
                writer.WriteLine($"{target} = unchecked(d * d);");
                break;
            case SquaredDifferenceRequantization r:
                writer.WriteLine($"int d = {Scaled(x, r.Input1Offset, r.LeftShift, r.Input1Multiplier, r.Input1Shift)} - {Scaled(y, r.Input2Offset, r.LeftShift, r.Input2Multiplier, r.Input2Shift)};");
                string scaled = ElementwiseCode.MultiplyByQuantizedMultiplier("d * d", r.OutputMultiplier, r.OutputShift, xIsSmall: false);
                writer.WriteLine($"int v = {ElementwiseCode.Offset(scaled, r.OutputOffset)};");
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("v", layer.Type.MinValue(), layer.Type.MaxValue(), layer.Type)};");
                break;
        }
    }

    /// <summary>An input offset, shifted left and scaled by TFLM's <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>.</summary>
    private static string Scaled(string value, int offset, int leftShift, int multiplier, int shift)
    {
        string offsetValue = offset == 0 ? value : $"({ElementwiseCode.Offset(value, offset)})";
        return ElementwiseCode.MultiplySmallerThanOne(leftShift == 0 ? offsetValue : $"{offsetValue} << {leftShift}", multiplier, shift);
    }

    private static string Negative(string value) => value.StartsWith("-", System.StringComparison.Ordinal) ? $"({value})" : value;
}

/// <summary>
/// TFLM's rescaling of quantized SQUARED_DIFFERENCE: each input offset, shifted left by <see cref="LeftShift"/>
/// and scaled by a multiplier below one; the squared difference scaled to the output.
/// </summary>
internal sealed record SquaredDifferenceRequantization(
    int LeftShift,
    int Input1Offset,
    int Input1Multiplier,
    int Input1Shift,
    int Input2Offset,
    int Input2Multiplier,
    int Input2Shift,
    int OutputOffset,
    int OutputMultiplier,
    int OutputShift);

/// <summary>SQUARED_DIFFERENCE of two tensors with NumPy broadcasting: <c>(input1 − input2)²</c>.</summary>
/// <param name="Requantization">The rescaling of int8 and int16 layers, null for float32 and int32.</param>
internal sealed record SquaredDifferenceLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    SquaredDifferenceRequantization? Requantization)
    : BinaryLayer(NodeIndex, "SQUARED_DIFFERENCE", Inputs, Outputs, Type, Dims, Left, Right);
