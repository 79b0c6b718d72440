using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using TinyModel.Tests.Operators;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The integer kernels that replaced generated scalar loops, against those loops' arithmetic, bit for bit: int32 DIV
/// (divided in doubles; its traps), ABS of unquantized int16, CAST from bool, and int8 comparisons rescaled in int32
/// lanes. Lengths run through every vector width and its tail; CI's tier runs cover the narrower paths.
/// </summary>
public class IntegerKernelsTests
{
    /// <summary>Lengths that use each vector width (16, 8, 4 int32 lanes; 64, 32, 16 bytes) and the scalar tail.</summary>
    private static readonly int[] Lengths = { 1, 3, 4, 7, 8, 15, 16, 31, 63, 64, 65, 127, 255, 1001 };

    /// <summary>Pairs whose quotients sit next to integers, at the int32 bounds, and random ones of every magnitude.</summary>
    private static (int[] X, int[] Y) DivisionPairs(int count, int seed)
    {
        var random = new Random(seed);
        int[] special = { int.MinValue, int.MinValue + 1, int.MaxValue, int.MaxValue - 1, -1, 1, 2, -2, 3, 7, 65536, -65537, 46341 };
        var x = new int[count];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            int d = i % 3 == 0 ? special[random.Next(special.Length)] : random.Next(1, 1 << random.Next(1, 31)) * (random.Next(2) * 2 - 1);
            if (d == 0)
            {
                d = 1;
            }
            // Numerators k·d ± 1, ±0 around multiples of the divisor (the quotients closest to an integer), or anything.
            long k = random.NextInt64(-(1L << 31) / Math.Abs((long)d), (1L << 31) / Math.Abs((long)d));
            long n = (i % 4) switch { 0 => k * d + 1, 1 => k * d - 1, 2 => k * d, _ => random.NextInt64(int.MinValue, (long)int.MaxValue + 1) };
            n = Math.Clamp(n, int.MinValue, int.MaxValue);
            if (n == int.MinValue && d == -1)
            {
                n = int.MaxValue;
            }
            x[i] = (int)n;
            y[i] = d;
        }
        return (x, y);
    }

    [Fact]
    public void Int32DivideTruncatesExactlyAsTheScalarDivision()
    {
        (int[] x, int[] y) = DivisionPairs(200_000, 1);
        int[] actual = new int[x.Length];
        BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, actual);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(x[i] / y[i] == actual[i], $"{x[i]} / {y[i]}: expected {x[i] / y[i]}, got {actual[i]}");
        }
        // Hand-picked quotients: the int32 bounds, and fractions just below and above an integer.
        int[] sx = { int.MinValue, int.MinValue, int.MaxValue, int.MaxValue, -7, 7, -7, 7, int.MinValue + 1, 2147483646, -2147483647, 0, 0, 1, -1 };
        int[] sy = { 1, 2147483647, -1, 2147483647, 2, -2, -2, 2, -1, 2147483647, 2147483647, -5, 5, int.MinValue, int.MinValue };
        int[] expected = { int.MinValue, -1, -int.MaxValue, 1, -3, -3, 3, 3, int.MaxValue, 0, -1, 0, 0, 0, 0 };
        Assert.Equal(expected, sx.Zip(sy, (a, b) => a / b).ToArray());
        foreach (int n in Lengths.Where(n => n <= sx.Length))
        {
            int[] output = new int[n];
            BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(sx.AsSpan(0, n), sy.AsSpan(0, n), output);
            Assert.Equal(expected.Take(n), output);
        }
    }

    [Fact]
    public void Int32DivideEveryOperandFormAndClamp()
    {
        foreach (int n in Lengths)
        {
            (int[] x, int[] y) = DivisionPairs(n, n);
            int[] output = new int[n];
            BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, 7, output);
            Assert.Equal(x.Select(v => v / 7), output);
            BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(1_000_000_007, y, output);
            Assert.Equal(y.Select(v => 1_000_000_007 / v), output);
            BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, 0, 6, output);
            Assert.Equal(x.Zip(y, (a, b) => Math.Clamp(a / b, 0, 6)), output);
            BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, x); // in place
            Assert.Equal(output.Length, x.Length);
        }
    }

    /// <summary>
    /// TFLM's reference division is C++'s <c>/</c>, undefined for a zero divisor and for <c>INT_MIN / −1</c>; its x86
    /// build traps (SIGFPE) on both. The generated code has always thrown C#'s exceptions there; every tier still does,
    /// for the first such element, whatever width the element falls in.
    /// </summary>
    [Fact]
    public void Int32DivideThrowsWhereTheScalarDivisionThrows()
    {
        foreach (int n in Lengths)
        {
            foreach (int at in new[] { 0, n / 2, n - 1 })
            {
                int[] x = Enumerable.Range(1, n).ToArray(), y = Enumerable.Repeat(3, n).ToArray();
                y[at] = 0;
                Assert.Throws<DivideByZeroException>(() => BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, new int[n]));
                Assert.Throws<DivideByZeroException>(() => BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, 0, new int[n]));
                y[at] = -1;
                x[at] = int.MinValue;
                Assert.Throws<OverflowException>(() => BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, new int[n]));
                // The first failing element decides, as in the scalar loop: an overflow before a zero divisor.
                if (at + 1 < n)
                {
                    y[at + 1] = 0;
                    Assert.Throws<OverflowException>(() => BinaryKernels.Apply<int, BinaryOperations.Int32Divide>(x, y, new int[n]));
                }
            }
        }
    }

    [Fact]
    public void Int16AbsWrapsAsTheScalarCode()
    {
        short[] all = Enumerable.Range(short.MinValue, 65536).Select(v => (short)v).ToArray();
        short[] expected = all.Select(v => (short)(v < 0 ? -v : v)).ToArray();
        Assert.Equal(short.MinValue, expected[0]);
        short[] actual = new short[all.Length];
        IntegerElementwise.Abs(all, actual);
        Assert.Equal(expected, actual);
        foreach (int n in Lengths)
        {
            short[] x = all.Skip(n).Take(n).ToArray();
            IntegerElementwise.Abs(x, x); // in place
            Assert.Equal(expected.Skip(n).Take(n), x);
        }
    }

    /// <summary>
    /// int16 RSQRT in lanes against <see cref="QuantizedReciprocalSqrt.Compute"/> (TFLM's per-value fixed point, which
    /// RsqrtTests check against TFLM's reference) on every int16 value, for output scales that saturate, round and
    /// shift left or right.
    /// </summary>
    [Theory]
    [InlineData(0.001f, 0.0005f)]
    [InlineData(0.5f, 0.00003f)]
    [InlineData(1e-5f, 0.9f)]
    [InlineData(0.0001f, 0.02f)]
    public void Int16RsqrtIsTflmsFixedPointOnEveryValue(float inputScale, float outputScale)
    {
        (int multiplier, int shift) = TfliteReference.QuantizeMultiplier(1.0 / (Math.Sqrt(inputScale) * outputScale));
        short[] all = Enumerable.Range(short.MinValue, 65536).Select(v => (short)v).ToArray();
        short[] expected = all.Select(v => (short)QuantizedReciprocalSqrt.Compute(v, multiplier, shift, 0, short.MinValue, short.MaxValue)).ToArray();
        short[] actual = new short[all.Length];
        ReciprocalSqrtKernels.Int16(all, multiplier, shift, actual);
        Assert.Equal(expected, actual);
        foreach (int n in Lengths)
        {
            short[] x = all.Skip(32768 - n / 2).Take(n).ToArray();
            ReciprocalSqrtKernels.Int16(x, multiplier, shift, x); // in place, around zero
            Assert.Equal(expected.Skip(32768 - n / 2).Take(n), x);
        }
    }

    /// <summary>Any nonzero byte is true to C#'s <c>b ? 1 : 0</c>, as to C++'s <c>static_cast</c> of a bool.</summary>
    [Fact]
    public void CastFromBoolGivesZeroOrOne()
    {
        foreach (int n in Lengths.Append(256))
        {
            byte[] bytes = Enumerable.Range(0, n).Select(i => (byte)(i * 37 % 256)).ToArray();
            bool[] input = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, bool>(bytes).ToArray();
            int[] expected = bytes.Select(b => b != 0 ? 1 : 0).ToArray();
            AssertCast(input, expected, v => (float)v);
            AssertCast(input, expected, v => v);
            AssertCast(input, expected, v => (uint)v);
            AssertCast(input, expected, v => (short)v);
            AssertCast(input, expected, v => (sbyte)v);
        }
    }

    private static void AssertCast<T>(bool[] input, int[] expected, Func<int, T> convert)
        where T : unmanaged
    {
        T[] output = new T[input.Length];
        CastKernels.Convert<bool, T>(input, output);
        Assert.Equal(expected.Select(convert), output);
    }

    /// <summary>
    /// The 32-bit split of TFLM's input rescaling equals <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c> for every
    /// int8 value and offset, across multipliers of every magnitude and every shift, in each form.
    /// </summary>
    [Fact]
    public void ScaledInputIsTflmRescalingForEveryInt8()
    {
        var random = new Random(3);
        int[] q = Enumerable.Range(sbyte.MinValue, 256).ToArray();
        for (int trial = 0; trial < 400; trial++)
        {
            int multiplier = trial < 4 ? new[] { 1 << 30, int.MaxValue, (1 << 30) + 1, 0 }[trial] : random.Next(1 << 30, int.MaxValue);
            int shift = -random.Next(0, 32), offset = random.Next(-127, 129), leftShift = trial % 2 == 0 ? 8 : random.Next(8, 23);
            var input = new ScaledInput(leftShift, offset, multiplier, shift, "shift");
            int[] expected = q.Select(v => TfliteReference.RoundingDivideByPOT(TfliteReference.SaturatingRoundingDoublingHighMul((v + offset) << leftShift, multiplier), -shift)).ToArray();
            Assert.Equal(expected, q.Select(input.Scale).ToArray());
            for (int i = 0; i < 256; i += 16)
            {
                var lanes = Vector512.Create(q.AsSpan(i, 16));
                Assert.Equal(expected.Skip(i).Take(16), Lanes(input.Scale(lanes)));
                Assert.Equal(expected.Skip(i).Take(8), Lanes(input.Scale(lanes.GetLower())));
                Assert.Equal(expected.Skip(i).Take(4), Lanes(input.Scale(lanes.GetLower().GetLower())));
            }
        }
    }

    private static IEnumerable<int> Lanes<TVector>(TVector vector)
        where TVector : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<TVector, int>(new[] { vector }).ToArray();

    public static IEnumerable<object[]> Scales() => new[]
    {
        new object[] { 0.05f, -3, 0.11f, 7 },
        new object[] { 0.001f, 0, 0.0037f, 5 },
        new object[] { 0.9999f, -128, 1e-6f, 127 },
    };

    /// <summary>All 65,536 pairs of every relation, both inputs as spans and each one repeated.</summary>
    [Theory]
    [MemberData(nameof(Scales))]
    public void Int8ComparisonsAreTflmsRescaledComparisons(float s1, int z1, float s2, int z2)
    {
        Assert.True(RunAll<ComparisonKernels.Equal>(s1, z1, s2, z2, (a, b) => a == b));
        Assert.True(RunAll<ComparisonKernels.NotEqual>(s1, z1, s2, z2, (a, b) => a != b));
        Assert.True(RunAll<ComparisonKernels.Greater>(s1, z1, s2, z2, (a, b) => a > b));
        Assert.True(RunAll<ComparisonKernels.GreaterEqual>(s1, z1, s2, z2, (a, b) => a >= b));
        Assert.True(RunAll<ComparisonKernels.Less>(s1, z1, s2, z2, (a, b) => a < b));
        Assert.True(RunAll<ComparisonKernels.LessEqual>(s1, z1, s2, z2, (a, b) => a <= b));
    }

    private static bool RunAll<TComparison>(float s1, int z1, float s2, int z2, Func<int, int, bool> relation)
        where TComparison : IComparison
    {
        (int m1, int e1) = TfliteReference.QuantizeMultiplier(s1);
        (int m2, int e2) = TfliteReference.QuantizeMultiplier(s2);
        var quantization = new ComparisonQuantization<TComparison>(8, -z1, m1, e1, -z2, m2, e2);
        sbyte[] all = Enumerable.Range(sbyte.MinValue, 256).Select(v => (sbyte)v).ToArray();
        foreach (sbyte a in all)
        {
            bool[] expectedRow = all.Select(b => relation(TfliteReference.ComparisonOperand(a, s1, z1), TfliteReference.ComparisonOperand(b, s2, z2))).ToArray();
            bool[] expectedColumn = all.Select(b => relation(TfliteReference.ComparisonOperand(b, s1, z1), TfliteReference.ComparisonOperand(a, s2, z2))).ToArray();
            bool[] output = new bool[256];
            QuantizedBinaryKernels.Compare(a, all, quantization, output);
            Assert.Equal(expectedRow, output);
            QuantizedBinaryKernels.Compare(all, a, quantization, output);
            Assert.Equal(expectedColumn, output);
            sbyte[] same = Enumerable.Repeat(a, 256).ToArray();
            foreach (int n in Lengths.Where(n => n <= 256))
            {
                bool[] spans = new bool[n];
                QuantizedBinaryKernels.Compare(same.AsSpan(0, n), all.AsSpan(256 - n, n), quantization, spans);
                Assert.Equal(expectedRow.Skip(256 - n), spans);
            }
        }
        return true;
    }
}
