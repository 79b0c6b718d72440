using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Common;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The state of lowering one subgraph: the run-time values and constants created so far and the
/// diagnostics found. Operator lowerings ask it for tensors and report problems through it.
/// </summary>
internal sealed class LoweringContext
{
    private readonly Dictionary<int, ValueSpec> _values = new();
    private readonly List<ConstantSpec> _constants = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ResourceVariables? _resources;
    private PaddingFusion? _fusedPadding;

    /// <param name="model">The model.</param>
    /// <param name="graph">The graph to lower or check: the merged graph of <paramref name="layout"/>, or one subgraph.</param>
    /// <param name="filePath">The model file.</param>
    /// <param name="layout">The subgraphs merged into <paramref name="graph"/>, which diagnostics name nodes and tensors by.</param>
    /// <param name="subgraph">The subgraph <paramref name="graph"/> is, when it is a single one (for diagnostics).</param>
    public LoweringContext(TfliteModel model, TfliteSubgraph graph, string filePath, SubgraphLayout? layout = null, SubgraphLayout.Entry? subgraph = null)
    {
        Model = model;
        Graph = graph;
        FilePath = filePath;
        Layout = layout;
        Subgraph = subgraph;
    }

    /// <summary>The subgraphs merged into <see cref="Graph"/>, when lowering a whole model.</summary>
    public SubgraphLayout? Layout { get; }

    /// <summary>The one subgraph <see cref="Graph"/> is, when checking a subgraph on its own.</summary>
    public SubgraphLayout.Entry? Subgraph { get; }

    /// <summary>The model's resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE), resolved on first use.</summary>
    public ResourceVariables Resources => _resources ??= new ResourceVariables(this);

    /// <summary>The PAD nodes that convolutions compute themselves, found on first use.</summary>
    public PaddingFusion FusedPadding => _fusedPadding ??= PaddingFusion.Find(this);

