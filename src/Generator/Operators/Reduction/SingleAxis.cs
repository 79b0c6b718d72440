using System;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>
/// The one constant axis ARG_MAX, ARG_MIN and CUMSUM work along (their second input), resolved against the
/// input's rank, and the input seen as [<see cref="Before"/>, axis, <see cref="After"/>].
/// </summary>
internal readonly record struct SingleAxis(int Axis, int Before, int After)
{
    /// <summary>Reads and resolves the axis (negative counts from the end); reports and returns null when it is not one constant within the rank.</summary>
    public static SingleAxis? Resolve(LoweringContext context, TfliteOperator op, ValueSpec input)
    {
        int rank = input.Shape.Count;
        int[]? values = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (values is not { Length: 1 } || values[0] < -rank || values[0] >= rank)
        {
            context.ReportUnsupported(op, $"the axis must be one constant int32 value within the {rank} dimensions of the input {input.ShapeText}");
            return null;
        }
        int axis = values[0] < 0 ? values[0] + rank : values[0];
        int before = 1, after = 1;
        for (int d = 0; d < axis; d++)
        {
            before *= input.Shape[d];
        }
        for (int d = axis + 1; d < rank; d++)
        {
            after *= input.Shape[d];
        }
        return new SingleAxis(axis, before, after);
    }

    /// <summary>
    /// Writes a column kernel's calls, one per block before the axis: <paramref name="call"/> makes the call from a
    /// block's input and output spans (the whole tensors when there is one block).
    /// </summary>
    public static void WriteBlockCalls(SourceWriter writer, int before, long inputBlock, long outputBlock, Func<string, string, string> call)
    {
        if (before == 1)
        {
            writer.WriteLine(call("input", "output"));
            return;
        }
        writer.OpenBlock($"for (int outer = 0; outer < {before}; outer++)");
        writer.WriteLine(call($"input.Slice(outer * {inputBlock}, {inputBlock})", $"output.Slice(outer * {outputBlock}, {outputBlock})"));
        writer.CloseBlock();
    }
}
