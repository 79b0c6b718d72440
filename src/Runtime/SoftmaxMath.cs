using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// The run-time half of TensorFlow Lite Micro's quantized SOFTMAX and LOG_SOFTMAX, bit for bit: the fixed-point
/// reciprocal of a row's sum of exponentials (gemmlowp's <c>one_over_one_plus_x_for_x_in_0_1</c>,
/// TFLite's <c>GetReciprocal</c>), its logarithm (<c>log_x_for_x_greater_than_or_equal_to_1</c>) and the
/// interpolating int16 table look-up (<c>LUTLookup</c>).
/// The exponentials themselves are tables the generator computed.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
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
    /// TFLite's <c>log_x_for_x_greater_than_or_equal_to_1</c> (LOG_SOFTMAX's log of a row's sum of exponentials):
    /// ln(x) for a fixed-point <paramref name="x"/> ≥ 1 with <paramref name="inputIntegerBits"/> integer bits, as a
    /// fixed-point value with <paramref name="outputIntegerBits"/>; a Padé approximant on the significand plus the
    /// exponent times ln 2, with gemmlowp's saturations and roundings step for step.
    /// </summary>
    public static int LogOfAtLeastOne(int x, int inputIntegerBits, int outputIntegerBits)
    {
        unchecked
        {
            const int log2 = 1488522236, sqrtSqrtHalf = 1805811301, sqrtHalf = 1518500250, oneQuarter = 536870912;
            const int alphaN = 117049297, alphaD = 127690142, alphaI = 1057819769, alphaF = 638450708;
            int accumIntegerBits = outputIntegerBits + 1;
            int shiftedQuarter = FixedPoint.RoundingDivideByPOT(oneQuarter, accumIntegerBits);

            // x's raw value read as Q0.31; the exponent is worked out from its leading zeros.
            int zA = x;
            int zAHeadroomPlusOne = BitOperations.LeadingZeroCount((uint)zA);
            int rATmp = SaturatingShiftLeftParam(zA, zAHeadroomPlusOne - 1);
            int rA = SaturatingShiftLeftParam(FixedPoint.SaturatingRoundingDoublingHighMul(rATmp, sqrtHalf), 1);
            int zAPow2Adj = SaturatingAdd(SaturatingShiftLeftParam(inputIntegerBits - zAHeadroomPlusOne, 31 - accumIntegerBits), shiftedQuarter);

            // z_b: z_a premultiplied by sqrt(1/2).
            int zB = FixedPoint.SaturatingRoundingDoublingHighMul(zA, sqrtHalf);
            int zBHeadroom = BitOperations.LeadingZeroCount((uint)zB) - 1;
            int rB = SaturatingShiftLeftParam(zA, zBHeadroom);
            int zBPow2Adj = SaturatingSubtract(SaturatingShiftLeftParam(inputIntegerBits - zBHeadroom, 31 - accumIntegerBits), shiftedQuarter);

            int r = Math.Min(rA, rB);
            int zPow2Adj = Math.Max(zAPow2Adj, zBPow2Adj);

            int p = RoundingHalfSum(r, sqrtSqrtHalf);
            int q = r - sqrtSqrtHalf;
            q += q;
            int commonSq = Mul(q, q);
            int num = Mul(q, r) + Mul(Mul(q, commonSq), alphaN);
            int denominatorMinusOne = Mul(p, alphaI + q + Mul(alphaD, commonSq)) + Mul(alphaF, q);
            int reciprocal = OneOverOnePlusX(denominatorMinusOne);
            int numScaled = FixedPoint.RoundingDivideByPOT(num, accumIntegerBits);
            int sum = Mul(zPow2Adj, log2) + Mul(numScaled, reciprocal);
            // Rescale from the accumulator's integer bits to the output's: one bit to the left, saturating.
            return SaturatingShiftLeft(sum, accumIntegerBits - outputIntegerBits);
        }
    }

    private static int Mul(int a, int b) => FixedPoint.SaturatingRoundingDoublingHighMul(a, b);

    /// <summary>TFLite's <c>SaturatingRoundingMultiplyByPOTParam</c> for an exponent of 0 or more.</summary>
    private static int SaturatingShiftLeftParam(int x, int exponent) => exponent == 0 ? x : SaturatingShiftLeft(x, exponent);

    /// <summary>TFLite's <c>SaturatingAddNonGemmlowp</c> on int32.</summary>
    private static int SaturatingAdd(int a, int b) => (int)Math.Clamp((long)a + b, int.MinValue, int.MaxValue);

    /// <summary>TFLite's <c>SaturatingSub</c> on int32.</summary>
    private static int SaturatingSubtract(int a, int b) => (int)Math.Clamp((long)a - b, int.MinValue, int.MaxValue);

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
