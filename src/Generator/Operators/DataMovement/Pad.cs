using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// PAD and PADV2 (TFLM pad.cc, reference/pad.h), which TFLM runs with one kernel: float32, int8, int16
/// and int32 tensors of any rank with constant, non-negative paddings (int32 or int64). The pad value
/// is the optional third operand, constant_values (a constant, or a tensor computed at run time) or,
/// without it, what TFLM uses: the output zero point for int8, 0 otherwise.
/// </summary>
internal abstract partial class PadOperator : OperatorDefinition<PadLayer>
{
    // Data of these types; paddings int32 or int64; constant_values, when given, of the data's type.
    private static readonly TypeSupport PaddedTypes = TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16, ElementType.Int32 }
            .SelectMany(type => new[] { ElementType.Int32, ElementType.Int64 }.SelectMany(paddings => new[]
            {
                (new ElementType?[] { type, paddings, null }, new[] { type }),
                (new ElementType?[] { type, paddings, type }, new[] { type }),
            }))
            .ToArray()).WithInputNames("input", "paddings", "pad value");

    protected PadOperator(int code)
        : base(code)
    {
    }

    public override TypeSupport Types => PaddedTypes;

    protected override PadLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count is < 2 or > 3 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, paddings[, constant_values]) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        int rank = input.Shape.Count;
        int[]? paddings = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (paddings is null)
        {
            context.ReportUnsupported(op, "the paddings must be a constant int32 or int64 tensor");
            return null;
        }
        if (paddings.Length != rank * 2 || output.Shape.Count != rank)
        {
            context.ReportUnsupported(op, $"the paddings hold {paddings.Length} values; a {rank}-D input {input.ShapeText} needs a pair per dimension and an output of the same rank");
            return null;
        }
        if (paddings.Any(p => p < 0))
        {
            context.ReportUnsupported(op, $"negative paddings [{string.Join(",", paddings)}] are not supported");
            return null;
        }
        int[] before = Enumerable.Range(0, rank).Select(d => paddings[2 * d]).ToArray();
        int[] after = Enumerable.Range(0, rank).Select(d => paddings[2 * d + 1]).ToArray();
        for (int d = 0; d < rank; d++)
        {
            if (output.Shape[d] != input.Shape[d] + before[d] + after[d])
            {
                context.ReportUnsupported(op, $"the output {output.ShapeText} is not the input {input.ShapeText} padded by [{string.Join(",", paddings)}]");
                return null;
            }
        }

        var layerInputs = new List<int> { op.Inputs[0] };
        string? literal;
        string description;
        int valueIndex = op.Inputs.Count == 3 ? op.Inputs[2] : -1;
        if (valueIndex < 0)
        {
            if (input.Type == ElementType.Int8)
            {
                if (output.Quantization is null)
                {
                    context.ReportUnsupported(op, "an int8 PAD needs the output's quantization: it pads with the zero point");
                    return null;
                }
                literal = Literals.Int(output.Quantization.ZeroPoint);
                description = $"the output zero point {output.Quantization.ZeroPoint} (real 0)";
            }
            else
            {
                literal = input.Type == ElementType.Float32 ? "0f" : "0";
                description = "0";
            }
        }
        else
        {
            if (context.Tensor(valueIndex).Shape.Aggregate(1, (x, y) => x * y) != 1)
            {
                context.ReportUnsupported(op, $"constant_values must be a single {input.Type.ModelName()} value");
                return null;
            }
            if (input.Type == ElementType.Int8)
            {
                QuantizationSpec? q = context.QuantizationOf(valueIndex);
                if (q is null || output.Quantization is null || q.ZeroPoint != output.Quantization.ZeroPoint || q.Scale != output.Quantization.Scale)
                {
                    context.ReportUnsupported(op, "int8 constant_values must have the output's scale and zero point, as TFLM requires");
                    return null;
                }
            }
            if (context.IsConstant(valueIndex))
            {
                byte[] bytes = context.ConstantBytes(valueIndex).ToArray();
                literal = input.Type switch
                {
                    ElementType.Float32 => Literals.Float(System.BitConverter.ToSingle(bytes, 0)),
                    ElementType.Int8 => Literals.Int((sbyte)bytes[0]),
                    ElementType.Int16 => Literals.Int(System.BitConverter.ToInt16(bytes, 0)),
                    _ => Literals.Int(System.BitConverter.ToInt32(bytes, 0)),
                };
                description = $"the constant {literal}";
            }
            else
            {
                context.Value(valueIndex);
                layerInputs.Add(valueIndex);
                literal = null;
                description = "constant_values, read at run time";
            }
        }

        int[] outputStrides = ShapeMath.Strides(output.Shape);
        int outputOffset = Enumerable.Range(0, rank).Sum(d => before[d] * outputStrides[d]);
        StridedCopy copy = StridedCopy.Create(0, outputOffset, input.Shape, ShapeMath.Strides(input.Shape), outputStrides);
        return new PadLayer(op.Index, Name, layerInputs.ToEquatableArray(), new EquatableArray<int>(new[] { op.Outputs[0] }),
            literal, description, before.ToEquatableArray(), after.ToEquatableArray(), copy);
    }

    /// <summary>
    /// Copies the input's rows into place and fills the rest with the pad value: where the input is one run of rows
    /// (each contiguous on both sides), only the gaps between them, each output value written once (mobilenet_v2's
    /// 1.2 MB pads took half the time); otherwise the whole output first, then the rows.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, PadLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context.Model);
        writer.OpenBlock(context.Signature(layer));
        string value = layer.PadValueLiteral ?? "input1[0]";
        StridedCopy copy = layer.Copy;
        if (copy.Counts.Count == 2 && copy.InputStrides[1] == 1 && copy.OutputStrides[1] == 1 && copy.OutputStrides[0] >= copy.Counts[1] && copy.Counts[0] > 1)
        {
            WriteRowsAndGaps(writer, copy, value);
        }
        else
        {
            writer.WriteLine($"output.Fill({value});");
            StridedCopyWriter.Write(writer, copy, "input", "output");
        }
        writer.CloseBlock();
    }

    /// <summary>
    /// The padding before the first row, then per row the row and the gap up to the next row, then the last row and
    /// the padding after it (a row's gap reaches the next row's start, which lies beyond the output after the last row).
    /// </summary>
    private static void WriteRowsAndGaps(SourceWriter writer, StridedCopy copy, string value)
    {
        int rows = copy.Counts[0], run = copy.Counts[1], inputStride = copy.InputStrides[0], outputStride = copy.OutputStrides[0];
        int gap = outputStride - run;
        long last = copy.OutputOffset + (long)(rows - 1) * outputStride;
        string I(long v) => Literals.Int(v);
        if (copy.OutputOffset > 0)
        {
            writer.WriteLine($"output.Slice(0, {I(copy.OutputOffset)}).Fill({value});");
        }
        writer.OpenBlock($"for (int n0 = 0, i0 = {I(copy.InputOffset)}, o0 = {I(copy.OutputOffset)}; n0 < {I(rows - 1)}; n0++, i0 += {I(inputStride)}, o0 += {I(outputStride)})");
        writer.WriteLine($"input.Slice(i0, {I(run)}).CopyTo(output.Slice(o0, {I(run)}));");
        if (gap > 0)
        {
            writer.WriteLine($"output.Slice(o0 + {I(run)}, {I(gap)}).Fill({value});");
        }
        writer.CloseBlock();
        writer.WriteLine($"input.Slice({I(copy.InputOffset + (long)(rows - 1) * inputStride)}, {I(run)}).CopyTo(output.Slice({I(last)}, {I(run)}));");
        writer.WriteLine($"output.Slice({I(last + run)}).Fill({value});");
    }

    private static void WriteSummary(SourceWriter writer, PadLayer layer, ModelSpec model)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Padding before [{string.Join(", ", layer.Before)}] and after [{string.Join(", ", layer.After)}] each dimension, with {Literals.Xml(layer.PadValueDescription)}.");
        writer.WriteLine($"/// The input is copied in as {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
    }
}

