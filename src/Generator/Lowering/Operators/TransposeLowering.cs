using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// TRANSPOSE (TFLM transpose.cc, reference/transpose.h): any permutation, given as a constant int32
/// or int64 tensor, of a tensor of any element type and rank. The permutation becomes a loop nest over
/// the output with literal input strides.
/// </summary>
internal static class TransposeLowering
{
    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, permutation) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        int[]? perm = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (perm is null)
        {
            context.ReportUnsupported(op, "the permutation must be a constant int32 or int64 tensor");
            return null;
        }
        int rank = input.Shape.Count;
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
        {
            context.ReportUnsupported(op, $"[{string.Join(",", perm)}] is not a permutation of the {rank} dimensions of the input {input.ShapeText}");
            return null;
        }
        if (input.Type != output.Type)
        {
            context.ReportUnsupported(op, $"the input is {input.Type.ModelName()} but the output {output.Type.ModelName()}; TRANSPOSE keeps the type");
            return null;
        }
        int[] expected = perm.Select(p => input.Shape[p]).ToArray();
        if (!expected.SequenceEqual(output.Shape))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is not the input {input.ShapeText} permuted by [{string.Join(",", perm)}], which gives [{string.Join(",", expected)}]");
            return null;
        }
        int[] inputStrides = ShapeMath.Strides(input.Shape.ToArray());
        int[] outputStrides = ShapeMath.Strides(expected);
        StridedCopy copy = StridedCopy.Create(0, 0, expected, perm.Select(p => inputStrides[p]).ToArray(), outputStrides);
        return new TransposeLayer(op.Index, new EquatableArray<int>(new[] { op.Inputs[0] }), new EquatableArray<int>(new[] { op.Outputs[0] }),
            perm.ToEquatableArray(), copy);
    }
}
