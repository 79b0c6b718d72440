using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators;

/// <summary>
/// The element-type combinations an operator compiles. The pre-lowering type check, the README's table
/// and the tests that build a model for every combination all read this, so they cannot disagree.
/// </summary>
internal sealed class TypeSupport
{
    private readonly IReadOnlyList<string>? _inputNames;

    /// <summary>For <see cref="Operands"/>: what it accepts, in words; null for operators whose combinations are checked.</summary>
    private readonly string? _operandDescription;

    private TypeSupport(IReadOnlyList<TypeCombination> combinations, bool variadic, bool anyType, IReadOnlyList<string>? inputNames = null, bool variadicOutputs = false,
        string? operandDescription = null)
    {
        _operandDescription = operandDescription;
        Combinations = combinations;
        IsVariadic = variadic;
        AcceptsAnyType = anyType;
        _inputNames = inputNames;
        HasVariadicOutputs = variadicOutputs;
    }

    /// <summary>
    /// The same combinations with names for the inputs, in the operator's order, so that descriptions say
    /// <c>int16 (filter int8, bias int64, int32 or none)</c>. Inputs that share a name (an LSTM's eight gate
    /// weights) are described together; the one named <c>input</c> is the type the others are grouped by.
    /// </summary>
    public TypeSupport WithInputNames(params string[] names) => new(Combinations, IsVariadic, AcceptsAnyType, names, HasVariadicOutputs);

    /// <summary>The same combinations for an operator with any number of outputs of the listed output's type (SPLIT, UNPACK).</summary>
    public TypeSupport WithVariadicOutputs() => new(Combinations, IsVariadic, AcceptsAnyType, _inputNames, variadicOutputs: true);

    /// <summary>Whether outputs past a combination's last one repeat its type.</summary>
    public bool HasVariadicOutputs { get; }

    /// <summary>The combinations, in the order the README lists them.</summary>
    public IReadOnlyList<TypeCombination> Combinations { get; }

    /// <summary>Whether inputs past a combination's last one repeat its type (CONCATENATION).</summary>
    public bool IsVariadic { get; }

    /// <summary>Whether the operator moves data of every element type without looking at it (views, copies).</summary>
    public bool AcceptsAnyType { get; }

    /// <summary>The element types TinyModel compiles at all, for operators that accept every one of them.</summary>
    public static IReadOnlyList<ElementType> AllTypes { get; } =
        new[] { ElementType.Float32, ElementType.Int8, ElementType.UInt8, ElementType.Int16, ElementType.Int32, ElementType.Int64, ElementType.Bool };

    /// <summary>Combinations listed one by one: <c>(inputs, outputs)</c>; null in the inputs for an omitted optional operand.</summary>
    public static TypeSupport Of(params (ElementType?[] Inputs, ElementType[] Outputs)[] combinations) =>
        new(combinations.Select(c => new TypeCombination(c.Inputs, c.Outputs)).ToList(), variadic: false, anyType: false);

    /// <summary>Operators whose inputs past the listed ones repeat the last listed type.</summary>
    public static TypeSupport Variadic(params (ElementType?[] Inputs, ElementType[] Outputs)[] combinations) =>
        new(Of(combinations).Combinations, variadic: true, anyType: false);

    /// <summary>
    /// Operators that move data without looking at it: for every type, <paramref name="combinations"/> gives
    /// the combinations with the data operands of that type (and index operands of their own types).
    /// </summary>
    public static TypeSupport AnyType(System.Func<ElementType, (ElementType?[] Inputs, ElementType[] Outputs)[]> combinations, bool variadic = false) =>
        new(AllTypes.SelectMany(combinations).Select(c => new TypeCombination(c.Inputs, c.Outputs)).ToList(), variadic, anyType: true);

    /// <summary>One input and one output of the same type, for each of <paramref name="types"/>.</summary>
    public static TypeSupport SameType(params ElementType[] types) =>
        Of(types.Select(t => (new ElementType?[] { t }, new[] { t })).ToArray());

    /// <summary>
    /// Operators whose operands take whatever types the subgraphs they call have (IF, WHILE): any number of
    /// operands of any types, which their lowering checks against those subgraphs. <paramref name="examples"/> are
    /// the combinations the README lists and the tests build; <paramref name="description"/> says the rule.
    /// </summary>
    public static TypeSupport Operands(string description, params (ElementType?[] Inputs, ElementType[] Outputs)[] examples) =>
        new(Of(examples).Combinations, variadic: false, anyType: false, operandDescription: description);

    /// <summary>The combination an operator's operands fit, or null.</summary>
    public TypeCombination? Match(IReadOnlyList<ElementType?> inputs, IReadOnlyList<ElementType> outputs) =>
        _operandDescription is not null ? Combinations[0] : Combinations.FirstOrDefault(c => c.Matches(inputs, HasVariadicOutputs && outputs.Count > 1 ? outputs.Take(1).ToList() : outputs, IsVariadic)
            && (!HasVariadicOutputs || outputs.All(o => o == outputs[0])));

