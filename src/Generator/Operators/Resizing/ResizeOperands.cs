using System.Collections.Generic;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Resizing;

/// <summary>
/// The operands RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: a 4-D NHWC input and a constant int32
/// size [height, width] that the output's static shape must match, as TFLM's Prepare requires.
/// </summary>
/// <param name="Batches">Images in the batch.</param>
/// <param name="InputHeight">Input rows.</param>
/// <param name="InputWidth">Input columns.</param>
/// <param name="Channels">Channels per pixel.</param>
/// <param name="OutputHeight">Output rows.</param>
/// <param name="OutputWidth">Output columns.</param>
internal sealed record ResizeOperands(int Batches, int InputHeight, int InputWidth, int Channels, int OutputHeight, int OutputWidth)
{
    /// <summary>Reads and checks the operands; reports and returns null when they do not fit.</summary>
    public static ResizeOperands? Read(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (input, size) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? size = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (size is not { Length: 2 } || size[0] < 1 || size[1] < 1)
        {
            context.ReportUnsupported(op, "the size must be a constant int32 tensor [height, width] of positive values");
            return null;
        }
        if (input.Count != 4 || output.Shape.Count != 4 || output.Shape[0] != input[0] || output.Shape[3] != input[3]
            || output.Shape[1] != size[0] || output.Shape[2] != size[1] || input[1] < 1 || input[2] < 1)
        {
            context.ReportUnsupported(op, $"needs a 4-D NHWC input (found {CopyPlan.ShapeText(input)}) and an output of its batches and channels at the size [{size[0]},{size[1]}] (found {output.ShapeText})");
            return null;
        }
        return new ResizeOperands(input[0], input[1], input[2], input[3], size[0], size[1]);
    }

    /// <summary>Elements per input image.</summary>
    public int InputImage => InputHeight * InputWidth * Channels;

    /// <summary>Elements per input row.</summary>
    public int InputRow => InputWidth * Channels;
}
