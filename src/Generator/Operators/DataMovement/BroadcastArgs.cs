using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// BROADCAST_ARGS (TFLM broadcast_args.cc, reference/broadcast_args.h): the shape two shapes broadcast to,
/// both int32 or both int64 vectors. Constant shapes are folded here; run-time ones are combined from the
/// last dimension back as TFLM does (a missing dimension counts as 1; each value passes through an int, as
/// TFLM's loop stores it), and shapes that do not broadcast throw where TFLM aborts.
/// </summary>
internal sealed class BroadcastArgs : OperatorDefinition<BroadcastArgsLayer>
{
    /// <summary>TFLite's builtin code of BROADCAST_ARGS (schema.fbs).</summary>
    public const int BuiltinCode = 145;

    public BroadcastArgs()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        new[] { ElementType.Int32, ElementType.Int64 }.Select(type => (new ElementType?[] { type, type }, new[] { type })).ToArray());

    public override string Notes => "run-time shapes combined as TFLM does; constant shapes folded at build time";

    protected override BroadcastArgsLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "two shapes and one output"))
        {
            return null;
        }
        IReadOnlyList<int> first = context.Tensor(op.Inputs[0]).Shape, second = context.Tensor(op.Inputs[1]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        if (first.Count != 1 || second.Count != 1 || output.Shape.Count != 1 || output.Shape[0] != System.Math.Max(first[0], second[0]))
        {
            context.ReportUnsupported(op, $"needs two shape vectors (found {CopyPlan.ShapeText(first)} and {CopyPlan.ShapeText(second)}) and an output as long as the longer (found {output.ShapeText})");
            return null;
        }
        int[]? a = ShapeMath.IntegerConstant(context, op.Inputs[0]);
        int[]? b = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (a is not null && b is not null)
        {
            var folded = new int[output.Shape[0]];
            for (int i = 0; i < folded.Length; i++)
            {
                int x = i < a.Length ? a[a.Length - 1 - i] : 1, y = i < b.Length ? b[b.Length - 1 - i] : 1;
                if (x != 1 && y != 1 && x != y)
                {
                    context.ReportUnsupported(op, $"the constant shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast");
                    return null;
                }
                folded[folded.Length - 1 - i] = x == 1 ? y : x;
            }
            return new BroadcastArgsLayer(op.Index, EquatableArray<int>.Empty, new[] { op.Outputs[0] }.ToEquatableArray(), first[0], second[0], folded.ToEquatableArray());
        }
        foreach (int input in op.Inputs)
        {
            if (context.IsConstant(input))
            {
                context.ReportUnsupported(op, "one shape is constant and the other is not; TinyModel supports both run-time or both constant");
                return null;
            }
            context.Value(input);
        }
        return new BroadcastArgsLayer(op.Index, op.Inputs.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(), first[0], second[0], null);
    }

    /// <summary>Literal values when folded; otherwise TFLM's loop from the last dimension back.</summary>
    protected override void EmitLayer(SourceWriter writer, BroadcastArgsLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string type = output.Type.CSharpName();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, BROADCAST_ARGS: shapes of {layer.FirstLength} and {layer.SecondLength} dimension(s) → {Literals.Xml(output.Describe())}.");
        writer.WriteLine(layer.Folded is null
            ? "/// From the last dimension back: 1 where a shape is shorter; equal dimensions or a 1 broadcast, anything else throws."
            : $"/// Both shapes are constant: the result [{string.Join(", ", layer.Folded)}] was computed at build time.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Folded is { } folded)
        {
            for (int i = 0; i < folded.Count; i++)
            {
                writer.WriteLine($"output[{i}] = {folded[i]};");
            }
        }
        else
        {
            int count = output.Shape[0];
            writer.OpenBlock($"for (int i = 0; i < {count}; i++)");
            // TFLM keeps each dimension in an int.
            writer.WriteLine($"int first = i < {layer.FirstLength} ? (int)input[{layer.FirstLength - 1} - i] : 1;");
            writer.WriteLine($"int second = i < {layer.SecondLength} ? (int)input1[{layer.SecondLength - 1} - i] : 1;");
            writer.WriteLine($"if (first != 1 && second != 1 && first != second) global::TinyModel.ThrowHelper.ThrowNotBroadcastable({Literals.String($"node {layer.NodeIndex} (BROADCAST_ARGS)")}, first, second);");
            writer.WriteLine($"output[{count - 1} - i] = ({type})(first == 1 ? second : first);");
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}

/// <summary>BROADCAST_ARGS: the broadcast shape of two shape vectors, or its folded value.</summary>
/// <param name="FirstLength">Dimensions in the first shape.</param>
/// <param name="SecondLength">Dimensions in the second shape.</param>
/// <param name="Folded">The result when both shapes are constant; null when they are the layer's inputs.</param>
internal sealed record BroadcastArgsLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int FirstLength,
    int SecondLength,
    EquatableArray<int>? Folded)
    : LayerSpec(NodeIndex, "BROADCAST_ARGS", Inputs, Outputs)
{
    public override long MacCount => 0;
}
