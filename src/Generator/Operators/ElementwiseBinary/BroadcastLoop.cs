using System;
using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// Writes the loops of an element-wise layer over its (merged) output dimensions, shared by every
/// operator with broadcast inputs: nested loops with constant bounds and strides, each operand's offset
/// kept in a local per level, and an operand repeated along the innermost dimension read once per row.
/// </summary>
internal static class BroadcastLoop
{
    /// <summary>
    /// Writes the loop nest. <paramref name="read"/> gives the expression of operand <c>k</c> at an element
    /// index; <paramref name="ownStatement"/> gives the C# type of a local that the value of operand <c>k</c>
    /// gets in the innermost loop (null to use the expression in place); <paramref name="writeElement"/> writes
    /// the output element from the operands' values and the output index.
    /// </summary>
    /// <param name="writer">Where the code goes, inside the layer's method.</param>
    /// <param name="dims">The merged output dimensions, outermost first.</param>
    /// <param name="operands">Each operand with the name of its locals (<c>x</c>, <c>y</c>).</param>
    /// <param name="rowType">The C# type of a value read once per row.</param>
    /// <param name="read">The value of operand <c>k</c> at an index expression.</param>
    /// <param name="ownStatement">The type of a local for operand <c>k</c>'s value in the inner loop, or null.</param>
    /// <param name="writeElement">Writes one output element from the operands' values and the output index.</param>
    /// <param name="rowTypeOf">The C# type of operand <c>k</c>'s row value where operands differ in type (null: <paramref name="rowType"/> for all).</param>
    public static void Write(
        SourceWriter writer,
        IReadOnlyList<int> dims,
        IReadOnlyList<(ElementwiseOperand Operand, string Name)> operands,
        string rowType,
        Func<int, string, string> read,
        Func<int, string?> ownStatement,
        Action<string[], string> writeElement,
        Func<int, string>? rowTypeOf = null)
    {
        int count = operands.Count;
        int rank = dims.Count;
        string?[] bases = OpenOuterLoops(writer, dims, operands);

        // The innermost dimension: operands repeated along it are read once, before the loop.
        int last = rank - 1;
        var values = new string[count];
        for (int k = 0; k < count; k++)
        {
            (ElementwiseOperand operand, string name) = operands[k];
            if (operand.Strides[last] == 0 && NeedsIndex(operand) && dims[last] > 1)
            {
                writer.WriteLine($"{rowTypeOf?.Invoke(k) ?? rowType} {name}Row = {read(k, bases[k] ?? "0")};");
                values[k] = name + "Row";
            }
        }
        writer.OpenBlock($"for (int i = 0; i < {dims[last]}; i++)");
        for (int k = 0; k < count; k++)
        {
            (ElementwiseOperand operand, string name) = operands[k];
            if (values[k] is null)
            {
                values[k] = read(k, Sum(bases[k], Scaled("i", operand.Strides[last])));
                if (ownStatement(k) is string type)
                {
                    writer.WriteLine($"{type} {name} = {values[k]};");
                    values[k] = name;
                }
            }
        }
        writeElement(values, rank > 1 ? "o + i" : "i");
        writer.CloseBlock();
        CloseOuterLoops(writer, dims);
    }

