using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>The checks the row-wise normalizations (LOG_SOFTMAX, L2_NORMALIZATION) start with.</summary>
internal static class RowOperands
{
    /// <summary>
    /// The input and output of one shape, of 1 to <paramref name="maxRank"/> dimensions, walked as
    /// <c>Outer</c> rows of the last dimension; or null after reporting why not.
    /// </summary>
    public static (ValueSpec Input, ValueSpec Output, int Outer, int Depth)? Get(LoweringContext context, TfliteOperator op, int maxRank = int.MaxValue)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        if (!input.Shape.SequenceEqual(output.Shape) || input.Shape.Count == 0 || input.Shape.Count > maxRank)
        {
            string ranks = maxRank == int.MaxValue ? "at least one dimension" : $"1 to {maxRank} dimensions";
            context.ReportUnsupported(op, $"the input {input.ShapeText} and the output {output.ShapeText} must have one shape of {ranks}, as TFLM requires");
            return null;
        }
        int depth = input.Shape[input.Shape.Count - 1];
        return (input, output, depth == 0 ? 0 : input.ElementCount / depth, depth);
    }
}
