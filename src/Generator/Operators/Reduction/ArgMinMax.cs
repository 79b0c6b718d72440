using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.ElementwiseBinary;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Reduction;

/// <summary>
/// ARG_MAX and ARG_MIN (TFLM arg_min_max.cc, reference arg_min_max.h): the index of the largest (smallest)
/// value along one constant axis, float32 or int8 input (stored values compared, no rescaling), int32
/// output (TFLM refuses int64 at Invoke). Ties keep the first index, since TFLM replaces the running best
/// only when <c>std::greater</c> (<c>std::less</c>) holds; a NaN never replaces it.
/// </summary>
internal sealed class ArgMinMax : OperatorDefinition<ArgMinMaxLayer>
{
    /// <summary>TFLite's builtin code of ARG_MAX (schema.fbs).</summary>
    public const int ArgMaxCode = 56;

    /// <summary>TFLite's builtin code of ARG_MIN (schema.fbs).</summary>
    public const int ArgMinCode = 79;

    public ArgMinMax(bool maximum)
        : base(maximum ? ArgMaxCode : ArgMinCode)
    {
        Maximum = maximum;
    }

    /// <summary>Whether this is ARG_MAX (else ARG_MIN).</summary>
    public bool Maximum { get; }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Int32 }, new[] { ElementType.Int32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int32 }, new[] { ElementType.Int32 })).WithInputNames("input", "axis");

    public override string Notes => "a constant axis, negative from the end; ties give the first index, as TFLM";

    protected override ArgMinMaxLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, axis) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]);
        ValueSpec output = context.Value(op.Outputs[0]);
        if (SingleAxis.Resolve(context, op, input) is not (int axis, int outer, int inner))
        {
            return null;
        }
        int axisSize = input.Shape[axis];
        if ((long)outer * inner != output.ElementCount || axisSize == 0)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} does not hold the {Name} of {input.ShapeText} along axis {axis}");
            return null;
        }
        return new ArgMinMaxLayer(op.Index, Name, new[] { op.Inputs[0] }.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            Maximum, input.Type, axis, outer, axisSize, inner);
    }

    /// <summary>Writes the search: for each (outer, inner) position the axis is walked from index 0, replacing the best only on a strict improvement.</summary>
    protected override void EmitLayer(SourceWriter writer, ArgMinMaxLayer layer, EmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        string comparison = layer.Maximum ? ">" : "<";
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName} along axis {layer.Axis}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// The index of the {(layer.Maximum ? "largest" : "smallest")} stored value among {layer.AxisSize}; ties keep the first, as TFLM (a strict <c>{Literals.Xml(comparison)}</c>).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Inner >= BinaryKernel.MinRun)
        {
            WriteColumnKernelCalls(writer, layer);
            writer.CloseBlock();
            return;
        }
        if (layer.Inner == 1)
        {
            // The innermost axis: one contiguous run per output.
            writer.WriteLine($"// Vector kernel: the extreme of each run of {layer.AxisSize}, then the first index holding it (a NaN never wins; one at index 0 answers 0).");
            writer.WriteLine($"global::TinyModel.ReductionKernels.{(layer.Maximum ? "ArgMaxRuns" : "ArgMinRuns")}(input, {layer.AxisSize}, output);");
            writer.CloseBlock();
            return;
        }
        writer.OpenBlock($"for (int outer = 0; outer < {layer.Outer}; outer++)");
        writer.OpenBlock($"for (int inner = 0; inner < {layer.Inner}; inner++)");
        writer.WriteLine($"int start = outer * {(long)layer.AxisSize * layer.Inner} + inner;");
        writer.WriteLine($"{t} best = input[start];");
        writer.WriteLine("int index = 0;");
        writer.OpenBlock($"for (int i = 1; i < {layer.AxisSize}; i++)");
        writer.WriteLine($"{t} v = input[start + i * {layer.Inner}];");
        writer.OpenBlock($"if (v {comparison} best)");
        writer.WriteLine("best = v;");
        writer.WriteLine("index = i;");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.WriteLine($"output[outer * {layer.Inner} + inner] = index;");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>
    /// A reduced axis that is not the innermost: the <c>inner</c> values after it are columns, and
    /// <c>TinyModel.ReductionKernels.ArgMax</c>/<c>ArgMin</c> searches them all at once (a lane per column, the
    /// same strict comparison from row 0), once per outer block.
    /// </summary>
    private static void WriteColumnKernelCalls(SourceWriter writer, ArgMinMaxLayer layer)
    {
        string kernel = $"global::TinyModel.ReductionKernels.{(layer.Maximum ? "ArgMax" : "ArgMin")}";
        long block = (long)layer.AxisSize * layer.Inner;
        writer.WriteLine($"// Vector kernel: the {layer.Inner} columns after the axis searched at once, a lane per column (value and index), rows {layer.AxisSize} apart by {layer.Inner}.");
        SingleAxis.WriteBlockCalls(writer, layer.Outer, block, layer.Inner, (input, output) => $"{kernel}({input}, {layer.AxisSize}, {layer.Inner}, {output});");
    }
}

/// <summary>ARG_MAX or ARG_MIN along one axis, the input seen as outer × axis × inner.</summary>
/// <param name="Maximum">ARG_MAX when true, ARG_MIN otherwise.</param>
/// <param name="Type">The input's element type.</param>
/// <param name="Axis">The resolved (non-negative) axis.</param>
/// <param name="Outer">Product of the dimensions before the axis.</param>
/// <param name="AxisSize">The axis' size (at least 1).</param>
/// <param name="Inner">Product of the dimensions after the axis.</param>
internal sealed record ArgMinMaxLayer(
    int NodeIndex,
    string Operator,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    bool Maximum,
    ElementType Type,
    int Axis,
    int Outer,
    int AxisSize,
    int Inner)
    : LayerSpec(NodeIndex, Operator, Inputs, Outputs)
{
    public override long MacCount => (long)Outer * AxisSize * Inner;
}
