using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// SelectKernels against the generated element code's <c>c ? x : y</c>, bit for bit (NaN payloads, −0): every run
/// length from 0 to past three 512-bit steps (each tier's loop and tail; CI runs this class at every forced tier), every element type SELECT_V2 compiles, x and y each a span or one
/// repeated value, and the output over an input.
/// </summary>
public class SelectKernelsTests
{
    private static readonly int[] Lengths = Enumerable.Range(0, 198).ToArray();

    [Fact]
    public void FloatSelectCopiesTheChosenBits()
    {
        float[] specials = { float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, 1f, -2.5f, float.Epsilon, BitConverter.Int32BitsToSingle(0x7FC01234) };
        AssertSelect(i => specials[i % specials.Length], i => specials[(i * 7 + 3) % specials.Length]);
    }

    [Fact]
    public void IntegerSelectOfEveryType()
    {
        AssertSelect(i => (sbyte)(i * 37 - 128), i => (sbyte)(127 - i * 11));
        AssertSelect(i => (short)(i * 1237 - 32768), i => (short)(32767 - i * 311));
    }

    private static void AssertSelect<T>(Func<int, T> xs, Func<int, T> ys)
        where T : unmanaged
    {
        var random = new Random(11);
        foreach (int n in Lengths)
        {
            bool[] c = Enumerable.Range(0, n).Select(_ => random.Next(2) == 1).ToArray();
            T[] x = Enumerable.Range(0, n).Select(xs).ToArray(), y = Enumerable.Range(0, n).Select(ys).ToArray();
            T x0 = xs(n), y0 = ys(n + 1);
            Assert.Equal(Expected(c, i => x[i], i => y[i]), Run<T>(o => SelectKernels.Select<T>(c, x, y, o), n));
            Assert.Equal(Expected(c, i => x[i], _ => y0), Run<T>(o => SelectKernels.Select<T>(c, x, y0, o), n));
            Assert.Equal(Expected(c, _ => x0, i => y[i]), Run<T>(o => SelectKernels.Select<T>(c, x0, y, o), n));
            Assert.Equal(Expected(c, _ => x0, _ => y0), Run<T>(o => SelectKernels.Select<T>(c, x0, y0, o), n));

            // In place: the output over x.
            T[] inPlace = (T[])x.Clone();
            SelectKernels.Select<T>(c, inPlace, y, inPlace);
            Assert.Equal(Expected(c, i => x[i], i => y[i]), Bytes(inPlace));
        }
    }

    private static byte[] Expected<T>(bool[] c, Func<int, T> x, Func<int, T> y)
        where T : unmanaged =>
        Bytes(Enumerable.Range(0, c.Length).Select(i => c[i] ? x(i) : y(i)).ToArray());

    private static byte[] Run<T>(Action<T[]> kernel, int n)
        where T : unmanaged
    {
        var output = new T[n];
        kernel(output);
        return Bytes(output);
    }

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
