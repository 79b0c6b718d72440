using System;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>
/// SOFTMAX (TFLM softmax.cc, softmax_common.cc, reference/softmax.h): float32; int8 in with int8 out
/// (scale 1/256, zero point -128) or int16 out (scale 1/65536, zero point -32768); int16 in and out
/// (zero points 0, output scale 1/32768). Everything TFLM computes when it prepares the kernel (the
/// input multiplier, <c>diff_min</c>, the int16 look-up tables) and, for int8 inputs, the fixed-point
/// exponential of each of the 256 possible differences to the row maximum, is computed here.
/// </summary>
internal sealed partial class Softmax : OperatorDefinition<SoftmaxLayer>
{
    private const int OptionBeta = 0; // SoftmaxOptions.beta in schema.fbs

    // The run-time half of the quantized kernels (TinyModel.Runtime), called from the generated code.
    private const string RuntimeSoftmaxKernels = "global::TinyModel.SoftmaxKernels";

    public Softmax()
        : base(BuiltinOperator.Softmax)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int8 }, new[] { ElementType.Int16 }),
        (new ElementType?[] { ElementType.Int16 }, new[] { ElementType.Int16 }));

    public override string Notes => "TFLM's fixed-point and table kernels; output quantization as TFLM requires";

    protected override SoftmaxLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected one input and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.Shape.Count < 1 || input.ElementCount != output.ElementCount || output.Shape.Count < 1 || input.Shape[input.Shape.Count - 1] != output.Shape[output.Shape.Count - 1])
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and output {output.ShapeText} must have the same shape");
            return null;
        }
        float beta = op.BuiltinOptions?.GetFloat(OptionBeta, 0f) ?? 0f;
        int depth = input.Shape[input.Shape.Count - 1];
        int rows = depth == 0 ? 0 : input.ElementCount / depth;
        var inputs = new EquatableArray<int>(new[] { op.Inputs[0] });
        var outputs = new EquatableArray<int>(new[] { op.Outputs[0] });
        string prefix = $"Layer{op.Index}";

        switch (input.Type, output.Type)
        {
            case (ElementType.Float32, ElementType.Float32):
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Float, rows, depth, beta, null, null, null, 0, 0, 0, 0);

            case (ElementType.Int8, ElementType.Int8):
            case (ElementType.Int8, ElementType.Int16):
            {
                if (input.Quantization is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int8 SOFTMAX needs quantization parameters on its input and output");
                    return null;
                }
                bool int16Output = output.Type == ElementType.Int16;
                // TFLM's Prepare checks (softmax_common.cc): the output covers [0, 1) exactly.
                if (int16Output
                    ? output.Quantization.ZeroPoint != -32768 || Math.Abs(output.Quantization.Scale - 1f / 65536) > 0.001f * 1f / 65536
                    : output.Quantization.ZeroPoint != -128 || output.Quantization.Scale != 1f / 256)
                {
                    context.ReportUnsupported(op, int16Output
                        ? $"an int16 output needs zero point -32768 and scale 1/65536, found {output.Quantization.ZeroPoint} and {output.Quantization.Scale}"
                        : $"an int8 output needs zero point -128 and scale 1/256, found {output.Quantization.ZeroPoint} and {output.Quantization.Scale}");
                    return null;
                }
                (int multiplier, int leftShift) = SoftmaxMath.PreprocessSoftmaxScaling(beta, input.Quantization.Scale, SoftmaxMath.ScaledDiffIntegerBits);
                if (multiplier == 0 || leftShift < 0)
                {
                    context.ReportUnsupported(op, $"beta {beta} times the input scale {input.Quantization.Scale} is too small for TFLM's int8 softmax (its multiplier must exceed 1)");
                    return null;
                }
                int diffMin = -GemmlowpMath.CalculateInputRadius(SoftmaxMath.ScaledDiffIntegerBits, leftShift);
                int[] exp = SoftmaxMath.Int8ExpTable(multiplier, leftShift, diffMin);
                int[] sumTerms = exp.Select(SoftmaxMath.RescaleToAccumulator).ToArray();
                string expName = context.AddConstant(prefix + "Exp", ElementType.Int32, ConstantData.ToBytes(exp),
                    $"exp(beta · scale · d) in Q0.31 for the differences d = 0..-255 to the row maximum (index -d); 0 below diff_min {diffMin}");
                string sumName = context.AddConstant(prefix + "ExpSum", ElementType.Int32, ConstantData.ToBytes(sumTerms),
                    "the same exponentials in Q12.19, the terms of the row's sum");
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Int8, rows, depth, beta, expName, sumName, null,
                    int16Output ? 16 : 8, multiplier, leftShift, diffMin);
            }

            case (ElementType.Int16, ElementType.Int16):
            {
                if (input.Quantization is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int16 SOFTMAX needs quantization parameters on its input and output");
                    return null;
                }
                if (input.Quantization.ZeroPoint != 0 || output.Quantization.ZeroPoint != 0
                    || Math.Abs(output.Quantization.Scale - 1f / 32768) > 0.001f * 1f / 32768)
                {
                    context.ReportUnsupported(op, $"int16 SOFTMAX needs zero points 0 and an output scale of 1/32768, found input zero point {input.Quantization.ZeroPoint}, output zero point {output.Quantization.ZeroPoint}, output scale {output.Quantization.Scale}");
                    return null;
                }
                // Input differences are scaled so that [-65535, 0] covers [-10, 0], the exp table's range.
                double rescale = (double)input.Quantization.Scale * beta / (10.0 / 65535.0);
                (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(rescale);
                string expLut = context.AddConstant(prefix + "ExpLut", ElementType.Int16, ConstantData.ToBytes(SoftmaxMath.Int16ExpLut()),
                    "TFLM's table of exp(x) for x in [-10, 0], Q0.15, 512 segments interpolated linearly");
                string reciprocalLut = context.AddConstant(prefix + "ReciprocalLut", ElementType.Int16, ConstantData.ToBytes(SoftmaxMath.Int16OneOverOnePlusXLut()),
                    "TFLM's table of 1 / (1 + x) for x in [0, 1], Q0.15, 512 segments interpolated linearly");
                return new SoftmaxLayer(op.Index, inputs, outputs, SoftmaxKernel.Int16, rows, depth, beta, expLut, null, reciprocalLut,
                    16, multiplier, shift, 0);
            }

            default:
                // The type check before lowering lets only the combinations above through.
                throw new InvalidOperationException($"SOFTMAX lowered with input {input.Type.ModelName()} and output {output.Type.ModelName()}, which Types does not list.");
        }
    }

    /// <summary>Writes SOFTMAX kernels: TFLM's float, int8 (gemmlowp fixed point) and int16 (look-up table) kernels, one row at a time.</summary>
    protected override void EmitLayer(SourceWriter writer, SoftmaxLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string inType = input.Type.CSharpName(), outType = output.Type.CSharpName();

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SOFTMAX: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Each of the {layer.Rows} row(s) of {layer.Depth} values becomes exp(beta · x) / Σ exp(beta · x), beta = {Literals.Float(layer.Beta)}.");
        switch (layer.Kernel)
        {
            case SoftmaxKernel.Float:
                writer.WriteLine("/// Float, as TFLM's reference kernel: subtract the row maximum, exponentiate, divide by the sum.");
                break;
            case SoftmaxKernel.Int8:
                writer.WriteLine($"/// TFLM's fixed-point kernel: the input multiplier {layer.InputMultiplier} · 2^{layer.InputShift} and gemmlowp's exp were evaluated at build");
                writer.WriteLine($"/// time for every difference to the row maximum (differences below {layer.DiffMin} contribute nothing); the row's sum is");
                writer.WriteLine($"/// inverted in fixed point and each exponential scaled by it to the int{layer.OutputBits} output, which spans [0, 1).");
                break;
            case SoftmaxKernel.Int16:
                writer.WriteLine($"/// TFLM's int16 kernel: differences to the row maximum are scaled by {layer.InputMultiplier} · 2^{layer.InputShift} onto [-10, 0] and");
                writer.WriteLine("/// looked up in an interpolated exp table; the sum is inverted with a 1 / (1 + x) table. Output in Q0.15.");
                break;
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        if (layer.Kernel == SoftmaxKernel.Int8)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> exp = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> expSum = {context.Constant(layer.ExpSumTable!)};");
        }
        else if (layer.Kernel == SoftmaxKernel.Int16)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<short> expLut = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<short> reciprocalLut = {context.Constant(layer.ReciprocalTable!)};");
        }

        bool loop = layer.Rows != 1;
        if (loop)
        {
            writer.OpenBlock($"for (int r = 0; r < {layer.Rows}; r++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inType}> x = input.Slice(r * {layer.Depth}, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{outType}> y = output.Slice(r * {layer.Depth}, {layer.Depth});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inType}> x = input.Slice(0, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{outType}> y = output.Slice(0, {layer.Depth});");
        }

        switch (layer.Kernel)
        {
            case SoftmaxKernel.Float:
                writer.WriteLine($"{RuntimeSoftmaxKernels}.Float(x, y, {Literals.Float(layer.Beta)});");
                break;

            case SoftmaxKernel.Int8:
                writer.WriteLine($"{RuntimeSoftmaxKernels}.Int8(x, exp, expSum, y);");
                break;

            case SoftmaxKernel.Int16:
                writer.WriteLine($"{RuntimeSoftmaxKernels}.Int16(x, {Literals.Int(layer.InputMultiplier)}, {layer.InputShift}, expLut, reciprocalLut, y);");
                break;
        }
        if (loop)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}

