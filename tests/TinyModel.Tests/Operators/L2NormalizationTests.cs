using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// L2_NORMALIZATION beyond the opsets models: int8 rows of 1 to 1000 values (sums from 0, where TFLM's inverse
/// square root takes 1, to millions), extreme zero points, and float32 rows including an all-zero row (the 1e-6
/// floor), rows divided in a loop or by a vector kernel. Expected values: <see cref="TfliteReference.L2NormalizationInt8"/> (TFLM's integer kernel) and TFLM's
/// float formula.
/// </summary>
public class L2NormalizationTests
{
    private const int L2Normalization = 11;

    [Theory]
    [InlineData(1, -26)]
    [InlineData(8, 0)]
    [InlineData(33, 127)]
    [InlineData(1000, -128)]
    public void Int8Rows(int depth, int zeroPoint)
    {
        const int rows = 4;
        sbyte[] input = RandomInts(rows * depth, -128, 127, depth).Select(v => (sbyte)v).ToArray();
        for (int c = 0; c < depth; c++)
        {
            input[c] = (sbyte)zeroPoint;                              // a zero row
            input[depth + c] = (sbyte)(c == 0 ? (zeroPoint == 127 ? 126 : zeroPoint + 1) : zeroPoint); // a sum of 1
        }
        byte[] output = UnaryCase.Run(UnaryCase.Model(L2Normalization, TfliteType.Int8, new Quant(0.02f, zeroPoint), TfliteType.Int8, new Quant(1f / 128, 0), new[] { rows, depth }), Bytes(input));
        sbyte[] expected = Enumerable.Range(0, rows).SelectMany(r => TfliteReference.L2NormalizationInt8(input.Skip(r * depth).Take(depth).ToArray(), zeroPoint)).ToArray();
        AssertEqual(expected, Values<sbyte>(output));
    }

    /// <summary>Rows of 3 (a loop), and of 5 and 37 (BinaryKernels' division: vectors and a tail).</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(37)]
    public void Float32Rows(int depth)
    {
        float[] input = RandomFloats(3 * depth, -3f, 3f, 9);
        for (int c = 0; c < depth; c++)
        {
            input[c] = 0f;
            input[depth + c] = c * 1e-8f;
        }
        float[] actual = Values<float>(UnaryCase.Run(UnaryCase.Model(L2Normalization, TfliteType.Float32, null, TfliteType.Float32, null, new[] { 1, 3, depth }), Bytes(input)));
        for (int r = 0; r < 3; r++)
        {
            float sum = 0f;
            for (int c = 0; c < depth; c++)
            {
                sum += input[r * depth + c] * input[r * depth + c];
            }
            float norm = System.MathF.Sqrt(sum);
            norm = norm < 1e-6f ? 1e-6f : norm;
            for (int c = 0; c < depth; c++)
            {
                Assert.Equal(input[r * depth + c] / norm, actual[r * depth + c]);
            }
        }
    }

    [Fact]
    public void FiveDimensionsAreReported() =>
        AssertUnsupported(UnaryCase.Model(L2Normalization, TfliteType.Float32, null, TfliteType.Float32, null, new[] { 1, 1, 2, 2, 3 }),
            "L2_NORMALIZATION at node 0", "1 to 4 dimensions");
}
