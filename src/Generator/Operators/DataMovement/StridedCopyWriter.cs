using TinyModel.Generator.Common;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// Writes a <see cref="StridedCopy"/> as nested <c>for</c> loops with literal bounds and strides;
/// an innermost run contiguous on both sides becomes one <c>Span.CopyTo</c> (<c>Array.Copy</c> for nanoFramework).
/// </summary>
internal static class StridedCopyWriter
{
    /// <summary>Writes the loops; <paramref name="inputBase"/> and <paramref name="outputBase"/>, when given, are run-time offsets (C# expressions) added to the copy's own.</summary>
    public static void Write(SourceWriter writer, StridedCopy copy, string input, string output, string? inputBase = null, string? outputBase = null) =>
        Write(writer, copy, input, output, inputBase, outputBase, arrayCopy: null);

    /// <summary>
    /// Writes the loops for nanoFramework: <paramref name="input"/> and <paramref name="output"/> are arrays whose
    /// first elements are at <c>{input}Offset</c> and <c>{output}Offset</c>; runs are copied by <paramref name="copyClass"/>'s
    /// <c>Copy</c>, which takes <c>Array.Copy</c>'s arguments (<c>System.Array</c> unless a tensor is split into arena pages).
    /// </summary>
    public static void WriteNanoFramework(SourceWriter writer, StridedCopy copy, string input, string output, string copyClass = "global::System.Array") =>
        Write(writer, copy, input, output, input + "Offset", output + "Offset", copyClass);

    private static void Write(SourceWriter writer, StridedCopy copy, string input, string output, string? inputBase, string? outputBase, string? arrayCopy)
    {
        int depth = copy.Counts.Count;
        if (copy.ElementCount == 0)
        {
            writer.WriteLine("// Nothing to copy: the result is empty.");
            return;
        }
        bool blockCopy = copy.InputStrides[depth - 1] == 1 && copy.OutputStrides[depth - 1] == 1;
        int loops = blockCopy ? depth - 1 : depth;
        string inExpr = Offset(inputBase, copy.InputOffset), outExpr = Offset(outputBase, copy.OutputOffset);
        for (int k = 0; k < loops; k++)
        {
            string i = "i" + k, o = "o" + k;
            writer.OpenBlock($"for (int n{k} = 0, {i} = {inExpr}, {o} = {outExpr}; n{k} < {copy.Counts[k]}; n{k}++, {i} += {Literals.Int(copy.InputStrides[k])}, {o} += {Literals.Int(copy.OutputStrides[k])})");
            inExpr = i;
            outExpr = o;
        }
        if (blockCopy)
        {
            int run = copy.Counts[depth - 1];
            writer.WriteLine(arrayCopy is not null
                ? $"{arrayCopy}.Copy({input}, {inExpr}, {output}, {outExpr}, {run});"
                : $"{input}.Slice({inExpr}, {run}).CopyTo({output}.Slice({outExpr}, {run}));");
        }
        else
        {
            writer.WriteLine($"{output}[{outExpr}] = {input}[{inExpr}];");
        }
        for (int k = 0; k < loops; k++)
        {
            writer.CloseBlock();
        }
    }

    private static string Offset(string? baseExpression, int offset) =>
        baseExpression is null ? Literals.Int(offset) : baseExpression + Literals.PlusTerm(offset);

    /// <summary>A short description of the loop nest for the generated comment, such as <c>4 × 16 (input strides 64, 1)</c>.</summary>
    public static string Describe(StridedCopy copy) =>
        $"{string.Join(" × ", copy.Counts)} element(s), input strides [{string.Join(", ", copy.InputStrides)}] from {copy.InputOffset}, output strides [{string.Join(", ", copy.OutputStrides)}] from {copy.OutputOffset}";
}
