using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// PRELU (TFLM prelu.cc, prelu_common.cc, reference prelu.h): <c>x ≥ 0 ? x : x · alpha</c> with alpha broadcast
/// against the input, up to 4 dimensions (TFLM's <c>BroadcastPrelu4DSlow</c> extends every shape to 4). float32;
/// int8 with an int8 alpha and int16 with an int8 alpha (TFLM requires int8 there), each with TFLM's two
/// multipliers: input scale / output scale for the non-negative side, input · alpha scale / output scale for the other.
/// </summary>
internal sealed class Prelu : BinaryDefinition<PreluLayer>
{
    /// <summary>TFLM's PRELU kernels walk exactly 4 dimensions.</summary>
    private const int MaxRank = 4;

    public Prelu()
        : base(BuiltinOperator.Prelu)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int16, ElementType.Int8 }, new[] { ElementType.Int16 }))
        .WithInputNames("input", "alpha");

    public override string Notes => "alpha broadcast against the input (up to 4 dimensions), constant or computed; int8 and int16 requantized with TFLM's two multipliers";

    protected override PreluLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op, MaxRank) is not { } operands)
        {
            return null;
        }
        int rank = new[] { operands.Output.Shape.Count, context.Tensor(operands.Left).Shape.Count, context.Tensor(operands.Right).Shape.Count }.Max();
        if (rank > MaxRank)
        {
            context.ReportUnsupported(op, $"the tensors have {rank} dimensions; TFLM's PRELU handles at most {MaxRank}");
            return null;
        }
        ValueSpec output = operands.Output;
        PreluRequantization? requantization = null;
        if (output.Type != ElementType.Float32)
        {
            QuantizationSpec? qi = context.QuantizationOf(operands.Left), qa = context.QuantizationOf(operands.Right);
            if (qi is null || qa is null || output.Quantization is not QuantizationSpec qo)
            {
                context.ReportUnsupported(op, $"a {output.Type.ModelName()} PRELU needs quantization parameters on the input, alpha and the output");
                return null;
            }
            // CalculatePreluParams, in double.
            (int m1, int s1) = QuantizationMath.QuantizeMultiplier((double)qi.Scale / qo.Scale);
            (int m2, int s2) = QuantizationMath.QuantizeMultiplier((double)qi.Scale * qa.Scale / qo.Scale);
            requantization = new PreluRequantization(-qi.ZeroPoint, -qa.ZeroPoint, qo.ZeroPoint, m1, s1, m2, s2);
        }
        var runTimeInputs = new List<int>();
        (ElementwiseOperand left, ElementwiseOperand right) = operands.Raw(context, op, runTimeInputs);
        return new PreluLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), output.Type,
            context.ElementTypeOf(operands.Right)!.Value, operands.Plan.Dims.ToEquatableArray(), left, right, requantization);
    }

    protected override ElementType OperandType(PreluLayer layer, int which) => which == 0 ? layer.Type : layer.AlphaType;

    protected override string Formula(PreluLayer layer, string x, string y) => $"prelu({x}, alpha {y})";

    protected override IEnumerable<string> Explain(PreluLayer layer)
    {
        if (layer.Requantization is not PreluRequantization r)
        {
            yield return "<c>x &gt;= 0 ? x : x · alpha</c> in float.";
            yield break;
        }
        yield return $"TFLM's quantized arithmetic, bit for bit: x offset by {r.InputOffset}; at or above 0 it is scaled by {r.IdentityMultiplier} · 2^{r.IdentityShift - 31},";
        yield return $"below 0 it is multiplied by alpha offset by {r.AlphaOffset} and scaled by {r.AlphaMultiplier} · 2^{r.AlphaShift - 31}; then offset by {r.OutputOffset} and clamped to the {layer.Type.ModelName()} range.";
    }

    protected override BinaryKernel? Kernel(PreluLayer layer) => layer.Requantization switch
    {
        PreluRequantization r => BinaryKernel.Quantized("PreluQuantization",
            new[] { r.InputOffset, r.AlphaOffset, r.OutputOffset, r.IdentityMultiplier, r.IdentityShift, r.AlphaMultiplier, r.AlphaShift, layer.Type.MinValue(), layer.Type.MaxValue() }, new[] { r.IdentityShift, r.AlphaShift },
            layer.Type, layer.AlphaType),
        _ => BinaryKernel.Apply(ElementType.Float32, "Prelu"),
    };

    protected override void WriteElement(SourceWriter writer, PreluLayer layer, string x, string y, string target)
    {
        if (layer.Requantization is not PreluRequantization r)
        {
            writer.WriteLine($"float v = {x};");
            writer.WriteLine($"{target} = v >= 0f ? v : v * {Parenthesized(y)};");
            return;
        }
        writer.WriteLine($"int v = {ElementwiseCode.Offset(x, r.InputOffset)};");
        string alpha = r.AlphaOffset == 0 ? Parenthesized(y) : $"({ElementwiseCode.Offset(y, r.AlphaOffset)})";
        string identity = ElementwiseCode.MultiplyByQuantizedMultiplier("v", r.IdentityMultiplier, r.IdentityShift, xIsSmall: true);
        string negative = ElementwiseCode.MultiplyByQuantizedMultiplier($"unchecked(v * {alpha})", r.AlphaMultiplier, r.AlphaShift, xIsSmall: false);
        writer.WriteLine($"int scaled = {ElementwiseCode.Offset($"(v >= 0 ? {identity} : {negative})", r.OutputOffset)};");
        writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("scaled", layer.Type.MinValue(), layer.Type.MaxValue(), layer.Type)};");
    }

    private static string Parenthesized(string value) => value.StartsWith("-", System.StringComparison.Ordinal) ? $"({value})" : value;
}

/// <summary>
/// TFLM's <c>PreluParams</c>: the offsets, and the multipliers of the two sides (<c>MultiplyByQuantizedMultiplier</c>).
/// </summary>
internal sealed record PreluRequantization(
    int InputOffset,
    int AlphaOffset,
    int OutputOffset,
    int IdentityMultiplier,
    int IdentityShift,
    int AlphaMultiplier,
    int AlphaShift);

/// <summary>PRELU of an input and a broadcast alpha: <c>x ≥ 0 ? x : x · alpha</c>.</summary>
/// <param name="Type">The input's and output's element type.</param>
/// <param name="AlphaType">Alpha's element type (int8 for int16 layers).</param>
/// <param name="Requantization">int8 and int16 layers: TFLM's parameters; null for float32.</param>
internal sealed record PreluLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ElementType AlphaType,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    PreluRequantization? Requantization)
    : BinaryLayer(NodeIndex, "PRELU", Inputs, Outputs, Type, Dims, Left, Right);