/// <summary>The three SOFTMAX kernels of TFLM.</summary>
internal enum SoftmaxKernel
{
    /// <summary>float32: exp((x - max) · beta), normalized by the row's sum.</summary>
    Float,
    /// <summary>int8 input, int8 or int16 output: gemmlowp's fixed-point exp (a table here) and reciprocal.</summary>
    Int8,
    /// <summary>int16 input and output: TFLM's interpolated exp and 1 / (1 + x) tables.</summary>
    Int16,
}

/// <summary>
/// SOFTMAX over the last dimension: <c>output[r, c] = exp(beta · input[r, c]) / Σ_c' exp(beta · input[r, c'])</c>,
/// for <see cref="Rows"/> rows of <see cref="Depth"/> values.
/// </summary>
/// <param name="Beta">The softmax's beta (float kernel).</param>
/// <param name="ExpTable">
/// int8 kernel: exp(beta · scale · d) in Q0.31 for each input difference d = 0, -1, ..., -255 to the row's
/// maximum (index -d), zero below TFLM's <c>diff_min</c>. int16 kernel: the exp table (513 entries).
/// </param>
/// <param name="ExpSumTable">int8 kernel: the same exponentials rescaled to Q12.19, the terms of the row's sum.</param>
/// <param name="ReciprocalTable">int16 kernel: the 1 / (1 + x) table (513 entries).</param>
/// <param name="OutputBits">int8 kernel: 8 or 16, the output's width.</param>
/// <param name="InputMultiplier">int16 kernel: the multiplier that maps input differences onto [-10, 0] in steps of 10/65535.</param>
/// <param name="InputShift">int16 kernel: its exponent.</param>
internal sealed record SoftmaxLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    SoftmaxKernel Kernel,
    int Rows,
    int Depth,
    float Beta,
    string? ExpTable,
    string? ExpSumTable,
    string? ReciprocalTable,
    int OutputBits,
    int InputMultiplier,
    int InputShift,
    int DiffMin)
    : LayerSpec(NodeIndex, "SOFTMAX", Inputs, Outputs)
{
    public override long MacCount => (long)Rows * Depth;
}
