using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// CAST on the pairs the opsets models leave out (uint32 both ways) and on the edges of C++'s
/// <c>static_cast</c> as TFLM's x86-64 build computes it (cast.cc <c>copyCast</c>): integers keep their low
/// bits, floats truncate toward zero, and out-of-range floats give the "integer indefinite" value.
/// </summary>
public class CastTests
{
    private const int Cast = 53;

    private static byte[] Run(TfliteType from, TfliteType to, byte[] input, int count) =>
        UnaryCase.Run(UnaryCase.Model(Cast, from, null, to, null, new[] { count }), input);

    [Fact]
    public void Int32ToUInt32AndBackKeepsTheBits()
    {
        int[] values = { int.MinValue, -1, 0, 1, 123456789, int.MaxValue };
        uint[] unsigned = Values<uint>(Run(TfliteType.Int32, TfliteType.UInt32, Bytes(values), values.Length));
        Assert.Equal(values.Select(v => unchecked((uint)v)).ToArray(), unsigned);
        Assert.Equal(values, Values<int>(Run(TfliteType.UInt32, TfliteType.Int32, Bytes(unsigned), values.Length)));
    }

    [Fact]
    public void UInt32ToFloatRoundsToNearest()
    {
        uint[] values = { 0, 1, 16777217, 4294967295 };
        Assert.Equal(new[] { 0f, 1f, 16777216f, 4294967296f }, Values<float>(Run(TfliteType.UInt32, TfliteType.Float32, Bytes(values), values.Length)));
    }

    [Fact]
    public void FloatToIntegersTruncatesAndWrapsAsX86()
    {
        float[] values = { -1.9f, 1.9f, 300.7f, -129.5f, 3e9f, float.NaN };
        // static_cast<int8_t>: cvttss2si to 32 bits, then the low byte; 3e9 and NaN give int.MinValue, low byte 0.
        Assert.Equal(new sbyte[] { -1, 1, 44, 127, 0, 0 }, Values<sbyte>(Run(TfliteType.Float32, TfliteType.Int8, Bytes(values), values.Length)));
        Assert.Equal(new[] { -1, 1, 300, -129, int.MinValue, int.MinValue }, Values<int>(Run(TfliteType.Float32, TfliteType.Int32, Bytes(values), values.Length)));
        // static_cast<uint32_t>: through a 64-bit register, so -1.9 wraps to 2^32 - 1 and 3e9 fits.
        Assert.Equal(new uint[] { uint.MaxValue, 1, 300, unchecked((uint)-129), 3000000000, 0 },
            Values<uint>(Run(TfliteType.Float32, TfliteType.UInt32, Bytes(values), values.Length)));
    }

    [Fact]
    public void BoolBecomesZeroOrOne()
    {
        byte[] values = { 0, 1, 1, 0 };
        Assert.Equal(new uint[] { 0, 1, 1, 0 }, Values<uint>(Run(TfliteType.Bool, TfliteType.UInt32, values, values.Length)));
        Assert.Equal(new short[] { 0, 1, 1, 0 }, Values<short>(Run(TfliteType.Bool, TfliteType.Int16, values, values.Length)));
    }

    /// <summary>From 16 values the layer calls CastKernels (16 a step, then the tail): each output type, 0 or 1.</summary>
    [Fact]
    public void LongBoolLayersBecomeZeroOrOne()
    {
        byte[] values = Enumerable.Range(0, 41).Select(i => (byte)(i % 3 == 0 ? 1 : 0)).ToArray();
        int[] expected = values.Select(v => (int)v).ToArray();
        Assert.Equal(expected.Select(v => (float)v), Values<float>(Run(TfliteType.Bool, TfliteType.Float32, values, values.Length)));
        Assert.Equal(expected, Values<int>(Run(TfliteType.Bool, TfliteType.Int32, values, values.Length)));
        Assert.Equal(expected.Select(v => (sbyte)v), Values<sbyte>(Run(TfliteType.Bool, TfliteType.Int8, values, values.Length)));
        Assert.Equal(expected.Select(v => (short)v), Values<short>(Run(TfliteType.Bool, TfliteType.Int16, values, values.Length)));
    }

    [Fact]
    public void Int64InputIsRefusedAsInTflm() =>
        AssertUnsupported(UnaryCase.Model(Cast, TfliteType.Int64, null, TfliteType.Int32, null, new[] { 4 }), "CAST", "int64");
}
