// One source for both sides: generated kernels requantize with it at run time, and the generator evaluates TFLM's
// integer kernels with it at build time (tables for LOGISTIC, TANH, SOFTMAX, RSQRT...), so the two cannot drift
// apart. The generator compiles it (linked) as an internal class of its own namespace.
using System.Runtime.CompilerServices;

#if TINYMODEL_GENERATOR
namespace TinyModel.Generator.Lowering;
#else
namespace TinyModel;
#endif

/// <summary>
/// TensorFlow Lite's fixed-point primitives (gemmlowp's), bit for bit as TensorFlow Lite Micro's
/// reference kernels compute them. Generated kernels requantize with these, using multipliers and
/// shifts that the generator computed at compile time.
/// </summary>
/// <remarks>
/// TFLM's reference kernels round twice when requantizing (a rounding doubling high multiply, then a
/// rounding right shift); optimized libraries that round once differ from them by one on a small
/// fraction of outputs. TinyModel matches TFLM, so these deliberately keep the double rounding.
/// </remarks>
#if TINYMODEL_GENERATOR
internal static class FixedPoint
#else
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class FixedPoint
#endif
{
    /// <summary>
    /// The high 32 bits of <c>2 * a * b</c>, rounded to nearest, saturating the single overflowing case
    /// (<c>a == b == int.MinValue</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue)
        {
            return int.MaxValue;
        }
        long ab = (long)a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        // Division, not a shift: TFLite truncates toward zero here.
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary><c>x / 2^exponent</c>, rounded to nearest with ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>
    /// <c>x * multiplier * 2^shift</c> with <paramref name="quantizedMultiplier"/> a Q0.31 fraction:
    /// TFLite's <c>MultiplyByQuantizedMultiplier</c> for 32-bit accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier), rightShift);
    }

    /// <summary>
    /// TFLite's <c>MultiplyByQuantizedMultiplier</c> for 64-bit accumulators (16-bit activation kernels):
    /// the multiplier is reduced to 16 bits and the product rounded once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(long x, int quantizedMultiplier, int shift)
    {
        long reducedMultiplier = quantizedMultiplier < 0x7FFF0000 ? (quantizedMultiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long round = 1L << (totalShift - 1);
        return (int)((x * reducedMultiplier + round) >> totalShift);
    }
}
