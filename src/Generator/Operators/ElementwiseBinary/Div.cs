using System;
using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// DIV (TFLM div.cc, reference div.h): float32; int32 without quantization, C++'s truncating division; int8
/// with TFLM's fixed-point reciprocal (<c>DivElementwise</c>), including its saturation when the offset
/// numerator is ±1 or -2. NumPy broadcasting up to 5 dimensions (<c>BroadcastDivSlow</c>); fused activations.
/// </summary>
internal sealed class Div : BinaryDefinition<DivLayer>
{
    private const int OptionActivation = 0; // DivOptions.fused_activation_function

    /// <summary>TFLM's <c>BroadcastDivSlow</c> walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 5;

    /// <summary>The denominators an int8 DIV can meet once offset and made non-negative: 0 to 255.</summary>
    private const int Int8Denominators = 256;

    public Div()
        : base(BuiltinOperator.Div)
    {
    }

    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Float32, ElementType.Int32, ElementType.Int8);

    public override string Notes =>
        "int32 truncating division without quantization (division by zero throws DivideByZeroException where TFLM traps); int8 with TFLM's fixed-point reciprocal, including its saturation quirk; NumPy broadcasting up to 5 dimensions; constant inputs; fused ReLU/ReLU6/ReLU-N1-to-1";

    protected override DivLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxBroadcastRank) is not { } operands)
        {
            return null;
        }
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }
        ElementType type = operands.Output.Type;
        DivRequantization? requantization = null;
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
                if (q1 is null || q2 is null || operands.Output.Quantization is not QuantizationSpec qo)
                {
                    context.ReportUnsupported(op, "an int8 DIV needs quantization parameters on both inputs and the output");
                    return null;
                }
                // CalculateOpDataDiv: the scales combined in float, then widened to double.
                (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier((double)(q1.Scale / (q2.Scale * qo.Scale)));
                string reciprocals = context.AddConstant($"Layer{op.Index}Reciprocals", ElementType.Int32, ReciprocalTable(),
                    "TFLite's GetReciprocal(d, 31) multiplier of each denominator d in [0, 255]");
                requantization = new DivRequantization(-q1.ZeroPoint, -q2.ZeroPoint, qo.ZeroPoint, multiplier, shift, reciprocals);
                range = QuantizationMath.ActivationRange(activation, type, qo);
                break;
        }

        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new DivLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { operands.Output.Id }.ToEquatableArray(), type,
            operands.Plan.Dims.ToEquatableArray(), left, right, requantization, range);
    }

    protected override string Formula(DivLayer layer, string x, string y) => $"{x} / {y}";

    protected override IEnumerable<string> Explain(DivLayer layer)
    {
        ActivationRange range = layer.Activation;
        string activation = BinaryDocs.ActivationName(range.Activation);
        switch (layer.Requantization)
        {
            case DivRequantization r:
                yield return $"TFLM's DivElementwise, bit for bit: n = x + {r.Input1Offset} and d = y + {r.Input2Offset} (both negated when d &lt; 0), n normalized by its";
                yield return $"headroom and multiplied by the reciprocal of d, then scaled by {r.Multiplier} · 2^{r.Shift - 31}; plus {r.OutputOffset}, clamped to [{range.QuantizedMin}, {range.QuantizedMax}] (fused {activation}).";
                yield return "As in TFLM, n = ±1 or -2 saturates (the final shift exceeds 31 bits).";
                break;
            default:
                yield return layer.Type == ElementType.Float32
                    ? $"Clamped to [{Literals.Float(range.FloatMin)}, {Literals.Float(range.FloatMax)}] (fused {activation})."
                    : $"C#'s int division truncates toward zero as C++'s does; clamped to [{range.QuantizedMin}, {range.QuantizedMax}] (fused {activation}).";
                break;
        }
    }

    protected override void WriteElement(SourceWriter writer, DivLayer layer, string x, string y, string target)
    {
        ActivationRange range = layer.Activation;
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine($"float v = {x} / {ElementwiseCode.Parenthesized(y)};");
                ElementwiseCode.WriteFloatClamp(writer, target, "v", range.FloatMin, range.FloatMax);
                break;
            case ElementType.Int32:
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType($"{x} / {ElementwiseCode.Parenthesized(y)}", range.QuantizedMin, range.QuantizedMax, ElementType.Int32)};");
                break;
            default:
                DivRequantization r = layer.Requantization!;
                writer.WriteLine($"int n = {ElementwiseCode.Offset(x, r.Input1Offset)}, d = {ElementwiseCode.Offset(y, r.Input2Offset)};");
                writer.OpenBlock("if (d < 0)");
                writer.WriteLine("n = -n;");
                writer.WriteLine("d = -d;");
                writer.CloseBlock();
                string quotient = $"global::TinyModel.QuantizedDivision.Divide(n, d, {EmitContext.ConstantExpression(r.Reciprocals)}[d], {Literals.Int(r.Multiplier)}, {Literals.Int(r.Shift)})";
                writer.WriteLine($"int v = {ElementwiseCode.Offset(quotient, r.OutputOffset)};");
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("v", range.QuantizedMin, range.QuantizedMax, layer.Type)};");
                break;
        }
    }

    /// <remarks>
    /// float32, and int32 (<c>Int32Divide</c>: divided in doubles, which is exact, and throwing where the scalar
    /// division throws). int8 looks up each denominator's reciprocal and normalizes each numerator by its own
    /// headroom, a gather and per-lane shifts that the 128-bit tiers do not have.
    /// </remarks>
    protected override BinaryKernel? Kernel(DivLayer layer) => layer.Type switch
    {
        ElementType.Float32 => BinaryKernel.Clamped(layer.Type, "Divide", layer.Activation),
        ElementType.Int32 => BinaryKernel.Clamped(layer.Type, "Int32Divide", layer.Activation),
        _ => null,
    };

    /// <summary>
    /// TFLite's <c>GetReciprocal(d, 31, &amp;shift)</c> multiplier for every denominator an int8 DIV meets: d
    /// normalized to [1, 2) as Q0.31 minus one, then gemmlowp's <c>one_over_one_plus_x_for_x_in_0_1</c>. For d = 0
    /// it is what TFLM's x86-64 build computes (a shift by 32 that leaves the value unchanged).
    /// </summary>
    private static byte[] ReciprocalTable()
    {
        var bytes = new byte[Int8Denominators * sizeof(int)];
        for (int d = 0; d < Int8Denominators; d++)
        {
            int headroomPlusOne = d == 0 ? 32 : LeadingZeros((uint)d);
            uint shifted = (uint)d << (headroomPlusOne & 31);
            int shiftedSumMinusOne = unchecked((int)(shifted - (1u << 31)));
            int reciprocal = GemmlowpMath.OneOverOnePlusXForXIn01(shiftedSumMinusOne);
            BitConverter.GetBytes(reciprocal).CopyTo(bytes, d * sizeof(int));
        }
        return bytes;
    }

    private static int LeadingZeros(uint x)
    {
        int count = 0;
        while ((x & 0x80000000u) == 0)
        {
            x <<= 1;
            count++;
        }
        return count;
    }
}

/// <summary>
/// TFLM's requantization of int8 DIV: offsets of the inputs and output, the output multiplier and shift
/// (<c>QuantizeMultiplier(s1 / (s2 · so))</c>), and the constant of denominator reciprocals.
/// </summary>
internal sealed record DivRequantization(int Input1Offset, int Input2Offset, int OutputOffset, int Multiplier, int Shift, string Reciprocals);

/// <summary>DIV of two tensors with NumPy broadcasting: <c>output = act(input1 / input2)</c>.</summary>
/// <param name="Requantization">The arithmetic of int8 layers, null for float32 and int32.</param>
/// <param name="Activation">The output clamp (integer bounds for int32 and int8 layers).</param>
internal sealed record DivLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    DivRequantization? Requantization,
    ActivationRange Activation)
    : BinaryLayer(NodeIndex, "DIV", Inputs, Outputs, Type, Dims, Left, Right);
