using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// The operators that only change a tensor's shape (RESHAPE, SQUEEZE, EXPAND_DIMS), lowered to views.
/// The output's static shape is authoritative; RESHAPE's shape tensor and EXPAND_DIMS's axis are not
/// read at run time, as shapes are fixed when the model is compiled.
/// </summary>
internal abstract class ViewOperator : OperatorDefinition<ViewLayer>
{
    // Data of every type; the second operand (RESHAPE's shape, EXPAND_DIMS's axis) is never read, so it
    // may be omitted or of any type.
    private static readonly TypeSupport DataOfAnyTypeShapeNotRead = TypeSupport.AnyType(type =>
        new[] { (new ElementType?[] { type, null }, new[] { type }) }
            .Concat(TypeSupport.AllTypes.Select(shapeType => (new ElementType?[] { type, shapeType }, new[] { type })))
            .ToArray());

    protected ViewOperator(int code)
        : base(code)
    {
    }

    public override TypeSupport Types => DataOfAnyTypeShapeNotRead;

    public override string Notes => "a view of its input: no copy";

    protected override ViewLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 1 || op.Inputs[0] < 0 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, "it needs one data input and one output");
            return null;
        }
        if (context.IsConstant(op.Inputs[0]))
        {
            context.ReportUnsupported(op, "its input is a constant; TinyModel supports shape operators on run-time tensors");
            return null;
        }

        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (input.ElementCount != output.ElementCount)
        {
            context.ReportUnsupported(op,
                $"its input {input.Type.ModelName()}{input.ShapeText} and output {output.Type.ModelName()}{output.ShapeText} differ in element count");
            return null;
        }
        return new ViewLayer(op.Index, Name, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray());
    }

    /// <summary>
    /// Writes a view layer's method only when the planner could not share storage (a model input
    /// returned as an output): then it is a copy. A shared view has no method: Invoke notes it.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, ViewLayer layer, EmitContext context)
    {
        if (context.IsElided(layer))
        {
            return;
        }
        ValueSpec input = context.Model.Value(layer.Source);
        ValueSpec output = context.Model.Value(layer.View);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine("/// Both tensors are the caller's spans, so the bytes are copied.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine("input.CopyTo(output);");
        writer.CloseBlock();
    }

    /// <summary>As <see cref="EmitLayer"/>: a shared view has no method, two caller's arrays get a copy.</summary>
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, ViewLayer layer, NanoEmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Source);
        ValueSpec output = context.Model.Value(layer.View);
        writer.WriteLine($"/// <summary>Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, copied (the tensors are in different arrays).</summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::System.Array.Copy(input, inputOffset, output, outputOffset, {output.ElementCount});");
        writer.CloseBlock();
    }
}

/// <summary>RESHAPE (TFLM reshape.cc): the output's static shape is used; the shape operand is not read.</summary>
internal sealed class Reshape : ViewOperator
{
    public Reshape()
        : base(BuiltinOperator.Reshape)
    {
    }
}

/// <summary>SQUEEZE (TFLM squeeze.cc): the output's static shape says which dimensions of size 1 are gone.</summary>
internal sealed class Squeeze : ViewOperator
{
    public Squeeze()
        : base(BuiltinOperator.Squeeze)
    {
    }
}

/// <summary>EXPAND_DIMS (TFLM expand_dims.cc): the output's static shape is used; the axis operand is not read.</summary>
internal sealed class ExpandDims : ViewOperator
{
    public ExpandDims()
        : base(BuiltinOperator.ExpandDims)
    {
    }
}

/// <summary>
/// RESHAPE, SQUEEZE, EXPAND_DIMS: the output holds the input's bytes under another shape. The planner
/// gives both one storage, so the layer costs nothing; only when both are the caller's spans (a model
/// input returned as an output) does it become a copy.
/// </summary>
internal sealed record ViewLayer(int NodeIndex, string OperatorName, EquatableArray<int> Inputs, EquatableArray<int> Outputs)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    public int Source => Inputs[0];

    public int View => Outputs[0];

    public override long MacCount => 0;
}