/// <summary>PAD: pads with 0 (the output zero point for int8) unless a constant_values operand is given, as TFLM's shared kernel allows.</summary>
internal sealed class Pad : PadOperator
{
    public Pad()
        : base(BuiltinOperator.Pad)
    {
    }

    public override string Notes => "constant non-negative paddings, any rank; an optional pad value as for PADV2, TFLM running both with one kernel; " +
        "an int8 PAD of rows and columns with the zero point that only a CONV_2D or DEPTHWISE_CONV_2D reads is fused into it (no copy)";
}

/// <summary>PADV2: PAD with a pad value, constant_values, that may be a constant or computed at run time.</summary>
internal sealed class PadV2 : PadOperator
{
    /// <summary>TFLite's builtin code of PADV2 (schema.fbs).</summary>
    public const int BuiltinCode = 60;

    public PadV2()
        : base(BuiltinCode)
    {
    }

    public override string Notes => "constant non-negative paddings; pad value constant or computed";
}

/// <summary>
/// PAD and PADV2: the output is filled with the pad value, then the input is copied into it at the
/// offsets of the leading paddings.
/// </summary>
/// <param name="PadValueLiteral">The pad value as a C# literal, or null when it is read from the layer's second input at run time.</param>
/// <param name="Before">Padding before each dimension.</param>
/// <param name="After">Padding after each dimension.</param>
internal sealed record PadLayer(
    int NodeIndex,
    string OperatorNameText,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    string? PadValueLiteral,
    string PadValueDescription,
    EquatableArray<int> Before,
    EquatableArray<int> After,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, OperatorNameText, Inputs, Outputs)
{
    public override long MacCount => 0;
}
