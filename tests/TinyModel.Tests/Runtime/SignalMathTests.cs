using System;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The signal library's integer math against what it approximates: square roots rounded to nearest (TFLM's
/// digit-by-digit loop, with its 16-bit and 32-bit truncations), the fixed-point natural log within its table's
/// error, and PCAN's shrink curve.
/// </summary>
public class SignalMathTests
{
    [Fact]
    public void Sqrt32RoundsToNearest()
    {
        var random = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            uint x = (uint)random.NextInt64(0, 1L << 32);
            double root = Math.Sqrt(x);
            long expected = (long)Math.Round(root, MidpointRounding.AwayFromZero);
            // TFLM keeps 16 bits: the one root that rounds to 65536 stays at 65535.
            Assert.Equal(Math.Min(expected, 65535), SignalMath.Sqrt32(x));
        }
        Assert.Equal(0, SignalMath.Sqrt32(0));
        Assert.Equal(65535, SignalMath.Sqrt32(uint.MaxValue));
    }

    [Fact]
    public void Sqrt64RoundsToNearestAboveThirtyTwoBits()
    {
        var random = new Random(6);
        for (int i = 0; i < 20000; i++)
        {
            ulong x = ((ulong)random.NextInt64(1, 1L << 31) << 32) | (uint)random.Next();
            decimal root = (decimal)Math.Sqrt(x);
            ulong floor = (ulong)root;
            while ((decimal)(floor + 1) * (floor + 1) <= x) { floor++; }
            while ((decimal)floor * floor > x) { floor--; }
            // Rounded up when x exceeds floor² + floor, i.e. (floor + 0.5)² < x + 0.25.
            ulong expected = x - floor * floor > floor ? floor + 1 : floor;
            Assert.Equal(Math.Min(expected, uint.MaxValue), SignalMath.Sqrt64(x));
        }
    }

    [Fact]
    public void SqrtRoundsAtEveryBoundaryOfTheRoot()
    {
        // x = f², f² + f (rounds down), f² + f + 1 (rounds up), (f + 1)² - 1, for roots around each power of two
        // (where a double's square root is least exact) up to the largest, whose rounding TFLM suppresses.
        foreach (int bits in Enumerable.Range(1, 32))
        {
            foreach (long delta in new long[] { -2, -1, 0, 1 })
            {
                ulong f = (ulong)((1L << bits) + delta);
                if (f > uint.MaxValue)
                {
                    continue;
                }
                foreach (ulong x in new[] { f * f, f * f + f, f * f + f + 1, f * f + 2 * f })
                {
                    // Below 2^32 Sqrt64 is Sqrt32, whose root stops at 65535.
                    ulong max = x <= uint.MaxValue ? ushort.MaxValue : uint.MaxValue;
                    ulong expected = x - f * f > f && f != max ? f + 1 : f;
                    Assert.Equal(expected, SignalMath.Sqrt64(x));
                    if (x <= uint.MaxValue)
                    {
                        Assert.Equal(expected, SignalMath.Sqrt32((uint)x));
                    }
                }
            }
        }
        Assert.Equal(uint.MaxValue, SignalMath.Sqrt64(ulong.MaxValue));
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    [InlineData(1000u)]
    [InlineData(123456789u)]
    [InlineData(uint.MaxValue)]
    public void Log32IsTheScaledNaturalLog(uint x)
    {
        // micro_speech's output scale: the result is 1600 · ln(x), rounded, within the table's interpolation error.
        const uint scale = 1600;
        double expected = Math.Log(x) * scale;
        Assert.InRange(SignalMath.Log32(x, scale), expected - 2, expected + 2);
    }

    [Fact]
    public void PcanShrinkIsQuadraticBelowTwoAndLinearAbove()
    {
        // Input has 12 fractional bits, output 6: shrink(1) = 1/4, shrink(3) = 2.
        Assert.Equal(1u << 4, SignalMath.PcanShrink(1u << 12));
        Assert.Equal(2u << 6, SignalMath.PcanShrink(3u << 12));
        Assert.Equal(0u, SignalMath.PcanShrink(0));
    }

    [Fact]
    public void MostSignificantBitOfZeroIsTheWidthAsGccComputesIt()
    {
        Assert.Equal(32, SignalMath.MostSignificantBit32(0));
        Assert.Equal(1, SignalMath.MostSignificantBit32(1));
        Assert.Equal(64, SignalMath.MostSignificantBit64(0));
        Assert.Equal(33, SignalMath.MostSignificantBit64(1UL << 32));
    }
}
