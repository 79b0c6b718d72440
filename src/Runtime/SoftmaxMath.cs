using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// The run-time half of TensorFlow Lite Micro's quantized SOFTMAX, bit for bit: the fixed-point
/// reciprocal of a row's sum of exponentials (gemmlowp's <c>one_over_one_plus_x_for_x_in_0_1</c>,
/// TFLite's <c>GetReciprocal</c>) and the interpolating int16 table look-up (<c>LUTLookup</c>).
/// The exponentials themselves are tables the generator computed.
/// </summary>
public static class SoftmaxMath
{
    /// <summary>
    /// TFLite's <c>GetReciprocal</c>: 1 / <paramref name="x"/> for a positive fixed-point value with
    /// <paramref name="integerBits"/> integer bits, as a Q0.31 significand and the number of bits by
    /// which the true reciprocal is smaller (<paramref name="bitsOverUnit"/>).
    /// </summary>
    public static int Reciprocal(int x, int integerBits, out int bitsOverUnit)
    {
        int headroomPlusOne = BitOperations.LeadingZeroCount((uint)x);
        bitsOverUnit = integerBits - headroomPlusOne;
        int shiftedSumMinusOne = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
        return OneOverOnePlusX(shiftedSumMinusOne);
    }

    /// <summary>gemmlowp's <c>one_over_one_plus_x_for_x_in_0_1</c>: 1 / (1 + a) for a in [0, 1), Q0.31 in and out, by Newton-Raphson.</summary>
    public static int OneOverOnePlusX(int a)
    {
        unchecked
        {
            int halfDenominator = RoundingHalfSum(a, int.MaxValue);
            const int constant48Over17 = 1515870810;     // Q2.29
            const int constantNeg32Over17 = -1010580540; // Q2.29
            const int oneQ2 = 1 << 29;
            int x = constant48Over17 + FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17);
            for (int i = 0; i < 3; i++)
            {
                int halfDenominatorTimesX = FixedPoint.SaturatingRoundingDoublingHighMul(halfDenominator, x);
                int oneMinusHalfDenominatorTimesX = oneQ2 - halfDenominatorTimesX;
                x += SaturatingShiftLeft(FixedPoint.SaturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 2);
            }
            return SaturatingShiftLeft(x, 1);
        }
    }

    /// <summary>
    /// TFLite's <c>LUTLookup</c> for int16: the table's 512 segments are indexed by the top 9 bits of
    /// <paramref name="value"/> and interpolated linearly with the low 7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short LookupInt16(int value, ReadOnlySpan<short> lut)
    {
        int index = 256 + (value >> 7);
        int offset = value & 0x7f;
        int baseValue = lut[index];
        int slope = lut[index + 1] - baseValue;
        int delta = (slope * offset + 64) >> 7;
        return (short)(baseValue + delta);
    }

    /// <summary>gemmlowp's <c>RoundingHalfSum</c>: (a + b) / 2, rounded half away from zero.</summary>
    private static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int)((sum + sign) / 2);
    }

    /// <summary>gemmlowp's <c>SaturatingRoundingMultiplyByPOT</c> for a positive exponent: a left shift that saturates.</summary>
    private static int SaturatingShiftLeft(int x, int exponent)
    {
        int threshold = (1 << (31 - exponent)) - 1;
        return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << exponent;
    }
}
