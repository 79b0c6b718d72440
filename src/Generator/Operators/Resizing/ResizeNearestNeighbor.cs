using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Resizing;

/// <summary>
/// RESIZE_NEAREST_NEIGHBOR (TFLM resize_nearest_neighbor.cc, reference/resize_nearest_neighbor.h): float32,
/// int8 and int16 NHWC images, align_corners and half_pixel_centers. The source row of each output row and
/// the source column of each output column are computed here with TFLM's float arithmetic
/// (<c>GetNearestNeighbor</c>), so the kernel copies one pixel at a time from two tables of offsets.
/// </summary>
internal sealed class ResizeNearestNeighbor : OperatorDefinition<ResizeNearestNeighborLayer>
{
    /// <summary>TFLite's builtin code of RESIZE_NEAREST_NEIGHBOR (schema.fbs).</summary>
    public const int BuiltinCode = 97;

    // ResizeNearestNeighborOptions field ids (schema.fbs).
    private const int OptionAlignCorners = 0, OptionHalfPixelCenters = 1;

    public ResizeNearestNeighbor()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16 }
            .Select(type => (new ElementType?[] { type, ElementType.Int32 }, new[] { type })).ToArray()).WithInputNames("input", "size");

    public override string Notes => "4-D NHWC; constant size; align_corners, half_pixel_centers";

    protected override ResizeNearestNeighborLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (ResizeOperands.Read(context, op) is not { } r)
        {
            return null;
        }
        context.Value(op.Inputs[0]);
        bool alignCorners = op.BuiltinOptions?.GetBool(OptionAlignCorners) ?? false;
        bool halfPixelCenters = op.BuiltinOptions?.GetBool(OptionHalfPixelCenters) ?? false;
        int[] rows = Enumerable.Range(0, r.OutputHeight).Select(y => Nearest(y, r.InputHeight, r.OutputHeight, alignCorners, halfPixelCenters) * r.InputRow).ToArray();
        int[] columns = Enumerable.Range(0, r.OutputWidth).Select(x => Nearest(x, r.InputWidth, r.OutputWidth, alignCorners, halfPixelCenters) * r.Channels).ToArray();
        return new ResizeNearestNeighborLayer(op.Index, new[] { op.Inputs[0] }.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            r, alignCorners, halfPixelCenters, rows.ToEquatableArray(), columns.ToEquatableArray());
    }

    /// <summary>TFLM's <c>GetNearestNeighbor</c>, in float as it computes it.</summary>
    internal static int Nearest(int outputIndex, int inputSize, int outputSize, bool alignCorners, bool halfPixelCenters)
    {
        float scale = alignCorners && outputSize > 1 ? (inputSize - 1) / (float)(outputSize - 1) : inputSize / (float)outputSize;
        float offset = halfPixelCenters ? 0.5f : 0f;
        float position = (float)((float)(outputIndex + offset) * scale);
        int index = System.Math.Min(
            alignCorners ? (int)System.Math.Round((double)position, System.MidpointRounding.AwayFromZero) : (int)System.Math.Floor((double)position),
            inputSize - 1);
        return halfPixelCenters ? System.Math.Max(0, index) : index;
    }

    /// <summary>For each batch, output row and column, the pixel at the tables' offsets is copied.</summary>
    protected override void EmitLayer(SourceWriter writer, ResizeNearestNeighborLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        ResizeOperands r = layer.Operands;
        string prefix = EmitContext.MethodName(layer);
        string rows = context.AddConstant(prefix + "SourceRows", ElementType.Int32, ConstantData.ToBytes(layer.RowOffsets.ToArray()),
            $"element offset of the input row each of the {r.OutputHeight} output rows copies");
        string columns = context.AddConstant(prefix + "SourceColumns", ElementType.Int32, ConstantData.ToBytes(layer.ColumnOffsets.ToArray()),
            $"element offset of the input pixel each of the {r.OutputWidth} output columns copies, within its row");
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, RESIZE_NEAREST_NEIGHBOR: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// align_corners {(layer.AlignCorners ? "true" : "false")}, half_pixel_centers {(layer.HalfPixelCenters ? "true" : "false")}: the source rows and columns were chosen at build time as TFLM chooses them.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> rows = {context.Constant(rows)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> columns = {context.Constant(columns)};");
        writer.WriteLine("int o = 0;");
        writer.OpenBlock($"for (int b = 0; b < {r.Batches}; b++)");
        writer.OpenBlock($"for (int y = 0; y < {r.OutputHeight}; y++)");
        writer.WriteLine($"int row = b * {r.InputImage} + rows[y];");
        writer.OpenBlock($"for (int x = 0; x < {r.OutputWidth}; x++, o += {r.Channels})");
        writer.WriteLine(r.Channels == 1
            ? "output[o] = input[row + columns[x]];"
            : $"input.Slice(row + columns[x], {r.Channels}).CopyTo(output.Slice(o, {r.Channels}));");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>RESIZE_NEAREST_NEIGHBOR: each output pixel copies the input pixel the offset tables name.</summary>
/// <param name="Operands">The shapes.</param>
/// <param name="AlignCorners">The align_corners option.</param>
/// <param name="HalfPixelCenters">The half_pixel_centers option.</param>
/// <param name="RowOffsets">Per output row, the element offset of its source row within an image.</param>
/// <param name="ColumnOffsets">Per output column, the element offset of its source pixel within a row.</param>
internal sealed record ResizeNearestNeighborLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ResizeOperands Operands,
    bool AlignCorners,
    bool HalfPixelCenters,
    EquatableArray<int> RowOffsets,
    EquatableArray<int> ColumnOffsets)
    : LayerSpec(NodeIndex, "RESIZE_NEAREST_NEIGHBOR", Inputs, Outputs)
{
    public override long MacCount => 0;
}
