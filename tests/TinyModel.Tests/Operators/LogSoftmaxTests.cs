using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// LOG_SOFTMAX beyond the opsets models: int8 rows from 1 to 300 values, input scales from tiny (every difference
/// counts) to large (most fall below diff_min), rows of equal values and rows with one dominant value, and float32
/// rows with large and equal values. Expected values: <see cref="TfliteReference.LogSoftmaxInt8"/> (TFLM's
/// log_softmax.h and gemmlowp's fixed-point log) and TFLM's float formula.
/// </summary>
public class LogSoftmaxTests
{
    private const int LogSoftmax = 50;

    private static TfliteModelBuilder Model(TfliteType type, int[] shape, Quant? input)
    {
        Quant? output = type == TfliteType.Int8 ? new Quant(16f / 256, 127) : null;
        return UnaryCase.Model(LogSoftmax, type, input, type, output, shape);
    }

    [Theory]
    [InlineData(1, 0.1f)]
    [InlineData(10, 0.0313725509f)]   // the opsets model's scale
    [InlineData(64, 0.002f)]          // small differences: every value counts
    [InlineData(300, 0.5f)]           // large differences: most fall below diff_min
    [InlineData(17, 4f)]
    public void Int8Rows(int depth, float scale)
    {
        const int rows = 6;
        sbyte[] input = RandomInts(rows * depth, -128, 127, depth).Select(v => (sbyte)v).ToArray();
        // Row 1 all equal, row 2 one dominant value, row 3 the whole int8 range.
        for (int c = 0; c < depth; c++)
        {
            input[depth + c] = 5;
            input[2 * depth + c] = (sbyte)(c == depth / 2 ? 127 : -128);
            input[3 * depth + c] = (sbyte)(-128 + c * 255 / Math.Max(1, depth - 1));
        }
        sbyte[] actual = Values<sbyte>(UnaryCase.Run(Model(TfliteType.Int8, new[] { rows, depth }, new Quant(scale, -7)), Bytes(input)));
        sbyte[] expected = Enumerable.Range(0, rows).SelectMany(r => TfliteReference.LogSoftmaxInt8(input.Skip(r * depth).Take(depth).ToArray(), scale)).ToArray();
        AssertEqual(expected, actual);
    }

    [Fact]
    public void Float32Rows()
    {
        int depth = 7;
        float[] input = RandomFloats(4 * depth, -20f, 20f, 3);
        for (int c = 0; c < depth; c++)
        {
            input[c] = 2.5f;                       // equal values
            input[depth + c] = c == 3 ? 80f : -80f; // one dominant value
        }
        float[] actual = Values<float>(UnaryCase.Run(Model(TfliteType.Float32, new[] { 2, 2, depth }, null), Bytes(input)));
        for (int r = 0; r < 4; r++)
        {
            float[] row = input.Skip(r * depth).Take(depth).ToArray();
            float max = float.MinValue;
            foreach (float x in row)
            {
                max = max < x ? x : max;
            }
            float sum = 0f;
            foreach (float x in row)
            {
                sum += MathF.Exp(x - max);
            }
            float log = MathF.Log(sum);
            for (int c = 0; c < depth; c++)
            {
                Assert.Equal(row[c] - max - log, actual[r * depth + c]);
            }
        }
    }

    [Fact]
    public void Int8OutputQuantizationIsChecked() =>
        AssertUnsupported(UnaryCase.Model(LogSoftmax, TfliteType.Int8, new Quant(0.1f, 0), TfliteType.Int8, new Quant(0.1f, 0), new[] { 2, 4 }),
            "LOG_SOFTMAX at node 0", "16/256", "127");
}
