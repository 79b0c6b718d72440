using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Diagnostics;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ControlFlow;

/// <summary>
/// The checks of a control-flow operator against the subgraphs it calls, which TFLM makes in Prepare
/// (operand counts) and in Eval (each copy between equal types and byte counts): here they are all made at
/// build time, for every subgraph the operator may run, so that every copy the generated code makes is valid.
/// </summary>
internal static class SubgraphOperands
{
    /// <summary>The subgraph an operator calls, with its inputs and outputs as ids of the merged graph.</summary>
    public sealed record Callee(SubgraphLayout.Entry Entry, IReadOnlyList<int> Inputs, IReadOnlyList<int> Outputs)
    {
        public int Index => Entry.Index;

        public string Title => Entry.Title;
    }

    /// <summary>The subgraph the operator calls at <paramref name="position"/> of its options (the layout resolved and checked it already).</summary>
    public static Callee Find(LoweringContext context, TfliteOperator op, int position)
    {
        int index = SubgraphLayout.Callees(context.Model, op)[position];
        SubgraphLayout.Entry entry = context.Layout!.Find(index)!;
        var inputs = new List<int>();
        foreach (int input in entry.Graph.Inputs)
        {
            inputs.Add(entry.Tensor(input));
        }
        var outputs = new List<int>();
        foreach (int output in entry.Graph.Outputs)
        {
            outputs.Add(entry.Tensor(output));
        }
        return new Callee(entry, inputs, outputs);
    }

    /// <summary>Whether <paramref name="count"/> operands meet <paramref name="expected"/> tensors of a subgraph; reports TM0007 when not.</summary>
    public static bool CheckCount(LoweringContext context, TfliteOperator op, int count, string what, int expected, string theirs)
    {
        if (count == expected)
        {
            return true;
        }
        context.ReportUnsupported(op, $"it has {count} {what} but {theirs} has {expected}");
        return false;
    }

    /// <summary>
    /// Whether a copy from tensor <paramref name="from"/> to tensor <paramref name="to"/> is valid: the same element
    /// type and element count. A loop variable whose size changes is a dynamic shape (TM0005); any other mismatch is TM0007.
    /// </summary>
    public static bool CheckCopy(LoweringContext context, TfliteOperator op, int from, int to, bool loopCarried = false)
    {
        ValueSpec source = context.Value(from), target = context.Value(to);
        if (source.Type == target.Type && source.ElementCount == target.ElementCount)
        {
            return true;
        }
        string problem = $"tensor {Describe(context, from)} ({source.Describe()}) is copied to tensor {Describe(context, to)} ({target.Describe()}), which differs in {(source.Type != target.Type ? "type" : "size")}";
        if (loopCarried && source.Type == target.Type)
        {
            context.Report(DiagnosticDescriptors.DynamicShape, context.FileName, context.TensorLabel(from), source.Name,
                $"shape {source.ShapeText}, copied into the WHILE loop variable '{target.Name}' of shape {target.ShapeText}: a loop variable whose shape changes between iterations");
        }
        else
        {
            context.ReportUnsupported(op, problem);
        }
        return false;
    }

    /// <summary>
    /// The operands of a control-flow node that are constants of the model: each gets a value that the layer fills
    /// from the assembly before it runs (TFLM copies from the constant's buffer all the same).
    /// </summary>
    public static EquatableArray<ConstantOperand> Constants(LoweringContext context, TfliteOperator op)
    {
        var constants = new List<ConstantOperand>();
        foreach (int tensor in op.Inputs.Distinct())
        {
            if (context.IsConstant(tensor))
            {
                ValueSpec value = context.Value(tensor);
                string name = context.AddConstant($"Layer{op.Index}Operand{tensor}", value.Type, context.ConstantBytes(tensor).ToArray(),
                    $"operand '{value.Name}' of {context.OperatorName(op)} node {context.NodeLabel(op.Index)}, {value.Describe()}");
                constants.Add(new ConstantOperand(value.Id, name));
            }
        }
        return constants.ToEquatableArray();
    }

    /// <summary>Whether a tensor holds one bool, as TFLM requires of a condition; reports TM0007 when not.</summary>
    public static bool CheckCondition(LoweringContext context, TfliteOperator op, int tensor, string what)
    {
        ValueSpec value = context.Value(tensor);
        if (value.Type == ElementType.Bool && value.ElementCount == 1)
        {
            return true;
        }
        context.ReportUnsupported(op, $"{what}, tensor {Describe(context, tensor)}, is {value.Describe()}; it must hold one bool");
        return false;
    }

    private static string Describe(LoweringContext context, int tensor) => $"{context.TensorLabel(tensor)} '{context.Tensor(tensor).Name}'";
}
