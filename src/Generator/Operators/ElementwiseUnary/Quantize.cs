using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// QUANTIZE (TFLM quantize.cc, quantize_common.cc): float32 to int8, uint8 or int16 (TFLite's
/// <c>AffineQuantize</c>), and the requantizations TFLM implements between integer types, per-tensor.
/// </summary>
internal sealed partial class Quantize : OperatorDefinition<QuantizeLayer>
{
    public Quantize()
        : base(BuiltinOperator.Quantize)
    {
    }

    /// <summary>
    /// From float32 to each type <c>AffineQuantize</c> writes, then the (input, output) pairs TFLM's
    /// <c>EvalQuantizeReference</c> requantizes.
    /// </summary>
    public override TypeSupport Types { get; } = ConversionTypes.Of(
        (ElementType.Float32, ElementType.Int8), (ElementType.Float32, ElementType.UInt8), (ElementType.Float32, ElementType.Int16),
        (ElementType.Int8, ElementType.Int8), (ElementType.Int8, ElementType.UInt8), (ElementType.Int8, ElementType.Int16), (ElementType.Int8, ElementType.Int32),
        (ElementType.UInt8, ElementType.Int8),
        (ElementType.Int16, ElementType.Int8), (ElementType.Int16, ElementType.Int16), (ElementType.Int16, ElementType.Int32),
        (ElementType.Int32, ElementType.Int8), (ElementType.Int32, ElementType.Int16));

    public override string Notes => "per-tensor";

    protected override QuantizeLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        TfliteQuantization? outputQuantization = context.Tensor(output.Id).Quantization;
        if (output.Quantization is not QuantizationSpec qo || outputQuantization is null || outputQuantization.Scale.Count != 1)
        {
            context.ReportUnsupported(op, "the output needs per-tensor quantization (one scale); per-channel QUANTIZE is not supported, as in TFLM");
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new QuantizeLayer(op.Index, inputs, outputs, input.Type, output.Type, input.ElementCount, qo.Scale, 0, qo.ZeroPoint, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi)
        {
            context.ReportUnsupported(op, $"requantizing needs quantization parameters on the {input.Type.ModelName()} input");
            return null;
        }
        double real = (double)qi.Scale / qo.Scale;
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return new QuantizeLayer(op.Index, inputs, outputs, input.Type, output.Type, input.ElementCount, qo.Scale, qi.ZeroPoint, qo.ZeroPoint, multiplier, shift, real);
    }

    /// <summary>Float to integer by TFLite's <c>AffineQuantize</c>, integer to integer by its <c>Requantize</c>.</summary>
    protected override void EmitLayer(SourceWriter writer, QuantizeLayer layer, EmitContext context)
    {
        int min = layer.OutputType.MinValue(), max = layer.OutputType.MaxValue();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, QUANTIZE: {ElementwiseCode.Signature(context, layer)}.");
        if (layer.InputType == ElementType.Float32)
        {
            writer.WriteLine($"/// <c>round(x / {Literals.Float(layer.OutputScale)}) + {layer.OutputZeroPoint}</c> in float, ties away from zero, clamped to [{min}, {max}] (TFLite's AffineQuantize).");
        }
        else
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is multiplied by {layer.Multiplier} · 2^{layer.Shift - 31} (≈ {Literals.Double(layer.RealMultiplier)}),");
            writer.WriteLine($"/// offset by the output zero point {layer.OutputZeroPoint} and clamped to [{min}, {max}] (TFLite's Requantize).");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.InputType == ElementType.Float32)
        {
            writer.WriteLine($"global::TinyModel.QuantizationKernels.Quantize(input, {Literals.Float(layer.OutputScale)}, {Literals.Int(layer.OutputZeroPoint)}, output);");
        }
        else if (layer.InputType == ElementType.Int32 && layer.InputZeroPoint == 0 && layer.OutputType is ElementType.Int8 or ElementType.Int16)
        {
            // The requantization of convolution outputs: int32 values through one multiplier, vectorized.
            writer.WriteLine($"global::TinyModel.Requantization.To{(layer.OutputType == ElementType.Int8 ? "Int8" : "Int16")}(input, {Literals.Int(layer.Multiplier)}, {Literals.Int(layer.Shift)}, {Literals.Int(layer.OutputZeroPoint)}, {min}, {max}, output);");
        }
        else if (layer.InputType != ElementType.Int32 && layer.OutputType != ElementType.Int32)
        {
            (int, int) scale = (layer.Multiplier, layer.Shift);
            ElementwiseCode.WriteRequantize(writer, layer.InputZeroPoint, scale, scale, layer.OutputZeroPoint, min, max);
        }
        else
        {
            WriteRequantizeLoop(writer, layer, min, max);
        }
        writer.CloseBlock();
    }

    /// <summary>The per-element loop of the requantizations to or from int32 that no kernel covers (int32 arithmetic wraps there).</summary>
    private static void WriteRequantizeLoop(SourceWriter writer, QuantizeLayer layer, int min, int max)
    {
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        bool wide = layer.InputType == ElementType.Int32;
        string x = ElementwiseCode.Offset("input[i]", -layer.InputZeroPoint);
        writer.WriteLine($"int x = {(wide ? $"unchecked({x})" : x)};");
        string scaled = ElementwiseCode.Offset(ElementwiseCode.MultiplyByQuantizedMultiplier("x", layer.Multiplier, layer.Shift, xIsSmall: !wide), layer.OutputZeroPoint);
        if (layer.OutputType == ElementType.Int32)
        {
            scaled = $"unchecked({scaled})";
        }
        writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType(scaled, min, max, layer.OutputType)};");
        writer.CloseBlock();
    }
}

/// <summary>
/// QUANTIZE, as TFLM's quantize_common.cc computes it. From float32 (<c>AffineQuantize</c>):
/// <c>q = clamp(round(x / scale) + zeroPoint)</c>, rounding half away from zero in float. Between integer
/// types (<c>Requantize</c>): <c>q = clamp(MultiplyByQuantizedMultiplier(x - inputZeroPoint, multiplier, shift) + outputZeroPoint)</c>.
/// </summary>
/// <param name="InputType">float32, int8, uint8, int16 or int32.</param>
/// <param name="OutputType">int8, uint8, int16 or int32.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="OutputScale">The output scale (float input).</param>
/// <param name="InputZeroPoint">The input zero point (integer input).</param>
/// <param name="OutputZeroPoint">The output zero point.</param>
/// <param name="Multiplier">The Q0.31 multiplier of input scale / output scale (integer input).</param>
/// <param name="Shift">Its power-of-two exponent.</param>
/// <param name="RealMultiplier">input scale / output scale, for the generated comment.</param>
internal sealed record QuantizeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType InputType,
    ElementType OutputType,
    int ElementCount,
    float OutputScale,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    double RealMultiplier)
    : LayerSpec(NodeIndex, "QUANTIZE", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
