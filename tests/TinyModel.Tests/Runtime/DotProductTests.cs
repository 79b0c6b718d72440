using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// DotProduct.Int8 against the sequential wrapping int32 sum TFLM's int8 kernels compute, DotProduct.Int16 against
/// the int64 sum of its int16 × int8 kernels. The vector
/// paths depend on the machine: run with DOTNET_EnableAVX2=0 (or on ARM) to cover the Vector128 path.
/// </summary>
public class DotProductTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(28)]
    [InlineData(257)]
    [InlineData(4096)]
    public void Int8EqualsTheSequentialSum(int length)
    {
        var random = new Random(length);
        for (int round = 0; round < 20; round++)
        {
            sbyte[] x = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            sbyte[] w = Enumerable.Range(0, length + round % 3).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            Assert.Equal(Sequential(x, w), DotProduct.Int8(x, w));
        }
    }

    [Fact]
    public void Int8WrapsAsInt32DoesAtTheExtremes()
    {
        // 2^17 products of (-128)·(-128) = 2^14 sum to 2^31, which wraps to int.MinValue in int32.
        sbyte[] x = Enumerable.Repeat((sbyte)-128, 1 << 17).ToArray();
        Assert.Equal(int.MinValue, DotProduct.Int8(x, x));
        Assert.Equal(Sequential(x, x), DotProduct.Int8(x, x));
    }

    [Fact]
    public void ShorterWeightsAreAnError()
    {
        Assert.Throws<ArgumentException>(() => DotProduct.Int8(new sbyte[4], new sbyte[3]));
        Assert.Throws<ArgumentException>(() => DotProduct.Int16(new short[4], new sbyte[3]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(257)]
    [InlineData(4099)]
    public void Int16EqualsTheSequentialInt64Sum(int length)
    {
        var random = new Random(length);
        for (int round = 0; round < 20; round++)
        {
            short[] x = Enumerable.Range(0, length).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
            sbyte[] w = Enumerable.Range(0, length + round % 3).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            long sum = 0;
            for (int i = 0; i < length; i++)
            {
                sum += x[i] * w[i];
            }
            Assert.Equal(sum, DotProduct.Int16(x, w));
        }
    }

    [Fact]
    public void Int16PassesInt32AtTheExtremes()
    {
        // 2^16 products of (-32768)·(-128) = 2^22 sum to 2^38: past int32, exact in the 64-bit sum.
        short[] x = Enumerable.Repeat(short.MinValue, 1 << 16).ToArray();
        sbyte[] w = Enumerable.Repeat(sbyte.MinValue, 1 << 16).ToArray();
        Assert.Equal(1L << 38, DotProduct.Int16(x, w));
    }

    private static int Sequential(sbyte[] x, sbyte[] w)
    {
        int sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum = unchecked(sum + x[i] * w[i]);
        }
        return sum;
    }
}
