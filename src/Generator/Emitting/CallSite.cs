using TinyModel.Generator.Common;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Emitting;

/// <summary>
/// Where a control-flow layer runs (<c>Invoke</c> or a subgraph's method): how to name a value there, and
/// how to run a subgraph from there, with its operands copied in and its results copied out.
/// </summary>
internal sealed class CallSite
{
    private readonly System.Func<ValueSpec, string> _reference;

    public CallSite(ModelSpec model, System.Func<ValueSpec, string> reference)
    {
        Model = model;
        _reference = reference;
    }

    public ModelSpec Model { get; }

    /// <summary>The span expression of a value at this site.</summary>
    public string Reference(int id) => _reference(Model.Value(id));

    /// <summary>A node as comments name it: its index, and for a node of another subgraph, that subgraph and its own index there.</summary>
    public string NodeLabel(int node)
    {
        foreach (SubgraphSpec subgraph in Model.Subgraphs)
        {
            if (subgraph.Index > 0 && System.Linq.Enumerable.Contains(subgraph.Nodes, node))
            {
                return $"{node} ({subgraph.Title}, node {node - subgraph.FirstNode})";
            }
        }
        return node.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Fills the values of the layer's constant operands from the assembly.</summary>
    public void WriteConstants(SourceWriter writer, ControlFlowLayer layer)
    {
        foreach (ConstantOperand operand in layer.ConstantOperands)
        {
            writer.WriteLine($"{EmitContextBase.ConstantExpression(operand.Constant)}.CopyTo({Reference(operand.Value)}); // constant '{Literals.Comment(Model.Value(operand.Value).Name)}'");
        }
    }

    /// <summary>Copies the call's arguments into the subgraph's inputs, runs it, and copies its outputs into the call's results.</summary>
    public void WriteCall(SourceWriter writer, SubgraphCall call)
    {
        SubgraphSpec subgraph = Model.Subgraph(call.Subgraph);
        for (int i = 0; i < call.Arguments.Count; i++)
        {
            writer.WriteLine($"{Reference(call.Arguments[i])}.CopyTo({Reference(subgraph.Inputs[i])});");
        }
        writer.WriteLine($"{subgraph.MethodName}(); // {Literals.Comment(subgraph.Title)}");
        for (int i = 0; i < call.Results.Count; i++)
        {
            writer.WriteLine($"{Reference(subgraph.Outputs[i])}.CopyTo({Reference(call.Results[i])});");
        }
    }
}
