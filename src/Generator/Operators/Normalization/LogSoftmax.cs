using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>
/// LOG_SOFTMAX (TFLM log_softmax.cc, reference log_softmax.h) over the last dimension. float32 as TFLM: the row
/// maximum, <c>sum of expf(x - max)</c> from 0, <c>logf</c> of it, <c>x - max - log</c>. int8 with TFLM's fixed output
/// quantization (scale 16/256, zero point 127) and its fixed-point kernel: each difference to the row maximum is
/// rescaled to Q5.26 and its exponential to Q12.19 by tables made at build time; the row's sum goes through
/// gemmlowp's fixed-point logarithm at run time (<c>TinyModel.SoftmaxMath.LogOfAtLeastOne</c>).
/// </summary>
internal sealed class LogSoftmax : OperatorDefinition<LogSoftmaxLayer>
{
    /// <summary>TFLM's <c>kOutputIntegerBits</c>: the output is in Q4.27 before the final rounding shift.</summary>
    private const int OutputIntegerBits = 4;

    public LogSoftmax()
        : base(BuiltinOperator.LogSoftmax)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8);

    public override string Notes => "over the last dimension; int8 with TFLM's fixed output quantization (scale 16/256, zero point 127) and its fixed-point kernel";

    protected override LogSoftmaxLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (RowOperands.Get(context, op) is not var (input, output, outer, depth))
        {
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new LogSoftmaxLayer(op.Index, inputs, outputs, ElementType.Float32, outer, depth, null);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, "an int8 LOG_SOFTMAX needs quantization parameters on its input and output");
            return null;
        }
        if (qo.Scale != 16.0f / 256 || qo.ZeroPoint != 127)
        {
            context.ReportUnsupported(op, $"the output scale is {qo.Scale:R} and its zero point {qo.ZeroPoint}; TFLM's int8 LOG_SOFTMAX requires 0.0625 (16/256) and 127");
            return null;
        }
        // PreprocessLogSoftmaxScalingExp with beta 1: the input multiplier, and its inverse as a multiplier below one.
        (int multiplier, int leftShift) = SoftmaxMath.PreprocessSoftmaxScaling(1.0, qi.Scale, SoftmaxMath.ScaledDiffIntegerBits);
        double reverse = leftShift is >= 1 and <= 31 && multiplier > 0 ? (1L << (31 - leftShift)) / (double)multiplier : double.NaN;
        (int reverseMultiplier, int reverseShift) = QuantizationMath.QuantizeMultiplier(reverse);
        if (!(reverse > 0 && reverse < 1) || reverseShift > 0)
        {
            context.ReportUnsupported(op, $"the input scale {qi.Scale:R} is outside what TFLM's int8 LOG_SOFTMAX can rescale");
            return null;
        }
        int diffMin = -GemmlowpMath.CalculateInputRadius(SoftmaxMath.ScaledDiffIntegerBits, leftShift);
        int[] exponentials = SoftmaxMath.Int8ExpTable(multiplier, leftShift, diffMin).Select(SoftmaxMath.RescaleToAccumulator).ToArray();
        int[] scaled = Enumerable.Range(0, 256).Select(k => FixedPoint.MultiplyByQuantizedMultiplier(-k, multiplier, leftShift)).ToArray();
        string exponentialTable = context.AddConstant($"Layer{op.Index}Exponentials", ElementType.Int32, ConstantData.ToBytes(exponentials),
            $"exp(scale · d) in Q12.19 for the differences d = 0..-255 to the row maximum (index -d); 0 below diff_min {diffMin}, as TFLM sums them");
        string scaledTable = context.AddConstant($"Layer{op.Index}ScaledDifferences", ElementType.Int32, ConstantData.ToBytes(scaled),
            $"the differences d = 0..-255 to the row maximum in Q5.26 (index -d): d · {multiplier} · 2^{leftShift - 31}");
        var quantized = new LogSoftmaxQuantization(diffMin, reverseMultiplier, reverseShift, exponentialTable, scaledTable);
        return new LogSoftmaxLayer(op.Index, inputs, outputs, ElementType.Int8, outer, depth, quantized);
    }

    protected override void EmitLayer(SourceWriter writer, LogSoftmaxLayer layer, EmitContext context)
    {
        string math = EmitContext.MathClass;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, LOG_SOFTMAX: {ElementwiseCode.Signature(context, layer)}, {layer.Outer} rows of {layer.Depth}.");
        if (layer.Quantization is LogSoftmaxQuantization q)
        {
            writer.WriteLine("/// TFLM's int8 kernel, bit for bit: each difference to the row maximum in Q5.26 and its exponential in Q12.19 come from");
            writer.WriteLine($"/// build-time tables (differences below {q.DiffMin} count for nothing); the log of the row's sum is gemmlowp's fixed-point log;");
            writer.WriteLine($"/// differences at or below max({q.DiffMin - 1}, (log - 2^31) · {q.ReverseMultiplier} · 2^{q.ReverseShift - 31}) give -128, the others (d - log) / 2^22 + 127, clamped.");
        }
        else
        {
            writer.WriteLine("/// In float as TFLM: the row maximum, the sum of expf(x - max) from 0, then x - max - logf(sum).");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Quantization is LogSoftmaxQuantization p)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> exponentials = {context.Constant(p.ExponentialTable)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> scaled = {context.Constant(p.ScaledTable)};");
        }
        writer.OpenBlock($"for (int row = 0; row < {layer.Outer * layer.Depth}; row += {layer.Depth})");
        if (layer.Quantization is LogSoftmaxQuantization r)
        {
            writer.WriteLine("int max = -128;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine($"max = {math}.Max(max, input[row + c]);");
            writer.CloseBlock();
            writer.WriteLine("int sum = 0;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("sum = unchecked(sum + exponentials[max - input[row + c]]);");
            writer.CloseBlock();
            writer.WriteLine($"int log = global::TinyModel.SoftmaxMath.LogOfAtLeastOne(sum, {SoftmaxMath.AccumulationIntegerBits}, {SoftmaxMath.ScaledDiffIntegerBits});");
            writer.WriteLine($"int threshold = {math}.Max({Literals.Int(r.DiffMin - 1)}, {ElementwiseCode.MultiplyByQuantizedMultiplier("unchecked(log + int.MinValue)", r.ReverseMultiplier, r.ReverseShift, xIsSmall: false)});");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("int diff = input[row + c] - max;");
            int shift = 31 - SoftmaxMath.ScaledDiffIntegerBits - OutputIntegerBits;
            string value = $"{EmitContext.FixedPoint}.RoundingDivideByPOT(unchecked(scaled[-diff] - log), {shift}) + 127";
            writer.WriteLine($"output[row + c] = diff > threshold ? {ElementwiseCode.ClampToType(value, sbyte.MinValue, sbyte.MaxValue, ElementType.Int8)} : (sbyte)-128;");
            writer.CloseBlock();
        }
        else
        {
            // std::max(max, x) keeps max unless max < x, as TFLM's loop does.
            writer.WriteLine("float max = float.MinValue;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("float x = input[row + c];");
            writer.WriteLine("max = max < x ? x : max;");
            writer.CloseBlock();
            writer.WriteLine("float sum = 0f;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("sum += global::System.MathF.Exp(input[row + c] - max);");
            writer.CloseBlock();
            writer.WriteLine("float logSum = global::System.MathF.Log(sum);");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("output[row + c] = input[row + c] - max - logSum;");
            writer.CloseBlock();
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>TFLM's int8 LOG_SOFTMAX parameters, and the build-time tables indexed by minus the difference to the row maximum.</summary>
/// <param name="DiffMin">Differences below this do not count in the sum (TFLM's <c>diff_min</c>).</param>
/// <param name="ReverseMultiplier">TFLM's <c>reverse_scaling_divisor</c>.</param>
/// <param name="ReverseShift">Its shift (0 or less).</param>
/// <param name="ExponentialTable">The constant of each difference's exponential in Q12.19.</param>
/// <param name="ScaledTable">The constant of each difference in Q5.26.</param>
internal sealed record LogSoftmaxQuantization(int DiffMin, int ReverseMultiplier, int ReverseShift, string ExponentialTable, string ScaledTable);

/// <summary>A LOG_SOFTMAX layer over rows of the last dimension.</summary>
/// <param name="Type">float32 or int8.</param>
/// <param name="Outer">The number of rows.</param>
/// <param name="Depth">The length of a row (the last dimension).</param>
/// <param name="Quantization">int8: TFLM's parameters and tables; null for float32.</param>
internal sealed record LogSoftmaxLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Outer,
    int Depth,
    LogSoftmaxQuantization? Quantization)
    : LayerSpec(NodeIndex, "LOG_SOFTMAX", Inputs, Outputs)
{
    public override long MacCount => 0;
}
