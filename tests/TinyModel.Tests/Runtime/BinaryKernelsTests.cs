using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// BinaryKernels and ComparisonKernels against the scalar arithmetic the generated element code writes (and
/// TFLM's reference kernels compute), bit for bit: NaN, ±0, ±infinity, extremes and wrapping, every run length
/// from 0 to past three 512-bit vectors (so every tier's loop and the scalar tail are reached), each input a span
/// or one repeated value, and the output over an input. CI runs this class on every instruction tier the JIT can
/// be held to (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, DOTNET_EnableSSE42=0, DOTNET_EnableHWIntrinsic=0).
/// </summary>
public class BinaryKernelsTests
{
    private static readonly float[] FloatSpecials =
    {
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.MaxValue, -float.MaxValue, float.Epsilon,
        -float.Epsilon, 1f, -1f, 0.5f, 3f, -2.5f, 6f, 1e30f,
    };

    private static readonly int[] IntSpecials = { int.MinValue, int.MaxValue, 0, -1, 1, 46341, -46341, 65536, 7, -7, 1 << 30, -(1 << 30), 100, -100, 2, 3 };

    /// <summary>Every length up to 3 · 64 + 5: each tier's loop runs 0 to 3 times and every tail length occurs.</summary>
    private static readonly int[] Lengths = Enumerable.Range(0, 198).ToArray();

    [Fact]
    public void FloatOperationsMatchTheElementCode()
    {
        AssertFloat<BinaryOperations.Add<float>>((x, y) => x + y);
        AssertFloat<BinaryOperations.Subtract<float>>((x, y) => x - y);
        AssertFloat<BinaryOperations.Multiply<float>>((x, y) => x * y);
        AssertFloat<BinaryOperations.Divide>((x, y) => x / y);
        AssertFloat<BinaryOperations.Maximum<float>>((x, y) => x > y ? x : y);
        AssertFloat<BinaryOperations.Minimum<float>>((x, y) => x < y ? x : y);
        AssertFloat<BinaryOperations.SquaredDifference<float>>((x, y) => (x - y) * (x - y));
        AssertFloat<BinaryOperations.Prelu>((x, a) => x >= 0f ? x : x * a);
        AssertFloat<BinaryOperations.FloorDivide>((x, y) => (float)Math.Floor((double)x / (double)y));
    }

    [Fact]
    public void MaximumAndMinimumKeepTflmsNanAndSignedZero()
    {
        // std::max(a, b) as TFLM's MaximumOp writes it: a > b ? a : b, so the second input wins ties and NaN.
        float[] x = { float.NaN, 1f, -0f, 0f, float.NaN, -0f, 2f, 0f };
        float[] y = { 1f, float.NaN, 0f, -0f, float.NaN, -0f, 2f, 0f };
        var max = new float[x.Length];
        var min = new float[x.Length];
        BinaryKernels.Apply<float, BinaryOperations.Maximum<float>>(x, y, max);
        BinaryKernels.Apply<float, BinaryOperations.Minimum<float>>(x, y, min);
        Assert.Equal(new[] { Bits(1f), Bits(float.NaN), Bits(0f), Bits(-0f), Bits(float.NaN), Bits(-0f), Bits(2f), Bits(0f) }, max.Select(Bits));
        Assert.Equal(new[] { Bits(1f), Bits(float.NaN), Bits(0f), Bits(-0f), Bits(float.NaN), Bits(-0f), Bits(2f), Bits(0f) }, min.Select(Bits));
    }

    [Fact]
    public void FloatClampIsTflmsActivationClamp()
    {
        foreach ((float min, float max) in new[] { (float.MinValue, float.MaxValue), (0f, float.MaxValue), (-1f, 1f), (0f, 6f) })
        {
            AssertFloat<BinaryOperations.Multiply<float>>((x, y) => Clamp(x * y, min, max), (min, max));
            AssertFloat<BinaryOperations.Divide>((x, y) => Clamp(x / y, min, max), (min, max));
            AssertFloat<BinaryOperations.Add<float>>((x, y) => Clamp(x + y, min, max), (min, max));
        }
    }

