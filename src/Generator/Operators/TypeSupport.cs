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
    private TypeSupport(IReadOnlyList<TypeCombination> combinations, bool variadic, bool anyType)
    {
        Combinations = combinations;
        IsVariadic = variadic;
        AcceptsAnyType = anyType;
    }

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

    /// <summary>The combination an operator's operands fit, or null.</summary>
    public TypeCombination? Match(IReadOnlyList<ElementType?> inputs, IReadOnlyList<ElementType> outputs) =>
        Combinations.FirstOrDefault(c => c.Matches(inputs, outputs, IsVariadic));

    /// <summary>The combinations as users read them, for diagnostics and the README: <c>float32; int8; int16</c>.</summary>
    public string Describe() =>
        AcceptsAnyType ? "every type" : string.Join("; ", Combinations.Select(c => c.Describe()).Distinct());
}
