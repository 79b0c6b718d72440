using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// RELU and RELU6 (TFLM activations.cc, activations_common.cc): float32, int8 and int16 (zero points 0
/// for int16 RELU, as TFLM requires). They share a layer and a kernel writer: a requantizing RELU, a
/// clamping RELU6.
/// </summary>
internal abstract class ReluDefinition : OperatorDefinition<ReluLayer>
{
    private readonly ReluKind _kind;

    protected ReluDefinition(int code, ReluKind kind)
        : base(code)
    {
        _kind = kind;
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    protected override ReluLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new ReluLayer(op.Index, inputs, outputs, _kind, ElementType.Float32, input.ElementCount, 0, 0, 0, 0, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} {Name} needs quantization parameters on its input and output");
            return null;
        }

        int typeMin = input.Type.MinValue(), typeMax = input.Type.MaxValue();
        if (_kind == ReluKind.Relu6)
        {
            // TFLM's Relu6Prepare: clamp between the input's zero and its quantized 6 (FloatToQuantizedType), output read as is.
            int six = Math.Min(Math.Max((int)Math.Round((double)(float)(6.0f / qi.Scale), MidpointRounding.AwayFromZero) + qi.ZeroPoint, typeMin), typeMax);
            return new ReluLayer(op.Index, inputs, outputs, _kind, input.Type, input.ElementCount, qi.ZeroPoint, qi.ZeroPoint, 0, 0, qi.ZeroPoint, six);
        }

        if (input.Type == ElementType.Int16 && (qi.ZeroPoint != 0 || qo.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, $"the zero points are {qi.ZeroPoint} (input) and {qo.ZeroPoint} (output); TFLM's int16 RELU requires 0 for both");
            return null;
        }
        // TFLM's CalculateReluOpData: requantize by input/output scale (in double), clamp at the output's zero.
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier((double)qi.Scale / qo.Scale);
        int min = Math.Max(typeMin, qo.ZeroPoint + (int)Math.Round((double)(0f / qo.Scale), MidpointRounding.AwayFromZero));
        return new ReluLayer(op.Index, inputs, outputs, _kind, input.Type, input.ElementCount, qi.ZeroPoint, qo.ZeroPoint, multiplier, shift, min, typeMax);
    }

    /// <summary>Writes RELU and RELU6 kernels as TFLM computes them (a requantizing RELU, a clamping RELU6).</summary>
    protected override void EmitLayer(SourceWriter writer, ReluLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {ElementwiseCode.Signature(context, layer)}.");
        if (layer.Type == ElementType.Float32)
        {
            writer.WriteLine(layer.Kind == ReluKind.Relu ? "/// <c>max(x, 0)</c>, elementwise." : "/// <c>min(max(x, 0), 6)</c>, elementwise.");
        }
        else if (layer.Kind == ReluKind.Relu)
        {
            writer.WriteLine($"/// Each input minus its zero point {layer.InputZeroPoint} is requantized by {layer.Multiplier} · 2^{layer.Shift - 31}, offset by {layer.OutputZeroPoint}");
            writer.WriteLine($"/// and clamped to [{layer.Min}, {layer.Max}], as TFLM's ReluQuantized.");
        }
        else
        {
            writer.WriteLine($"/// Each input is clamped to [{layer.Min}, {layer.Max}] (its quantized 0 and 6), without requantizing, as TFLM's Relu6Quantized.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Type == ElementType.Float32)
        {
            // x < 0 ? 0 : x (RELU6 then 6 above), NaN kept: the same comparisons in vectors.
            writer.WriteLine($"global::TinyModel.FloatElementwise.Apply<global::TinyModel.FloatElementwise.{(layer.Kind == ReluKind.Relu ? "Relu" : "Relu6")}>(input, output);");
            writer.CloseBlock();
            return;
        }
        // RELU requantizes, RELU6 only clamps (a multiply by exactly 1 without offsets: the same values), in vectors.
        (int, int) scale = layer.Kind == ReluKind.Relu ? (layer.Multiplier, layer.Shift) : (ElementwiseCode.IdentityMultiplier, ElementwiseCode.IdentityShift);
        (int inputZeroPoint, int outputZeroPoint) = layer.Kind == ReluKind.Relu ? (layer.InputZeroPoint, layer.OutputZeroPoint) : (0, 0);
        ElementwiseCode.WriteRequantize(writer, inputZeroPoint, scale, scale, outputZeroPoint, layer.Min, layer.Max);
        writer.CloseBlock();
    }
}

/// <summary>RELU: <c>max(x, 0)</c>; quantized layers requantize from the input to the output scale.</summary>
internal sealed class Relu : ReluDefinition
{
    public Relu()
        : base(BuiltinOperator.Relu, ReluKind.Relu)
    {
    }

    public override string Notes => "int16 with zero points 0";
}

/// <summary>RELU6: <c>min(max(x, 0), 6)</c>; quantized layers clamp in the input's scale, as TFLM does.</summary>
internal sealed class Relu6 : ReluDefinition
{
    public Relu6()
        : base(BuiltinOperator.Relu6, ReluKind.Relu6)
    {
    }

    public override string Notes => string.Empty;
}

/// <summary>Which clamp a <see cref="ReluLayer"/> applies.</summary>
internal enum ReluKind
{
    /// <summary>RELU: <c>max(x, 0)</c>.</summary>
    Relu,
    /// <summary>RELU6: <c>min(max(x, 0), 6)</c>.</summary>
    Relu6,
}

/// <summary>
/// RELU or RELU6 as TFLM computes them. Float clamps. Quantized RELU requantizes from the input to the
/// output scale (<see cref="Multiplier"/>, <see cref="Shift"/>) and clamps at the output zero point;
/// quantized RELU6 clamps the input between its own zero point and its quantized 6, without requantizing.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="InputZeroPoint">RELU: the input zero point, subtracted before requantizing.</param>
/// <param name="OutputZeroPoint">RELU: the output zero point, added after.</param>
/// <param name="Multiplier">RELU: the Q0.31 multiplier of input scale / output scale.</param>
/// <param name="Shift">RELU: its power-of-two exponent.</param>
/// <param name="Min">Quantized: the lower clamp.</param>
/// <param name="Max">Quantized: the upper clamp.</param>
internal sealed record ReluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ReluKind Kind,
    ElementType Type,
    int ElementCount,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    int Min,
    int Max)
    : LayerSpec(NodeIndex, Kind == ReluKind.Relu ? "RELU" : "RELU6", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
