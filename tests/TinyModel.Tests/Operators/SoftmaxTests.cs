using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SOFTMAX against TFLM's reference/softmax.h followed step by step in the test: the float kernel; the
/// int8 kernel with gemmlowp's fixed-point exp evaluated per element (the generator tabulates it) and
/// its reciprocal, to int8 and int16 outputs; the int16 kernel with exp and 1/(1+x) tables built as
/// TFLM's gen_lut builds them. Several rows, depths, input scales and betas.
/// </summary>
public class SoftmaxTests
{
    [Theory]
    [InlineData(1, 10, 1.0f)]
    [InlineData(3, 7, 0.5f)]
    [InlineData(2, 100, 2.0f)]
    public void FloatMatchesReference(int rows, int depth, float beta)
    {
        float[] x = RandomFloat(new Random(rows * depth), rows * depth, 5f);
        var expected = new float[x.Length];
        for (int r = 0; r < rows; r++)
        {
            float max = x.Skip(r * depth).Take(depth).Max();
            float sum = 0f;
            for (int c = 0; c < depth; c++)
            {
                expected[r * depth + c] = MathF.Exp((x[r * depth + c] - max) * beta);
                sum += expected[r * depth + c];
            }
            for (int c = 0; c < depth; c++)
            {
                expected[r * depth + c] /= sum;
            }
        }
        float[] actual = Values<float>(Run(Model(TfliteType.Float32, TfliteType.Float32, rows, depth, beta, null, 0, null, 0), x.Length * 4, Bytes(x)));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1, 12, 0.14469251f, 14, 1.0f, false)]
    [InlineData(4, 10, 0.02f, -5, 1.0f, false)]
    [InlineData(2, 33, 0.5f, 0, 0.7f, false)]
    [InlineData(3, 9, 0.06996273f, 2, 1.0f, true)]
    [InlineData(1, 300, 0.01f, -128, 1.5f, true)]
    public void Int8MatchesReference(int rows, int depth, float scale, int zeroPoint, float beta, bool int16Output)
    {
        sbyte[] x = RandomInt8(new Random(rows + depth), rows * depth);
        // PreprocessSoftmaxScaling, CalculateInputRadius (kScaledDiffIntegerBits = 5).
        (int multiplier, int leftShift) = MeanTests.QuantizeMultiplier(Math.Min((double)beta * scale * (1 << 26), (1L << 31) - 1.0));
        int diffMin = -(int)Math.Floor(31.0 * (1L << 26) / (1L << leftShift));
        int bits = int16Output ? 16 : 8, min = int16Output ? short.MinValue : sbyte.MinValue, max = int16Output ? short.MaxValue : sbyte.MaxValue;
        var expected = new int[x.Length];
        for (int r = 0; r < rows; r++)
        {
            int rowMax = x.Skip(r * depth).Take(depth).Max();
            int sum = 0;
            for (int c = 0; c < depth; c++)
            {
                int diff = x[r * depth + c] - rowMax;
                if (diff >= diffMin)
                {
                    sum += RoundingDivideByPOT(ExpOnNegativeValues(Mul(diff * (1 << leftShift), multiplier)), 12);
                }
            }
            // GetReciprocal(sum, 12).
            int headroom = System.Numerics.BitOperations.LeadingZeroCount((uint)sum);
            int scaleQ = OneOverOnePlusX(unchecked((int)(((uint)sum << headroom) - (1u << 31))));
            int exponent = 12 - headroom + 31 - bits;
            for (int c = 0; c < depth; c++)
            {
                int diff = x[r * depth + c] - rowMax;
                expected[r * depth + c] = diff >= diffMin
                    ? Math.Clamp(RoundingDivideByPOT(Mul(scaleQ, ExpOnNegativeValues(Mul(diff * (1 << leftShift), multiplier))), exponent) + min, min, max)
                    : min;
            }
        }
        TfliteModelBuilder b = int16Output
            ? Model(TfliteType.Int8, TfliteType.Int16, rows, depth, beta, scale, zeroPoint, 1f / 65536, -32768)
            : Model(TfliteType.Int8, TfliteType.Int8, rows, depth, beta, scale, zeroPoint, 1f / 256, -128);
        if (int16Output)
        {
            Assert.Equal(expected.Select(v => (short)v).ToArray(), Values<short>(Run(b, x.Length * 2, Bytes(x))));
        }
        else
        {
            Assert.Equal(expected.Select(v => (sbyte)v).ToArray(), Values<sbyte>(Run(b, x.Length, Bytes(x))));
        }
    }

    [Theory]
    [InlineData(1, 10, 0.001f, 1.0f)]
    [InlineData(3, 17, 0.0004f, 1.0f)]
    [InlineData(2, 64, 0.0002f, 0.8f)]
    public void Int16MatchesReference(int rows, int depth, float scale, float beta)
    {
        short[] x = RandomInt16(new Random(rows * 3 + depth), rows * depth, 8192);
        short[] expLut = GenLut(v => MathF.Exp(v), -10f, 0f);
        short[] recipLut = GenLut(v => 1f / (1f + v), 0f, 1f);
        (int multiplier, int shift) = MeanTests.QuantizeMultiplier((double)scale * beta / (10.0 / 65535.0));
        var expected = new short[x.Length];
        for (int r = 0; r < rows; r++)
        {
            int rowMax = x.Skip(r * depth).Take(depth).Max();
            var exps = new int[depth];
            int sum = 0;
            for (int c = 0; c < depth; c++)
            {
                int scaled = TfliteReference.MultiplyByQuantizedMultiplier(x[r * depth + c] - rowMax, multiplier, shift) + 32767;
                exps[c] = Lookup((short)Math.Clamp(scaled, -32768, 32767), expLut);
                sum += exps[c];
            }
            int headroom = System.Numerics.BitOperations.LeadingZeroCount((uint)sum);
            int shifted = (int)((((long)sum << (headroom - 1)) + (1 << 13)) >> 14);
            int reciprocal = Lookup((short)Math.Clamp(shifted - (1 << 15) - (1 << 16), -32768, 32767), recipLut);
            int rightShift = 31 - headroom;
            for (int c = 0; c < depth; c++)
            {
                expected[r * depth + c] = (short)Math.Clamp((int)(((long)exps[c] * reciprocal + (1 << (rightShift - 1))) >> rightShift), 0, 32767);
            }
        }
        TfliteModelBuilder b = Model(TfliteType.Int16, TfliteType.Int16, rows, depth, beta, scale, 0, 1f / 32768, 0);
        Assert.Equal(expected, Values<short>(Run(b, x.Length * 2, Bytes(x))));
    }

    /// <summary>The generator targets netstandard2.0 (no MathF): its float tables must equal the ones float exp gives.</summary>
    [Fact]
    public void TheInt16TablesEqualTflmsFloatTables()
    {
        Assert.Equal(GenLut(v => MathF.Exp(v), -10f, 0f), global::TinyModel.Generator.Operators.Normalization.SoftmaxMath.Int16ExpLut());
        Assert.Equal(GenLut(v => 1f / (1f + v), 0f, 1f), global::TinyModel.Generator.Operators.Normalization.SoftmaxMath.Int16OneOverOnePlusXLut());
    }

    [Fact]
    public void AnInt8OutputWithTheWrongScaleIsReported()
    {
        string? error = CompileError(Model(TfliteType.Int8, TfliteType.Int8, 1, 4, 1f, 0.1f, 0, 1f / 128, -128));
        Assert.Contains("scale 1/256", error);
    }

    private static TfliteModelBuilder Model(TfliteType inType, TfliteType outType, int rows, int depth, float beta, float? inScale, int inZero, float? outScale, int outZero)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", inType, new[] { rows, depth }, inScale, inZero);
        int y = b.Tensor("y", outType, new[] { rows, depth }, outScale, outZero);
        return b.Operator(Softmax, new[] { x }, new[] { y }, SoftmaxOptions, null, TfliteModelBuilder.Option.Float(0, beta)).Inputs(x).Outputs(y);
    }

    // gemmlowp's fixed point (fixedpoint.h), written out for the reference.
    private static int Mul(int a, int b) => a == int.MinValue && b == int.MinValue ? int.MaxValue : (int)(((long)a * b + ((long)a * b >= 0 ? 1L << 30 : 1 - (1L << 30))) / (1L << 31));

    private static int RoundingDivideByPOT(int x, int e)
    {
        int mask = (int)((1L << e) - 1), remainder = x & mask, threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> e) + (remainder > threshold ? 1 : 0);
    }

    private static int ShiftLeftSaturating(int x, int e) => x > (1 << (31 - e)) - 1 ? int.MaxValue : x < -((1 << (31 - e)) - 1) ? int.MinValue : x << e;

    /// <summary>exp_on_negative_values for FixedPoint&lt;int32, 5&gt; (Q5.26) in, Q0.31 out.</summary>
    private static int ExpOnNegativeValues(int a)
    {
        unchecked
        {
            const int fractional = 26;
            int quarter = 1 << (fractional - 2);
            int aMod = (a & (quarter - 1)) - quarter;
            int x = ShiftLeftSaturating(aMod, 5) + (1 << 28);
            int x2 = Mul(x, x), x3 = Mul(x2, x), x4 = Mul(x2, x2);
            int poly = RoundingDivideByPOT(Mul(RoundingDivideByPOT(x4, 2) + x3, 715827883) + x2, 1);
            int result = 1895147668 + Mul(1895147668, x + poly);
            int remainder = aMod - a;
            int[] multipliers = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
            for (int e = -2; e <= 4; e++)
            {
                if ((remainder & (1 << (fractional + e))) != 0)
                {
                    result = Mul(result, multipliers[e + 2]);
                }
            }
            return a == 0 ? int.MaxValue : result;
        }
    }

    private static int OneOverOnePlusX(int a)
    {
        unchecked
        {
            long s = (long)a + int.MaxValue;
            int half = (int)((s + (s >= 0 ? 1 : -1)) / 2);
            int x = 1515870810 + Mul(half, -1010580540);
            for (int i = 0; i < 3; i++)
            {
                x += ShiftLeftSaturating(Mul(x, (1 << 29) - Mul(half, x)), 2);
            }
            return ShiftLeftSaturating(x, 1);
        }
    }

    /// <summary>TFLM's gen_lut&lt;float, int16_t, int16_t&gt; with output range [-1, 1].</summary>
    private static short[] GenLut(Func<float, float> f, float min, float max)
    {
        float step = (max - min) / 512, half = step / 2, inv = 65536f / 2f;
        static float Round(float v) => MathF.Round(v, MidpointRounding.AwayFromZero);
        var lut = new short[513];
        for (int i = 0; i < 512; i++)
        {
            float v = f(min + i * step), mid = f(min + i * step + half), next = f(min + (i + 1) * step);
            float bias = Round((Round((next * inv + Round(v * inv)) / 2) - Round(mid * inv)) / 2);
            lut[i] = (short)Math.Min(Math.Max(Round(v * inv) - bias, -32768f), 32767f);
        }
        lut[512] = (short)Math.Min(Math.Max(Round(f(max) * inv), -32768f), 32767f);
        return lut;
    }

    private static int Lookup(short value, short[] lut)
    {
        int index = 256 + (value >> 7), offset = value & 0x7f;
        return (short)(lut[index] + (((lut[index + 1] - lut[index]) * offset + 64) >> 7));
    }
}