    [Fact]
    public void IntegerOperationsWrapAndClampAsTheElementCode()
    {
        AssertInt<BinaryOperations.Multiply<int>>((x, y) => unchecked(x * y));
        AssertInt<BinaryOperations.Add<int>>((x, y) => unchecked(x + y));
        AssertInt<BinaryOperations.Subtract<int>>((x, y) => unchecked(x - y));
        AssertInt<BinaryOperations.SquaredDifference<int>>((x, y) => unchecked((x - y) * (x - y)));
        AssertInt<BinaryOperations.Maximum<int>>(Math.Max);
        AssertInt<BinaryOperations.Minimum<int>>(Math.Min);
        AssertInt<BinaryOperations.Multiply<int>>((x, y) => Math.Min(Math.Max(unchecked(x * y), 0), 6), (0, 6));
        AssertInt<BinaryOperations.Subtract<int>>((x, y) => Math.Min(Math.Max(unchecked(x - y), -1), 1), (-1, 1));
    }

    [Fact]
    public void MaximumAndMinimumOfEveryIntegerType()
    {
        var random = new Random(3);
        foreach (int n in Lengths)
        {
            sbyte[] a8 = Random(n, random, r => (sbyte)r.Next(-128, 128)), b8 = Random(n, random, r => (sbyte)r.Next(-128, 128));
            short[] a16 = Random(n, random, r => (short)r.Next(-32768, 32768)), b16 = Random(n, random, r => (short)r.Next(-32768, 32768));
            long[] a64 = Random(n, random, r => r.NextInt64(long.MinValue, long.MaxValue)), b64 = Random(n, random, r => r.NextInt64(long.MinValue, long.MaxValue));
            Assert.Equal(a8.Zip(b8, (x, y) => Math.Max(x, y)), Run<sbyte, BinaryOperations.Maximum<sbyte>>(a8, b8));
            Assert.Equal(a8.Zip(b8, (x, y) => Math.Min(x, y)), Run<sbyte, BinaryOperations.Minimum<sbyte>>(a8, b8));
            Assert.Equal(a16.Zip(b16, (x, y) => Math.Max(x, y)), Run<short, BinaryOperations.Maximum<short>>(a16, b16));
            Assert.Equal(a64.Zip(b64, (x, y) => Math.Min(x, y)), Run<long, BinaryOperations.Minimum<long>>(a64, b64));
            Assert.Equal(a64.Zip(b64, (x, y) => Math.Max(x, y)), Run<long, BinaryOperations.Maximum<long>>(a64, b64));
        }
    }

    [Fact]
    public void LogicalOperationsGiveZeroOrOne()
    {
        foreach (int n in Lengths)
        {
            bool[] x = Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray(), y = Enumerable.Range(0, n).Select(i => i % 5 < 2).ToArray();
            var and = new bool[n];
            var or = new bool[n];
            BinaryKernels.LogicalAnd(x, y, and);
            BinaryKernels.LogicalOr(x, y, or);
            Assert.Equal(x.Zip(y, (a, b) => a && b), and);
            Assert.Equal(x.Zip(y, (a, b) => a || b), or);
            foreach (bool repeated in new[] { false, true })
            {
                BinaryKernels.LogicalAnd(x, repeated, and);
                Assert.Equal(x.Select(a => a && repeated), and);
                BinaryKernels.LogicalAnd(repeated, y, and);
                Assert.Equal(y.Select(b => repeated && b), and);
                BinaryKernels.LogicalOr(x, repeated, or);
                Assert.Equal(x.Select(a => a || repeated), or);
                BinaryKernels.LogicalOr(repeated, y, or);
                Assert.Equal(y.Select(b => repeated || b), or);
            }
        }
    }

    [Fact]
    public void LogicalNotGivesZeroOrOneAndWorksInPlace()
    {
        foreach (int n in Lengths)
        {
            bool[] x = Enumerable.Range(0, n).Select(i => i % 3 == 0 || i % 7 == 1).ToArray();
            var not = new bool[n];
            ComparisonKernels.LogicalNot(x, not);
            Assert.Equal(x.Select(a => !a), not);
            Assert.All(System.Runtime.InteropServices.MemoryMarshal.AsBytes(not.AsSpan()).ToArray(), b => Assert.True(b <= 1));
            bool[] inPlace = (bool[])x.Clone();
            ComparisonKernels.LogicalNot(inPlace, inPlace);
            Assert.Equal(x.Select(a => !a), inPlace);
        }
    }

