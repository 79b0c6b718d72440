using TinyModel.Generator.Lowering;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// The fixed-point arithmetic every quantized kernel rests on, on values worked out by hand from
/// TFLite's definitions (gemmlowp's fixedpoint.h and tensorflow/lite/kernels/internal/common.h,
/// quantization_util.cc), with the edge cases where a naive version differs: ties, negatives,
/// saturation and the multiplier that rounds up to 2^31.
/// </summary>
public class FixedPointTests
{
    [Theory]
    [InlineData(int.MinValue, int.MinValue, int.MaxValue)] // the one product that overflows saturates
    [InlineData(1 << 30, 1 << 30, 1 << 29)]                 // 0.5 * 0.5 = 0.25 in Q0.31
    [InlineData(3, 1 << 30, 2)]                             // 1.5 rounds half away from zero
    [InlineData(-3, 1 << 30, -1)]                           // -1.5 -> -1: the negative nudge is 2^30 - 1, then truncation toward zero
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue - 1)]
    public void SaturatingRoundingDoublingHighMul(int a, int b, int expected) =>
        Assert.Equal(expected, FixedPoint.SaturatingRoundingDoublingHighMul(a, b));

    [Theory]
    [InlineData(5, 1, 3)]    // 2.5 -> 3
    [InlineData(-5, 1, -3)]  // -2.5 -> -3: ties away from zero
    [InlineData(-4, 1, -2)]
    [InlineData(7, 2, 2)]    // 1.75 -> 2
    [InlineData(-7, 2, -2)]
    [InlineData(6, 2, 2)]    // 1.5 -> 2
    [InlineData(-6, 2, -2)]  // -1.5 -> -2
    [InlineData(123, 0, 123)]
    public void RoundingDivideByPOT(int x, int exponent, int expected) =>
        Assert.Equal(expected, FixedPoint.RoundingDivideByPOT(x, exponent));

    [Theory]
    [InlineData(100, 1 << 30, 0, 50)]       // x * 0.5
    [InlineData(100, 1 << 30, -1, 25)]      // x * 0.5 * 2^-1
    [InlineData(100, 1 << 30, 2, 200)]      // x * 0.5 * 2^2
    [InlineData(-101, 1 << 30, -1, -25)]    // -25.25 -> -25
    [InlineData(-102, 1 << 30, -2, -13)]    // -12.75 -> -13
    public void MultiplyByQuantizedMultiplier(int x, int multiplier, int shift, int expected) =>
        Assert.Equal(expected, FixedPoint.MultiplyByQuantizedMultiplier(x, multiplier, shift));

    [Theory]
    [InlineData(1000L, 1 << 30, 0, 500)]            // reduced to 16 bits: 0x4000, then (x * 0x4000 + 2^14) >> 15
    [InlineData(-1001L, 1 << 30, 0, -500)]          // -500.5 rounds up (arithmetic shift): -500
    [InlineData(1L << 40, 1 << 30, -20, 1 << 19)]
    [InlineData(7L, 0x7FFFFFFF, 0, 7)]              // multipliers at the top saturate to 0x7FFF
    public void MultiplyByQuantizedMultiplier64(long x, int multiplier, int shift, int expected) =>
        Assert.Equal(expected, FixedPoint.MultiplyByQuantizedMultiplier(x, multiplier, shift));

    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(1.0, 1 << 30, 1)]
    [InlineData(0.75, 1610612736, 0)]          // 0.75 * 2^31
    [InlineData(0.0039215686274509803, 1077952576, -7)] // 1/255 = 0.50196... * 2^-7
    [InlineData(0.99999999999, 1 << 30, 1)]    // rounds up to 2^31: halved, exponent + 1
    [InlineData(-0.5, -(1 << 30), 0)]
    public void QuantizeMultiplier(double real, int multiplier, int shift) =>
        Assert.Equal((multiplier, shift), QuantizationMath.QuantizeMultiplier(real));

    [Theory]
    [InlineData(1.0, 0.5, 1)]
    [InlineData(0.75, 0.75, 0)]
    [InlineData(-3.0, -0.75, 2)]
    [InlineData(1e-310, 0.5752618031559393, -1029)] // subnormal (C and Python frexp agree)
    public void Frexp(double value, double fraction, int exponent) =>
        Assert.Equal((fraction, exponent), QuantizationMath.Frexp(value));
}
