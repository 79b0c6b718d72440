using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// HARD_SWISH (TFLM hard_swish.cc, hard_swish_common.cc, reference hard_swish.h): float32 as
/// <c>x · min(6, max(0, x + 3)) / 6</c> in TFLM's order; int8 by TFLM's 16-bit fixed-point kernel (a "reluish"
/// multiplier in [0, 1] times the input on the output scale), evaluated at build time on each of the 256
/// inputs into a lookup table, its int16 wrap-arounds and saturations included.
/// </summary>
internal sealed class HardSwish : OperatorDefinition<HardSwishLayer>
{
    public HardSwish()
        : base(BuiltinOperator.HardSwish)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8);

    public override string Notes => "int8 by TFLM's 16-bit fixed-point kernel, evaluated at build time into a table of the 256 outputs";

    protected override HardSwishLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new HardSwishLayer(op.Index, inputs, outputs, ElementType.Float32, input.ElementCount, null, null);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, "an int8 HARD_SWISH needs quantization parameters on its input and output");
            return null;
        }
        HardSwishQuantization q = Quantization(qi, qo);
        if (q.OutputExponent > 0)
        {
            context.ReportUnsupported(op, $"the input scale {qi.Scale:R} over 128 is larger than the output scale {qo.Scale:R}; TFLM's int8 HARD_SWISH requires it smaller");
            return null;
        }
        if (q.ReluishExponent > 30)
        {
            context.ReportUnsupported(op, $"the input scale {qi.Scale:R} is too large for TFLM's int8 HARD_SWISH");
            return null;
        }
        sbyte[] table = Enumerable.Range(sbyte.MinValue, 256).Select(v => Quantized(v, q)).ToArray();
        string name = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
            $"HARD_SWISH of every int8 input (index: input + 128), computed with TFLM's 16-bit fixed-point kernel");
        return new HardSwishLayer(op.Index, inputs, outputs, ElementType.Int8, input.ElementCount, q, name);
    }

    /// <summary>
    /// TFLM's <c>HardSwishPrepare</c>: the input on a "high resolution" scale of input scale / 128 (in float), the
    /// output multiplier and the reluish multiplier (3 represented by 32768) quantized, then cut to 16 bits.
    /// </summary>
    private static HardSwishQuantization Quantization(QuantizationSpec input, QuantizationSpec output)
    {
        float hiresInputScale = (1.0f / 128.0f) * input.Scale;
        float reluishScale = 3.0f / 32768.0f;
        (int outputMultiplier, int outputExponent) = QuantizationMath.QuantizeMultiplier((double)(hiresInputScale / output.Scale));
        (int reluishMultiplier, int reluishExponent) = QuantizationMath.QuantizeMultiplier((double)(hiresInputScale / reluishScale));
        return new HardSwishQuantization(input.ZeroPoint, output.ZeroPoint,
            DownScaleToInt16(outputMultiplier), outputExponent, DownScaleToInt16(reluishMultiplier), reluishExponent);
    }

    /// <summary>TFLite's <c>DownScaleInt32ToInt16Multiplier</c>: the Q0.31 multiplier rounded to Q0.15.</summary>
    private static short DownScaleToInt16(int multiplier) =>
        multiplier >= int.MaxValue - (1 << 15) ? short.MaxValue : (short)((multiplier + (1 << 15)) >> 16);

    /// <summary>TFLM's <c>reference_ops::HardSwish</c> (quantized) on one int8 value, every step in int16 as it is there.</summary>
    private static sbyte Quantized(int q, HardSwishQuantization p)
    {
        short inputValue = (short)(q - p.InputZeroPoint);
        short hires = (short)(inputValue * (1 << 7));
        short preshiftOutput = Int16Math.SaturatingRoundingDoublingHighMul(hires, p.OutputMultiplier);
        short reluish = hires;
        if (p.ReluishExponent > 0)
        {
            reluish = Int16Math.SaturatingLeftShift(reluish, p.ReluishExponent - 1);
        }
        reluish = Int16Math.SaturatingRoundingDoublingHighMul(reluish, p.ReluishMultiplier);
        if (p.ReluishExponent > 0)
        {
            reluish = Int16Math.SaturatingLeftShift(reluish, 1);
        }
        if (p.ReluishExponent < 0)
        {
            reluish = Int16Math.RoundingDivideByPOT(reluish, -p.ReluishExponent);
        }
        reluish = (short)((reluish + (1 << 15)) >> 1);
        short preshift = Int16Math.SaturatingDoublingHighMul(reluish, preshiftOutput);
        short value = Int16Math.RoundingDivideByPOT(preshift, -p.OutputExponent);
        value = (short)(value + p.OutputZeroPoint); // int16 arithmetic, as in TFLM
        return (sbyte)System.Math.Max(System.Math.Min((int)value, sbyte.MaxValue), sbyte.MinValue);
    }

    protected override void EmitLayer(SourceWriter writer, HardSwishLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, HARD_SWISH: {ElementwiseCode.Signature(context, layer)}.");
        if (layer.Quantization is HardSwishQuantization q)
        {
            writer.WriteLine("/// A lookup in a table of the 256 possible outputs, which the generator computed with TFLM's 16-bit fixed-point kernel:");
            writer.WriteLine($"/// input zero point {q.InputZeroPoint}, output multiplier {q.OutputMultiplier} · 2^{q.OutputExponent - 15}, reluish multiplier {q.ReluishMultiplier} · 2^{q.ReluishExponent - 15}, output zero point {q.OutputZeroPoint}.");
        }
        else
        {
            writer.WriteLine("/// <c>x · min(6, max(0, x + 3)) / 6</c> in float, in TFLM's order (a NaN input gives NaN).");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Table is not null)
        {
            ElementwiseCode.WriteTableLookup(writer, context, layer.Table);
        }
        else
        {
            // std::max(0, x + 3) and std::min(6, r) as the C++ library compares, in vectors (the same bits).
            writer.WriteLine("global::TinyModel.FloatElementwise.Apply<global::TinyModel.FloatElementwise.HardSwish>(input, output);");
        }
        writer.CloseBlock();
    }
}

/// <summary>
/// TFLM's <c>HardSwishParams</c>: zero points, and the output and reluish multipliers as Q0.15 values with
/// power-of-two exponents.
/// </summary>
internal sealed record HardSwishQuantization(
    int InputZeroPoint,
    int OutputZeroPoint,
    short OutputMultiplier,
    int OutputExponent,
    short ReluishMultiplier,
    int ReluishExponent);

/// <summary>A HARD_SWISH layer: <c>x · relu6(x + 3) / 6</c>, element-wise.</summary>
/// <param name="Type">float32 or int8 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Quantization">int8: TFLM's parameters (documentation; the table holds the results).</param>
/// <param name="Table">int8: the constant of the 256 outputs, indexed by input + 128.</param>
internal sealed record HardSwishLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int ElementCount,
    HardSwishQuantization? Quantization,
    string? Table)
    : LayerSpec(NodeIndex, "HARD_SWISH", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
