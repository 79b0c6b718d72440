using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// Collects the sources, outputs and copies of a <see cref="CopyLayer"/> while an operator is lowered:
/// a source that is constant in the model becomes a constant of the class, any other a run-time input.
/// </summary>
internal sealed class CopyPlan
{
    private readonly LoweringContext _context;
    private readonly TfliteOperator _op;
    private readonly List<int> _inputs = new();
    private readonly List<string> _constants = new();
    private readonly List<int> _outputs = new();
    private readonly List<(int Source, int Output, StridedCopy Copy)> _steps = new();
    private readonly Dictionary<int, int> _sources = new();

    public CopyPlan(LoweringContext context, TfliteOperator op)
    {
        _context = context;
        _op = op;
    }

    /// <summary>A shape as diagnostics write it, such as <c>[1,4,4,3]</c>.</summary>
    public static string ShapeText(IReadOnlyList<int> shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>A C# expression to fill output 0 with before the copies, or null.</summary>
    public string? Fill { get; set; }

    /// <summary>The source for a tensor of the model (a run-time value, or a constant added to the class).</summary>
    public int Source(int tensorIndex)
    {
        if (_sources.TryGetValue(tensorIndex, out int existing))
        {
            return existing;
        }
        int source;
        if (_context.IsConstant(tensorIndex))
        {
            TfliteTensor tensor = _context.Tensor(tensorIndex);
            ElementType type = _context.ElementTypeOf(tensorIndex)!.Value;
            _constants.Add(_context.AddConstant($"Layer{_op.Index}Tensor{tensorIndex}", type, _context.ConstantBytes(tensorIndex).ToArray(),
                $"constant '{tensor.Name}', {type.ModelName()}[{string.Join(",", tensor.Shape)}]"));
            source = -_constants.Count;
        }
        else
        {
            _context.Value(tensorIndex);
            _inputs.Add(tensorIndex);
            source = _inputs.Count - 1;
        }
        _sources.Add(tensorIndex, source);
        return source;
    }

    /// <summary>A source holding values computed here, such as SHAPE's output.</summary>
    public int Constant(ElementType type, byte[] data, string description)
    {
        _constants.Add(_context.AddConstant($"Layer{_op.Index}Values{_constants.Count}", type, data, description));
        return -_constants.Count;
    }

    /// <summary>
    /// The C# expression for the first element of a source in the method <see cref="CopyOperator"/> writes,
    /// where run-time inputs are its parameters and constants its locals <c>constant0</c>, <c>constant1</c>, ...
    /// </summary>
    public static string FirstElement(int source) => (source >= 0 ? Emitting.EmitContext.InputName(source) : "constant" + (-source - 1)) + "[0]";

    /// <summary>The position of an output of the model among the layer's outputs.</summary>
    public int Output(int tensorIndex)
    {
        int position = _outputs.IndexOf(tensorIndex);
        if (position < 0)
        {
            _context.Value(tensorIndex);
            _outputs.Add(tensorIndex);
            position = _outputs.Count - 1;
        }
        return position;
    }

    /// <summary>Adds a copy; an empty one is left out.</summary>
    public void Copy(int source, int output, StridedCopy copy)
    {
        if (copy.ElementCount > 0)
        {
            _steps.Add((source, output, copy));
        }
    }

    /// <summary>The layer, with constant sources numbered after the run-time inputs.</summary>
    public CopyLayer Build(string operatorName, string summary) =>
        new(_op.Index, operatorName, _inputs.ToEquatableArray(), _outputs.ToEquatableArray(), summary, _constants.ToEquatableArray(), Fill,
            _steps.Select(s => new CopyStep(s.Source >= 0 ? s.Source : _inputs.Count - s.Source - 1, s.Output, s.Copy)).ToEquatableArray());
}
