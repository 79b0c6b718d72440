using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// ELU (TFLM elu.cc, reference elu.h): float32 as <c>x &lt; 0 ? expm1(x) : x</c>; int8 through the lookup table
/// TFLM's Prepare fills, made here at build time the same way: each of the 256 inputs dequantized in float,
/// <c>expf(x) − 1</c> for negatives (not expm1, unlike the float kernel), requantized with a rounding and a clamp.
/// </summary>
internal sealed class Elu : OperatorDefinition<EluLayer>
{
    public Elu()
        : base(BuiltinOperator.Elu)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8);

    public override string Notes => "int8 through a table of the 256 outputs, made at build time as TFLM's Prepare makes it";

    protected override EluLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new EluLayer(op.Index, inputs, outputs, ElementType.Float32, input.ElementCount, null);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, "an int8 ELU needs quantization parameters on its input and output");
            return null;
        }
        sbyte[] table = Enumerable.Range(sbyte.MinValue, 256).Select(q => Quantized(q, qi, qo)).ToArray();
        string name = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
            $"ELU of every int8 input (index: input + 128), as TFLM's PopulateLookupTable computes it: input scale {Literals.FloatText(qi.Scale)}, zero point {qi.ZeroPoint}; output scale {Literals.FloatText(qo.Scale)}, zero point {qo.ZeroPoint}");
        return new EluLayer(op.Index, inputs, outputs, ElementType.Int8, input.ElementCount, name);
    }

    /// <summary>TFLM's <c>PopulateLookupTable</c> for one stored value, every step in float as there.</summary>
    private static sbyte Quantized(int q, QuantizationSpec input, QuantizationSpec output)
    {
        float inverseScale = 1 / output.Scale;
        float dequantized = input.Scale * (q - input.ZeroPoint);
        float transformed = dequantized < 0.0f ? (float)System.Math.Exp(dequantized) - 1.0f : dequantized;
        float rescaled = (float)System.Math.Round(transformed * inverseScale, System.MidpointRounding.AwayFromZero);
        int quantized = (int)(rescaled + output.ZeroPoint);
        return (sbyte)System.Math.Max(System.Math.Min(quantized, sbyte.MaxValue), sbyte.MinValue);
    }

    protected override void EmitLayer(SourceWriter writer, EluLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, ELU: {ElementwiseCode.Signature(context, layer)}.");
        writer.WriteLine(layer.Table is not null
            ? "/// A lookup in the table of the 256 possible outputs that TFLM's Prepare makes (expf(x) - 1 in float, requantized)."
            : "/// <c>x &lt; 0 ? expm1(x) : x</c>, as TFLM's reference kernel.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        ElementwiseCode.WriteTableOrElementLoop(writer, context, layer.ElementCount, layer.Table, () =>
        {
            writer.WriteLine("float x = input[i];");
            writer.WriteLine("output[i] = x < 0f ? global::TinyModel.FloatFunctions.ExpMinusOne(x) : x;");
        });
        writer.CloseBlock();
    }
}

/// <summary>An ELU layer: <c>x &lt; 0 ? e^x − 1 : x</c>, element-wise.</summary>
/// <param name="Type">float32 or int8 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Table">int8: the constant of the 256 outputs, indexed by input + 128.</param>
internal sealed record EluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int ElementCount,
    string? Table)
    : LayerSpec(NodeIndex, "ELU", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