    /// <summary>
    /// The combinations as users read them, for diagnostics and the README: one entry per type of the main
    /// input (and output, where it differs), with the other inputs' types where they differ from it, such as
    /// <c>float32 (bias float32 or none); int8 (bias int32 or none)</c>, or <c>every type (perm int32 or int64)</c>.
    /// </summary>
    public string Describe()
    {
        if (_operandDescription is not null)
        {
            return _operandDescription;
        }
        int primary = Primary();
        if (AcceptsAnyType)
        {
            string details = Details(Combinations, primary, sameAsPrimary: null);
            return details.Length == 0 ? "every type" : $"every type ({details})";
        }
        var parts = new List<string>();
        foreach (IGrouping<string, TypeCombination> group in Combinations.GroupBy(c => Head(c, primary)))
        {
            // Where the inputs' types go together (SVDF's time weights and state), describe each set of required types apart.
            var combinations = group.ToList();
            IEnumerable<List<TypeCombination>> subgroups = IsProduct(combinations)
                ? new[] { combinations }
                : combinations.GroupBy(c => RequiredTypes(c, combinations)).Select(g => g.ToList());
            foreach (List<TypeCombination> subgroup in subgroups)
            {
                if (!IsProduct(subgroup))
                {
                    parts.AddRange(subgroup.Select(c => c.Describe()));
                    continue;
                }
                string details = Details(subgroup, primary, subgroup[0].Inputs[primary]);
                parts.Add(details.Length == 0 ? group.Key : $"{group.Key} ({details})");
            }
        }
        return string.Join("; ", parts.Distinct());
    }

    /// <summary>The types of the inputs that no combination of the group omits.</summary>
    private static string RequiredTypes(TypeCombination c, List<TypeCombination> group) =>
        string.Join(",", Enumerable.Range(0, c.Inputs.Count)
            .Where(i => group.All(g => i < g.Inputs.Count && g.Inputs[i] is not null))
            .Select(i => c.Inputs[i]));

    private int Primary() => _inputNames is null ? 0 : System.Math.Max(0, _inputNames.ToList().IndexOf("input"));

    private string InputName(int position) =>
        _inputNames is not null && position < _inputNames.Count ? _inputNames[position] : $"input {position + 1}";

    /// <summary><c>int8</c>, or <c>int8 → int16</c> when the outputs are not the main input's type.</summary>
    private static string Head(TypeCombination c, int primary)
    {
        string input = primary < c.Inputs.Count ? c.Inputs[primary]?.ModelName() ?? "none" : "none";
        string outputs = string.Join(", ", c.Outputs.Select(t => t.ModelName()));
        return outputs == input || outputs.Length == 0 ? input : $"{input} → {outputs}";
    }

    /// <summary>Whether every choice of each input's types occurs: then per-input alternatives describe the group exactly.</summary>
    private static bool IsProduct(List<TypeCombination> combinations)
    {
        int positions = combinations.Max(c => c.Inputs.Count);
        long product = 1;
        for (int i = 0; i < positions; i++)
        {
            product *= combinations.Select(c => i < c.Inputs.Count ? c.Inputs[i] : null).Distinct().Count();
        }
        return product == combinations.Select(c => string.Join(",", c.Inputs)).Distinct().Count();
    }

    /// <summary>
    /// <c>filter int8, bias int64, int32 or none</c>: each other named input with its alternatives, leaving out
    /// inputs always omitted, inputs of the main input's own type, and (for any-type operators) inputs of any type.
    /// </summary>
    private string Details(IReadOnlyList<TypeCombination> combinations, int primary, ElementType? sameAsPrimary)
    {
        int positions = combinations.Max(c => c.Inputs.Count);
        var byName = new List<(string Name, List<string> Types)>();
        for (int i = 0; i < positions; i++)
        {
            if (i == primary)
            {
                continue;
            }
            string name = InputName(i);
            var types = combinations.Select(c => i < c.Inputs.Count ? c.Inputs[i] : null).Distinct()
                .OrderBy(t => t is null ? 1 : 0).Select(t => t?.ModelName() ?? "none").ToList();
            int existing = byName.FindIndex(n => n.Name == name);
            if (existing >= 0)
            {
                byName[existing].Types.AddRange(types.Where(t => !byName[existing].Types.Contains(t)));
            }
            else
            {
                byName.Add((name, types));
            }
        }
        var details = new List<string>();
        foreach ((string name, List<string> types) in byName)
        {
            bool alwaysOmitted = types.Count == 1 && types[0] == "none";
            bool likePrimary = sameAsPrimary is not null && types.Count == 1 && types[0] == sameAsPrimary.Value.ModelName();
            bool anyType = sameAsPrimary is null && AllTypes.All(t => types.Contains(t.ModelName()));
            if (!alwaysOmitted && !likePrimary && !anyType)
            {
                details.Add($"{name} {Alternatives(types)}");
            }
        }
        return string.Join(", ", details);
    }

    private static string Alternatives(List<string> types) =>
        types.Count == 1 ? types[0] : string.Join(", ", types.Take(types.Count - 1)) + " or " + types[types.Count - 1];
}