    [Fact]
    public void ComparisonsMatchTheOperatorsOfCSharp()
    {
        var random = new Random(11);
        foreach (int n in Lengths)
        {
            float[] fx = Random(n, random, r => Pick(r, FloatSpecials)), fy = Random(n, random, r => Pick(r, FloatSpecials));
            int[] ix = Random(n, random, r => Pick(r, IntSpecials)), iy = Random(n, random, r => Pick(r, IntSpecials));
            long[] lx = Random(n, random, r => r.Next(-3, 3) * (long)int.MaxValue), ly = Random(n, random, r => r.Next(-3, 3) * (long)int.MaxValue);
            AssertComparisons(fx, fy);
            AssertComparisons(ix, iy);
            AssertComparisons(lx, ly);
            bool[] bx = Random(n, random, r => r.Next(2) == 0), by = Random(n, random, r => r.Next(2) == 0);
            var equal = new bool[n];
            ComparisonKernels.Compare<ComparisonKernels.Equal>(bx, by, equal);
            Assert.Equal(bx.Zip(by, (a, b) => a == b), equal);
            ComparisonKernels.Compare<ComparisonKernels.NotEqual>(bx, by, equal);
            Assert.Equal(bx.Zip(by, (a, b) => a != b), equal);
        }
    }

    [Fact]
    public void OutputMayBeEitherInput()
    {
        float[] x = Enumerable.Range(0, 77).Select(i => i * 0.37f - 9f).ToArray(), y = Enumerable.Range(0, 77).Select(i => 5f - i * 0.11f).ToArray();
        float[] expected = x.Zip(y, (a, b) => a * b).ToArray();
        float[] first = (float[])x.Clone(), second = (float[])y.Clone();
        BinaryKernels.Apply<float, BinaryOperations.Multiply<float>>(first, y, first);
        BinaryKernels.Apply<float, BinaryOperations.Multiply<float>>(x, second, second);
        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
    }

