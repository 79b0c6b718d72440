using System.Globalization;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// An int8 comparison whose rescaled result a comparison of the stored values gives as well, found at build time by
/// trying every stored value: then the layer compares bytes (64 a step with AVX-512) instead of rescaling both inputs.
/// Two tensors qualify when, for all 65536 pairs, <c>r1(a) op r2(b)</c> equals <c>a op b</c> (the usual case of two
/// inputs with one scale and zero point whose rescaling is strictly increasing); a tensor and a single constant when
/// the 256 outcomes against the constant are those of some relation with some stored value (a prefix, a suffix, one
/// value or all but one, which is what a monotonic rescaling gives unless several values round together).
/// </summary>
internal static class StoredComparison
{
    private static readonly ComparisonKind[] Kinds =
    {
        ComparisonKind.Equal, ComparisonKind.NotEqual, ComparisonKind.Greater, ComparisonKind.GreaterEqual, ComparisonKind.Less, ComparisonKind.LessEqual,
    };

    /// <summary>The equivalent comparison of stored values (a literal operand replaced by its threshold), or null.</summary>
    public static (ComparisonKind Kind, ElementwiseOperand Left, ElementwiseOperand Right)? Reduce(
        ComparisonKind kind, ComparisonRescaling r, ElementwiseOperand left, ElementwiseOperand right)
    {
        int[] r1 = Table(r, 1), r2 = Table(r, 2);
        if (left.Literal is null && right.Literal is null)
        {
            bool same = Values().All(a => Values().All(b => Holds(kind, r1[a + 128], r2[b + 128]) == Holds(kind, a, b)));
            return same ? (kind, left, right) : null;
        }
        if (left.Literal is not null && right.Literal is not null)
        {
            return null;
        }
        bool literalLeft = left.Literal is not null;
        int constant = literalLeft ? r1[Stored(left.Literal!) + 128] : r2[Stored(right.Literal!) + 128];
        bool[] outcomes = Values().Select(v => literalLeft ? Holds(kind, constant, r2[v + 128]) : Holds(kind, r1[v + 128], constant)).ToArray();
        foreach (ComparisonKind candidate in new[] { kind }.Concat(Kinds))
        {
            foreach (int t in Values())
            {
                if (Values().All(v => (literalLeft ? Holds(candidate, t, v) : Holds(candidate, v, t)) == outcomes[v + 128]))
                {
                    string threshold = Literals.Int(t);
                    return literalLeft ? (candidate, left with { Literal = threshold }, right) : (candidate, left, right with { Literal = threshold });
                }
            }
        }
        return null;
    }

    /// <summary>Input <paramref name="which"/> rescaled as TFLM does, for every stored value (index: q + 128).</summary>
    public static int[] Table(ComparisonRescaling r, int which)
    {
        (int offset, int multiplier, int shift) = r.Input(which);
        return Values().Select(q => GemmlowpMath.ScaleInput(q, offset, r.LeftShift, multiplier, shift)).ToArray();
    }

    /// <summary>The stored value of an int8 literal operand (written by <see cref="Literals.Int(long)"/>).</summary>
    public static int Stored(string literal) => int.Parse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static System.Collections.Generic.IEnumerable<int> Values() => Enumerable.Range(sbyte.MinValue, 256);

    private static bool Holds(ComparisonKind kind, int x, int y) => kind switch
    {
        ComparisonKind.Equal => x == y,
        ComparisonKind.NotEqual => x != y,
        ComparisonKind.Greater => x > y,
        ComparisonKind.GreaterEqual => x >= y,
        ComparisonKind.Less => x < y,
        _ => x <= y,
    };
}
