// One source for both sides: generated int16 layers call it per element at run time, and the generator fills int8
// layers' tables with it at build time. The generator compiles it (linked) as an internal class of its own namespace.
#if TINYMODEL_GENERATOR
namespace TinyModel.Generator.Lowering;
#else
namespace TinyModel;
#endif

/// <summary>
/// TFLM's quantized RSQRT of one element (elementwise.cc <c>RsqrtEvalQuantized</c>): the inverse square root
/// of the offset input as a Q0.31 multiplier and exponent (TFLite's <c>GetInvSqrtQuantizedMultiplierExp</c>,
/// five Newton-Raphson steps in gemmlowp fixed point), applied to 1 with 20 guard bits, then requantized.
/// Generated int16 layers call it per element (int8 layers use a table the generator filled the same way).
/// </summary>
#if TINYMODEL_GENERATOR
internal static class QuantizedReciprocalSqrt
#else
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class QuantizedReciprocalSqrt
#endif
{
    /// <summary>The bits <c>RsqrtEvalQuantized</c> keeps between its two multiplications.</summary>
    private const int GuardShift = 20;

    /// <summary>
    /// <c>clamp(MultiplyByQuantizedMultiplier(1 / sqrt(value) with 20 guard bits, multiplier, shift - 20) + outputOffset)</c>;
    /// <paramref name="value"/> is the input minus its zero point, and 0 gives <paramref name="max"/>, as in TFLM.
    /// </summary>
    public static int Compute(int value, int multiplier, int shift, int outputOffset, int min, int max)
    {
        if (value == 0)
        {
            return max;
        }
        (int invSqrt, int invShift) = InvSqrtMultiplierExp(value);
        int data = FixedPoint.MultiplyByQuantizedMultiplier(1, invSqrt, invShift + GuardShift);
        int output = FixedPoint.MultiplyByQuantizedMultiplier(data, multiplier, shift - GuardShift) + outputOffset;
        return output < min ? min : output > max ? max : output;
    }

    /// <summary>
    /// TFLite's <c>GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1)</c>: <c>1 / sqrt(input)</c> as a
    /// Q0.31 multiplier and a left-shift exponent; inputs up to 1 (and, unchecked, below) give the largest multiplier.
    /// </summary>
    public static (int Multiplier, int Shift) InvSqrtMultiplierExp(int input)
    {
        if (input <= 1)
        {
            return (int.MaxValue, 0);
        }
        int shift = 11;
        while (input >= 1 << 29)
        {
            input /= 4;
            shift++;
        }
        int leftShiftBitPairs = (LeadingZeroCount((uint)input) - 1) / 2 - 1;
        shift -= leftShiftBitPairs;
        input <<= 2 * leftShiftBitPairs;

        // Q3.28 fixed point: the product of two has 6 integer bits, of three 9, rescaled back to 3.
        int halfInput = RoundingHalf(input >> 1);
        const int halfThree = (1 << 28) + (1 << 27);
        int x = 1 << 28;
        for (int i = 0; i < 5; i++)
        {
            int x3 = SaturatingShiftLeft(Mul(Mul(x, x), x), 6);
            x = SaturatingShiftLeft(unchecked(Mul(halfThree, x) - Mul(halfInput, x3)), 3);
        }
        int result = Mul(x, 1518500250); // sqrt(2) / 2 in Q0.31
        if (shift < 0)
        {
            result <<= -shift;
            shift = 0;
        }
        return (result, -shift);
    }

    private static int Mul(int a, int b) => FixedPoint.SaturatingRoundingDoublingHighMul(a, b);

#if TINYMODEL_GENERATOR
    /// <summary>The leading zero bits of a nonzero value (netstandard2.0 has no <c>BitOperations</c>).</summary>
    private static int LeadingZeroCount(uint value)
    {
        int count = 0;
        for (; (value & 0x80000000u) == 0; value <<= 1)
        {
            count++;
        }
        return count;
    }
#else
    private static int LeadingZeroCount(uint value) => System.Numerics.BitOperations.LeadingZeroCount(value);
#endif

    /// <summary>gemmlowp's <c>SaturatingRoundingMultiplyByPOT&lt;-1&gt;</c>: half, rounded to nearest.</summary>
    private static int RoundingHalf(int x) => FixedPoint.RoundingDivideByPOT(x, 1);

    /// <summary>gemmlowp's <c>SaturatingRoundingMultiplyByPOT</c> for a positive exponent: a left shift that saturates.</summary>
    private static int SaturatingShiftLeft(int x, int exponent)
    {
        int threshold = (1 << (31 - exponent)) - 1;
        return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << exponent;
    }
}
