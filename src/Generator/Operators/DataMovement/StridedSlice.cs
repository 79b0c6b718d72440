using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// STRIDED_SLICE (TFLM strided_slice.cc, reference/strided_slice.h, strided_slice_logic.h): constant
/// begin, end and strides (int32 or int64), begin_mask, end_mask, shrink_axis_mask, negative indices
/// and strides, and the offset flag (end = begin + size), on tensors of up to 5 dimensions of any
/// element type. Every start, stop and trip count is resolved here, as TFLite's
/// <c>StridedSliceStartForAxis</c> and <c>StridedSliceEndForAxis</c> do, and the slice becomes a loop
/// nest with literal strides. TFLM supports neither ellipsis_mask nor new_axis_mask (it clears both);
/// a model that sets them is reported.
/// </summary>
internal sealed partial class StridedSlice : OperatorDefinition<StridedSliceLayer>
{
    // StridedSliceOptions field ids (schema.fbs).
    private const int OptionBeginMask = 0, OptionEndMask = 1, OptionEllipsisMask = 2, OptionNewAxisMask = 3, OptionShrinkAxisMask = 4, OptionOffset = 5;
    private const int MaxDimensions = 5;

    private static readonly ElementType[] IndexTypes = { ElementType.Int32, ElementType.Int64 };

    public StridedSlice()
        : base(BuiltinOperator.StridedSlice)
    {
    }

    // Data of every type; begin, end and strides each int32 or int64.
    public override TypeSupport Types { get; } = TypeSupport.AnyType(type =>
        (from begin in IndexTypes
         from end in IndexTypes
         from strides in IndexTypes
         select (new ElementType?[] { type, begin, end, strides }, new[] { type })).ToArray()).WithInputNames("input", "begin", "end", "strides");

    public override string Notes => "up to 5-D; constant int32 or int64 begin/end/strides, begin/end/shrink masks, negative strides, offset";

