using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Operators.ElementwiseBinary;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>
/// CUMSUM (TFLM cumsum.cc, reference cumsum.h): running sums along one constant axis, exclusive and/or
/// reverse, float32 or int8. The int8 path is TFLM's own: every value is offset, shifted left by 20,
/// halved by a Q0.31 multiplier and added up; the running sum is rescaled to the output. Its
/// accumulator starts at the scaled input offset rather than at 0 (TFLM's quirk, kept: the goldens show it).
/// </summary>
internal sealed class CumSum : OperatorDefinition<CumSumLayer>
{
    /// <summary>TFLite's builtin code of CUMSUM (schema.fbs).</summary>
    public const int BuiltinCode = 128;

    private const int OptionExclusive = 0; // CumsumOptions.exclusive in schema.fbs
    private const int OptionReverse = 1; // CumsumOptions.reverse
    private const int LeftShift = 20; // TFLM's kCumSumIntegerShift

    /// <summary>
    /// int8 columns fewer than a vector are rescaled a column's rows at a time: worth the kernel's call from this
    /// many rows (measured 0.5× for 4 rows of one column, 2× and more for 256).
    /// </summary>
    private const int MinInt8Rows = 16;

    public CumSum()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Int32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int32 }, new[] { ElementType.Int8 })).WithInputNames("input", "axis");

    public override string Notes => "a constant axis, negative from the end; exclusive and reverse; int8 rescaled as TFLM does";

    protected override CumSumLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, axis) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (SingleAxis.Resolve(context, op, input) is not (int axis, int before, int after))
        {
            return null;
        }
        if (output.ElementCount != input.ElementCount)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} differs from the input {input.ShapeText}");
            return null;
        }
        bool exclusive = op.BuiltinOptions?.GetBool(OptionExclusive) ?? false;
        bool reverse = op.BuiltinOptions?.GetBool(OptionReverse) ?? false;

        int inputOffset = 0, outputOffset = 0, inputMultiplier = 0, inputShift = 0, outputMultiplier = 0, outputShift = 0;
        if (input.Type == ElementType.Int8)
        {
            if (input.Quantization is null || output.Quantization is null)
            {
                context.ReportUnsupported(op, "an int8 CUMSUM needs quantization parameters on its input and output");
                return null;
            }
            inputOffset = -input.Quantization.ZeroPoint;
            outputOffset = output.Quantization.ZeroPoint;
            double twiceMaxInputScale = 2 * (double)input.Quantization.Scale;
            (inputMultiplier, inputShift) = QuantizationMath.QuantizeMultiplier(input.Quantization.Scale / twiceMaxInputScale);
            (outputMultiplier, outputShift) = QuantizationMath.QuantizeMultiplier(twiceMaxInputScale / ((1 << LeftShift) * (double)output.Quantization.Scale));
            if (inputShift > 0 || outputShift > 0)
            {
                context.ReportUnsupported(op, $"the output scale {output.Quantization.Scale} is too small for TFLM's CUMSUM rescaling (2 · input scale / 2^20 / output scale must be below 1)");
                return null;
            }
        }
        return new CumSumLayer(op.Index, new[] { op.Inputs[0] }.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            input.Type, axis, before, input.Shape[axis], after, exclusive, reverse,
            inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift);
    }

    /// <summary>Writes the running sums: for each position off the axis, walk the axis (backwards when reverse) adding up.</summary>
    protected override void EmitLayer(SourceWriter writer, CumSumLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool isFloat = layer.Type == ElementType.Float32;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CUMSUM along axis {layer.Axis}{(layer.Exclusive ? " (exclusive)" : string.Empty)}{(layer.Reverse ? " (reverse)" : string.Empty)}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        if (!isFloat)
        {
            writer.WriteLine($"/// int8 as TFLM: each (x + {layer.InputOffset}) · 2^{LeftShift} is scaled by {layer.InputMultiplier} · 2^{layer.InputShift} and summed, starting from the scaled");
            writer.WriteLine($"/// input offset (TFLM's quirk); each running sum is scaled by {layer.OutputMultiplier} · 2^{layer.OutputShift} and offset by {layer.OutputOffset}.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.After >= BinaryKernel.MinRun || (!isFloat && layer.Depth >= MinInt8Rows))
        {
            WriteColumnKernelCalls(writer, layer);
            writer.CloseBlock();
            return;
        }
        writer.OpenBlock($"for (int b = 0; b < {layer.Before}; b++)");
        writer.OpenBlock($"for (int a = 0; a < {layer.After}; a++)");
        writer.WriteLine($"int start = b * {(long)layer.Depth * layer.After} + a;");
        writer.WriteLine(isFloat
            ? "float sum = 0f;"
            : $"int sum = {Scaled(Literals.Int(layer.InputOffset) + $" << {LeftShift}", layer)};");
        writer.OpenBlock(layer.Reverse
            ? $"for (int d = {layer.Depth - 1}; d >= 0; d--)"
            : $"for (int d = 0; d < {layer.Depth}; d++)");
        writer.WriteLine($"int i = start + d * {layer.After};");
        string value = isFloat ? "input[i]" : Scaled($"({ElementwiseCode.Offset("input[i]", layer.InputOffset)}) << {LeftShift}", layer);
        string result = isFloat ? "sum" : "scaled";
        if (layer.Exclusive)
        {
            writer.WriteLine($"{(isFloat ? "float" : "int")} {result}{(isFloat ? "Before" : string.Empty)} = sum;");
            writer.WriteLine($"sum += {value};");
            result = isFloat ? "sumBefore" : "scaled";
        }
        else
        {
            writer.WriteLine($"sum += {value};");
            if (!isFloat)
            {
                writer.WriteLine("int scaled = sum;");
            }
        }
        if (isFloat)
        {
            writer.WriteLine($"output[i] = {result};");
        }
        else
        {
            string rescaled = ElementwiseCode.Offset(ElementwiseCode.MultiplySmallerThanOne("scaled", layer.OutputMultiplier, layer.OutputShift), layer.OutputOffset);
            writer.WriteLine($"int v = {rescaled};");
            writer.WriteLine($"output[i] = (sbyte){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(v, -128), 127);");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>
    /// Float along an axis that is not the innermost, and int8 with enough columns or rows: the <c>after</c> values are columns, and
    /// <c>TinyModel.ReductionKernels.CumSum</c> runs their sums (float: a lane per column, each in TFLM's order; int8:
    /// TFLM's per-value rescaling lane-wise, the int32 sums exact in any order), once per block before the axis.
    /// </summary>
    private static void WriteColumnKernelCalls(SourceWriter writer, CumSumLayer layer)
    {
        string flags = $"exclusive: {(layer.Exclusive ? "true" : "false")}, reverse: {(layer.Reverse ? "true" : "false")}";
        string scales = layer.Type == ElementType.Float32 ? string.Empty
            : $", {Literals.Int(layer.InputOffset)}, {Literals.Int(layer.InputMultiplier)}, {layer.InputShift}, {Literals.Int(layer.OutputOffset)}, {Literals.Int(layer.OutputMultiplier)}, {layer.OutputShift}";
        long block = (long)layer.Depth * layer.After;
        writer.WriteLine(layer.Type == ElementType.Float32
            ? $"// Vector kernel: the {layer.After} columns after the axis summed side by side, each down its {layer.Depth} rows in order."
            : $"// Vector kernel: the {layer.After} columns after the axis, each down its {layer.Depth} rows; the rescaling of every value and running sum lane-wise.");
        SingleAxis.WriteBlockCalls(writer, layer.Before, block, block, (input, output) => $"global::TinyModel.ReductionKernels.CumSum({input}, {layer.Depth}, {layer.After}, {flags}{scales}, {output});");
    }

    private static string Scaled(string x, CumSumLayer layer) => ElementwiseCode.MultiplySmallerThanOne(x, layer.InputMultiplier, layer.InputShift);
}

/// <summary>CUMSUM along one axis, the tensor seen as before × depth × after.</summary>
/// <param name="Before">Product of the dimensions before the axis.</param>
/// <param name="Depth">The axis' size.</param>
/// <param name="After">Product of the dimensions after the axis.</param>
/// <param name="InputOffset">Minus the input zero point (int8).</param>
/// <param name="InputMultiplier">The Q0.31 multiplier of the shifted inputs (int8: 1/2).</param>
/// <param name="InputShift">Its exponent (≤ 0).</param>
/// <param name="OutputOffset">The output zero point (int8).</param>
/// <param name="OutputMultiplier">The Q0.31 multiplier of the running sums (int8).</param>
/// <param name="OutputShift">Its exponent (≤ 0).</param>
internal sealed record CumSumLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Axis,
    int Before,
    int Depth,
    int After,
    bool Exclusive,
    bool Reverse,
    int InputOffset,
    int InputMultiplier,
    int InputShift,
    int OutputOffset,
    int OutputMultiplier,
    int OutputShift)
    : LayerSpec(NodeIndex, "CUMSUM", Inputs, Outputs)
{
    public override long MacCount => (long)Before * Depth * After;
}
