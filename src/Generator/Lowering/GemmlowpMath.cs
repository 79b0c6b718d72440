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
/// two such values is <see cref="SaturatingRoundingDoublingHighMul"/> on their raw values and has the
/// sum of their integer bits; "Rescale" changes the integer bits by a saturating, rounding power-of-two
/// multiplication. gemmlowp's 32-bit constants are used as they are (their 16-bit rescaling does not apply).
/// </remarks>
internal static class GemmlowpMath
{
    /// <summary>TFLite's <c>sigmoid_table_uint16</c>: sigmoid(i/24) in unsigned Q0.16, the table of its int16 LOGISTIC and TANH.</summary>
    public static readonly ushort[] SigmoidTable =
    {
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
        40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
        46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
        52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
        56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
        59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
        61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
        62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
        63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
        64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
        64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
        65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
        65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
        65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
        65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
        65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
        65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
        65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
        65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
        65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
        65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65535,
    };

    /// <summary>gemmlowp's <c>SaturatingRoundingDoublingHighMul</c> (ARM's VQRDMULH) on int32.</summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue)
        {
            return int.MaxValue;
        }
        long ab = (long)a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>gemmlowp's <c>RoundingDivideByPOT</c>: <c>x / 2^exponent</c>, ties away from zero.</summary>
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

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
            return RoundingDivideByPOT(x, -exponent);
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

    private static int Mul(int a, int b) => SaturatingRoundingDoublingHighMul(a, b);

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
}