    protected override StridedSliceLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 4 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, begin, end, strides) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? begin = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        int[]? end = ShapeMath.IntegerConstant(context, op.Inputs[2]);
        int[]? strides = ShapeMath.IntegerConstant(context, op.Inputs[3]);
        if (begin is null || end is null || strides is null)
        {
            context.ReportUnsupported(op, "begin, end and strides must be constant int32 or int64 tensors");
            return null;
        }
        FlatTable? options = op.BuiltinOptions;
        int beginMask = options?.GetInt(OptionBeginMask) ?? 0, endMask = options?.GetInt(OptionEndMask) ?? 0;
        int ellipsisMask = options?.GetInt(OptionEllipsisMask) ?? 0, newAxisMask = options?.GetInt(OptionNewAxisMask) ?? 0;
        int shrinkMask = options?.GetInt(OptionShrinkAxisMask) ?? 0;
        bool offset = options?.GetBool(OptionOffset) ?? false;
        if (ellipsisMask != 0 || newAxisMask != 0)
        {
            context.ReportUnsupported(op, $"ellipsis_mask ({ellipsisMask}) and new_axis_mask ({newAxisMask}) must be 0: TFLM does not support them");
            return null;
        }
        int rank = input.Shape.Count;
        if (rank > MaxDimensions || begin.Length != rank || end.Length != rank || strides.Length != rank)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} needs one begin, end and stride per dimension (up to {MaxDimensions}), found {begin.Length}, {end.Length} and {strides.Length}");
            return null;
        }
        if (strides.Any(s => s == 0))
        {
            context.ReportUnsupported(op, "stride values must be non-zero");
            return null;
        }

        // Extend to 5 dimensions at the front, as the reference kernel does (StridedSlicePadIndices).
        int pad = MaxDimensions - rank;
        var shape = new int[MaxDimensions];
        var b = new int[MaxDimensions];
        var e = new int[MaxDimensions];
        var s = new int[MaxDimensions];
        for (int k = 0; k < MaxDimensions; k++)
        {
            bool padded = k < pad;
            shape[k] = padded ? 1 : input.Shape[k - pad];
            b[k] = padded ? 0 : begin[k - pad];
            e[k] = padded ? 1 : end[k - pad];
            s[k] = padded ? 1 : strides[k - pad];
        }
        int padMask = (1 << pad) - 1;
        beginMask = (beginMask << pad) | padMask;
        endMask = (endMask << pad) | padMask;
        shrinkMask <<= pad;

        var starts = new int[MaxDimensions];
        var stops = new int[MaxDimensions];
        var counts = new int[MaxDimensions];
        var expectedShape = new List<int>();
        for (int k = 0; k < MaxDimensions; k++)
        {
            starts[k] = StartForAxis(shape[k], b[k], s[k], (beginMask & (1 << k)) != 0);
            stops[k] = EndForAxis(shape[k], e[k], s[k], starts[k], (endMask & (1 << k)) != 0, (shrinkMask & (1 << k)) != 0, offset);
            counts[k] = TripCount(starts[k], stops[k], s[k]);
            if (k >= pad && (shrinkMask & (1 << k)) == 0)
            {
                expectedShape.Add(counts[k]);
            }
        }
        if (!expectedShape.SequenceEqual(output.Shape) && !(expectedShape.Aggregate(1L, (x, y) => x * y) == output.ElementCount && output.ElementCount <= 1))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} does not match the slice of {input.ShapeText}, which is [{string.Join(",", expectedShape)}]");
            return null;
        }

        int[] inputStrides = ShapeMath.Strides(shape);
        int inputOffset = 0;
        for (int k = 0; k < MaxDimensions; k++)
        {
            if (counts[k] > 0)
            {
                inputOffset += starts[k] * inputStrides[k];
            }
        }
        StridedCopy copy = StridedCopy.Create(
            counts.All(c => c > 0) ? inputOffset : 0, 0, counts,
            Enumerable.Range(0, MaxDimensions).Select(k => s[k] * inputStrides[k]).ToArray(),
            ShapeMath.Strides(counts));
        return new StridedSliceLayer(op.Index, new EquatableArray<int>(new[] { op.Inputs[0] }), new EquatableArray<int>(new[] { op.Outputs[0] }),
            starts.Skip(pad).ToEquatableArray(), stops.Skip(pad).ToEquatableArray(), s.Skip(pad).ToEquatableArray(), copy);
    }

    /// <summary>A loop nest with the starts, trip counts and strides resolved at build time.</summary>
    protected override void EmitLayer(SourceWriter writer, StridedSliceLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context.Model);
        writer.OpenBlock(context.Signature(layer));
        StridedCopyWriter.Write(writer, layer.Copy, "input", "output");
        writer.CloseBlock();
    }

    private static void WriteSummary(SourceWriter writer, StridedSliceLayer layer, ModelSpec model)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, STRIDED_SLICE: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Per input axis, from [{string.Join(", ", layer.Begin)}] to [{string.Join(", ", layer.End)}] (exclusive) in steps of [{string.Join(", ", layer.Strides)}];");
        writer.WriteLine($"/// masks and negative indices were resolved at build time: {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
    }

    private static int Clamp(int v, int lo, int hi) => hi < v ? hi : v < lo ? lo : v;

    /// <summary>TFLite's <c>StridedSliceStartForAxis</c>: the first index read on an axis.</summary>
    internal static int StartForAxis(int axisSize, int start, int stride, bool beginMask)
    {
        if (start < 0)
        {
            start += axisSize;
        }
        start = stride > 0 ? Clamp(start, 0, axisSize) : Clamp(start, -1, axisSize - 1);
        if (beginMask)
        {
            start = stride > 0 ? 0 : axisSize - 1;
        }
        return start;
    }

    /// <summary>TFLite's <c>StridedSliceEndForAxis</c>: the index, in the stride's direction, where reading stops.</summary>
    internal static int EndForAxis(int axisSize, int end, int stride, int start, bool endMask, bool shrink, bool offset)
    {
        if (shrink)
        {
            return start >= axisSize ? start : start + 1;
        }
        if (offset)
        {
            end += start;
        }
        if (end < 0)
        {
            end += axisSize;
        }
        end = stride > 0 ? Clamp(end, 0, axisSize) : Clamp(end, -1, axisSize - 1);
        if (endMask)
        {
            end = stride > 0 ? axisSize : -1;
        }
        return end;
    }

    /// <summary>How often the reference kernel's loop <c>for (i = start; stride &gt; 0 ? i &lt; stop : i &gt; stop; i += stride)</c> runs.</summary>
    internal static int TripCount(int start, int stop, int stride)
    {
        long span = stride > 0 ? (long)stop - start : (long)start - stop;
        long step = Math.Abs((long)stride);
        return span <= 0 ? 0 : (int)((span + step - 1) / step);
    }
}

/// <summary>STRIDED_SLICE: the output is written in order from input positions start + k · stride on each axis, all resolved at build time.</summary>
/// <param name="Begin">The resolved first index on each input axis.</param>
/// <param name="End">The resolved end (exclusive, in the stride's direction) on each input axis.</param>
/// <param name="Strides">The step on each input axis (may be negative).</param>
internal sealed record StridedSliceLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    EquatableArray<int> Begin,
    EquatableArray<int> End,
    EquatableArray<int> Strides,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, "STRIDED_SLICE", Inputs, Outputs)
{
    public override long MacCount => 0;
}
