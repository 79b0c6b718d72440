using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// MUL (TFLM mul.cc, mul_common.cc): float32 and int32 without quantization, int8 and int16 (zero points 0)
/// requantized by <c>input1 scale · input2 scale / output scale</c> (one multiplier, in double, as TFLM's
/// <c>CalculateOpDataMul</c>); NumPy broadcasting (at most 4 dimensions for int8 and int16, whose TFLM kernel
/// is <c>BroadcastMul4DSlow</c>; 6 otherwise); constant inputs; fused ReLU/ReLU6/ReLU-N1-to-1.
/// </summary>
internal sealed class Mul : BinaryDefinition<MulLayer>
{
    private const int OptionActivation = 0; // MulOptions.fused_activation_function

    public Mul()
        : base(BuiltinOperator.Mul)
    {
    }

    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Float32, ElementType.Int32, ElementType.Int8, ElementType.Int16);

    public override string Notes =>
        "int32 without quantization; int8 and int16 (zero points 0) requantized as TFLM does; NumPy broadcasting (up to 4 dimensions for int8 and int16, 6 otherwise); constant inputs; fused ReLU/ReLU6/ReLU-N1-to-1";

    protected override MulLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        ElementType type = context.ElementTypeOf(op.Outputs[0])!.Value;
        bool quantized = type is ElementType.Int8 or ElementType.Int16;
        if (BinaryOperands.Get(context, op, quantized ? 4 : BroadcastShapes.MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }

        ValueSpec output = operands.Output;
        MulRequantization? requantization = null;
        ActivationRange range;
        switch (type)
        {
            case ElementType.Float32:
                range = QuantizationMath.ActivationRange(activation, type, null);
                break;
            case ElementType.Int32:
                range = QuantizationMath.Int32ActivationRange(activation);
                break;
            default:
                QuantizationSpec? q1 = context.QuantizationOf(operands.Left), q2 = context.QuantizationOf(operands.Right);
                if (q1 is null || q2 is null || output.Quantization is not QuantizationSpec qo)
                {
                    context.ReportUnsupported(op, $"a {type.ModelName()} MUL needs quantization parameters on both inputs and the output");
                    return null;
                }
                if (type == ElementType.Int16 && (q1.ZeroPoint != 0 || q2.ZeroPoint != 0 || qo.ZeroPoint != 0))
                {
                    context.ReportUnsupported(op, $"the zero points are {q1.ZeroPoint}, {q2.ZeroPoint} (inputs) and {qo.ZeroPoint} (output); TFLM's int16 MUL requires 0 for all");
                    return null;
                }
                // CalculateOpDataMul: the product of the input scales over the output scale, all in double.
                (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier((double)q1.Scale * q2.Scale / qo.Scale);
                requantization = new MulRequantization(-q1.ZeroPoint, -q2.ZeroPoint, qo.ZeroPoint, multiplier, shift);
                range = QuantizationMath.ActivationRange(activation, type, qo);
                break;
        }

        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new MulLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), type,
            operands.Plan.Dims.ToEquatableArray(), left, right, requantization, range);
    }

    protected override string Formula(MulLayer layer, string x, string y) => $"{x} · {y}";

    protected override IEnumerable<string> Explain(MulLayer layer)
    {
        ActivationRange range = layer.Activation;
        string activation = BinaryDocs.ActivationName(range.Activation);
        switch (layer.Requantization)
        {
            case MulRequantization r:
                yield return $"TFLM's quantized arithmetic, bit for bit: the inputs offset by {r.Input1Offset} and {r.Input2Offset} are multiplied in int32,";
                yield return $"the product scaled by {r.Multiplier} · 2^{r.Shift - 31}, offset by the output zero point {r.OutputOffset} and clamped to [{range.QuantizedMin}, {range.QuantizedMax}] (fused {activation}).";
                break;
            default:
                yield return layer.Type == ElementType.Float32
                    ? $"Clamped to [{Literals.Float(range.FloatMin)}, {Literals.Float(range.FloatMax)}] (fused {activation})."
                    : $"int32 arithmetic wraps on overflow, as in TFLM; clamped to [{range.QuantizedMin}, {range.QuantizedMax}] (fused {activation}).";
                break;
        }
    }

    protected override void WriteElement(SourceWriter writer, MulLayer layer, string x, string y, string target)
    {
        ActivationRange range = layer.Activation;
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine($"float v = {x} * {ElementwiseCode.Parenthesized(y)};");
                ElementwiseCode.WriteFloatClamp(writer, target, "v", range.FloatMin, range.FloatMax);
                break;
            case ElementType.Int32:
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType($"unchecked({x} * {ElementwiseCode.Parenthesized(y)})", range.QuantizedMin, range.QuantizedMax, ElementType.Int32)};");
                break;
            default:
                MulRequantization r = layer.Requantization!;
                string product = $"{Offset(x, r.Input1Offset)} * {Offset(y, r.Input2Offset)}";
                string scaled = ElementwiseCode.MultiplyByQuantizedMultiplier(product, r.Multiplier, r.Shift, xIsSmall: false);
                writer.WriteLine($"int v = {ElementwiseCode.Offset(scaled, r.OutputOffset)};");
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("v", range.QuantizedMin, range.QuantizedMax, layer.Type)};");
                break;
        }
    }

    protected override BinaryKernel? Kernel(MulLayer layer) => layer.Requantization switch
    {
        MulRequantization r => BinaryKernel.Quantized("MulQuantization",
            new[] { r.Input1Offset, r.Input2Offset, r.OutputOffset, r.Multiplier, r.Shift, layer.Activation.QuantizedMin, layer.Activation.QuantizedMax }, new[] { r.Shift }, layer.Type, layer.Type),
        _ => BinaryKernel.Clamped(layer.Type, BinaryKernel.Generic("Multiply", layer.Type), layer.Activation),
    };

    /// <summary><c>(x + offset)</c>, or <c>x</c> when the offset is 0.</summary>
    private static string Offset(string x, int offset) => offset == 0 ? ElementwiseCode.Parenthesized(x) : $"({ElementwiseCode.Offset(x, offset)})";
}

/// <summary>
/// TFLM's requantization of quantized MUL: <c>(x + Input1Offset) · (y + Input2Offset)</c> in int32, scaled by
/// <c>Multiplier · 2^(Shift - 31)</c> (<c>MultiplyByQuantizedMultiplier</c>), plus <c>OutputOffset</c>.
/// </summary>
internal sealed record MulRequantization(int Input1Offset, int Input2Offset, int OutputOffset, int Multiplier, int Shift);

/// <summary>MUL of two tensors with NumPy broadcasting: <c>output = act(input1 · input2)</c>.</summary>
/// <param name="Requantization">The rescaling of int8 and int16 layers, null for float32 and int32.</param>
/// <param name="Activation">The output clamp (integer bounds for int32 and quantized layers).</param>
internal sealed record MulLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    MulRequantization? Requantization,
    ActivationRange Activation)
    : BinaryLayer(NodeIndex, "MUL", Inputs, Outputs, Type, Dims, Left, Right);