    /// <summary>A node as diagnostics name it: its index, with its subgraph unless that is subgraph 0.</summary>
    public string NodeLabel(int node) =>
        Layout?.NodeLabel(node) ?? (Subgraph is { Index: > 0 } entry ? $"{node} of {entry.Title}" : node.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A tensor as diagnostics name it: its index, with its subgraph unless that is subgraph 0.</summary>
    public string TensorLabel(int tensor) =>
        Layout?.TensorLabel(tensor) ?? (Subgraph is { Index: > 0 } entry ? $"{tensor} of {entry.Title}" : tensor.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public TfliteModel Model { get; }

    public TfliteSubgraph Graph { get; }

    /// <summary>The model file, where diagnostics are located.</summary>
    public string FilePath { get; }

    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

    public IReadOnlyList<ConstantSpec> Constants => _constants;

    public IEnumerable<ValueSpec> Values => _values.Values.OrderBy(v => v.Id);

    public TfliteTensor Tensor(int index) => Graph.Tensors[index];

    public void Report(DiagnosticDescriptor descriptor, params object[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, FilePath, arguments));

    /// <summary>Reports an operator whose options or tensors TinyModel cannot compile (TM0007).</summary>
    public void ReportUnsupported(TfliteOperator op, string problem) =>
        Report(DiagnosticDescriptors.UnsupportedOperatorOptions, FileName, OperatorName(op), NodeLabel(op.Index), problem);

    /// <summary>
    /// Reports a fused activation other than the clamps NONE, RELU, RELU_N1_TO_1 and RELU6 (TANH and
    /// SIGN_BIT, which TFLM's kernels do not apply); returns whether the activation is one of those.
    /// </summary>
    public bool CheckClampActivation(TfliteOperator op, FusedActivation activation)
    {
        if (activation is FusedActivation.None or FusedActivation.Relu or FusedActivation.ReluN1To1 or FusedActivation.Relu6)
        {
            return true;
        }
        ReportUnsupported(op, $"fused activation {activation} is not supported; supported: NONE, RELU, RELU_N1_TO_1, RELU6");
        return false;
    }

    public string FileName => System.IO.Path.GetFileName(FilePath);

    public string OperatorName(TfliteOperator op) => Model.OperatorCodes[op.OpcodeIndex].Name;

    /// <summary>Whether a tensor holds constant data in the model.</summary>
    public bool IsConstant(int tensorIndex) =>
        tensorIndex >= 0 && !Tensor(tensorIndex).IsVariable && Tensor(tensorIndex).Buffer != 0 && Model.Buffers[Tensor(tensorIndex).Buffer].Length > 0;

    /// <summary>The element type of a tensor, or null (after reporting TM0004) when TinyModel does not support it.</summary>
    public ElementType? ElementTypeOf(int tensorIndex)
    {
        TfliteTensor tensor = Tensor(tensorIndex);
        ElementType? type = tensor.Type switch
        {
            TfliteTensorType.Float32 => ElementType.Float32,
            TfliteTensorType.Int8 => ElementType.Int8,
            TfliteTensorType.UInt8 => ElementType.UInt8,
            TfliteTensorType.Int16 => ElementType.Int16,
            TfliteTensorType.Int32 => ElementType.Int32,
            TfliteTensorType.Int64 => ElementType.Int64,
            TfliteTensorType.Bool => ElementType.Bool,
            TfliteTensorType.UInt32 => ElementType.UInt32,
            TfliteTensorType.UInt64 => ElementType.UInt64,
            _ => null,
        };
        return type;
    }

    /// <summary>The per-tensor quantization of a tensor, or null when it has none.</summary>
    public QuantizationSpec? QuantizationOf(int tensorIndex)
    {
        TfliteQuantization? q = Tensor(tensorIndex).Quantization;
        if (q is null || q.Scale.Count == 0)
        {
            return null;
        }
        return new QuantizationSpec(q.Scale[0], q.ZeroPoint.Count > 0 ? (int)q.ZeroPoint[0] : 0);
    }

    /// <summary>The run-time value of a tensor (an input, output or intermediate result), created on first use.</summary>
    public ValueSpec Value(int tensorIndex)
    {
        if (!_values.TryGetValue(tensorIndex, out ValueSpec? value))
        {
            TfliteTensor tensor = Tensor(tensorIndex);
            value = new ValueSpec(
                tensorIndex,
                tensor.Name,
                ElementTypeOf(tensorIndex) ?? throw new InvalidOperationException($"Tensor {tensorIndex} has an unsupported type; validation should have stopped lowering."),
                tensor.Shape.ToEquatableArray(),
                QuantizationOf(tensorIndex),
                IsVariable: tensor.IsVariable);
            _values.Add(tensorIndex, value);
        }
        return value;
    }

    /// <summary>
    /// State a layer keeps from one Invoke to the next that the model has no tensor for (the noise estimate
    /// TFLM's SignalFilterBankSpectralSubtraction holds in its persistent buffer): a variable value with an id
    /// past the subgraph's tensors, so that the planner keeps it for the instance's life and ResetState zeroes it.
    /// </summary>
    public ValueSpec StateValue(string name, ElementType type, int[] shape, QuantizationSpec? quantization = null, byte? resetFill = null)
    {
        int id = Graph.Tensors.Count + _values.Keys.Count(k => k >= Graph.Tensors.Count);
        var value = new ValueSpec(id, name, type, shape.ToEquatableArray(), quantization, IsVariable: true, ResetFill: resetFill);
        _values.Add(id, value);
        return value;
    }

    /// <summary>The raw little-endian bytes of a constant tensor.</summary>
    public ReadOnlyMemory<byte> ConstantBytes(int tensorIndex) => Model.Buffers[Tensor(tensorIndex).Buffer];

    /// <summary>Adds constant data for a layer's kernel and returns its C# name.</summary>
    public string AddConstant(string name, ElementType type, byte[] data, string description)
    {
        _constants.Add(new ConstantSpec(name, type, new EquatableArray<byte>(System.Collections.Immutable.ImmutableArray.Create(data)), description));
        return name;
    }
}
