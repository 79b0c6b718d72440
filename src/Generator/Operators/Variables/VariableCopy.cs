using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Variables;

/// <summary>
/// READ_VARIABLE and ASSIGN_VARIABLE: a copy between a tensor and a resource variable's state buffer, which
/// TFLM makes with one <c>memcpy</c> of the variable's bytes. The variable's type and size come from its first
/// ASSIGN_VARIABLE; every read and assignment must match them (TFLM only asserts it in debug builds).
/// </summary>
internal abstract class VariableCopy : OperatorDefinition<VariableCopyLayer>
{
    private readonly bool _assign;

    protected VariableCopy(int code, bool assign)
        : base(code)
    {
        _assign = assign;
    }

    protected override VariableCopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        (int inputs, int outputs) = _assign ? (2, 0) : (1, 1);
        if (op.Inputs.Count != inputs || op.Outputs.Count != outputs || op.Inputs[0] < 0 || (_assign && op.Inputs[1] < 0))
        {
            context.ReportUnsupported(op, $"expected {(_assign ? "a resource handle and a value, and no output" : "a resource handle and one output")}, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        if (context.Tensor(op.Inputs[0]).Type != TfliteTensorType.Resource)
        {
            context.ReportUnsupported(op, $"input 0, tensor {context.TensorLabel(op.Inputs[0])} '{context.Tensor(op.Inputs[0]).Name}', is not a resource handle");
            return null;
        }
        if (context.Resources.State(op, op.Inputs[0]) is not ValueSpec state)
        {
            return null;
        }
        int tensor = _assign ? op.Inputs[1] : op.Outputs[0];
        TfliteTensor value = context.Tensor(tensor);
        ElementType? type = context.ElementTypeOf(tensor);
        long count = value.Shape.Aggregate(1L, (product, d) => product * d);
        if (type != state.Type || count != state.ElementCount)
        {
            context.ReportUnsupported(op, $"tensor '{value.Name}' is {type?.ModelName()}{CopyPlan.ShapeText(value.Shape)} but the {state.Name} is {state.Describe()}; they must match in type and size");
            return null;
        }
        if (!_assign)
        {
            return new VariableCopyLayer(op.Index, Name, new[] { state.Id }.ToEquatableArray(), new[] { context.Value(tensor).Id }.ToEquatableArray(), null);
        }
        // A constant value (the usual first assignment, in a CALL_ONCE's init subgraph) is copied from the assembly.
        string? constant = context.IsConstant(tensor)
            ? context.AddConstant($"Layer{op.Index}Value", state.Type, context.ConstantBytes(tensor).ToArray(), $"the value '{value.Name}' assigned to the {state.Name}")
            : null;
        EquatableArray<int> source = constant is null ? new[] { context.Value(tensor).Id }.ToEquatableArray() : EquatableArray<int>.Empty;
        return new VariableCopyLayer(op.Index, Name, source, new[] { state.Id }.ToEquatableArray(), constant);
    }

    protected override void EmitLayer(SourceWriter writer, VariableCopyLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string source = layer.Constant is null ? $"<c>{Literals.Xml(context.Model.Value(layer.Inputs[0]).Name)}</c>" : "a constant";
        writer.WriteLine("/// <summary>");
        writer.WriteLine(_assign
            ? $"/// Node {layer.NodeIndex}, ASSIGN_VARIABLE: copies {source} into the {Literals.Xml(output.Name)}, {Literals.Xml(output.Describe())}, kept between calls."
            : $"/// Node {layer.NodeIndex}, READ_VARIABLE: copies the {Literals.Xml(context.Model.Value(layer.Inputs[0]).Name)}, {Literals.Xml(output.Describe())}, into <c>{Literals.Xml(output.Name)}</c>.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{(layer.Constant is null ? EmitContext.InputName(0) : context.Constant(layer.Constant))}.CopyTo({EmitContext.OutputName(0)});");
        writer.CloseBlock();
    }
}

/// <summary>READ_VARIABLE: copies a resource variable's value into its output.</summary>
internal sealed class ReadVariable : VariableCopy
{
    public ReadVariable()
        : base(BuiltinOperator.ReadVariable, assign: false)
    {
    }

    // Input 0 is a resource handle, which has no element type.
    public override TypeSupport Types { get; } = TypeSupport.AnyType(type => new[] { (new ElementType?[] { null }, new[] { type }) }).WithInputNames("handle");

    public override string Notes => "a copy of the variable's state buffer";
}

/// <summary>ASSIGN_VARIABLE: copies its value into a resource variable.</summary>
internal sealed class AssignVariable : VariableCopy
{
    public AssignVariable()
        : base(BuiltinOperator.AssignVariable, assign: true)
    {
    }

    // Input 0 is a resource handle, which has no element type.
    public override TypeSupport Types { get; } = TypeSupport.AnyType(type => new[] { (new ElementType?[] { null, type }, new ElementType[0]) }).WithInputNames("handle", "input");

    public override string Notes => "the first assignment, in subgraph and node order, sizes the variable, which starts at zeros or, when quantized, its zero point's low byte, as in TFLM";
}

/// <summary>A copy between a tensor and a resource variable's state buffer (a variable value of the class).</summary>
/// <param name="Constant">The constant an ASSIGN_VARIABLE copies, by its name in the Constants class; null when it copies its input.</param>
internal sealed record VariableCopyLayer(int NodeIndex, string OperatorNameText, EquatableArray<int> Inputs, EquatableArray<int> Outputs, string? Constant)
    : LayerSpec(NodeIndex, OperatorNameText, Inputs, Outputs)
{
    public override long MacCount => 0;
}
