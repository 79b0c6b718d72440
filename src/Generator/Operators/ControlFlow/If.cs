using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ControlFlow;

/// <summary>
/// IF (TFLM if.cc): input 0, one bool, chooses the then or the else subgraph; the other inputs are copied
/// into the chosen subgraph's inputs, it runs, and its outputs are copied into the node's outputs. TFLM
/// copies through intermediate buffers because its subgraphs' tensors may overlap the caller's; TinyModel's
/// memory plan never lets them overlap, so it copies directly. Both branches are checked at build time
/// (TFLM checks the one taken, when it is taken).
/// </summary>
internal sealed class If : ControlFlowDefinition<IfLayer>
{
    public If()
        : base(BuiltinOperator.If)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Operands(
        "bool condition; other operands of any type, as the branches' inputs and outputs",
        (new ElementType?[] { ElementType.Bool, ElementType.Float32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Bool, ElementType.Int32, ElementType.Int32 }, new[] { ElementType.Int32 }));

    public override string Notes => "both branches compiled to private methods; operands copied in and out as TFLM does";

    protected override IfLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count == 0 || op.Inputs[0] < 0)
        {
            context.ReportUnsupported(op, "it has no condition (input 0)");
            return null;
        }
        if (op.Inputs.Skip(1).Any(i => i < 0))
        {
            context.ReportUnsupported(op, "an operand passed to the branches is omitted (-1)");
            return null;
        }
        SubgraphOperands.Callee then = SubgraphOperands.Find(context, op, 0), otherwise = SubgraphOperands.Find(context, op, 1);
        bool valid = SubgraphOperands.CheckCondition(context, op, op.Inputs[0], "the condition");
        foreach (SubgraphOperands.Callee branch in new[] { then, otherwise })
        {
            if (SubgraphOperands.CheckCount(context, op, op.Inputs.Count - 1, "operands after the condition", branch.Inputs.Count, $"its branch {branch.Title}'s inputs")
                & SubgraphOperands.CheckCount(context, op, op.Outputs.Count, "outputs", branch.Outputs.Count, $"its branch {branch.Title}'s outputs"))
            {
                for (int i = 0; i < branch.Inputs.Count; i++)
                {
                    valid &= SubgraphOperands.CheckCopy(context, op, op.Inputs[i + 1], branch.Inputs[i]);
                }
                for (int i = 0; i < branch.Outputs.Count; i++)
                {
                    valid &= SubgraphOperands.CheckCopy(context, op, branch.Outputs[i], op.Outputs[i]);
                }
            }
            else
            {
                valid = false;
            }
        }
        if (!valid)
        {
            return null;
        }
        context.Value(op.Inputs[0]);
        foreach (int output in op.Outputs)
        {
            context.Value(output);
        }
        return new IfLayer(op.Index, op.Inputs.ToEquatableArray(), op.Outputs.ToEquatableArray(), then.Index, otherwise.Index)
        {
            ConstantOperands = SubgraphOperands.Constants(context, op),
        };
    }

    protected override void WriteCall(SourceWriter writer, IfLayer layer, CallSite site)
    {
        SubgraphSpec then = site.Model.Subgraph(layer.Then), otherwise = site.Model.Subgraph(layer.Else);
        writer.WriteLine($"// Node {site.NodeLabel(layer.NodeIndex)}, IF: {Literals.Comment(site.Model.Value(layer.Inputs[0]).Name)} chooses {Literals.Comment(then.Title)} (true) or {Literals.Comment(otherwise.Title)} (false);");
        writer.WriteLine("// the operands are copied into the branch's inputs and its outputs into the node's, as TFLM copies them.");
        site.WriteConstants(writer, layer);
        writer.OpenBlock($"if ({site.Reference(layer.Inputs[0])}[0])");
        site.WriteCall(writer, layer.Calls[0]);
        writer.CloseBlock();
        writer.OpenBlock("else");
        site.WriteCall(writer, layer.Calls[1]);
        writer.CloseBlock();
    }
}

/// <summary>An IF node: <see cref="LayerSpec.Inputs"/> are the condition then the branches' operands.</summary>
/// <param name="Then">The subgraph run when the condition is true.</param>
/// <param name="Else">The subgraph run when it is false.</param>
internal sealed record IfLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Then, int Else)
    : ControlFlowLayer(NodeIndex, "IF", Inputs, Outputs)
{
    public override EquatableArray<SubgraphCall> Calls => new[]
    {
        new SubgraphCall(Then, Inputs.Skip(1).ToEquatableArray(), Outputs),
        new SubgraphCall(Else, Inputs.Skip(1).ToEquatableArray(), Outputs),
    }.ToEquatableArray();
}
