using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// FLOOR_DIV and FLOOR_MOD beyond the opsets models: broadcast shapes, signs, quotients that floor differently in
/// double than in float (TFLM divides in double), infinities, NaN and signed zeros, and zero divisors: FLOOR_DIV
/// refuses them as TFLM does (a throw at run time, a diagnostic for a constant), FLOOR_MOD gives NaN. Expected
/// values: <see cref="TfliteReference.FloorDiv"/> and <see cref="TfliteReference.FloorMod"/>, compared bit for bit.
/// </summary>
public class FloorDivModTests
{
    private const int FloorDiv = 90, FloorMod = 95;

    private static void AssertExact(BinaryCase c, Func<float, float, float> reference)
    {
        float[] expected = c.Expected(c.FloatInput1, c.FloatInput2, reference);
        float[] actual = Values<float>(c.Run());
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    public static TheoryData<int[], int[], int[]> Shapes() => new()
    {
        { new[] { 3, 8 }, new[] { 3, 8 }, new[] { 3, 8 } },
        { new[] { 2, 3, 8 }, new[] { 8 }, new[] { 2, 3, 8 } },
        { new[] { 4, 1 }, new[] { 1, 1, 6 }, new[] { 1, 4, 6 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BroadcastShapesAndSigns(int[] shape1, int[] shape2, int[] output)
    {
        // Divisors away from zero, of both signs.
        float[] divisors = RandomFloats(TfliteReference.Count(shape2), 0.25f, 4f, 7).Select((v, i) => i % 2 == 0 ? v : -v).ToArray();
        AssertExact(new BinaryCase(FloorDiv, TfliteType.Float32, shape1, shape2, output) { FloatInput2 = divisors }, TfliteReference.FloorDiv);
        AssertExact(new BinaryCase(FloorMod, TfliteType.Float32, shape1, shape2, output) { FloatInput2 = divisors }, TfliteReference.FloorMod);
    }

    /// <summary>1 / 0.1f is 10 in float but 9.99999985 in double, so TFLM's FLOOR_DIV gives 9; and the IEEE special values.</summary>
    [Fact]
    public void DoubleQuotientsAndSpecialValues()
    {
        float[] x = { 1f, 3f, -1f, 0.3f, 0f, -0f, float.PositiveInfinity, float.NaN, 7f, -7f, 16777215f, 1e30f };
        float[] y = { 0.1f, 0.1f, 0.1f, 0.1f, -2f, 2f, 3f, 2f, float.PositiveInfinity, float.NegativeInfinity, 0.3f, 1e-10f };
        foreach (int code in new[] { FloorDiv, FloorMod })
        {
            AssertExact(new BinaryCase(code, TfliteType.Float32, new[] { x.Length }, new[] { y.Length }, new[] { x.Length }) { FloatInput1 = x, FloatInput2 = y },
                code == FloorDiv ? TfliteReference.FloorDiv : TfliteReference.FloorMod);
        }
        Assert.Equal(9f, TfliteReference.FloorDiv(1f, 0.1f));
    }

    [Fact]
    public void FloorModOfZeroDivisorIsNaN() =>
        AssertExact(new BinaryCase(FloorMod, TfliteType.Float32, new[] { 4 }, new[] { 4 }, new[] { 4 }) { FloatInput1 = new[] { 1f, -1f, 0f, 5f }, FloatInput2 = new[] { 0f, -0f, 0f, 2f } },
            TfliteReference.FloorMod);

    [Fact]
    public void FloorDivConstantDivisor() =>
        AssertExact(new BinaryCase(FloorDiv, TfliteType.Float32, new[] { 3, 5 }, new[] { 5 }, new[] { 3, 5 }, Constant2: true) { FloatInput2 = new[] { 0.5f, -3f, 7f, -0.1f, 1f } },
            TfliteReference.FloorDiv);

    /// <summary>TFLM checks the whole divisor first and fails the Invoke on a zero (-0 included); the layer throws and writes nothing.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloorDivZeroDivisorThrows(bool negativeZero)
    {
        float zero = negativeZero ? -0f : 0f;
        var c = new BinaryCase(FloorDiv, TfliteType.Float32, new[] { 2, 4 }, new[] { 4 }, new[] { 2, 4 }) { FloatInput2 = new[] { 1f, 2f, zero, 4f } };
        ITinyModel model = Compile(c.Model());
        byte[] outputs = Enumerable.Repeat((byte)0xAB, model.Outputs.Sum(o => o.ByteCount)).ToArray();
        byte[] inputs = Bytes(c.FloatInput1).Concat(Bytes(c.FloatInput2)).ToArray();
        DivideByZeroException e = Assert.Throws<DivideByZeroException>(() => model.InvokeRaw(inputs, outputs));
        Assert.Contains("FLOOR_DIV", e.Message);
        Assert.All(outputs, b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public void FloorDivConstantZeroDivisorIsReported() =>
        AssertUnsupported(new BinaryCase(FloorDiv, TfliteType.Float32, new[] { 4 }, new[] { 4 }, new[] { 4 }, Constant2: true) { FloatInput2 = new[] { 1f, 0f, 2f, 3f } }.Model(),
            "FLOOR_DIV at node 0", "equal to 0");

    [Fact]
    public void BroadcastOverFiveDimensionsIsReported() =>
        AssertUnsupported(new BinaryCase(FloorMod, TfliteType.Float32, new[] { 2, 1, 1, 1, 3 }, new[] { 3 }, new[] { 2, 1, 1, 1, 3 }).Model(),
            "FLOOR_MOD at node 0", "5 dimensions", "at most 4");
}
