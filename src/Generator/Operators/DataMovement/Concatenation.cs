using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// CONCATENATION (TFLM concatenation.cc, reference/concatenation.h): any number of inputs, run-time
/// or constant, of any element type, along any axis (negative counts from the end), without a fused
/// activation (TFLM requires NONE). Like TFLM, quantized inputs are copied as they are, not
/// requantized: TFLite's quantizer gives every input of a CONCATENATION the output's scale and zero point.
/// </summary>
internal sealed class Concatenation : OperatorDefinition<ConcatenationLayer>
{
    // ConcatenationOptions field ids (schema.fbs).
    private const int OptionAxis = 0, OptionActivation = 1;

    public Concatenation()
        : base(BuiltinOperator.Concatenation)
    {
    }

    // Any number of inputs, each of the output's type.
    public override TypeSupport Types { get; } = TypeSupport.AnyType(type => new[] { (new ElementType?[] { type }, new[] { type }) }, variadic: true);

    public override string Notes => "any axis, run-time or constant inputs, copied without requantization as in TFLM";

    protected override ConcatenationLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        int rank = output.Shape.Count;
        int axis = op.BuiltinOptions?.GetInt(OptionAxis) ?? 0;
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (activation != FusedActivation.None)
        {
            context.ReportUnsupported(op, $"fused activation {activation} is not supported; TFLM requires NONE");
            return null;
        }
        if (axis < 0)
        {
            axis += rank;
        }
        if (axis < 0 || axis >= rank)
        {
            context.ReportUnsupported(op, $"axis {op.BuiltinOptions?.GetInt(OptionAxis) ?? 0} is outside the {rank} dimensions of the output {output.ShapeText}");
            return null;
        }

        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= output.Shape[d];
        }
        for (int d = axis + 1; d < rank; d++)
        {
            inner *= output.Shape[d];
        }
        var runtimeInputs = new List<int>();
        var blocks = new List<int>();
        var sources = new List<string>();
        int axisTotal = 0;
        for (int i = 0; i < op.Inputs.Count; i++)
        {
            int index = op.Inputs[i];
            TfliteTensor tensor = context.Tensor(index);
            bool fits = tensor.Shape.Count == rank;
            for (int d = 0; fits && d < rank; d++)
            {
                fits = d == axis || tensor.Shape[d] == output.Shape[d];
            }
            if (!fits)
            {
                context.ReportUnsupported(op, $"input {i} [{string.Join(",", tensor.Shape)}] does not fit the output {output.ShapeText} along axis {axis}");
                return null;
            }
            axisTotal += tensor.Shape[axis];
            blocks.Add(tensor.Shape[axis] * inner);
            if (context.IsConstant(index))
            {
                sources.Add(context.AddConstant($"Layer{op.Index}Input{i}", output.Type, context.ConstantBytes(index).ToArray(),
                    $"constant input {i} '{tensor.Name}', {output.Type.ModelName()}[{string.Join(",", tensor.Shape)}]"));
            }
            else
            {
                context.Value(index);
                runtimeInputs.Add(index);
                sources.Add(string.Empty);
            }
        }
        if (axisTotal != output.Shape[axis])
        {
            context.ReportUnsupported(op, $"the inputs add up to {axisTotal} along axis {axis} but the output {output.ShapeText} has {output.Shape[axis]}");
            return null;
        }
        return new ConcatenationLayer(op.Index, runtimeInputs.ToEquatableArray(), new EquatableArray<int>(new[] { op.Outputs[0] }),
            axis, outer, blocks.ToEquatableArray(), sources.ToEquatableArray());
    }

    /// <summary>For each slice before the axis, each input's block is copied after the previous one.</summary>
    protected override void EmitLayer(SourceWriter writer, ConcatenationLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        int total = 0;
        foreach (int block in layer.BlockSizes)
        {
            total += block;
        }
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CONCATENATION of {layer.BlockSizes.Count} input(s) along axis {layer.Axis} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {layer.Outer} slice(s) of {total} elements, made of blocks of [{string.Join(", ", layer.BlockSizes)}] elements; values are copied as they are, as TFLM does.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        var sources = new List<string>();
        int runtime = 0;
        for (int i = 0; i < layer.BlockSizes.Count; i++)
        {
            if (layer.ConstantSources[i].Length == 0)
            {
                sources.Add(EmitContext.InputName(runtime++));
            }
            else
            {
                string local = "constant" + i;
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{output.Type.CSharpName()}> {local} = {context.Constant(layer.ConstantSources[i])};");
                sources.Add(local);
            }
        }
        bool loop = layer.Outer > 1;
        if (loop)
        {
            writer.OpenBlock($"for (int s = 0; s < {layer.Outer}; s++)");
        }
        int offset = 0;
        for (int i = 0; i < layer.BlockSizes.Count; i++)
        {
            int block = layer.BlockSizes[i];
            if (block == 0)
            {
                continue;
            }
            string from = loop ? $"s * {block}" : "0";
            string to = loop ? $"s * {total} + {offset}" : Literals.Int(offset);
            writer.WriteLine($"{sources[i]}.Slice({from}, {block}).CopyTo(output.Slice({to}, {block}));");
            offset += block;
        }
        if (loop)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}

/// <summary>
/// CONCATENATION along one axis: for each of <see cref="Outer"/> slices, the inputs' blocks of
/// <c>BlockSizes[i]</c> elements are copied one after the other.
/// </summary>
/// <param name="Axis">The (non-negative) axis.</param>
/// <param name="Outer">The product of the dimensions before the axis.</param>
/// <param name="BlockSizes">For each input, its dimension on the axis times the dimensions after it.</param>
/// <param name="ConstantSources">For each input, the constant it is read from, or "" for a run-time input (taken in order from the layer's inputs).</param>
internal sealed record ConcatenationLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int Axis,
    int Outer,
    EquatableArray<int> BlockSizes,
    EquatableArray<string> ConstantSources)
    : LayerSpec(NodeIndex, "CONCATENATION", Inputs, Outputs)
{
    public override long MacCount => 0;
}
