using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// TRANSPOSE (TFLM transpose.cc, reference/transpose.h): any permutation, given as a constant int32
/// or int64 tensor, of a tensor of any element type and rank. The permutation becomes a loop nest over
/// the output with literal input strides.
/// </summary>
internal sealed partial class Transpose : OperatorDefinition<TransposeLayer>
{
    public Transpose()
        : base(BuiltinOperator.Transpose)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.AnyType(type => new[]
    {
        (new ElementType?[] { type, ElementType.Int32 }, new[] { type }),
        (new ElementType?[] { type, ElementType.Int64 }, new[] { type }),
    }).WithInputNames("input", "perm");

    public override string Notes => "constant int32 or int64 permutation, any rank";

    protected override TransposeLayer? LowerLayer(LoweringContext context, TfliteOperator op)
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

    /// <summary>
    /// A loop nest over the output in memory order, reading the input with literal strides; or, for one-byte values
    /// whose transpose interleaves a few whole planes (channels-first to channels-last), the runtime's vector kernel
    /// (mobilenet_v2's 3 × 224 × 224 input: 83 µs element by element).
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, TransposeLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context.Model);
        writer.OpenBlock(context.Signature(layer));
        StridedCopy copy = layer.Copy;
        ElementType type = context.Model.Value(layer.Inputs[0]).Type;
        bool interleaves = copy.Counts.Count == 2 && copy.InputOffset == 0 && copy.OutputOffset == 0
            && copy.InputStrides[0] == 1 && copy.InputStrides[1] == copy.Counts[0] && copy.OutputStrides[0] == copy.Counts[1] && copy.OutputStrides[1] == 1;
        if (interleaves && type is ElementType.Int8 or ElementType.UInt8)
        {
            string bytes = "global::System.Runtime.InteropServices.MemoryMarshal.AsBytes";
            writer.WriteLine($"global::TinyModel.InterleaveKernels.Interleave({bytes}(input), {Literals.Int(copy.Counts[1])}, {bytes}(output));");
        }
        else
        {
            StridedCopyWriter.Write(writer, copy, "input", "output");
        }
        writer.CloseBlock();
    }

    private static void WriteSummary(SourceWriter writer, TransposeLayer layer, ModelSpec model)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, TRANSPOSE: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, permutation [{string.Join(", ", layer.Permutation)}].");
        writer.WriteLine($"/// Output dimension d is input dimension perm[d]: {Literals.Xml(StridedCopyWriter.Describe(layer.Copy))}.");
        writer.WriteLine("/// </summary>");
    }
}

/// <summary>TRANSPOSE: <c>output[i_0, ..., i_n] = input[j]</c> with <c>j_perm[d] = i_d</c>, as a loop nest over the output in memory order.</summary>
/// <param name="Permutation">Output dimension d takes input dimension <c>Permutation[d]</c>.</param>
internal sealed record TransposeLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    EquatableArray<int> Permutation,
    StridedCopy Copy)
    : LayerSpec(NodeIndex, "TRANSPOSE", Inputs, Outputs)
{
    public override long MacCount => 0;
}
