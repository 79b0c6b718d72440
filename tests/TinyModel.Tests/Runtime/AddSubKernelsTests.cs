using System;
using System.Linq;
using TinyModel.Generator.Lowering;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// AddSubKernels against a plain transcription of TFLM's reference add.h / sub.h written here: int8 over
/// every pair of input values (65,536 elements, then a tail that the vectors leave to the scalar loop), for
/// parameters from real scales and for the edge cases of the rescalings (ties, a multiplier of exactly 2^30,
/// shifts of 0 and 31, zero multipliers, extreme zero points, clamps); float bit for bit, NaN and −0 included.
/// Run with DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 to cover the narrower paths.
/// </summary>
public class AddSubKernelsTests
{
    public static TheoryData<int[]> Parameters() => new()
    {
        // simple_add_model's ADD.
        new[] { 20, 2, 2120396549, -1, 1, 1073741824, 0, -3, 1517269748, -19, -128, 127 },
        // Multipliers of exactly 2^30 (a product of −1 · 2^30 sits on the rounding's tie), shifts 0 and 31.
        new[] { 20, 128, 1 << 30, 0, -127, 1 << 30, -31, 0, 1 << 30, -5, -128, 127 },
        new[] { 20, -127, 1 << 30, -31, 128, 1 << 30, 0, 5, 1 << 30, 0, -128, 127 },
        new[] { 20, 0, int.MaxValue, -3, 0, int.MaxValue, -3, 0, int.MaxValue, -31, -128, 127 },
        // A zero multiplier (a real multiplier of 0), ReLU-like and narrow clamps.
        new[] { 20, 17, 0, 0, -9, 1987654321, -2, -128, 1234567890, -18, -128, 127 },
        new[] { 20, 17, 1500000000, -7, -9, 0, 0, -128, 1234567890, -18, 0, 127 },
        new[] { 20, -5, 1100000000, -1, 9, 2000000000, -2, 3, 1400000000, -17, -1, 1 },
        // Other left shifts the vector form allows, and one it does not.
        new[] { 9, 3, 1900000000, -4, -2, 1300000000, -1, 1, 1600000000, -8, -128, 127 },
        new[] { 15, 3, 1900000000, -4, -2, 1300000000, -1, 1, 1600000000, -13, -128, 127 },
        new[] { 24, 3, 1900000000, -4, -2, 1300000000, -1, 1, 1600000000, -20, -128, 127 },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Int8EqualsTflmOnEveryPairOfInputs(int[] p) =>
        AssertInt8(new AddSubQuantization(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Int8EqualsTflmForScalesAsTflmDerivesThem(int seed)
    {
        // CalculateOpDataAdd: both inputs to twice the larger scale after a left shift of 20.
        var random = new Random(seed);
        float scale1 = (float)Math.Exp(random.NextDouble() * 6 - 5), scale2 = (float)Math.Exp(random.NextDouble() * 6 - 5);
        float outputScale = (float)((scale1 + scale2) * (0.3 + random.NextDouble()));
        double twiceMax = 2 * (double)Math.Max(scale1, scale2);
        (int m1, int s1) = QuantizationMath.QuantizeMultiplier(scale1 / twiceMax);
        (int m2, int s2) = QuantizationMath.QuantizeMultiplier(scale2 / twiceMax);
        (int mo, int so) = QuantizationMath.QuantizeMultiplier(twiceMax / ((1 << 20) * (double)outputScale));
        int zp1 = random.Next(-128, 128), zp2 = random.Next(-128, 128), zpo = random.Next(-128, 128);
        AssertInt8(new AddSubQuantization(20, -zp1, m1, s1, -zp2, m2, s2, zpo, mo, so, seed % 2 == 0 ? zpo : -128, 127));
    }

    /// <summary>
    /// int8 ADD_N's step, AddScaled: every int8 value at every position of a vector (lengths 0 to 3 · 64 + 5 cover each
    /// tier's loop and tail), added to sums that wrap, equals the scalar <c>sum + Scale(q)</c>; both inputs of every
    /// parameter set, including those whose rescaling has no vector form.
    /// </summary>
    [Theory]
    [MemberData(nameof(Parameters))]
    public void AddScaledIsTheScalarRescalingAdded(int[] p)
    {
        var q = new AddSubQuantization(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]);
        var random = new Random(p[2]);
        foreach (AddSubQuantization.Input input in new[] { q.Input1, q.Input2 })
        {
            for (int n = 0; n <= 197; n++)
            {
                sbyte[] x = Enumerable.Range(0, n).Select(i => (sbyte)((i * 37 + n) % 256 - 128)).ToArray();
                int[] sums = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? int.MaxValue - random.Next(1 << 20) : random.Next(-(1 << 29), 1 << 29)).ToArray();
                int[] expected = sums.Select((s, i) => unchecked(s + input.Scale(x[i]))).ToArray();
                AddSubKernels.AddScaled(x, input, sums);
                Assert.Equal(expected, sums);
            }
        }
        Assert.Throws<ArgumentException>(() => AddSubKernels.AddScaled(new sbyte[4], q.Input1, new int[3]));
    }

    [Fact]
    public void Int8MayWriteOverEitherInput()
    {
        var q = new AddSubQuantization(20, 2, 2120396549, -1, 1, 1073741824, 0, -3, 1517269748, -19, -128, 127);
        (sbyte[] x, sbyte[] y) = EveryPair(100);
        sbyte[] expected = Reference(x, y, q, subtract: false);
        sbyte[] first = (sbyte[])x.Clone(), second = (sbyte[])y.Clone();
        AddSubKernels.Add(first, y, q, first);
        AddSubKernels.Add(x, second, q, second);
        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
    }

    [Fact]
    public void FloatEqualsTflmBitForBit()
    {
        var random = new Random(7);
        float[] specials = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.MaxValue, -float.MaxValue, 1e-45f };
        float[] x = Enumerable.Range(0, 203).Select(i => i < 64 ? specials[i % 8] : (float)(random.NextDouble() * 20 - 10)).ToArray();
        float[] y = Enumerable.Range(0, 203).Select(i => i < 64 ? specials[i / 8] : (float)(random.NextDouble() * 20 - 10)).ToArray();
        foreach ((float min, float max) in new[] { (float.MinValue, float.MaxValue), (0f, float.MaxValue), (-1f, 1f), (0f, 6f) })
        {
            var sum = new float[x.Length];
            var difference = new float[x.Length];
            AddSubKernels.Add(x, y, min, max, sum);
            AddSubKernels.Subtract(x, y, min, max, difference);
            Assert.Equal(x.Zip(y, (a, b) => Bits(Clamp(a + b, min, max))), sum.Select(Bits));
            Assert.Equal(x.Zip(y, (a, b) => Bits(Clamp(a - b, min, max))), difference.Select(Bits));
        }
    }

