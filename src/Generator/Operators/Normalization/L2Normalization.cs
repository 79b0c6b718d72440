using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>
/// L2_NORMALIZATION (TFLM l2norm.cc, reference l2normalization.h and integer_ops/l2normalization.h) over the last
/// dimension, at most 4 dimensions, no fused activation (as TFLM). float32: <c>x / max(sqrt(Σ x²), 1e-6)</c> in
/// TFLM's order. int8: the squared offsets summed in int32, TFLite's fixed-point inverse square root
/// (<c>GetInvSqrtQuantizedMultiplierExp</c>) at run time, each offset scaled by it to an output in 1/128 steps
/// (whatever the output's own parameters say, as in TFLM).
/// </summary>
internal sealed class L2Normalization : OperatorDefinition<L2NormalizationLayer>
{
    private const int OptionActivation = 0; // L2NormOptions.fused_activation_function

    /// <summary>TFLM's <c>kOutputScale</c>: the int8 output is in steps of 2^-7.</summary>
    private const int OutputScaleBits = 7;

    /// <summary>TFLM's kernel accepts at most this many dimensions.</summary>
    private const int MaxRank = 4;

    public L2Normalization()
        : base(BuiltinOperator.L2Normalization)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8);

    public override string Notes => "over the last dimension, up to 4 dimensions; int8 outputs in steps of 1/128 by TFLM's fixed-point inverse square root";

    protected override L2NormalizationLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (RowOperands.Get(context, op, MaxRank) is not var (input, output, outer, depth))
        {
            return null;
        }
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (activation != FusedActivation.None)
        {
            context.ReportUnsupported(op, $"the fused activation is {activation}; TFLM's L2_NORMALIZATION supports none");
            return null;
        }
        int zeroPoint = 0;
        if (input.Type == ElementType.Int8)
        {
            if (input.Quantization is not QuantizationSpec qi)
            {
                context.ReportUnsupported(op, "an int8 L2_NORMALIZATION needs quantization parameters on its input");
                return null;
            }
            zeroPoint = qi.ZeroPoint;
        }
        return new L2NormalizationLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            input.Type, outer, depth, zeroPoint);
    }

    protected override void EmitLayer(SourceWriter writer, L2NormalizationLayer layer, EmitContext context)
    {
        bool int8 = layer.Type == ElementType.Int8;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, L2_NORMALIZATION: {ElementwiseCode.Signature(context, layer)}, {layer.Outer} rows of {layer.Depth}.");
        writer.WriteLine(int8
            ? $"/// TFLM's int8 kernel: the squares of {ElementwiseCode.Offset("q", -layer.InputZeroPoint)} summed in int32, TFLite's fixed-point 1 / sqrt of the sum, each offset scaled by it into steps of 1/128 and clamped."
            : $"/// In float as TFLM: the sum of squares (sequential, TFLM's order), its square root (at least 1e-6), then each value divided by it{(layer.Depth >= ElementwiseBinary.BinaryKernel.MinRun ? " (a vector kernel per row)" : string.Empty)}.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int row = 0; row < {layer.Outer * layer.Depth}; row += {layer.Depth})");
        if (int8)
        {
            string offset = ElementwiseCode.Offset("input[row + c]", -layer.InputZeroPoint);
            writer.WriteLine("int sum = 0;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine($"int v = {offset};");
            writer.WriteLine("sum = unchecked(sum + v * v);");
            writer.CloseBlock();
            writer.WriteLine("(int multiplier, int shift) = global::TinyModel.QuantizedReciprocalSqrt.InvSqrtMultiplierExp(sum);");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            string scaled = $"{EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier({offset}, multiplier, shift + {OutputScaleBits})";
            writer.WriteLine($"output[row + c] = {ElementwiseCode.ClampToType(scaled, sbyte.MinValue, sbyte.MaxValue, ElementType.Int8)};");
            writer.CloseBlock();
        }
        else
        {
            writer.WriteLine("float sum = 0f;");
            writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
            writer.WriteLine("float v = input[row + c];");
            writer.WriteLine("sum += v * v;");
            writer.CloseBlock();
            // std::max(norm, epsilon) keeps norm unless it is below epsilon.
            writer.WriteLine("float norm = global::System.MathF.Sqrt(sum);");
            writer.WriteLine("norm = norm < 1e-6f ? 1e-6f : norm;");
            if (layer.Depth >= ElementwiseBinary.BinaryKernel.MinRun)
            {
                // A vector division is correctly rounded lane by lane: the bits of TFLM's `x / norm`.
                writer.WriteLine($"global::TinyModel.BinaryKernels.Apply<float, global::TinyModel.BinaryOperations.Divide>(input.Slice(row, {layer.Depth}), norm, output.Slice(row, {layer.Depth}));");
            }
            else
            {
                writer.OpenBlock($"for (int c = 0; c < {layer.Depth}; c++)");
                writer.WriteLine("output[row + c] = input[row + c] / norm;");
                writer.CloseBlock();
            }
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>An L2_NORMALIZATION layer over rows of the last dimension.</summary>
/// <param name="Type">float32 or int8.</param>
/// <param name="Outer">The number of rows.</param>
/// <param name="Depth">The length of a row (the last dimension).</param>
/// <param name="InputZeroPoint">int8: the input's zero point, subtracted from every value; 0 for float32.</param>
internal sealed record L2NormalizationLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Outer,
    int Depth,
    int InputZeroPoint)
    : LayerSpec(NodeIndex, "L2_NORMALIZATION", Inputs, Outputs)
{
    public override long MacCount => 0;
}
