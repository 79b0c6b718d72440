using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The model's resource variables, resolved at build time as TFLM's <c>MicroResourceVariables</c> resolves
/// them when it prepares the model: each VAR_HANDLE names a variable by <c>container</c> and
/// <c>shared_name</c> (a handle without a container matches a variable of any container with that name),
/// and the first ASSIGN_VARIABLE of a variable, in subgraph and node order, gives its type, size and
/// starting value: zeros, or the low byte of its zero point repeated when that tensor is quantized. Each
/// variable becomes a state buffer of the class, kept from one <c>Invoke</c> to the next.
/// </summary>
internal sealed class ResourceVariables
{
    private const int OptionContainer = 0, OptionSharedName = 1; // VarHandleOptions

    private readonly LoweringContext _context;
    private readonly List<(string? Container, string SharedName)> _variables = new();
    private readonly Dictionary<int, int> _handles = new(); // handle tensor -> variable
    private readonly Dictionary<int, int> _firstAssignedValue = new(); // variable -> value tensor of its first ASSIGN_VARIABLE
    private readonly Dictionary<int, ValueSpec> _state = new();

    public ResourceVariables(LoweringContext context)
    {
        _context = context;
        foreach (TfliteOperator op in context.Graph.Operators)
        {
            int code = context.Model.OperatorCodes[op.OpcodeIndex].BuiltinCode;
            if (code == BuiltinOperator.VarHandle && op.Outputs.Count == 1)
            {
                _handles[op.Outputs[0]] = Find(op.BuiltinOptions?.GetString(OptionContainer), op.BuiltinOptions?.GetString(OptionSharedName) ?? string.Empty);
            }
            else if (code == BuiltinOperator.AssignVariable && op.Inputs.Count == 2 && op.Inputs[1] >= 0
                && _handles.TryGetValue(op.Inputs[0], out int variable) && !_firstAssignedValue.ContainsKey(variable))
            {
                _firstAssignedValue[variable] = op.Inputs[1];
            }
        }
    }

    /// <summary>The variable a handle tensor refers to, as its name, or null when no VAR_HANDLE of the same subgraph wrote it.</summary>
    public string? NameOf(int handle) => _handles.TryGetValue(handle, out int variable) ? Describe(variable) : null;

    /// <summary>
    /// The state buffer of the variable <paramref name="handle"/> refers to, or null after reporting why there is
    /// none (a handle that no VAR_HANDLE of its subgraph wrote; a variable that nothing assigns, which TFLM cannot read).
    /// </summary>
    public ValueSpec? State(TfliteOperator op, int handle)
    {
        if (!_handles.TryGetValue(handle, out int variable))
        {
            _context.ReportUnsupported(op, $"its resource handle, tensor {_context.TensorLabel(handle)} '{_context.Tensor(handle).Name}', is not the output of a VAR_HANDLE of the same subgraph; TinyModel resolves each handle to its variable at build time");
            return null;
        }
        if (_state.TryGetValue(variable, out ValueSpec? state))
        {
            return state;
        }
        if (!_firstAssignedValue.TryGetValue(variable, out int value) || _context.ElementTypeOf(value) is not ElementType type)
        {
            _context.ReportUnsupported(op, $"resource variable {Describe(variable)} is never assigned: TFLM sizes a variable by its first ASSIGN_VARIABLE and cannot read one without it");
            return null;
        }
        TfliteTensor tensor = _context.Tensor(value);
        QuantizationSpec? quantization = _context.QuantizationOf(value);
        // MicroResourceVariables::Allocate: memset with the zero point cast to int8 when the tensor is quantized, else 0.
        byte fill = quantization is { } q ? unchecked((byte)(sbyte)q.ZeroPoint) : (byte)0;
        state = _context.StateValue($"resource variable {Describe(variable)}", type, tensor.Shape.ToArray(), quantization, fill);
        _state[variable] = state;
        return state;
    }

    private int Find(string? container, string sharedName)
    {
        // MicroResourceVariables::FindId, then CreateIdIfNoneFound.
        for (int i = 0; i < _variables.Count; i++)
        {
            if ((container is null || container == _variables[i].Container) && sharedName == _variables[i].SharedName)
            {
                return i;
            }
        }
        _variables.Add((container, sharedName));
        return _variables.Count - 1;
    }

    private string Describe(int variable) =>
        _variables[variable].Container is { Length: > 0 } container ? $"'{container}/{_variables[variable].SharedName}'" : $"'{_variables[variable].SharedName}'";
}
