using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// An operator whose every index is known at build time, so that it becomes a fixed list of strided
/// copies from its inputs (run-time tensors or constants) into its outputs, after an optional fill:
/// SLICE, SPLIT, PACK, DEPTH_TO_SPACE, MIRROR_PAD, FILL, SHAPE and the like. Each definition only
/// works out the copies (with a <see cref="CopyPlan"/>); the method is written here.
/// </summary>
internal abstract class CopyOperator : OperatorDefinition<CopyLayer>
{
    protected CopyOperator(int code)
        : base(code)
    {
    }

    /// <summary>Fills output 0 when asked, then runs each copy as a loop nest with literal bounds.</summary>
    protected override void EmitLayer(SourceWriter writer, CopyLayer layer, EmitContext context)
    {
        var inputs = new List<string>();
        for (int i = 0; i < layer.Inputs.Count; i++)
        {
            inputs.Add(context.Model.Value(layer.Inputs[i]).Describe());
        }
        var outputs = new List<string>();
        for (int i = 0; i < layer.Outputs.Count; i++)
        {
            outputs.Add(context.Model.Value(layer.Outputs[i]).Describe());
        }
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(inputs.Count == 0 ? "(no run-time input)" : string.Join(", ", inputs))} → {Literals.Xml(string.Join(", ", outputs))}.");
        writer.WriteLine($"/// {Literals.Xml(layer.Summary)}");
        writer.WriteLine($"/// {Literals.Xml(Literals.Count(layer.Steps.Count, "copy"))} with offsets and strides resolved at build time.");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        var sources = new List<string>();
        for (int i = 0; i < layer.Inputs.Count; i++)
        {
            sources.Add(EmitContext.InputName(i));
        }
        for (int k = 0; k < layer.Constants.Count; k++)
        {
            string local = "constant" + k;
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{context.Model.Value(layer.Outputs[0]).Type.CSharpName()}> {local} = {context.Constant(layer.Constants[k])};");
            sources.Add(local);
        }
        if (layer.Fill is not null)
        {
            writer.WriteLine($"output.Fill({layer.Fill});");
        }
        foreach (CopyStep step in layer.Steps)
        {
            if (layer.Steps.Count > 1)
            {
                writer.WriteLine($"// {Literals.Comment(StridedCopyWriter.Describe(step.Copy))}");
            }
            StridedCopyWriter.Write(writer, step.Copy, sources[step.Source], EmitContext.OutputName(step.Output));
        }
        writer.CloseBlock();
    }
}

/// <summary>One strided copy of a <see cref="CopyLayer"/>.</summary>
/// <param name="Source">The layer's run-time input it reads (0, 1, ...), or past them, its constant (Inputs.Count + k).</param>
/// <param name="Output">The layer's output it writes.</param>
/// <param name="Copy">The loops.</param>
internal sealed record CopyStep(int Source, int Output, StridedCopy Copy);

/// <summary>
/// A data-movement layer resolved at build time: output 0 is filled with <see cref="Fill"/> when it is
/// given, then each step copies part of a source into an output.
/// </summary>
/// <param name="Summary">What the operator's options came to, for the method's comment.</param>
/// <param name="Constants">The constants the steps may read, by their names in the Constants class.</param>
/// <param name="Fill">A C# expression of the output's type to fill output 0 with first, or null.</param>
/// <param name="Steps">The copies, in order (later ones overwrite earlier ones).</param>
internal sealed record CopyLayer(
    int NodeIndex,
    string OperatorNameText,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    string Summary,
    EquatableArray<string> Constants,
    string? Fill,
    EquatableArray<CopyStep> Steps)
    : LayerSpec(NodeIndex, OperatorNameText, Inputs, Outputs)
{
    public override long MacCount => 0;
}
