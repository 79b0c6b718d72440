using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND (TFLM batch_to_space_nd.cc, space_to_batch_nd.cc,
/// reference/batch_to_space_nd.h, space_to_batch_nd.h): 3-D or 4-D float32 or int8 tensors, constant
/// block_shape and crops or paddings. Batch b · B + n of the batched side holds the pixels at offset
/// (b / block width, b % block width) of each block of image n; each of the block's offsets becomes
/// one strided copy over the pixels that survive the crops (or are not padding).
/// </summary>
internal abstract class BatchSpaceOperator : CopyOperator
{
    /// <param name="code">The builtin code.</param>
    /// <param name="margins">The third operand's name: crops or paddings.</param>
    protected BatchSpaceOperator(int code, string margins)
        : base(code)
    {
        Types = TypeSupport.Of(
            new[] { ElementType.Float32, ElementType.Int8 }
                .Select(type => (new ElementType?[] { type, ElementType.Int32, ElementType.Int32 }, new[] { type })).ToArray())
            .WithInputNames("input", "block_shape", margins);
    }

    public override TypeSupport Types { get; }

    /// <summary>Whether the batches move into space (BATCH_TO_SPACE_ND) rather than space into batches.</summary>
    protected abstract bool MovesBatchToSpace { get; }

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 3, 1, $"inputs (input, block_shape, {(MovesBatchToSpace ? "crops" : "paddings")}) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? block = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        int[]? margins = ShapeMath.IntegerConstant(context, op.Inputs[2]);
        int spatial = input.Count - 2;
        if (spatial is < 1 or > 2 || output.Shape.Count != input.Count || block is null || margins is null
            || block.Length != spatial || margins.Length != 2 * spatial || block.Any(b => b < 1) || margins.Any(m => m < 0))
        {
            context.ReportUnsupported(op, $"needs a 3-D or 4-D input (found {CopyPlan.ShapeText(input)}) and constant int32 block_shape and {(MovesBatchToSpace ? "crops" : "paddings")} of non-negative values, one (or a pair) per spatial dimension");
            return null;
        }
        // 3-D tensors are [batch, rows, channels]: as TFLM does, they count as one column wide.
        int[] batched = Extend(MovesBatchToSpace ? input : output.Shape);
        int[] image = Extend(MovesBatchToSpace ? output.Shape : input);
        int blockHeight = block[0], blockWidth = spatial == 2 ? block[1] : 1;
        int top = margins[0], left = spatial == 2 ? margins[2] : 0;
        int bottom = margins[1], right = spatial == 2 ? margins[3] : 0;
        int channels = image[3];
        if (batched[0] != image[0] * blockHeight * blockWidth || batched[3] != channels
            || batched[1] * blockHeight != image[1] + top + bottom || batched[2] * blockWidth != image[2] + left + right)
        {
            context.ReportUnsupported(op, $"the input {CopyPlan.ShapeText(input)} and output {output.ShapeText} do not fit block_shape [{string.Join(",", block)}] and {(MovesBatchToSpace ? "crops" : "paddings")} [{string.Join(",", margins)}]");
            return null;
        }

        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        if (!MovesBatchToSpace && margins.Any(m => m != 0))
        {
            // TFLM never sets the pad value (SpaceToBatchParams.output_offset), so its padding is whatever the
            // arena held; on a zeroed arena, as in a fresh interpreter, that is 0.
            plan.Fill = "default";
        }
        int[] batchedStrides = ShapeMath.Strides(batched);
        int[] imageStrides = ShapeMath.Strides(image);
        for (int offset = 0; offset < blockHeight * blockWidth; offset++)
        {
            (int rowStart, int rows) = Surviving(batched[1], blockHeight, offset / blockWidth - top, image[1]);
            (int columnStart, int columns) = Surviving(batched[2], blockWidth, offset % blockWidth - left, image[2]);
            int[] counts = { image[0], rows, columns, channels };
            int batchedOffset = offset * image[0] * batchedStrides[0] + rowStart * batchedStrides[1] + columnStart * batchedStrides[2];
            int imageOffset = (rowStart * blockHeight + offset / blockWidth - top) * imageStrides[1] + (columnStart * blockWidth + offset % blockWidth - left) * imageStrides[2];
            int[] batchedSteps = { batchedStrides[0], batchedStrides[1], batchedStrides[2], 1 };
            int[] imageSteps = { imageStrides[0], blockHeight * imageStrides[1], blockWidth * imageStrides[2], 1 };
            if (rows > 0 && columns > 0)
            {
                plan.Copy(source, target, MovesBatchToSpace
                    ? StridedCopy.Create(batchedOffset, imageOffset, counts, batchedSteps, imageSteps)
                    : StridedCopy.Create(imageOffset, batchedOffset, counts, imageSteps, batchedSteps));
            }
        }
        return plan.Build(Name, $"Block shape [{string.Join(", ", block)}], {(MovesBatchToSpace ? "crops" : "paddings")} [{string.Join(", ", margins)}]"
            + (plan.Fill is null ? "." : "; padding is 0, as TFLM's on a zeroed arena (it leaves the pad value unset)."));
    }

    /// <summary>A 3-D shape [batch, rows, channels] as the 4-D [batch, rows, 1, channels].</summary>
    private static int[] Extend(IReadOnlyList<int> shape) =>
        shape.Count == 4 ? shape.ToArray() : new[] { shape[0], shape[1], 1, shape[2] };

    /// <summary>The range of batched positions i (of <paramref name="count"/>) whose image position i · block + shift lies in [0, size).</summary>
    private static (int Start, int Count) Surviving(int count, int block, int shift, int size)
    {
        int start = 0;
        while (start < count && start * block + shift < 0)
        {
            start++;
        }
        int end = start;
        while (end < count && end * block + shift < size)
        {
            end++;
        }
        return (start, end - start);
    }
}

/// <summary>BATCH_TO_SPACE_ND: the batches interleaved back into the image, then cropped.</summary>
internal sealed class BatchToSpaceNd : BatchSpaceOperator
{
    /// <summary>TFLite's builtin code of BATCH_TO_SPACE_ND (schema.fbs).</summary>
    public const int BuiltinCode = 37;

    public BatchToSpaceNd()
        : base(BuiltinCode, "crops")
    {
    }

    public override string Notes => "3-D or 4-D; constant block_shape and crops";

    protected override bool MovesBatchToSpace => true;
}

/// <summary>SPACE_TO_BATCH_ND: the padded image cut into block offsets, one batch each.</summary>
internal sealed class SpaceToBatchNd : BatchSpaceOperator
{
    /// <summary>TFLite's builtin code of SPACE_TO_BATCH_ND (schema.fbs).</summary>
    public const int BuiltinCode = 38;

    public SpaceToBatchNd()
        : base(BuiltinCode, "paddings")
    {
    }

    public override string Notes => "3-D or 4-D; constant block_shape and paddings (padding is 0: TFLM leaves it unset)";

    protected override bool MovesBatchToSpace => false;
}
