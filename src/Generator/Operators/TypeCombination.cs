using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators;

/// <summary>
/// One combination of element types an operator compiles: the type of each of its tensor operands, in
/// the operator's order (inputs, then outputs), as TFLM's kernel accepts them.
/// </summary>
/// <param name="Inputs">Each input's type; null where the input is an omitted optional operand (index -1 or absent).</param>
/// <param name="Outputs">Each output's type.</param>
internal sealed record TypeCombination(IReadOnlyList<ElementType?> Inputs, IReadOnlyList<ElementType> Outputs)
{
    /// <summary>Whether an operator's operand types fit this combination; missing trailing inputs count as omitted.</summary>
    /// <param name="inputs">The operator's input types, null for an omitted input.</param>
    /// <param name="outputs">The operator's output types.</param>
    /// <param name="variadic">Whether inputs past the combination's last repeat its last input's type (CONCATENATION).</param>
    public bool Matches(IReadOnlyList<ElementType?> inputs, IReadOnlyList<ElementType> outputs, bool variadic)
    {
        if (outputs.Count != Outputs.Count || !outputs.SequenceEqual(Outputs))
        {
            return false;
        }
        if (inputs.Count > Inputs.Count && !(variadic && Inputs.Count > 0))
        {
            return false;
        }
        for (int i = 0; i < System.Math.Max(inputs.Count, Inputs.Count); i++)
        {
            ElementType? expected = i < Inputs.Count ? Inputs[i] : Inputs[Inputs.Count - 1];
            ElementType? actual = i < inputs.Count ? inputs[i] : null;
            if (expected != actual)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The combination as users read it: <c>int8</c> when every operand has one type, else <c>int16, int8, int64 → int16</c>.</summary>
    public string Describe()
    {
        var present = Inputs.Where(t => t is not null).Select(t => t!.Value).Concat(Outputs).Distinct().ToList();
        if (present.Count == 1 && Inputs.All(t => t is not null))
        {
            return present[0].ModelName();
        }
        return string.Join(", ", Inputs.Select(t => t?.ModelName() ?? "none")) + " → " + string.Join(", ", Outputs.Select(t => t.ModelName()));
    }

    public override string ToString() => Describe();
}
