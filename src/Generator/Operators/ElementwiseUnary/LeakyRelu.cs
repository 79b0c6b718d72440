using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// LEAKY_RELU (TFLM leaky_relu.cc, leaky_relu_common.cc): <c>x &gt; 0 ? x : alpha · x</c> for float32, int8
/// and int16, any alpha (negative and above one included). Quantized layers requantize each side with its
/// own multiplier, as TFLM's <c>QuantizeLeakyRelu</c> does.
/// </summary>
internal sealed partial class LeakyRelu : OperatorDefinition<LeakyReluLayer>
{
    private const int OptionAlpha = 0; // LeakyReluOptions.alpha in schema.fbs

    public LeakyRelu()
        : base(BuiltinOperator.LeakyRelu)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    public override string Notes => "any alpha";

    protected override LeakyReluLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        float alpha = op.BuiltinOptions?.GetFloat(OptionAlpha) ?? 0f;
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new LeakyReluLayer(op.Index, inputs, outputs, ElementType.Float32, input.ElementCount, alpha, 0, 0, 0, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} LEAKY_RELU needs quantization parameters on its input and output");
            return null;
        }

        // TFLM computes both real multipliers in float and converts them to double.
        (int alphaMultiplier, int alphaShift) = QuantizationMath.QuantizeMultiplier((double)(float)(qi.Scale * alpha / qo.Scale));
        (int identityMultiplier, int identityShift) = QuantizationMath.QuantizeMultiplier((double)(float)(qi.Scale / qo.Scale));
        return new LeakyReluLayer(op.Index, inputs, outputs, input.Type, input.ElementCount, alpha, qi.ZeroPoint, qo.ZeroPoint,
            identityMultiplier, identityShift, alphaMultiplier, alphaShift);
    }

    /// <summary>One pass, each element scaled by 1 or alpha as TFLM's <c>QuantizeLeakyRelu</c> does.</summary>
    protected override void EmitLayer(SourceWriter writer, LeakyReluLayer layer, EmitContext context)
    {
        bool quantized = layer.Type != ElementType.Float32;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, LEAKY_RELU: {ElementwiseCode.Signature(context, layer)}, alpha {Literals.Float(layer.Alpha)}.");
        if (quantized)
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is requantized by {layer.IdentityMultiplier} · 2^{layer.IdentityShift - 31} when it is not negative,");
            writer.WriteLine($"/// by {layer.AlphaMultiplier} · 2^{layer.AlphaShift - 31} (alpha included) when it is; then offset by {layer.OutputZeroPoint} and clamped to the {layer.Type.ModelName()} range, as in TFLM.");
        }
        else
        {
            writer.WriteLine("/// <c>x &gt; 0 ? x : alpha · x</c>, elementwise.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (!quantized)
        {
            writer.WriteLine($"global::TinyModel.FloatElementwise.LeakyRelu(input, {Literals.Float(layer.Alpha)}, output);");
            writer.CloseBlock();
            return;
        }
        ElementwiseCode.WriteRequantize(writer, layer.InputZeroPoint, (layer.IdentityMultiplier, layer.IdentityShift), (layer.AlphaMultiplier, layer.AlphaShift),
            layer.OutputZeroPoint, layer.Type.MinValue(), layer.Type.MaxValue());
        writer.CloseBlock();
    }
}

/// <summary>
/// A LEAKY_RELU layer: <c>output = input &gt; 0 ? input : alpha · input</c>, quantized layers requantizing
/// the positive side by input/output scales and the negative side by alpha · input/output.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Alpha">The slope for negative inputs.</param>
/// <param name="InputZeroPoint">The input zero point, subtracted first (quantized layers).</param>
/// <param name="OutputZeroPoint">The output zero point, added after requantizing.</param>
/// <param name="IdentityMultiplier">The Q0.31 multiplier for inputs at or above the zero point.</param>
/// <param name="IdentityShift">Its power-of-two exponent.</param>
/// <param name="AlphaMultiplier">The Q0.31 multiplier for inputs below the zero point (negative when alpha is).</param>
/// <param name="AlphaShift">Its power-of-two exponent.</param>
internal sealed record LeakyReluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int ElementCount,
    float Alpha,
    int InputZeroPoint,
    int OutputZeroPoint,
    int IdentityMultiplier,
    int IdentityShift,
    int AlphaMultiplier,
    int AlphaShift)
    : LayerSpec(NodeIndex, "LEAKY_RELU", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
