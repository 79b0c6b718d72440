using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ControlFlow;

/// <summary>
/// WHILE (TFLM while.cc): the loop variables start as the node's inputs and live in its outputs; each turn
/// copies them into the condition subgraph's inputs and runs it, stops when its output 0 (one bool) is
/// false, else copies them into the body subgraph's inputs, runs it and copies its outputs back into the
/// node's outputs. A condition false at once leaves the outputs equal to the inputs. Shapes are static: a
/// loop variable whose size the body changes is TM0005.
/// </summary>
internal sealed class While : ControlFlowDefinition<WhileLayer>
{
    public While()
        : base(BuiltinOperator.While)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Operands(
        "loop variables of any type, as the condition's and body's inputs and outputs",
        (new ElementType?[] { ElementType.Int32, ElementType.Float32 }, new[] { ElementType.Int32, ElementType.Float32 }));

    public override string Notes => "a C# loop over the condition's and body's private methods; loop variables keep their shapes";

    protected override WhileLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Any(i => i < 0))
        {
            context.ReportUnsupported(op, "a loop variable's input is omitted (-1)");
            return null;
        }
        SubgraphOperands.Callee condition = SubgraphOperands.Find(context, op, 0), body = SubgraphOperands.Find(context, op, 1);
        int count = op.Inputs.Count;
        if (!(SubgraphOperands.CheckCount(context, op, op.Outputs.Count, "outputs", count, "its own inputs (one per loop variable)")
            & SubgraphOperands.CheckCount(context, op, count, "inputs", condition.Inputs.Count, $"its condition {condition.Title}'s inputs")
            & SubgraphOperands.CheckCount(context, op, count, "inputs", body.Inputs.Count, $"its body {body.Title}'s inputs")
            & SubgraphOperands.CheckCount(context, op, count, "outputs", body.Outputs.Count, $"its body {body.Title}'s outputs")))
        {
            return null;
        }
        if (condition.Outputs.Count == 0)
        {
            context.ReportUnsupported(op, $"its condition {condition.Title} has no output");
            return null;
        }
        bool valid = SubgraphOperands.CheckCondition(context, op, condition.Outputs[0], $"the output of its condition {condition.Title}");
        for (int i = 0; i < count; i++)
        {
            valid &= SubgraphOperands.CheckCopy(context, op, op.Inputs[i], op.Outputs[i], loopCarried: true)
                && SubgraphOperands.CheckCopy(context, op, op.Outputs[i], condition.Inputs[i])
                && SubgraphOperands.CheckCopy(context, op, op.Outputs[i], body.Inputs[i])
                && SubgraphOperands.CheckCopy(context, op, body.Outputs[i], op.Outputs[i], loopCarried: true);
        }
        return valid
            ? new WhileLayer(op.Index, op.Inputs.ToEquatableArray(), op.Outputs.ToEquatableArray(), condition.Index, body.Index, condition.Outputs[0])
            {
                ConstantOperands = SubgraphOperands.Constants(context, op),
            }
            : null;
    }

    protected override void WriteCall(SourceWriter writer, WhileLayer layer, CallSite site)
    {
        SubgraphSpec condition = site.Model.Subgraph(layer.Condition), body = site.Model.Subgraph(layer.Body);
        writer.WriteLine($"// Node {site.NodeLabel(layer.NodeIndex)}, WHILE: the loop variables start as the inputs and live in the outputs; each turn runs");
        writer.WriteLine($"// the condition {Literals.Comment(condition.Title)} on them and, while it is true, the body {Literals.Comment(body.Title)}.");
        site.WriteConstants(writer, layer);
        for (int i = 0; i < layer.Inputs.Count; i++)
        {
            writer.WriteLine($"{site.Reference(layer.Inputs[i])}.CopyTo({site.Reference(layer.Outputs[i])});");
        }
        writer.OpenBlock("while (true)");
        site.WriteCall(writer, layer.Calls[0]);
        writer.OpenBlock($"if (!{site.Reference(layer.ConditionOutput)}[0])");
        writer.WriteLine("break;");
        writer.CloseBlock();
        site.WriteCall(writer, layer.Calls[1]);
        writer.CloseBlock();
    }
}

/// <summary>A WHILE node: one input and one output per loop variable.</summary>
/// <param name="Condition">The subgraph that decides whether to run the body again.</param>
/// <param name="Body">The subgraph that computes the next values of the loop variables.</param>
/// <param name="ConditionOutput">The condition subgraph's output 0, which the loop reads in place.</param>
internal sealed record WhileLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Condition, int Body, int ConditionOutput)
    : ControlFlowLayer(NodeIndex, "WHILE", Inputs, Outputs)
{
    public override EquatableArray<SubgraphCall> Calls => new[]
    {
        new SubgraphCall(Condition, Outputs, EquatableArray<int>.Empty),
        new SubgraphCall(Body, Outputs, Outputs),
    }.ToEquatableArray();
}
