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
/// SELECT_V2 (TFLM select.cc, reference select.h): <c>condition ? x : y</c> with a bool condition and x, y
/// and the output of one type (float32, int8 or int16), NumPy broadcasting of all three up to 5 dimensions
/// (<c>BroadcastSelect5DSlow</c>), constant operands. Values are copied as stored: TFLM does not rescale
/// quantized inputs (a model gives x, y and the output the same parameters).
/// </summary>
internal sealed class SelectV2 : OperatorDefinition<SelectLayer>
{
    /// <summary>TFLM's <c>BroadcastSelect5DSlow</c> walks at most this many dimensions.</summary>
    private const int MaxBroadcastRank = 5;

    public SelectV2()
        : base(BuiltinOperator.SelectV2)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8, ElementType.Int16 }
            .Select(t => (new ElementType?[] { ElementType.Bool, t, t }, new[] { t })).ToArray())
        .WithInputNames("condition", "input", "input");

    public override string Notes => "values copied as stored, as TFLM does; NumPy broadcasting of all three inputs up to 5 dimensions; constant inputs";

    protected override SelectLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 3 || op.Outputs.Count != 1 || op.Inputs.Any(i => i < 0))
        {
            context.ReportUnsupported(op, $"expected three inputs and one output, found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        IReadOnlyList<int>[] shapes = op.Inputs.Select(i => context.Tensor(i).Shape).ToArray();
        if (!BroadcastShapes.Broadcasts(shapes, output.Shape))
        {
            context.ReportUnsupported(op, $"the input shapes {string.Join(", ", shapes.Select(s => $"[{string.Join(",", s)}]"))} do not broadcast to the output shape {output.ShapeText}");
            return null;
        }
        int rank = System.Math.Max(output.Shape.Count, shapes.Max(s => s.Count));
        bool sameShapes = shapes.All(s => s.SequenceEqual(shapes[0]));
        if (!sameShapes && rank > MaxBroadcastRank)
        {
            context.ReportUnsupported(op, $"broadcasting over {rank} dimensions; TFLM's SELECT_V2 broadcasts at most {MaxBroadcastRank}");
            return null;
        }
        (int[] dims, int[][] strides) = BroadcastShapes.Walk(shapes, output.Shape);
        var runTimeInputs = new List<int>();
        ElementwiseOperand[] operands = Enumerable.Range(0, 3)
            .Select(k => BinaryOperands.RawOperand(context, op.Inputs[k], strides[k], $"Layer{op.Index}{OperandNames[k]}", k + 1, runTimeInputs))
            .ToArray();
        return new SelectLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), output.Type,
            dims.ToEquatableArray(), operands[0], operands[1], operands[2]);
    }

    private static readonly string[] OperandNames = { "Condition", "X", "Y" };

    /// <summary>The loops over the broadcast output, each element <c>c ? x : y</c>.</summary>
    protected override void EmitLayer(SourceWriter writer, SelectLayer layer, EmitContext context)
    {
        var operands = new[] { (Operand: layer.Condition, Name: "c"), (Operand: layer.X, Name: "x"), (Operand: layer.Y, Name: "y") };
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SELECT_V2: {Describe(layer.Condition, layer, context, 1)} ? {Describe(layer.X, layer, context, 2)} : {Describe(layer.Y, layer, context, 3)} → {Literals.Xml(context.Model.Value(layer.Outputs[0]).Describe())}.");
        writer.WriteLine(layer.IsFlat
            ? $"/// Elementwise over {layer.ElementCount} elements, in one loop."
            : $"/// Broadcast: the output is walked as [{string.Join(",", layer.Dims)}] (adjacent dimensions merged); element strides per dimension: condition [{string.Join(",", layer.Condition.Strides)}], x [{string.Join(",", layer.X.Strides)}], y [{string.Join(",", layer.Y.Strides)}] (0 = repeated).");
        writer.WriteLine("/// Values are copied as stored, as TFLM's select does (no rescaling).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.ElementCount > 0)
        {
            string type = layer.Type.CSharpName();
            BroadcastLoop.DeclareConstants(writer, operands.Take(1).ToList(), "bool", context);
            BroadcastLoop.DeclareConstants(writer, operands.Skip(1).ToList(), type, context);
            if (RunsAsKernel(layer))
            {
                writer.WriteLine(layer.Dims.Count == 1
                    ? "// One call of a vector kernel (the condition widened to a per-element mask, the widest vectors the machine has, then a scalar tail)."
                    : $"// One call of a vector kernel per run of {layer.Dims[layer.Dims.Count - 1]} elements (the condition widened to a per-element mask, then a scalar tail).");
                BroadcastLoop.WriteRuns(writer, layer.Dims, operands, (values, output) =>
                    writer.WriteLine($"global::TinyModel.SelectKernels.Select<{type}>({values[0]}, {Typed(layer.X, values[1], type)}, {Typed(layer.Y, values[2], type)}, {output});"));
                writer.CloseBlock();
                return;
            }
            if (RunsAsCopies(layer))
            {
                WriteCopies(writer, layer, operands, type);
                writer.CloseBlock();
                return;
            }
            // A row value is read as its own type; the condition's is bool.
            BroadcastLoop.Write(writer, layer.Dims, operands, type,
                (k, index) => BroadcastLoop.Element(operands[k].Operand, operands[k].Name, index),
                _ => null,
                (values, outputIndex) => writer.WriteLine($"{EmitContext.OutputName(0)}[{outputIndex}] = {Choice(layer, values)};"),
                k => k == 0 ? "bool" : type);
        }
        writer.CloseBlock();
    }

    /// <summary>
    /// Whether the layer's runs go to <c>SelectKernels</c>: an innermost dimension of at least
    /// <see cref="BinaryKernel.MinBoolRun"/> elements (the kernel steps 16 conditions at a time) that the condition
    /// reads with stride 1 and x and y each with stride 1 or 0 (or as a literal).
    /// </summary>
    private static bool RunsAsKernel(SelectLayer layer)
    {
        int last = layer.Dims.Count - 1;
        return layer.Dims[last] >= BinaryKernel.MinBoolRun
            && layer.Condition.Literal is null && layer.Condition.Strides[last] == 1
            && (layer.X.Literal is not null || layer.X.Strides[last] is 0 or 1)
            && (layer.Y.Literal is not null || layer.Y.Strides[last] is 0 or 1);
    }

    /// <summary>
    /// Whether the condition is one value per run of at least <see cref="BinaryKernel.MinRun"/> elements (a literal,
    /// or repeated along the innermost dimension): each run is then x's run or y's, copied whole.
    /// </summary>
    private static bool RunsAsCopies(SelectLayer layer)
    {
        int last = layer.Dims.Count - 1;
        return layer.Dims[last] >= BinaryKernel.MinRun && (layer.Condition.Literal is not null || layer.Condition.Strides[last] == 0);
    }

    /// <summary>
    /// Each run as one copy: the chosen operand's run copied (<c>CopyTo</c>, a vectorized memory move that also
    /// allows the output over an input) or its one value repeated (<c>Fill</c>). A literal condition picks x or y
    /// here, once.
    /// </summary>
    private static void WriteCopies(SourceWriter writer, SelectLayer layer, (ElementwiseOperand Operand, string Name)[] operands, string type)
    {
        int run = layer.Dims[layer.Dims.Count - 1];
        writer.WriteLine(layer.Condition.Literal is string literal
            ? $"// The condition is the constant {literal}: the output is {(literal == "true" ? "x" : "y")}, copied a run of {run} elements at a time."
            : $"// The condition is one value per run of {run} elements: each run is a copy of x's or y's (vectorized copies, or one value repeated).");
        BroadcastLoop.WriteRuns(writer, layer.Dims, operands, (values, output) =>
        {
            string Copy(ElementwiseOperand operand, string value) =>
                operand.Literal is null && operand.Strides[layer.Dims.Count - 1] == 1 ? $"{value}.CopyTo({output});" : $"{output}.Fill({Typed(operand, value, type)});";
            if (layer.Condition.Literal is string condition)
            {
                writer.WriteLine(condition == "true" ? Copy(layer.X, values[1]) : Copy(layer.Y, values[2]));
                return;
            }
            writer.OpenBlock($"if ({values[0]})");
            writer.WriteLine(Copy(layer.X, values[1]));
            writer.CloseBlock();
            writer.OpenBlock("else");
            writer.WriteLine(Copy(layer.Y, values[2]));
            writer.CloseBlock();
        });
    }

    /// <summary>A literal value cast to the element type (an int literal is not a <c>sbyte</c> or <c>short</c> argument), else as it is.</summary>
    private static string Typed(ElementwiseOperand operand, string value, string type) =>
        operand.Literal is not null ? $"({type})({value})" : value;

    /// <summary><c>c ? x : y</c>, narrowed back to the element type when a literal makes it an int.</summary>
    private static string Choice(SelectLayer layer, string[] values)
    {
        string choice = $"{values[0]} ? {values[1]} : {values[2]}";
        bool narrow = layer.Type is ElementType.Int8 or ElementType.Int16 && (layer.X.Literal is not null || layer.Y.Literal is not null);
        return narrow ? $"({layer.Type.CSharpName()})({choice})" : choice;
    }

    private static string Describe(ElementwiseOperand operand, SelectLayer layer, EmitContext context, int which) =>
        operand.IsRunTime
            ? Literals.Xml(context.Model.Value(layer.Inputs[operand.Position]).Describe())
            : operand.Literal is not null ? $"the constant {Literals.Xml(operand.Literal)}" : $"the constant input {which}";
}

/// <summary>SELECT_V2 of three tensors with NumPy broadcasting: <c>condition ? x : y</c>.</summary>
/// <param name="Type">The element type of x, y and the output.</param>
/// <param name="Dims">The merged output dimensions, outermost first.</param>
/// <param name="Condition">The bool condition.</param>
/// <param name="X">The values where the condition holds.</param>
/// <param name="Y">The values where it does not.</param>
internal sealed record SelectLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Condition,
    ElementwiseOperand X,
    ElementwiseOperand Y)
    : LayerSpec(NodeIndex, "SELECT_V2", Inputs, Outputs)
{
    public int ElementCount => Dims.Aggregate(1, (count, d) => count * d);

    /// <summary>Whether every operand is read in the output's own order, in one flat loop.</summary>
    public bool IsFlat => Dims.Count == 1 && Condition.Strides[0] == 1 && X.Strides[0] == 1 && Y.Strides[0] == 1;

    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> reads every operand's element before it is written; an input of the output's size is read at its index.</remarks>
    public override EquatableArray<int> InPlaceInputs => new(Enumerable.Range(0, Inputs.Count).ToArray());
}
