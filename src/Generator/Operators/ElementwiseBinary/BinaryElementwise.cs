using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// A two-input element-wise layer with NumPy broadcasting: the output walked over its merged dimensions,
/// each input a run-time tensor, a constant or a literal with its strides.
/// </summary>
/// <param name="Type">The inputs' element type.</param>
/// <param name="Dims">The merged output dimensions, outermost first (one dimension when nothing broadcasts).</param>
/// <param name="Left">The first input.</param>
/// <param name="Right">The second input.</param>
internal abstract record BinaryLayer(
    int NodeIndex,
    string OperatorName,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right)
    : LayerSpec(NodeIndex, OperatorName, Inputs, Outputs)
{
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Dims)
            {
                count *= d;
            }
            return count;
        }
    }

    /// <summary>Whether both inputs are read in the output's own order, in one flat loop.</summary>
    public bool IsFlat => Dims.Count == 1 && Left.Strides[0] == 1 && Right.Strides[0] == 1;

    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>
    /// Either run-time input: the kernel reads both operands of element <c>i</c> before writing it, and
    /// an input the size of the output is read at the output's own index (broadcast inputs are smaller).
    /// The planner shares memory only where the input and output layouts agree.
    /// </remarks>
    public override EquatableArray<int> InPlaceInputs => Inputs.Count switch
    {
        2 => ElementwiseInPlace.BothInputs,
        1 => ElementwiseInPlace.FirstInput,
        _ => EquatableArray<int>.Empty, // both operands constant: nothing to overwrite
    };
}

/// <summary>The operands of a two-input element-wise operator after the checks every one of them makes.</summary>
/// <param name="Left">The first input's tensor index.</param>
/// <param name="Right">The second input's tensor index.</param>
/// <param name="Output">The output value.</param>
/// <param name="Plan">How the output is walked and each input read.</param>
internal sealed record BinaryOperands(int Left, int Right, ValueSpec Output, BroadcastPlan Plan)
{
    /// <summary>
    /// Two inputs and one output whose shapes broadcast to it (at most <paramref name="maxBroadcastRank"/>
    /// dimensions when they differ), or null after reporting why not.
    /// </summary>
    public static BinaryOperands? Get(LoweringContext context, TfliteOperator op, int maxBroadcastRank = BroadcastShapes.MaxBroadcastRank)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1 || op.Inputs[0] < 0 || op.Inputs[1] < 0)
        {
            context.ReportUnsupported(op, $"expected two inputs and one output, found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int left = op.Inputs[0], right = op.Inputs[1];
        ValueSpec output = context.Value(op.Outputs[0]);
        IReadOnlyList<int> leftShape = context.Tensor(left).Shape, rightShape = context.Tensor(right).Shape;
        (BroadcastPlan? plan, string? problem) = BroadcastShapes.Plan(leftShape, rightShape, output.Shape);
        if (plan is null)
        {
            context.ReportUnsupported(op, problem!);
            return null;
        }
        int rank = System.Math.Max(output.Shape.Count, System.Math.Max(leftShape.Count, rightShape.Count));
        if (!leftShape.SequenceEqual(rightShape) && rank > maxBroadcastRank)
        {
            context.ReportUnsupported(op, $"broadcasting over {rank} dimensions; TFLM's {context.OperatorName(op)} kernel for these types broadcasts at most {maxBroadcastRank}");
            return null;
        }
        return new BinaryOperands(left, right, output, plan);
    }

    /// <summary>
    /// Both inputs as they are stored, without rescaling: run-time tensors become parameters of the layer's
    /// method (in <paramref name="runTimeInputs"/>), constants become constants, single-element constants literals.
    /// </summary>
    public (ElementwiseOperand Left, ElementwiseOperand Right) Raw(LoweringContext context, TfliteOperator op, List<int> runTimeInputs) =>
        (RawOperand(context, Left, Plan.LeftStrides, $"Layer{op.Index}Input1", 1, runTimeInputs),
         RawOperand(context, Right, Plan.RightStrides, $"Layer{op.Index}Input2", 2, runTimeInputs));

    /// <summary>One input as it is stored (see <see cref="Raw"/>), for operators with more than two inputs.</summary>
    public static ElementwiseOperand RawOperand(LoweringContext context, int tensorIndex, int[] strides, string constantName, int which, List<int> runTimeInputs)
    {
        var strideArray = strides.ToEquatableArray();
        if (!context.IsConstant(tensorIndex))
        {
            context.Value(tensorIndex);
            runTimeInputs.Add(tensorIndex);
            return new ElementwiseOperand(runTimeInputs.Count - 1, null, null, strideArray);
        }
        ElementType type = context.ElementTypeOf(tensorIndex)!.Value;
        System.ReadOnlyMemory<byte> bytes = context.ConstantBytes(tensorIndex);
        if (bytes.Length == type.Size())
        {
            return new ElementwiseOperand(-1, null, Literal(type, bytes), strideArray);
        }
        string shape = "[" + string.Join(",", context.Tensor(tensorIndex).Shape) + "]";
        return new ElementwiseOperand(-1, context.AddConstant(constantName, type, bytes.ToArray(), $"constant input {which}, {type.ModelName()}{shape}"), null, strideArray);
    }

    /// <summary>The C# literal of a one-element constant of <paramref name="type"/>.</summary>
    private static string Literal(ElementType type, System.ReadOnlyMemory<byte> bytes) => type switch
    {
        ElementType.Float32 => Literals.Float(ConstantData.As<float>(bytes)[0]),
        ElementType.Int8 => Literals.Int(ConstantData.As<sbyte>(bytes)[0]),
        ElementType.UInt8 => Literals.Int(bytes.Span[0]),
        ElementType.Int16 => Literals.Int(ConstantData.As<short>(bytes)[0]),
        ElementType.Int32 => Literals.Int(ConstantData.As<int>(bytes)[0]),
        ElementType.Int64 => Literals.Int(ConstantData.As<long>(bytes)[0]) + "L",
        ElementType.UInt32 => ConstantData.As<uint>(bytes)[0].ToString(System.Globalization.CultureInfo.InvariantCulture) + "U",
        _ => bytes.Span[0] != 0 ? "true" : "false",
    };
}