    [Fact]
    public void LengthsMustAgree()
    {
        Assert.Throws<ArgumentException>(() => BinaryKernels.Apply<float, BinaryOperations.Add<float>>(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => BinaryKernels.Apply<int, BinaryOperations.Add<int>>(2, new int[3], new int[4]));
        Assert.Throws<ArgumentException>(() => ComparisonKernels.Compare<float, ComparisonKernels.Less>(new float[5], 1f, new bool[4]));
    }

    /// <summary>Every length, three operand forms (two spans, a repeated second input, a repeated first input), specials and random values.</summary>
    private static void AssertFloat<TOperation>(Func<float, float, float> expected, (float Min, float Max)? clamp = null)
        where TOperation : IBinaryOperation<float>
    {
        var random = new Random(5);
        foreach (int n in Lengths)
        {
            float[] x = Random(n, random, r => r.Next(3) == 0 ? Pick(r, FloatSpecials) : (float)(r.NextDouble() * 40 - 20));
            float[] y = Random(n, random, r => r.Next(3) == 0 ? Pick(r, FloatSpecials) : (float)(r.NextDouble() * 40 - 20));
            float repeated = n == 0 ? 2f : FloatSpecials[n % FloatSpecials.Length];
            var output = new float[n];
            Apply<TOperation>(x, y, output, clamp);
            Assert.Equal(x.Zip(y, (a, b) => Bits(expected(a, b))), output.Select(Bits));
            if (clamp is null)
            {
                BinaryKernels.Apply<float, TOperation>(x, repeated, output);
                Assert.Equal(x.Select(a => Bits(expected(a, repeated))), output.Select(Bits));
                BinaryKernels.Apply<float, TOperation>(repeated, y, output);
                Assert.Equal(y.Select(b => Bits(expected(repeated, b))), output.Select(Bits));
            }
            else
            {
                BinaryKernels.Apply<float, TOperation>(x, repeated, clamp.Value.Min, clamp.Value.Max, output);
                Assert.Equal(x.Select(a => Bits(expected(a, repeated))), output.Select(Bits));
                BinaryKernels.Apply<float, TOperation>(repeated, y, clamp.Value.Min, clamp.Value.Max, output);
                Assert.Equal(y.Select(b => Bits(expected(repeated, b))), output.Select(Bits));
            }
        }
    }

    private static void Apply<TOperation>(float[] x, float[] y, float[] output, (float Min, float Max)? clamp)
        where TOperation : IBinaryOperation<float>
    {
        if (clamp is { } c)
        {
            BinaryKernels.Apply<float, TOperation>(x, y, c.Min, c.Max, output);
        }
        else
        {
            BinaryKernels.Apply<float, TOperation>(x, y, output);
        }
    }

    private static void AssertInt<TOperation>(Func<int, int, int> expected, (int Min, int Max)? clamp = null)
        where TOperation : IBinaryOperation<int>
    {
        var random = new Random(9);
        foreach (int n in Lengths)
        {
            int[] x = Random(n, random, r => r.Next(2) == 0 ? Pick(r, IntSpecials) : r.Next(int.MinValue, int.MaxValue));
            int[] y = Random(n, random, r => r.Next(2) == 0 ? Pick(r, IntSpecials) : r.Next(-70000, 70000));
            int repeated = IntSpecials[n % IntSpecials.Length];
            var output = new int[n];
            if (clamp is { } c)
            {
                BinaryKernels.Apply<int, TOperation>(x, y, c.Min, c.Max, output);
                Assert.Equal(x.Zip(y, expected), output);
                BinaryKernels.Apply<int, TOperation>(repeated, y, c.Min, c.Max, output);
                Assert.Equal(y.Select(b => expected(repeated, b)), output);
            }
            else
            {
                BinaryKernels.Apply<int, TOperation>(x, y, output);
                Assert.Equal(x.Zip(y, expected), output);
                BinaryKernels.Apply<int, TOperation>(x, repeated, output);
                Assert.Equal(x.Select(a => expected(a, repeated)), output);
            }
        }
    }

    private static void AssertComparisons<T>(T[] x, T[] y)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        T repeated = x.Length > 0 ? y[^1] : T.Zero;
        AssertComparison<T, ComparisonKernels.Equal>(x, y, repeated, (a, b) => a == b);
        AssertComparison<T, ComparisonKernels.NotEqual>(x, y, repeated, (a, b) => a != b);
        AssertComparison<T, ComparisonKernels.Greater>(x, y, repeated, (a, b) => a > b);
        AssertComparison<T, ComparisonKernels.GreaterEqual>(x, y, repeated, (a, b) => a >= b);
        AssertComparison<T, ComparisonKernels.Less>(x, y, repeated, (a, b) => a < b);
        AssertComparison<T, ComparisonKernels.LessEqual>(x, y, repeated, (a, b) => a <= b);
    }

    private static void AssertComparison<T, TComparison>(T[] x, T[] y, T repeated, Func<T, T, bool> expected)
        where T : unmanaged, System.Numerics.INumber<T>
        where TComparison : IComparison
    {
        var output = new bool[x.Length];
        ComparisonKernels.Compare<T, TComparison>(x, y, output);
        Assert.Equal(x.Zip(y, expected), output);
        ComparisonKernels.Compare<T, TComparison>(x, repeated, output);
        Assert.Equal(x.Select(a => expected(a, repeated)), output);
        ComparisonKernels.Compare<T, TComparison>(repeated, y, output);
        Assert.Equal(y.Select(b => expected(repeated, b)), output);
    }

    private static T[] Run<T, TOperation>(T[] x, T[] y)
        where T : unmanaged, System.Numerics.INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        var output = new T[x.Length];
        BinaryKernels.Apply<T, TOperation>(x, y, output);
        return output;
    }

    private static T[] Random<T>(int n, Random random, Func<Random, T> next) => Enumerable.Range(0, n).Select(_ => next(random)).ToArray();

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static float Clamp(float v, float min, float max)
    {
        v = v < min ? min : v;
        return max < v ? max : v;
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);
}
