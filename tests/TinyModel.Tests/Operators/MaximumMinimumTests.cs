using System;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// MAXIMUM and MINIMUM beyond the opsets models: every type with broadcast shapes up to 5 dimensions,
/// constant and scalar inputs, and quantized tensors with different parameters (TFLM compares stored values
/// without rescaling). Expected values: TFLM's <c>el1 &gt; el2 ? el1 : el2</c> (and <c>&lt;</c>) per element.
/// </summary>
public class MaximumMinimumTests
{
    private const int Maximum = 55, Minimum = 57;

    public static TheoryData<int[], int[], int[]> Shapes() => new()
    {
        { new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 } },
        { new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3, 4 } },
        { new[] { 4, 1 }, new[] { 1, 4 }, new[] { 4, 4 } },
        { new[] { 2, 1, 2, 1, 3 }, new[] { 1, 2, 1, 2, 1 }, new[] { 2, 2, 2, 2, 3 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32(int[] shape1, int[] shape2, int[] output)
    {
        new BinaryCase(Maximum, TfliteType.Float32, shape1, shape2, output).AssertFloat((x, y) => x > y ? x : y);
        new BinaryCase(Minimum, TfliteType.Float32, shape1, shape2, output).AssertFloat((x, y) => x < y ? x : y);
    }

    [Theory]
    [InlineData(TfliteType.Int8)]
    [InlineData(TfliteType.Int16)]
    [InlineData(TfliteType.Int32)]
    [InlineData(TfliteType.Int64)]
    public void IntegersBroadcast(TfliteType type)
    {
        foreach (object[] shapes in Shapes())
        {
            var (shape1, shape2, output) = ((int[])shapes[0], (int[])shapes[1], (int[])shapes[2]);
            new BinaryCase(Maximum, type, shape1, shape2, output).AssertInteger((x, y) => Math.Max(x, y));
            new BinaryCase(Minimum, type, shape1, shape2, output).AssertInteger((x, y) => Math.Min(x, y));
        }
    }

    [Fact]
    public void QuantizedInputsAreComparedAsStoredWithoutRescaling() =>
        new BinaryCase(Maximum, TfliteType.Int8, new[] { 64 }, new[] { 64 }, new[] { 64 }, new Quant(0.1f, 5), new Quant(0.7f, -20), new Quant(0.3f, 0))
            .AssertInteger((x, y) => Math.Max(x, y));

    [Theory]
    [InlineData(TfliteType.Int8, false)]
    [InlineData(TfliteType.Int8, true)]
    [InlineData(TfliteType.Int16, true)]
    [InlineData(TfliteType.Int64, true)]
    public void ConstantInputs(TfliteType type, bool scalar)
    {
        int[] shape2 = scalar ? new[] { 1 } : new[] { 6 };
        new BinaryCase(Minimum, type, new[] { 4, 6 }, shape2, new[] { 4, 6 }, Constant2: true).AssertInteger((x, y) => Math.Min(x, y));
        new BinaryCase(Maximum, type, shape2, new[] { 4, 6 }, new[] { 4, 6 }, Constant1: true).AssertInteger((x, y) => Math.Max(x, y));
    }

    [Fact]
    public void Float32ScalarConstant() =>
        new BinaryCase(Maximum, TfliteType.Float32, new[] { 3, 5 }, new[] { 1 }, new[] { 3, 5 }, Constant2: true).AssertFloat((x, y) => x > y ? x : y);

    [Fact]
    public void BroadcastOverSixDimensionsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(Maximum, TfliteType.Float32, new[] { 2, 1, 1, 1, 1, 3 }, new[] { 3 }, new[] { 2, 1, 1, 1, 1, 3 }).Model(),
            "MAXIMUM at node 0", "6 dimensions", "at most 5");
}