    /// <summary>
    /// Writes the loop nest with one statement per run of the innermost dimension instead of an inner loop, for
    /// a kernel that computes a run: <paramref name="writeRun"/> gets, per operand, a span of the run (an operand
    /// read with stride 1 there) or the one value repeated over it (stride 0, or a literal), and the output's run.
    /// </summary>
    /// <param name="writer">Where the code goes, inside the layer's method.</param>
    /// <param name="dims">The merged output dimensions, outermost first.</param>
    /// <param name="operands">Each operand with the name of its locals; constants are declared as <c>{name}Constant</c>.</param>
    /// <param name="writeRun">Writes the statement of one run from the operands' expressions and the output's span.</param>
    public static void WriteRuns(
        SourceWriter writer,
        IReadOnlyList<int> dims,
        IReadOnlyList<(ElementwiseOperand Operand, string Name)> operands,
        Action<string[], string> writeRun)
    {
        int rank = dims.Count;
        int last = rank - 1;
        string?[] bases = OpenOuterLoops(writer, dims, operands);
        var values = new string[operands.Count];
        for (int k = 0; k < operands.Count; k++)
        {
            (ElementwiseOperand operand, string name) = operands[k];
            string start = bases[k] ?? "0";
            values[k] = operand.Literal is null && operand.Strides[last] == 1
                ? (rank > 1 ? $"{SpanName(operand, name)}.Slice({start}, {dims[last]})" : SpanName(operand, name))
                : Element(operand, name, start);
        }
        writeRun(values, rank > 1 ? $"{EmitContext.OutputName(0)}.Slice(o, {dims[last]})" : EmitContext.OutputName(0));
        CloseOuterLoops(writer, dims);
    }

    /// <summary>Opens the loops over every dimension but the innermost; returns each operand's offset local (null: none).</summary>
    private static string?[] OpenOuterLoops(SourceWriter writer, IReadOnlyList<int> dims, IReadOnlyList<(ElementwiseOperand Operand, string Name)> operands)
    {
        int rank = dims.Count;
        var bases = new string?[operands.Count];
        if (rank > 1)
        {
            writer.WriteLine("int o = 0;");
        }
        for (int level = 0; level < rank - 1; level++)
        {
            string i = "i" + level;
            writer.OpenBlock($"for (int {i} = 0; {i} < {dims[level]}; {i}++)");
            for (int k = 0; k < operands.Count; k++)
            {
                int stride = operands[k].Operand.Strides[level];
                if (stride != 0 && NeedsIndex(operands[k].Operand))
                {
                    string local = $"{operands[k].Name}{level}";
                    writer.WriteLine($"int {local} = {Sum(bases[k], Scaled(i, stride))};");
                    bases[k] = local;
                }
            }
        }
        return bases;
    }

    /// <summary>Advances the output offset past the innermost run and closes the outer loops.</summary>
    private static void CloseOuterLoops(SourceWriter writer, IReadOnlyList<int> dims)
    {
        if (dims.Count > 1)
        {
            writer.WriteLine($"o += {dims[dims.Count - 1]};");
        }
        for (int level = 0; level < dims.Count - 1; level++)
        {
            writer.CloseBlock();
        }
    }

    /// <summary>The span an operand's elements are read from: its constant or its run-time input.</summary>
    public static string SpanName(ElementwiseOperand operand, string name) =>
        operand.Constant is not null ? $"{name}Constant" : EmitContext.InputName(operand.Position);

    /// <summary>
    /// The element of an operand that is not rescaled: a literal, a constant's element or a run-time
    /// input's element, named after the operand (<c>xConstant[i]</c>, <c>input1[i]</c>).
    /// </summary>
    public static string Element(ElementwiseOperand operand, string name, string index) =>
        operand.Literal ?? (operand.Constant is not null ? $"{name}Constant[{index}]" : $"{EmitContext.InputName(operand.Position)}[{index}]");

    /// <summary>Declares a local span for each constant (non-literal) operand, of <paramref name="elementType"/>.</summary>
    public static void DeclareConstants(SourceWriter writer, IReadOnlyList<(ElementwiseOperand Operand, string Name)> operands, string elementType, EmitContext context)
    {
        foreach ((ElementwiseOperand operand, string name) in operands)
        {
            if (operand.Constant is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{elementType}> {name}Constant = {context.Constant(operand.Constant)};");
            }
        }
    }

    private static bool NeedsIndex(ElementwiseOperand operand) => operand.Literal is null;

    private static string Scaled(string index, int stride) => stride switch
    {
        0 => "0",
        1 => index,
        _ => $"{index} * {stride}",
    };

    private static string Sum(string? baseOffset, string term) =>
        baseOffset is null ? term : term == "0" ? baseOffset : $"{baseOffset} + {term}";
}
