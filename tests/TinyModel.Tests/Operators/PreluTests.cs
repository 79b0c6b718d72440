using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// PRELU beyond the opsets models: alpha broadcast in several ways (per channel, per row, full, run-time), every
/// int8 input value against alphas of both signs and above one, int16 over its whole range with an int8 alpha,
/// extreme zero points, and the 4-dimension limit of TFLM's kernel. Expected values:
/// <see cref="TfliteReference.PreluQuantized"/> (TFLM's prelu.h) and <c>x ≥ 0 ? x : x · alpha</c> for float32.
/// </summary>
public class PreluTests
{
    private const int Prelu = 54;

    public static TheoryData<int[], int[], bool> Shapes() => new()
    {
        { new[] { 1, 4, 4, 8 }, new[] { 8 }, true },
        { new[] { 2, 3, 5 }, new[] { 3, 1 }, true },
        { new[] { 2, 6 }, new[] { 2, 6 }, false },
        { new[] { 3, 1, 4 }, new[] { 1, 2, 4 }, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32(int[] shape, int[] alphaShape, bool constantAlpha)
    {
        int[] output = Broadcast(shape, alphaShape);
        new BinaryCase(Prelu, TfliteType.Float32, shape, alphaShape, output, Constant2: constantAlpha).AssertFloat((x, a) => x >= 0f ? x : x * a);
    }

    /// <summary>Every int8 input down the rows, against alphas along the columns.</summary>
    [Theory]
    [InlineData(0.05f, -3, 0.01f, 0, 0.05f, -3)]
    [InlineData(0.02f, 127, 0.02f, -128, 0.01f, -128)]   // extreme zero points, outputs saturate
    [InlineData(0.1f, 0, 0.5f, 10, 0.02f, 5)]            // alphas far above one
    public void Int8EveryInputValue(float si, int zi, float sa, int za, float so, int zo)
    {
        Quant qi = new(si, zi), qa = new(sa, za), qo = new(so, zo);
        var c = new BinaryCase(Prelu, TfliteType.Int8, new[] { 256, 1 }, new[] { 1, 6 }, new[] { 256, 6 }, qi, qa, qo)
        {
            Input1 = Enumerable.Range(-128, 256).ToArray(),
            Input2 = new[] { -128, -40, 0, za, 60, 127 },
        };
        c.AssertInteger((x, a) => TfliteReference.PreluQuantized(x, a, (si, zi), (sa, za), (so, zo), -128, 127));
        (c with { Constant2 = true }).AssertInteger((x, a) => TfliteReference.PreluQuantized(x, a, (si, zi), (sa, za), (so, zo), -128, 127));
    }

    [Fact]
    public void Int16WithInt8Alpha()
    {
        (float Scale, int ZeroPoint) qi = (0.0005f, 0), qa = (0.01f, 3), qo = (0.0006f, 0);
        short[] input = UnaryCase.SpreadInt16;
        sbyte[] alpha = { -128, -7, 0, 3, 50, 127 };
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int16, new[] { 256, 1 }, qi.Scale, qi.ZeroPoint);
        int a = b.Constant("alpha", TfliteType.Int8, new[] { 6 }, alpha.Select(v => (byte)v).ToArray(), new[] { qa.Scale }, new long[] { qa.ZeroPoint });
        int y = b.Tensor("y", TfliteType.Int16, new[] { 256, 6 }, qo.Scale, qo.ZeroPoint);
        b.Operator(Prelu, new[] { x, a }, new[] { y }).Inputs(x).Outputs(y);
        short[] actual = Values<short>(Run(Compile(b), Bytes(input)));
        short[] expected = Enumerable.Range(0, 256 * 6)
            .Select(i => (short)TfliteReference.PreluQuantized(input[i / 6], alpha[i % 6], qi, qa, qo, short.MinValue, short.MaxValue)).ToArray();
        AssertEqual(expected, actual);
    }

    [Fact]
    public void FiveDimensionsAreReported() =>
        AssertUnsupported(new BinaryCase(Prelu, TfliteType.Float32, new[] { 1, 2, 1, 2, 3 }, new[] { 1, 2, 1, 2, 3 }, new[] { 1, 2, 1, 2, 3 }).Model(),
            "PRELU at node 0", "5 dimensions", "at most 4");

    private static int[] Broadcast(int[] a, int[] b)
    {
        int rank = System.Math.Max(a.Length, b.Length);
        int At(int[] s, int d) => d - (rank - s.Length) >= 0 ? s[d - (rank - s.Length)] : 1;
        return Enumerable.Range(0, rank).Select(d => System.Math.Max(At(a, d), At(b, d))).ToArray();
    }
}