/// <summary>
/// The emitter shared by two-input element-wise operators whose inputs are read as they are stored (every
/// binary operator but ADD and SUB, which rescale each input first): the documentation, the constants and the
/// broadcast loops; each operator writes its documentation's arithmetic and the code of one output element.
/// </summary>
internal abstract class BinaryDefinition<TLayer> : OperatorDefinition<TLayer>
    where TLayer : BinaryLayer
{
    protected BinaryDefinition(int code)
        : base(code)
    {
    }

    /// <summary>The formula of one output element in the layer's summary, such as <c>x · y</c>.</summary>
    protected abstract string Formula(TLayer layer, string x, string y);

    /// <summary>Further lines of the layer's summary: the arithmetic, its constants and its clamp.</summary>
    protected abstract IEnumerable<string> Explain(TLayer layer);

    /// <summary>Writes the statements that compute one output element into <paramref name="target"/>.</summary>
    protected abstract void WriteElement(SourceWriter writer, TLayer layer, string x, string y, string target);

    /// <summary>The element type of input <paramref name="which"/> (0 or 1): the layer's type unless the operator mixes types (PRELU's int8 alpha for int16).</summary>
    protected virtual ElementType OperandType(TLayer layer, int which) => layer.Type;

    /// <summary>Declares what the element code reads besides the operands, such as rescaling tables; nothing by default.</summary>
    protected virtual void DeclareLocals(SourceWriter writer, TLayer layer, EmitContext context)
    {
    }

    /// <summary>The vector kernel that computes runs of the layer's output exactly as <see cref="WriteElement"/> does, or null (scalar loops).</summary>
    protected virtual BinaryKernel? Kernel(TLayer layer) => null;

    /// <summary>
    /// Writes the loops over the broadcast output: one kernel call per innermost run where <see cref="Kernel"/> has
    /// one that fits the layer, else each element computed by <see cref="WriteElement"/>.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, TLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Formula(layer, BinaryDocs.Operand(layer.Left, layer, context, 1), BinaryDocs.Operand(layer.Right, layer, context, 2))} → {Literals.Xml(context.Model.Value(layer.Outputs[0]).Describe())}.");
        writer.WriteLine(BinaryDocs.Walk(layer));
        foreach (string line in Explain(layer))
        {
            writer.WriteLine("/// " + line);
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.ElementCount > 0)
        {
            var operands = new[] { (Operand: layer.Left, Name: "x"), (Operand: layer.Right, Name: "y") };
            for (int k = 0; k < operands.Length; k++)
            {
                BroadcastLoop.DeclareConstants(writer, new[] { operands[k] }, OperandType(layer, k).CSharpName(), context);
            }
            DeclareLocals(writer, layer, context);
            if (Kernel(layer) is { } kernel && kernel.Fits(layer))
            {
                kernel.WriteRuns(writer, layer);
                writer.CloseBlock();
                return;
            }
            BroadcastLoop.Write(writer, layer.Dims, operands, layer.Type.CSharpName(),
                (k, index) => BroadcastLoop.Element(operands[k].Operand, operands[k].Name, index),
                _ => null,
                (values, outputIndex) => WriteElement(writer, layer, values[0], values[1], $"{EmitContext.OutputName(0)}[{outputIndex}]"),
                k => OperandType(layer, k).CSharpName());
        }
        writer.CloseBlock();
    }
}

/// <summary>The parts of a binary layer's summary that every binary operator shares.</summary>
internal static class BinaryDocs
{
    /// <summary>An input as the summary names it: its tensor, or the constant.</summary>
    public static string Operand(ElementwiseOperand operand, BinaryLayer layer, EmitContext context, int which)
    {
        if (operand.IsRunTime)
        {
            return Literals.Xml(context.Model.Value(layer.Inputs[operand.Position]).Describe());
        }
        return operand.Literal is not null ? $"the constant {Literals.Xml(operand.Literal)}" : $"the constant input {which}";
    }

    /// <summary>How the output is walked: one flat loop, or the merged dimensions with each input's strides.</summary>
    public static string Walk(BinaryLayer layer) => layer.IsFlat
        ? $"/// Elementwise over {layer.ElementCount} elements, in one loop."
        : $"/// Broadcast: the output is walked as [{string.Join(",", layer.Dims)}] (adjacent dimensions merged); element strides per dimension: input 1 [{string.Join(",", layer.Left.Strides)}], input 2 [{string.Join(",", layer.Right.Strides)}] (0 = repeated).";

    /// <summary>The name of a fused activation as TFLite spells it.</summary>
    public static string ActivationName(FusedActivation activation) => activation switch
    {
        FusedActivation.None => "NONE",
        FusedActivation.Relu => "RELU",
        FusedActivation.Relu6 => "RELU6",
        FusedActivation.ReluN1To1 => "RELU_N1_TO_1",
        _ => activation.ToString().ToUpperInvariant(),
    };
}
