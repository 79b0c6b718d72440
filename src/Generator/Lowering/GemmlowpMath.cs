using System;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// The fixed-point transcendental functions of gemmlowp's <c>fixedpoint.h</c> on 32-bit raw values
/// (<c>exp_on_negative_values</c>, <c>logistic</c>, <c>tanh</c>), and the helpers TFLite uses to set
/// them up (<c>CalculateInputRadius</c>, <c>CheckedLog2</c>), reproduced operation for operation.
/// TinyModel runs them at build time: an int8 LOGISTIC or TANH has only 256 possible inputs, so the
/// generator evaluates TFLM's integer kernel on each and emits the results as a lookup table.
/// </summary>
/// <remarks>
/// A fixed-point value with <c>n</c> integer bits holds <c>raw / 2^(31 - n)</c>. The multiplication of
/// two such values is <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> on their raw values and has the
/// sum of their integer bits; "Rescale" changes the integer bits by a saturating, rounding power-of-two
/// multiplication. gemmlowp's 32-bit constants are used as they are (their 16-bit rescaling does not apply).
/// </remarks>
internal static class GemmlowpMath
{
    /// <summary>
    /// gemmlowp's <c>SaturatingRoundingMultiplyByPOT</c>: <c>x · 2^exponent</c>, saturating when the
    /// exponent is positive and rounding when it is negative.
    /// </summary>
    public static int SaturatingRoundingMultiplyByPOT(int x, int exponent)
    {
        if (exponent == 0)
        {
            return x;
        }
        if (exponent < 0)
        {
            return FixedPoint.RoundingDivideByPOT(x, -exponent);
        }
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold)
        {
            return int.MaxValue;
        }
        if (x < -threshold)
        {
            return int.MinValue;
        }
        return unchecked(x * (1 << exponent));
    }

    /// <summary>gemmlowp's <c>RoundingHalfSum</c>: <c>(a + b) / 2</c> rounded half away from zero.</summary>
    public static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int)((sum + sign) / 2);
    }

    /// <summary>Changes a raw value's integer bits from <paramref name="from"/> to <paramref name="to"/> (gemmlowp's <c>Rescale</c>).</summary>
    private static int Rescale(int raw, int from, int to) => SaturatingRoundingMultiplyByPOT(raw, from - to);

    /// <summary>The raw value of 1 with <paramref name="integerBits"/> integer bits (the largest value when there are none).</summary>
    private static int One(int integerBits) => integerBits == 0 ? int.MaxValue : 1 << (31 - integerBits);

    private static int Mul(int a, int b) => FixedPoint.SaturatingRoundingDoublingHighMul(a, b);

    /// <summary><c>exp(a)</c> for <c>a</c> in [-1/4, 0), in Q0.31 (a Taylor expansion around -1/8).</summary>
    private static int ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a)
    {
        const int constantTerm = 1895147668; // exp(-1/8)
        const int constantOneThird = 715827883; // 1/3
        int x = unchecked(a + (1 << 28)); // a + 1/8
        int x2 = Mul(x, x);
        int x3 = Mul(x2, x);
        int x4 = Mul(x2, x2);
        int x4Over4 = SaturatingRoundingMultiplyByPOT(x4, -2);
        int x4Over24PlusX3Over6PlusX2Over2 = SaturatingRoundingMultiplyByPOT(unchecked(Mul(unchecked(x4Over4 + x3), constantOneThird) + x2), -1);
        return unchecked(constantTerm + Mul(constantTerm, unchecked(x + x4Over24PlusX3Over6PlusX2Over2)));
    }

    /// <summary>gemmlowp's <c>exp_on_negative_values</c>: <c>exp(a)</c> for <c>a ≤ 0</c> with <paramref name="integerBits"/> integer bits; Q0.31 result.</summary>
    public static int ExpOnNegativeValues(int a, int integerBits)
    {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = unchecked((a & mask) - oneQuarter);
        int result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale(aModQuarterMinusOneQuarter, integerBits, 0));
        int remainder = unchecked(aModQuarterMinusOneQuarter - a);

        // The barrel shifter: exp(-2^k) for each set bit of the remainder.
        (int Exponent, int Multiplier)[] barrel =
        {
            (-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308), (2, 39332535), (3, 720401), (4, 242),
        };
        foreach ((int exponent, int multiplier) in barrel)
        {
            if (integerBits > exponent)
            {
                int shiftAmount = fractionalBits + exponent;
                if ((remainder & (1 << shiftAmount)) != 0)
                {
                    result = Mul(result, multiplier);
                }
            }
        }

        if (integerBits > 5)
        {
            int clamp = -(1 << (36 - integerBits)); // -32
            if (a < clamp)
            {
                result = 0;
            }
        }
        return a == 0 ? One(0) : result;
    }

    /// <summary>
    /// Newton-Raphson iterations for <c>1 / (1 + a)</c>, <c>a</c> in (0, 1) in Q0.31; returns the Q2.29
    /// estimate <c>x ≈ 1 / half_denominator</c>.
    /// </summary>
    private static int NewtonReciprocal(int halfDenominator)
    {
        const int constant48Over17 = 1515870810; // Q2.29
        const int constantNeg32Over17 = -1010580540; // Q2.29
        int oneQ2 = One(2);
        int x = unchecked(constant48Over17 + Mul(halfDenominator, constantNeg32Over17));
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = Mul(halfDenominator, x);
            int oneMinusHalfDenominatorTimesX = unchecked(oneQ2 - halfDenominatorTimesX);
            x = unchecked(x + Rescale(Mul(x, oneMinusHalfDenominatorTimesX), 4, 2));
        }
        return x;
    }

    /// <summary>gemmlowp's <c>one_over_one_plus_x_for_x_in_0_1</c>, Q0.31 in and out.</summary>
    public static int OneOverOnePlusXForXIn01(int a)
    {
        int x = NewtonReciprocal(RoundingHalfSum(a, One(0)));
        return Rescale(x, 1, 0); // ExactMulByPot<-1> turns Q2.29 into Q1.30 with the same raw value.
    }

    /// <summary>gemmlowp's <c>one_minus_x_over_one_plus_x_for_x_in_0_1</c>, Q0.31 in and out.</summary>
    public static int OneMinusXOverOnePlusXForXIn01(int a)
    {
        int x = NewtonReciprocal(RoundingHalfSum(a, One(0)));
        return Rescale(unchecked(x - One(2)), 2, 0);
    }

    /// <summary>gemmlowp's <c>logistic</c>: <c>1 / (1 + exp(-a))</c> with <paramref name="integerBits"/> integer bits in, Q0.31 out.</summary>
    public static int Logistic(int a, int integerBits)
    {
        bool positive = a > 0;
        int absolute = positive ? a : unchecked(-a);
        int resultIfPositive = OneOverOnePlusXForXIn01(ExpOnNegativeValues(unchecked(-absolute), integerBits));
        int resultIfNegative = unchecked(One(0) - resultIfPositive);
        if (a == 0)
        {
            return 1 << 30; // 1/2
        }
        return positive ? resultIfPositive : resultIfNegative;
    }

    /// <summary>gemmlowp's <c>tanh</c> with <paramref name="integerBits"/> integer bits in, Q0.31 out.</summary>
    public static int Tanh(int a, int integerBits)
    {
        bool negative = a < 0;
        int n = negative ? a : unchecked(-a);
        // neg_tanh_on_negative_values: (1 - exp(2n)) / (1 + exp(2n)); doubling n is exact by reading it with one more integer bit.
        int t = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(n, integerBits + 1));
        if (a == 0)
        {
            return 0;
        }
        return negative ? unchecked(-t) : t;
    }

    /// <summary>TFLite's <c>CalculateInputRadius</c>: the largest input magnitude whose rescaling cannot overflow.</summary>
    public static int CalculateInputRadius(int inputIntegerBits, int inputLeftShift, int totalSignedBits = 31)
    {
        double maxInputRescaled = 1.0 * ((1 << inputIntegerBits) - 1) * (1L << (totalSignedBits - inputIntegerBits)) / (1L << inputLeftShift);
        return (int)Math.Floor(maxInputRescaled);
    }

    /// <summary>
    /// TFLite's <c>CheckedLog2</c>: the rounded base-2 logarithm of <paramref name="x"/> and whether
    /// <paramref name="x"/> is a power of two (within 1e-3 in the exponent), computed in float as TFLite does.
    /// </summary>
    public static bool CheckedLog2(float x, out int log2)
    {
        float xLog2 = (float)Math.Log(x) * (1.0f / (float)Math.Log(2.0f));
        float rounded = (float)Math.Round(xLog2, MidpointRounding.AwayFromZero);
        float fraction = xLog2 - rounded;
        log2 = (int)rounded;
        return Math.Abs(fraction) < 1e-3f;
    }

    /// <summary>
    /// The input rescaling of TFLM's int8 LOGISTIC and TANH (Prepare): <c>frexp(scale · 2^27)</c> as a
    /// Q0.31 multiplier and a left shift, then the radius beyond which the output saturates.
    /// </summary>
    public static (int Multiplier, int LeftShift, int Radius) Int8InputRescaling(float inputScale)
    {
        const int inputIntegerBits = 4;
        double realMultiplier = inputScale * (double)(1 << (31 - inputIntegerBits));
        (double fraction, int leftShift) = QuantizationMath.Frexp(realMultiplier);
        // TfLiteRound then a cast to int32, which wraps 2^31 as the C++ conversion does on every TFLM target.
        int multiplier = unchecked((int)(long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero));
        int radius = leftShift >= 0 ? CalculateInputRadius(inputIntegerBits, leftShift) : int.MaxValue;
        return (multiplier, leftShift, radius);
    }

    /// <summary>
    /// The rescaling TFLM's ADD, SUB and comparisons apply to each quantized input element: offset, shifted
    /// left, then <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c> (a multiplier below one, <c>shift ≤ 0</c>).
    /// </summary>
    public static int ScaleInput(int value, int offset, int leftShift, int multiplier, int shift) =>
        FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(unchecked((value + offset) * (1 << leftShift)), multiplier), -shift);
}
