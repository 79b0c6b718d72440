using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// DEPTH_TO_SPACE and SPACE_TO_DEPTH (TFLM depth_to_space.cc, space_to_depth.cc): 4-D NHWC float32 or
/// int8 tensors rearranged in blocks of block_size × block_size pixels, each a single strided copy of six
/// loops (batch, row, row in block, column, column in block, channel).
/// </summary>
internal abstract class DepthSpaceOperator : CopyOperator
{
    // DepthToSpaceOptions / SpaceToDepthOptions field ids (schema.fbs).
    private const int OptionBlockSize = 0;

    protected DepthSpaceOperator(int code)
        : base(code)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8);

    public override string Notes => "4-D NHWC, any block size";

    /// <summary>Whether depth moves into space (DEPTH_TO_SPACE) rather than space into depth.</summary>
    protected abstract bool MovesDepthToSpace { get; }

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 1, 1, "one input and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int block = op.BuiltinOptions?.GetInt(OptionBlockSize) ?? 0;
        // The space side (rows and columns in pixels) and the depth side (channels of blocks).
        IReadOnlyList<int> space = MovesDepthToSpace ? output.Shape : input;
        IReadOnlyList<int> depth = MovesDepthToSpace ? input : output.Shape;
        if (input.Count != 4 || output.Shape.Count != 4 || block < 1 || space[1] % block != 0 || space[2] % block != 0
            || !new[] { space[0], space[1] / block, space[2] / block, space[3] * block * block }.SequenceEqual(depth))
        {
            context.ReportUnsupported(op, $"the input {CopyPlan.ShapeText(input)} and output {output.ShapeText} are not 4-D tensors rearranged in blocks of {block}");
            return null;
        }
        int batches = space[0], rows = depth[1], columns = depth[2], channels = space[3];
        // Loops: batch, row, row in block, column, column in block, channel; element strides on each side.
        int[] counts = { batches, rows, block, columns, block, channels };
        int[] spaceStrides = { space[1] * space[2] * channels, block * space[2] * channels, space[2] * channels, block * channels, channels, 1 };
        int[] depthStrides = { rows * columns * depth[3], columns * depth[3], block * channels, depth[3], channels, 1 };
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        plan.Copy(source, target, MovesDepthToSpace
            ? StridedCopy.Create(0, 0, counts, depthStrides, spaceStrides)
            : StridedCopy.Create(0, 0, counts, spaceStrides, depthStrides));
        return plan.Build(Name, $"Blocks of {block} × {block} pixels.");
    }
}

/// <summary>DEPTH_TO_SPACE: channel block (by, bx) of a pixel becomes pixel (y·b + by, x·b + bx).</summary>
internal sealed class DepthToSpace : DepthSpaceOperator
{
    /// <summary>TFLite's builtin code of DEPTH_TO_SPACE (schema.fbs).</summary>
    public const int BuiltinCode = 5;

    public DepthToSpace()
        : base(BuiltinCode)
    {
    }

    protected override bool MovesDepthToSpace => true;
}

/// <summary>SPACE_TO_DEPTH: pixel (y·b + by, x·b + bx) becomes channel block (by, bx) of pixel (y, x).</summary>
internal sealed class SpaceToDepth : DepthSpaceOperator
{
    /// <summary>TFLite's builtin code of SPACE_TO_DEPTH (schema.fbs).</summary>
    public const int BuiltinCode = 26;

    public SpaceToDepth()
        : base(BuiltinCode)
    {
    }

    protected override bool MovesDepthToSpace => false;
}
