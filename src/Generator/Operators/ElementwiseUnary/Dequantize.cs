using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>DEQUANTIZE (TFLM dequantize.cc): int8, uint8 or int16 to float32, per-tensor.</summary>
internal sealed class Dequantize : OperatorDefinition<DequantizeLayer>
{
    public Dequantize()
        : base(BuiltinOperator.Dequantize)
    {
    }

    public override TypeSupport Types { get; } =
        ConversionTypes.Of((ElementType.Int8, ElementType.Float32), (ElementType.UInt8, ElementType.Float32), (ElementType.Int16, ElementType.Float32));

    public override string Notes => "per-tensor";

    protected override DequantizeLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        TfliteQuantization? quantization = context.Tensor(input.Id).Quantization;
        if (input.Quantization is not QuantizationSpec q || quantization is null || quantization.Scale.Count != 1)
        {
            context.ReportUnsupported(op, "the input needs per-tensor quantization (one scale); per-channel DEQUANTIZE is not supported, as in TFLM");
            return null;
        }
        return new DequantizeLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            input.Type, input.ElementCount, q.Scale, q.ZeroPoint);
    }

    /// <summary><c>scale · (q - zeroPoint)</c> per element, in float.</summary>
    protected override void EmitLayer(SourceWriter writer, DequantizeLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, DEQUANTIZE: {ElementwiseCode.Signature(context, layer)}.");
        writer.WriteLine($"/// <c>{Literals.Float(layer.Scale)} · (q - {layer.ZeroPoint})</c> per element, in float (TFLite's Dequantize), vectorized.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.QuantizationKernels.Dequantize(input, {Literals.Float(layer.Scale)}, {Literals.Int(layer.ZeroPoint)}, output);");
        writer.CloseBlock();
    }
}

/// <summary>DEQUANTIZE: <c>output = scale · (input - zeroPoint)</c> in float, as TFLM's reference <c>Dequantize</c>.</summary>
/// <param name="InputType">int8, uint8 or int16.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
internal sealed record DequantizeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType InputType,
    int ElementCount,
    float Scale,
    int ZeroPoint)
    : LayerSpec(NodeIndex, "DEQUANTIZE", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
