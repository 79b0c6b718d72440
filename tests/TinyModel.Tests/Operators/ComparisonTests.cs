using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS and LESS_EQUAL beyond the opsets models: every pair of int8
/// values under scales that make TFLM's rescaling merge neighbouring values, NaN, infinities and signed zeros,
/// int32 extremes, bool broadcasting, constant inputs, and the diagnostics. Expected values: the relation on
/// the stored values, or for int8 on <see cref="TfliteReference.ComparisonOperand"/> (TFLM's comparisons.h).
/// </summary>
public class ComparisonTests
{
    private const int Less = 58, Greater = 61, GreaterEqual = 62, LessEqual = 63, Equal = 71, NotEqual = 72;

    private static readonly (int Code, Func<long, long, bool> Relation)[] Relations =
    {
        (Equal, (x, y) => x == y),
        (NotEqual, (x, y) => x != y),
        (Greater, (x, y) => x > y),
        (GreaterEqual, (x, y) => x >= y),
        (Less, (x, y) => x < y),
        (LessEqual, (x, y) => x <= y),
    };

    private static readonly int[] AllInt8 = Enumerable.Range(sbyte.MinValue, 256).ToArray();

    /// <summary>
    /// All 65,536 pairs, input 1 down the rows and input 2 along the columns (broadcast). A scale of 0.001 maps
    /// four stored values to one rescaled value, so values TFLM calls equal differ as stored.
    /// </summary>
    [Theory]
    [InlineData(0.05f, -3, 0.05f, -3)]
    [InlineData(0.05f, 10, 0.11f, -7)]
    [InlineData(0.001f, 0, 0.0037f, 5)]
    [InlineData(0.9999f, -128, 1e-6f, 127)]
    public void Int8EveryPairIsRescaledAsTflm(float s1, int z1, float s2, int z2)
    {
        foreach ((int code, Func<long, long, bool> relation) in Relations)
        {
            new BinaryCase(code, TfliteType.Int8, new[] { 256, 1 }, new[] { 1, 256 }, new[] { 256, 256 }, new Quant(s1, z1), new Quant(s2, z2), OutputType: TfliteType.Bool)
            {
                Input1 = AllInt8,
                Input2 = AllInt8,
            }.AssertInteger((x, y) => relation(TfliteReference.ComparisonOperand(x, s1, z1), TfliteReference.ComparisonOperand(y, s2, z2)) ? 1 : 0);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8ConstantInputs(bool scalar)
    {
        Quant q1 = new(0.02f, 4), q2 = new(0.03f, -9);
        int[] shape2 = scalar ? new[] { 1 } : new[] { 8 };
        new BinaryCase(Greater, TfliteType.Int8, new[] { 4, 8 }, shape2, new[] { 4, 8 }, q1, q2, Constant2: true, OutputType: TfliteType.Bool)
            .AssertInteger((x, y) => TfliteReference.ComparisonOperand(x, q1.Scale, q1.ZeroPoint) > TfliteReference.ComparisonOperand(y, q2.Scale, q2.ZeroPoint) ? 1 : 0);
        new BinaryCase(LessEqual, TfliteType.Int8, shape2, new[] { 4, 8 }, new[] { 4, 8 }, q1, q2, Constant1: true, OutputType: TfliteType.Bool)
            .AssertInteger((x, y) => TfliteReference.ComparisonOperand(x, q1.Scale, q1.ZeroPoint) <= TfliteReference.ComparisonOperand(y, q2.Scale, q2.ZeroPoint) ? 1 : 0);
    }

    /// <summary>
    /// Runs long enough for the vector kernels, in every form: two tensors, a tensor against a broadcast column, against a
    /// single constant on either side, and two inputs of one scale (which compare their stored values once the generator
    /// has checked that the rescaling changes no outcome). A scale of 0.001 merges neighbouring values, so a constant's
    /// equality covers several stored values and keeps the rescaled kernel.
    /// </summary>
    [Theory]
    [InlineData(0.05f, 10, 0.11f, -7)]
    [InlineData(0.001f, 0, 0.0037f, 5)]
    [InlineData(0.02f, -3, 0.02f, -3)]
    [InlineData(0.001f, 4, 0.001f, 4)]
    public void Int8LongRunsInEveryForm(float s1, int z1, float s2, int z2)
    {
        Quant q1 = new(s1, z1), q2 = new(s2, z2);
        foreach ((int code, Func<long, long, bool> relation) in Relations)
        {
            Func<int, int, long> expected = (x, y) => relation(TfliteReference.ComparisonOperand(x, s1, z1), TfliteReference.ComparisonOperand(y, s2, z2)) ? 1 : 0;
            new BinaryCase(code, TfliteType.Int8, new[] { 3, 40 }, new[] { 3, 40 }, new[] { 3, 40 }, q1, q2, OutputType: TfliteType.Bool).AssertInteger(expected);
            new BinaryCase(code, TfliteType.Int8, new[] { 3, 40 }, new[] { 3, 1 }, new[] { 3, 40 }, q1, q2, OutputType: TfliteType.Bool).AssertInteger(expected);
            foreach (int constant in new[] { -128, -20, 0, 3, 127 })
            {
                new BinaryCase(code, TfliteType.Int8, new[] { 2, 128 }, new[] { 1 }, new[] { 2, 128 }, q1, q2, Constant2: true, OutputType: TfliteType.Bool)
                {
                    Input1 = AllInt8,
                    Input2 = new[] { constant },
                }.AssertInteger(expected);
                new BinaryCase(code, TfliteType.Int8, new[] { 1 }, new[] { 256 }, new[] { 256 }, q1, q2, Constant1: true, OutputType: TfliteType.Bool)
                {
                    Input1 = new[] { constant },
                    Input2 = AllInt8,
                }.AssertInteger(expected);
            }
        }
    }

    /// <summary>IEEE comparisons, as C++ makes them: NaN is unequal to everything, itself included, and -0 equals +0.</summary>
    [Fact]
    public void Float32SpecialValues()
    {
        float[] values = { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1f, float.Epsilon, -1f, float.MaxValue };
        var cases = new (int Code, Func<float, float, bool> Relation)[]
        {
            (Equal, (x, y) => x == y), (NotEqual, (x, y) => x != y), (Greater, (x, y) => x > y),
            (GreaterEqual, (x, y) => x >= y), (Less, (x, y) => x < y), (LessEqual, (x, y) => x <= y),
        };
        foreach ((int code, Func<float, float, bool> relation) in cases)
        {
            new BinaryCase(code, TfliteType.Float32, new[] { values.Length, 1 }, new[] { values.Length }, new[] { values.Length, values.Length }, OutputType: TfliteType.Bool)
            {
                FloatInput1 = values,
                FloatInput2 = values,
            }.AssertBool(relation);
        }
    }

    [Theory]
    [InlineData(TfliteType.Int32)]
    [InlineData(TfliteType.Int64)]
    public void IntegersExtremesAndBroadcast(TfliteType type)
    {
        int[] values = { int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue - 1, int.MaxValue };
        foreach ((int code, Func<long, long, bool> relation) in Relations)
        {
            new BinaryCase(code, type, new[] { 1, values.Length, 1 }, new[] { 2, 1, values.Length }, new[] { 2, values.Length, values.Length }, OutputType: TfliteType.Bool)
            {
                Input1 = values,
                Input2 = values.Concat(values.Reverse()).ToArray(),
            }.AssertInteger((x, y) => relation(x, y) ? 1 : 0);
        }
    }

    [Fact]
    public void BoolBroadcast()
    {
        new BinaryCase(Equal, TfliteType.Bool, new[] { 2, 3, 1 }, new[] { 1, 4 }, new[] { 2, 3, 4 }, OutputType: TfliteType.Bool).AssertInteger((x, y) => x == y ? 1 : 0);
        new BinaryCase(NotEqual, TfliteType.Bool, new[] { 5 }, new[] { 1 }, new[] { 5 }, Constant2: true, OutputType: TfliteType.Bool).AssertInteger((x, y) => x != y ? 1 : 0);
    }

    [Fact]
    public void BroadcastOverFiveDimensionsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Less, TfliteType.Float32, new[] { 2, 1, 1, 1, 3 }, new[] { 3 }, new[] { 2, 1, 1, 1, 3 }, OutputType: TfliteType.Bool).Model(),
            "LESS at node 0", "5 dimensions", "at most 4");

    [Fact]
    public void Int8ScaleOfOneIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Equal, TfliteType.Int8, new[] { 4 }, new[] { 4 }, new[] { 4 }, new Quant(1f, 0), new Quant(0.5f, 0), OutputType: TfliteType.Bool).Model(),
            "EQUAL at node 0", "input 1", "(0, 1)");

    [Fact]
    public void Int16IsReported() =>
        Assert.Contains(ElementwiseTestModels.Diagnostics(new BinaryCase(Greater, TfliteType.Int16, new[] { 4 }, new[] { 4 }, new[] { 4 }, new Quant(0.01f, 0), new Quant(0.01f, 0), OutputType: TfliteType.Bool).Model()),
            d => d.Id == "TM0007" && d.GetMessage().Contains("GREATER") && d.GetMessage().Contains("int16"));
}
