using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Variables;

/// <summary>
/// VAR_HANDLE (TFLM var_handle.cc): names a resource variable by <c>container</c> and <c>shared_name</c>.
/// TFLM writes the variable's id into its output at run time; TinyModel resolves every handle to its
/// variable's state buffer at build time (<see cref="ResourceVariables"/>), so the node leaves no code.
/// </summary>
internal sealed class VarHandle : OperatorDefinition<VariableCopyLayer>
{
    public VarHandle()
        : base(BuiltinOperator.VarHandle)
    {
    }

    // Its one output is a resource handle, which has no element type.
    public override TypeSupport Types { get; } = TypeSupport.Operands("no input; a resource handle out", (new ElementType?[0], new ElementType[0]));

    public override string Notes => "resolved at build time: each variable becomes a state buffer of the class";

    protected override VariableCopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 0 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected no input and one output (the handle), found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
        }
        return null;
    }

    protected override void EmitLayer(SourceWriter writer, VariableCopyLayer layer, EmitContext context)
    {
        // Never called: the lowering makes no layer.
    }
}
