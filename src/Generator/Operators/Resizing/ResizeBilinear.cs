using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Resizing;

/// <summary>
/// RESIZE_BILINEAR (TFLM resize_bilinear.cc, reference/resize_bilinear.h): float32 and int8 NHWC images,
/// align_corners or half_pixel_centers (not both, as TFLM requires). Per output row and column the two
/// source rows (columns) and their weights are computed here exactly as TFLM computes them: in float for
/// float32 (<c>ComputeInterpolationValues</c>) and in 10-bit fixed point for int8
/// (<c>ComputeInterpolationValuesInteger</c>, rounding half away from zero at 2^20, as TFLM without
/// single rounding does). The kernel then adds the four weighted pixels in TFLM's order.
/// </summary>
internal sealed class ResizeBilinear : OperatorDefinition<ResizeBilinearLayer>
{
    /// <summary>TFLite's builtin code of RESIZE_BILINEAR (schema.fbs).</summary>
    public const int BuiltinCode = 23;

    // ResizeBilinearOptions field ids (schema.fbs); 0 and 1 are the deprecated new_height and new_width.
    private const int OptionAlignCorners = 2, OptionHalfPixelCenters = 3;

    public ResizeBilinear()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8 }
            .Select(type => (new ElementType?[] { type, ElementType.Int32 }, new[] { type })).ToArray()).WithInputNames("input", "size");

    public override string Notes => "4-D NHWC; constant size; align_corners or half_pixel_centers; int8 in TFLM's 10-bit fixed point";

    protected override ResizeBilinearLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (ResizeOperands.Read(context, op) is not { } r)
        {
            return null;
        }
        bool alignCorners = op.BuiltinOptions?.GetBool(OptionAlignCorners) ?? false;
        bool halfPixelCenters = op.BuiltinOptions?.GetBool(OptionHalfPixelCenters) ?? false;
        if (alignCorners && halfPixelCenters)
        {
            context.ReportUnsupported(op, "align_corners and half_pixel_centers are both set; TFLM requires half_pixel_centers to be false when align_corners is true");
            return null;
        }
        context.Value(op.Inputs[0]);
        bool integer = context.ElementTypeOf(op.Inputs[0]) == ElementType.Int8;
        AxisTable rows = integer
            ? IntegerAxis(r.InputHeight, r.OutputHeight, alignCorners, halfPixelCenters, r.InputRow)
            : FloatAxis(r.InputHeight, r.OutputHeight, alignCorners, halfPixelCenters, r.InputRow);
        AxisTable columns = integer
            ? IntegerAxis(r.InputWidth, r.OutputWidth, alignCorners, halfPixelCenters, r.Channels)
            : FloatAxis(r.InputWidth, r.OutputWidth, alignCorners, halfPixelCenters, r.Channels);
        return new ResizeBilinearLayer(op.Index, new[] { op.Inputs[0] }.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            r, alignCorners, halfPixelCenters, rows, columns);
    }

    /// <summary>TFLM's float <c>ComputeInterpolationValues</c> for every output index of one axis, each step rounded to float.</summary>
    internal static AxisTable FloatAxis(int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters, int stride)
    {
        float scale = alignCorners && outputSize > 1 ? (inputSize - 1) / (float)(outputSize - 1) : inputSize / (float)outputSize;
        var table = new List<(int, int, int, int)>();
        for (int i = 0; i < outputSize; i++)
        {
            float value = i;
            float scaled = halfPixelCenters ? (float)((float)((float)(value + 0.5f) * scale) - 0.5f) : (float)(value * scale);
            int lower = System.Math.Max((int)System.Math.Floor((double)scaled), 0);
            int upper = System.Math.Min((int)System.Math.Ceiling((double)scaled), inputSize - 1);
            float fraction = (float)(scaled - lower);
            table.Add((lower * stride, upper * stride, BitsOf((float)(1 - fraction)), BitsOf(fraction)));
        }
        return AxisTable.From(table);
    }

    /// <summary>TFLM's <c>ComputeInterpolationValuesInteger</c> (positions in 1/1024) for every output index of one axis.</summary>
    internal static AxisTable IntegerAxis(int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters, int stride)
    {
        int scale10 = ((1 << 10) * inputSize + outputSize / 2) / outputSize;
        if (alignCorners && outputSize > 1)
        {
            scale10 = ((1 << 10) * (inputSize - 1) + (outputSize - 1) / 2) / (outputSize - 1);
        }
        var table = new List<(int, int, int, int)>();
        for (int i = 0; i < outputSize; i++)
        {
            int scaled = halfPixelCenters ? i * scale10 + scale10 / 2 - (1 << 9) : i * scale10;
            int lower = System.Math.Max(scaled / (1 << 10), 0);
            int upper = System.Math.Min((scaled + (1 << 10) - 1) / (1 << 10), inputSize - 1);
            int fraction = scaled - (1 << 10) * lower;
            table.Add((lower * stride, upper * stride, (1 << 10) - fraction, fraction));
        }
        return AxisTable.From(table);
    }

    private static int BitsOf(float value) => System.BitConverter.ToInt32(System.BitConverter.GetBytes(value), 0);

    /// <summary>Per batch, output row and column: the four source pixels weighted and added in TFLM's order, channel by channel.</summary>
    protected override void EmitLayer(SourceWriter writer, ResizeBilinearLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool integer = input.Type == ElementType.Int8;
        ResizeOperands r = layer.Operands;
        string prefix = EmitContext.MethodName(layer);
        ElementType weightType = integer ? ElementType.Int32 : ElementType.Float32;
        string weight = integer ? "int" : "float";
        string Table(string name, EquatableArray<int> values, ElementType type, string description) =>
            context.Constant(context.AddConstant(prefix + name, type, ConstantData.ToBytes(values.ToArray()), description));
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, RESIZE_BILINEAR: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// align_corners {(layer.AlignCorners ? "true" : "false")}, half_pixel_centers {(layer.HalfPixelCenters ? "true" : "false")}; source rows, columns and weights were computed at build time as TFLM computes them"
            + (integer ? " (weights in 1/1024; the sum in 1/2^20 is rounded half away from zero)." : " (in float, added in TFLM's order)."));
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> top = {Table("TopRows", layer.Rows.Lower, ElementType.Int32, "element offset of the upper source row of each output row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> bottom = {Table("BottomRows", layer.Rows.Upper, ElementType.Int32, "element offset of the lower source row of each output row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weight}> topWeights = {Table("TopWeights", layer.Rows.LowerWeight, weightType, "weight of the upper source row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weight}> bottomWeights = {Table("BottomWeights", layer.Rows.UpperWeight, weightType, "weight of the lower source row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> left = {Table("LeftColumns", layer.Columns.Lower, ElementType.Int32, "element offset of the left source pixel of each output column, within a row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> right = {Table("RightColumns", layer.Columns.Upper, ElementType.Int32, "element offset of the right source pixel of each output column, within a row")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weight}> leftWeights = {Table("LeftWeights", layer.Columns.LowerWeight, weightType, "weight of the left source pixel")};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weight}> rightWeights = {Table("RightWeights", layer.Columns.UpperWeight, weightType, "weight of the right source pixel")};");
        writer.WriteLine("int o = 0;");
        writer.OpenBlock($"for (int b = 0; b < {r.Batches}; b++)");
        writer.OpenBlock($"for (int y = 0; y < {r.OutputHeight}; y++)");
        writer.WriteLine($"int upper = b * {r.InputImage} + top[y], lower = b * {r.InputImage} + bottom[y];");
        writer.WriteLine($"{weight} wy0 = topWeights[y], wy1 = bottomWeights[y];");
        writer.OpenBlock($"for (int x = 0; x < {r.OutputWidth}; x++)");
        writer.WriteLine("int p00 = upper + left[x], p10 = lower + left[x], p01 = upper + right[x], p11 = lower + right[x];");
        writer.WriteLine($"{weight} wx0 = leftWeights[x], wx1 = rightWeights[x];");
        writer.OpenBlock($"for (int c = 0; c < {r.Channels}; c++, o++)");
        if (integer)
        {
            writer.WriteLine("long sum = (long)input[p00 + c] * wy0 * wx0 + (long)input[p10 + c] * wy1 * wx0 + (long)input[p01 + c] * wy0 * wx1 + (long)input[p11 + c] * wy1 * wx1;");
            writer.WriteLine("output[o] = unchecked((sbyte)((sum + (sum > 0 ? 1L << 19 : -(1L << 19))) / (1L << 20)));");
        }
        else
        {
            // TFLM adds a rounding offset of 0 for float: kept, as it turns a -0 sum into +0.
            writer.WriteLine("output[o] = input[p00 + c] * wy0 * wx0 + input[p10 + c] * wy1 * wx0 + input[p01 + c] * wy0 * wx1 + input[p11 + c] * wy1 * wx1 + 0f;");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>
/// For each output index along one axis: the element offsets of the two source indices and their weights
/// (int32 weights in 1/1024, or the bits of float weights).
/// </summary>
internal sealed record AxisTable(EquatableArray<int> Lower, EquatableArray<int> Upper, EquatableArray<int> LowerWeight, EquatableArray<int> UpperWeight)
{
    /// <summary>Builds the table from its entries <c>(lower offset, upper offset, lower weight, upper weight)</c>, one per output index.</summary>
    public static AxisTable From(IReadOnlyList<(int Lower, int Upper, int LowerWeight, int UpperWeight)> entries) => new(
        entries.Select(e => e.Lower).ToEquatableArray(), entries.Select(e => e.Upper).ToEquatableArray(),
        entries.Select(e => e.LowerWeight).ToEquatableArray(), entries.Select(e => e.UpperWeight).ToEquatableArray());
}

/// <summary>RESIZE_BILINEAR: four source pixels per output pixel, weighted by row and column tables.</summary>
/// <param name="Operands">The shapes.</param>
/// <param name="AlignCorners">The align_corners option.</param>
/// <param name="HalfPixelCenters">The half_pixel_centers option.</param>
/// <param name="Rows">Source rows and weights per output row.</param>
/// <param name="Columns">Source pixels and weights per output column.</param>
internal sealed record ResizeBilinearLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ResizeOperands Operands,
    bool AlignCorners,
    bool HalfPixelCenters,
    AxisTable Rows,
    AxisTable Columns)
    : LayerSpec(NodeIndex, "RESIZE_BILINEAR", Inputs, Outputs)
{
    public override long MacCount => 0;
}