    [Fact]
    public void LengthsMustAgree()
    {
        var q = new AddSubQuantization(20, 0, 1 << 30, 0, 0, 1 << 30, 0, 0, 1 << 30, 0, -128, 127);
        Assert.Throws<ArgumentException>(() => AddSubKernels.Add(new sbyte[4], new sbyte[3], q, new sbyte[4]));
        Assert.Throws<ArgumentException>(() => AddSubKernels.Subtract(new float[4], new float[4], 0, 1, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddSubQuantization(20, 0, 1 << 30, 1, 0, 1 << 30, 0, 0, 1 << 30, 0, -128, 127));
    }

    private static void AssertInt8(AddSubQuantization q)
    {
        (sbyte[] x, sbyte[] y) = EveryPair(37);
        var actual = new sbyte[x.Length];
        AddSubKernels.Add(x, y, q, actual);
        Assert.Equal(Reference(x, y, q, subtract: false), actual);
        AddSubKernels.Subtract(x, y, q, actual);
        Assert.Equal(Reference(x, y, q, subtract: true), actual);
    }

    /// <summary>Every (x, y) pair of int8 values, then <paramref name="tail"/> more pairs.</summary>
    private static (sbyte[] X, sbyte[] Y) EveryPair(int tail)
    {
        int n = 65536 + tail;
        return (Enumerable.Range(0, n).Select(i => (sbyte)(i >> 8)).ToArray(), Enumerable.Range(0, n).Select(i => (sbyte)(i * 37 + 11)).ToArray());
    }

    /// <summary>TFLM's add.h / sub.h, element by element.</summary>
    private static sbyte[] Reference(sbyte[] x, sbyte[] y, AddSubQuantization q, bool subtract)
    {
        var result = new sbyte[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int a = Scale(unchecked((x[i] + q.Input1.Offset) * (1 << q.LeftShift)), q.Input1.Multiplier, q.Input1.Shift);
            int b = Scale(unchecked((y[i] + q.Input2.Offset) * (1 << q.LeftShift)), q.Input2.Multiplier, q.Input2.Shift);
            int raw = Scale(unchecked(subtract ? a - b : a + b), q.OutputMultiplier, q.OutputShift) + q.OutputOffset;
            result[i] = (sbyte)Math.Min(q.Max, Math.Max(q.Min, raw));
        }
        return result;
    }

    /// <summary>MultiplyByQuantizedMultiplierSmallerThanOneExp.</summary>
    private static int Scale(int value, int multiplier, int shift) =>
        FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(value, multiplier), -shift);

    private static float Clamp(float v, float min, float max)
    {
        v = v < min ? min : v;
        return max < v ? max : v;
    }

    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);
}
