using System;
using System.Linq;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Naive transcriptions of TensorFlow Lite Micro's reference arithmetic, written for the tests and
/// independent of the generator's code: quantization_util.cc (<c>QuantizeMultiplier</c>), common.h
/// and common.cc (<c>MultiplyByQuantizedMultiplier</c>), kernel_util.cc
/// (<c>CalculateActivationRange</c>), gemmlowp's fixedpoint.h (<c>exp_on_negative_values</c>,
/// <c>logistic</c>, <c>tanh</c>) and NumPy broadcasting by multi-index. Expected values in the operator
/// tests come from here.
/// </summary>
internal static class TfliteReference
{
    /// <summary>quantization_util.cc <c>QuantizeMultiplier</c>, with frexp written out via ILogB/ScaleB.</summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double real)
    {
        if (real == 0)
        {
            return (0, 0);
        }
        int exponent = Math.ILogB(real) + 1;
        double fraction = Math.ScaleB(real, -exponent); // in [0.5, 1) in magnitude
        long q = (long)Math.Round(fraction * 2147483648.0, MidpointRounding.AwayFromZero);
        if (q == 2147483648L)
        {
            q /= 2;
            exponent++;
        }
        if (exponent < -31)
        {
            return (0, 0);
        }
        return ((int)q, exponent);
    }

    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == int.MinValue && b == int.MinValue)
        {
            return int.MaxValue;
        }
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / 2147483648L);
    }

    public static int RoundingDivideByPOT(int x, int exponent)
    {
        if (exponent == 0)
        {
            return x;
        }
        // Round half away from zero: x / 2^e.
        long divisor = 1L << exponent;
        long quotient = Math.DivRem(x, divisor, out long remainder);
        if (Math.Abs(remainder) * 2 >= divisor)
        {
            quotient += x < 0 ? -1 : 1;
        }
        return (int)quotient;
    }

    /// <summary>
    /// comparisons.cc / comparisons.h: an int8 comparison operand, offset by minus its zero point, shifted left by 8
    /// and scaled by <c>QuantizeMultiplierSmallerThanOneExp(scale)</c> (a rounding doubling high multiply, a rounding right shift).
    /// </summary>
    public static int ComparisonOperand(int q, float scale, int zeroPoint)
    {
        (int multiplier, int shift) = QuantizeMultiplier(scale);
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul((q - zeroPoint) * 256, multiplier), -shift);
    }

    /// <summary>floor_div.h <c>FloorDiv&lt;float&gt;</c>: <c>std::floor</c> of the quotient in double, narrowed to float.</summary>
    public static float FloorDiv(float x, float y) => (float)Math.Floor((double)x / (double)y);

    /// <summary>
    /// floor_mod.h <c>FloorMod&lt;float&gt;</c>: <c>std::fmod</c> (C#'s float <c>%</c>, which is fmod), then the divisor added
    /// when the remainder is nonzero and its sign differs from the divisor's.
    /// </summary>
    public static float FloorMod(float x, float y)
    {
        float truncated = x % y;
        return truncated != 0 && (y < 0) != (truncated < 0) ? truncated + y : truncated;
    }

    /// <summary>
    /// hard_swish_common.cc <c>HardSwishPrepare</c> and reference hard_swish.h <c>HardSwish</c> (quantized) on one int8
    /// value: 16-bit fixed point, each step narrowed to int16 as the C++ does.
    /// </summary>
    public static sbyte HardSwishInt8(int q, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        static short Int16Multiplier(int m) => m >= int.MaxValue - 32768 ? short.MaxValue : (short)((m + 32768) >> 16);
        static short Srdhm(short a, short b) =>
            a == short.MinValue && b == short.MinValue ? short.MaxValue : (short)((a * b + (a * b >= 0 ? 16384 : -16383)) / 32768);
        static short Sdhm(short a, short b) => a == short.MinValue && b == short.MinValue ? short.MaxValue : (short)(a * b / 32768);
        static short Rdbp(short x, int e)
        {
            short mask = unchecked((short)((1L << e) - 1));
            int remainder = (short)(x & mask), threshold = (short)((mask >> 1) + (x < 0 ? 1 : 0));
            return (short)((x >> e) + (remainder > threshold ? 1 : 0));
        }
        static short LeftShift(short v, int amount) => (short)Math.Clamp((long)v << amount, short.MinValue, short.MaxValue);

        float hires = (1.0f / 128.0f) * inputScale;
        (int om, int oe) = QuantizeMultiplier((double)(hires / outputScale));
        (int rm, int re) = QuantizeMultiplier((double)(hires / (3.0f / 32768.0f)));
        short outputMultiplier = Int16Multiplier(om), reluishMultiplier = Int16Multiplier(rm);

        short inputOnHires = (short)((short)(q - inputZeroPoint) * 128);
        short inputOnOutput = Srdhm(inputOnHires, outputMultiplier);
        short reluish = inputOnHires;
        if (re > 0)
        {
            reluish = LeftShift(reluish, re - 1);
        }
        reluish = Srdhm(reluish, reluishMultiplier);
        if (re > 0)
        {
            reluish = LeftShift(reluish, 1);
        }
        if (re < 0)
        {
            reluish = Rdbp(reluish, -re);
        }
        reluish = (short)((reluish + 32768) >> 1);
        short output = (short)(Rdbp(Sdhm(reluish, inputOnOutput), -oe) + outputZeroPoint);
        return (sbyte)Math.Clamp((int)output, -128, 127);
    }

    /// <summary>reference hard_swish.h <c>HardSwish</c> (float): <c>in · std::min(6, std::max(0, in + 3)) / 6</c>.</summary>
    public static float HardSwishFloat(float x)
    {
        float r = x + 3;
        r = 0 < r ? r : 0;   // std::max(0, r) returns r only when 0 < r
        r = r < 6 ? r : 6;   // std::min(6, r) returns r only when r < 6
        return x * r / 6;
    }

    /// <summary>
    /// prelu_common.cc <c>CalculatePreluParams</c> and reference prelu.h <c>BroadcastPrelu4DSlow</c> on one element:
    /// the non-negative side scaled by input/output scale, the other by input · alpha scale / output scale, then clamped.
    /// </summary>
    public static int PreluQuantized(int x, int alpha, (float Scale, int ZeroPoint) input, (float Scale, int ZeroPoint) alphaQuant, (float Scale, int ZeroPoint) output, int min, int max)
    {
        (int m1, int s1) = QuantizeMultiplier((double)input.Scale / (double)output.Scale);
        (int m2, int s2) = QuantizeMultiplier((double)input.Scale * (double)alphaQuant.Scale / (double)output.Scale);
        int value = x - input.ZeroPoint;
        int result = value >= 0
            ? MultiplyByQuantizedMultiplier(value, m1, s1)
            : MultiplyByQuantizedMultiplier(value * (alpha - alphaQuant.ZeroPoint), m2, s2);
        return Math.Clamp(result + output.ZeroPoint, min, max);
    }

    /// <summary>
    /// elu.cc <c>PopulateLookupTable</c> with ELU's transform for one int8 value: dequantized in float, <c>expf(x) - 1</c>
    /// for negatives (the C library's expf, which MathF.Exp calls), requantized by <c>TfLiteRound</c>, offset and clamped.
    /// </summary>
    public static sbyte EluInt8(int q, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        float inverseScale = 1 / outputScale;
        float x = inputScale * (q - inputZeroPoint);
        float transformed = x < 0f ? MathF.Exp(x) - 1f : x;
        int quantized = (int)(MathF.Round(transformed * inverseScale, MidpointRounding.AwayFromZero) + outputZeroPoint);
        return (sbyte)Math.Clamp(quantized, -128, 127);
    }

    /// <summary>expm1 of a float, in double (a Taylor series near 0, where exp(x) - 1 would cancel), rounded to float once.</summary>
    public static float Expm1(float x)
    {
        double d = x;
        double result = Math.Abs(d) < 1e-3 ? d + d * d / 2 + d * d * d / 6 + d * d * d * d / 24 : Math.Exp(d) - 1;
        return (float)result;
    }

    /// <summary>
    /// add_n.cc <c>CalculateOpData</c> and reference add_n.h <c>AddN</c> (int8) on one element: each value offset, shifted
    /// left by 20 and halved in fixed point; the sum starts from the offset rescaled the same way, as TFLM's does.
    /// </summary>
    public static sbyte AddNInt8(int[] values, float scale, int zeroPoint, float outputScale, int outputZeroPoint)
    {
        double twice = 2 * (double)scale;
        (int mi, int si) = QuantizeMultiplier(scale / twice);
        (int mo, int so) = QuantizeMultiplier(twice / ((1 << 20) * (double)outputScale));
        int Rescale(int offsetValue) => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(offsetValue * (1 << 20), mi), -si);
        int sum = Rescale(-zeroPoint);
        foreach (int v in values)
        {
            sum += Rescale(v - zeroPoint);
        }
        int output = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(sum, mo), -so) + outputZeroPoint;
        return (sbyte)Math.Clamp(output, -128, 127);
    }

    /// <summary>
    /// common.h <c>GetInvSqrtQuantizedMultiplierExp(input, kReverseShift = -1)</c>: 1 / sqrt(input) as a Q0.31
    /// multiplier and a left-shift exponent, by five Newton-Raphson steps in Q3.28.
    /// </summary>
    public static (int Multiplier, int Shift) InvSqrtQuantizedMultiplierExp(int input)
    {
        if (input <= 1)
        {
            return (int.MaxValue, 0);
        }
        int outputShift = 11;
        while (input >= 1 << 29)
        {
            input /= 4;
            outputShift++;
        }
        int pairs = (System.Numerics.BitOperations.LeadingZeroCount((uint)input) - 1) / 2 - 1;
        outputShift -= pairs;
        input <<= 2 * pairs;
        static int Mul(int a, int b) => SaturatingRoundingDoublingHighMul(a, b);
        static int ShiftLeftSaturating(int x, int e) => (int)Math.Clamp((long)x << e, int.MinValue, int.MaxValue);
        int halfInput = RoundingDivideByPOT(input >> 1, 1);
        int x = 1 << 28;
        for (int i = 0; i < 5; i++)
        {
            int x3 = ShiftLeftSaturating(Mul(Mul(x, x), x), 6);
            x = ShiftLeftSaturating(Mul((1 << 28) + (1 << 27), x) - Mul(halfInput, x3), 3);
        }
        int result = Mul(x, 1518500250);
        if (outputShift < 0)
        {
            result <<= -outputShift;
            outputShift = 0;
        }
        return (result, -outputShift);
    }

    /// <summary>reference integer_ops/l2normalization.h <c>L2Normalization</c> on one int8 row: outputs in steps of 1/128.</summary>
    public static sbyte[] L2NormalizationInt8(sbyte[] row, int zeroPoint)
    {
        int sum = row.Sum(v => (v - zeroPoint) * (v - zeroPoint));
        (int multiplier, int shift) = InvSqrtQuantizedMultiplierExp(sum);
        return row.Select(v => (sbyte)Math.Clamp(MultiplyByQuantizedMultiplier(v - zeroPoint, multiplier, shift + 7), -128, 127)).ToArray();
    }

    /// <summary>common.h <c>MultiplyByQuantizedMultiplier</c> (32-bit, double rounding).</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << left)), multiplier), right);
    }

    /// <summary>common.cc <c>MultiplyByQuantizedMultiplier</c> (64-bit, the 16-bit activation kernels): a 16-bit multiplier, one rounding shift.</summary>
    public static int MultiplyByQuantizedMultiplier(long x, int multiplier, int shift)
    {
        long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        return (int)((x * reduced + (1L << (totalShift - 1))) >> totalShift);
    }

    /// <summary>
    /// reference/cumsum.h quantized <c>CumSum</c> over a tensor seen as [before, depth, after]: every value offset, shifted
    /// left by 20 and scaled by <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>; the accumulator starts at the
    /// same scaling of the offset alone (TFLM's quirk); each running sum (before the value when exclusive) rescaled to
    /// the output. Shifts are at most 0, where <see cref="MultiplyByQuantizedMultiplier(int, int, int)"/> is that function.
    /// </summary>
    public static sbyte[] CumSumInt8(sbyte[] input, int before, int depth, int after, bool exclusive, bool reverse,
        int inputOffset, int inputMultiplier, int inputShift, int outputOffset, int outputMultiplier, int outputShift)
    {
        var output = new sbyte[input.Length];
        for (int b = 0; b < before; b++)
        {
            for (int a = 0; a < after; a++)
            {
                int accumulator = MultiplyByQuantizedMultiplier(inputOffset * (1 << 20), inputMultiplier, inputShift);
                for (int d = 0; d < depth; d++)
                {
                    int index = (b * depth + (reverse ? depth - 1 - d : d)) * after + a;
                    int scaled = MultiplyByQuantizedMultiplier((inputOffset + input[index]) * (1 << 20), inputMultiplier, inputShift);
                    int scaledOutput = accumulator;
                    accumulator = unchecked(accumulator + scaled);
                    if (!exclusive)
                    {
                        scaledOutput = accumulator;
                    }
                    output[index] = (sbyte)Math.Clamp(MultiplyByQuantizedMultiplier(scaledOutput, outputMultiplier, outputShift) + outputOffset, -128, 127);
                }
            }
        }
        return output;
    }

    /// <summary>The NumPy-broadcast flat index into <paramref name="shape"/> of the output element <paramref name="flat"/>.</summary>
    public static int BroadcastIndex(int flat, int[] outputShape, int[] shape)
    {
        int[] index = new int[outputShape.Length];
        for (int d = outputShape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % outputShape[d];
            flat /= outputShape[d];
        }
        int offset = 0;
        int pad = outputShape.Length - shape.Length;
        for (int d = 0; d < shape.Length; d++)
        {
            offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[d + pad]);
        }
        return offset;
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>kernel_util.cc <c>CalculateActivationRangeQuantized</c> for activation codes 0..3.</summary>
    public static (int Min, int Max) QuantizedActivationRange(int activation, float scale, int zeroPoint, int qmin, int qmax)
    {
        int Quantize(float f) => zeroPoint + (int)MathF.Round(f / scale, MidpointRounding.AwayFromZero);
        return activation switch
        {
            1 => (Math.Max(qmin, Quantize(0f)), qmax),
            2 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            3 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            _ => (qmin, qmax),
        };
    }

    public static (float Min, float Max) FloatActivationRange(int activation) => activation switch
    {
        1 => (0f, float.MaxValue),
        2 => (-1f, 1f),
        3 => (0f, 6f),
        _ => (float.MinValue, float.MaxValue),
    };

    // gemmlowp fixed point on int32 raw values; a value with n integer bits is raw / 2^(31 - n).

    private static int SaturatingShift(int x, int exponent)
    {
        if (exponent <= 0)
        {
            return RoundingDivideByPOT(x, -exponent);
        }
        long shifted = (long)x << exponent;
        return shifted > int.MaxValue ? int.MaxValue : shifted < int.MinValue ? int.MinValue : (int)shifted;
    }

    private static int Mul(int a, int b) => SaturatingRoundingDoublingHighMul(a, b);

    private static int ExpOnInterval(int a)
    {
        int constantTerm = 1895147668, oneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = Mul(x, x), x3 = Mul(x2, x), x4 = Mul(x2, x2);
        int x4Over4 = RoundingDivideByPOT(x4, 2);
        int poly = RoundingDivideByPOT(Mul(x4Over4 + x3, oneThird) + x2, 1);
        return constantTerm + Mul(constantTerm, x + poly);
    }

    public static int ExpOnNegativeValues(int a, int integerBits)
    {
        int fractional = 31 - integerBits;
        int quarter = 1 << (fractional - 2);
        int modMinusQuarter = (a & (quarter - 1)) - quarter;
        int result = ExpOnInterval(SaturatingShift(modMinusQuarter, integerBits));
        int remainder = modMinusQuarter - a;
        int[] multipliers = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };
        for (int k = -2; k <= 4; k++)
        {
            if (integerBits > k && (remainder & (1 << (fractional + k))) != 0)
            {
                result = Mul(result, multipliers[k + 2]);
            }
        }
        if (integerBits > 5 && a < -(1 << (36 - integerBits)))
        {
            result = 0;
        }
        return a == 0 ? int.MaxValue : result;
    }

    private static int Reciprocal(int a)
    {
        long sum = (long)a + int.MaxValue;
        int halfDenominator = (int)((sum + (sum >= 0 ? 1 : -1)) / 2);
        int x = 1515870810 + Mul(halfDenominator, -1010580540);
        for (int i = 0; i < 3; i++)
        {
            x += SaturatingShift(Mul(x, (1 << 29) - Mul(halfDenominator, x)), 2);
        }
        return x;
    }

    public static int Logistic(int a, int integerBits)
    {
        if (a == 0)
        {
            return 1 << 30;
        }
        int magnitude = a > 0 ? a : -a;
        int positive = SaturatingShift(Reciprocal(ExpOnNegativeValues(-magnitude, integerBits)), 1);
        return a > 0 ? positive : int.MaxValue - positive;
    }

    public static int Tanh(int a, int integerBits)
    {
        if (a == 0)
        {
            return 0;
        }
        int negativeMagnitude = a < 0 ? a : -a;
        int t = SaturatingShift(Reciprocal(ExpOnNegativeValues(negativeMagnitude, integerBits + 1)) - (1 << 29), 2);
        return a < 0 ? -t : t;
    }

    /// <summary>
    /// common.h <c>log_x_for_x_greater_than_or_equal_to_1_impl</c>: ln of a fixed-point value ≥ 1 with
    /// <paramref name="inputBits"/> integer bits, with <paramref name="outputBits"/> integer bits out.
    /// </summary>
    public static int LogAtLeastOne(int x, int inputBits, int outputBits)
    {
        int accumBits = outputBits + 1;
        static int Clamp(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);
        static int ShiftLeft(int v, int e) => e == 0 ? v : Clamp((long)v << e);
        int quarter = RoundingDivideByPOT(536870912, accumBits);
        int headroomA = System.Numerics.BitOperations.LeadingZeroCount((uint)x);
        int rA = ShiftLeft(Mul(ShiftLeft(x, headroomA - 1), 1518500250), 1);
        int powA = Clamp((long)ShiftLeft(inputBits - headroomA, 31 - accumBits) + quarter);
        int zB = Mul(x, 1518500250);
        int headroomB = System.Numerics.BitOperations.LeadingZeroCount((uint)zB) - 1;
        int rB = ShiftLeft(x, headroomB);
        int powB = Clamp((long)ShiftLeft(inputBits - headroomB, 31 - accumBits) - quarter);
        int r = Math.Min(rA, rB), pow = Math.Max(powA, powB);
        long halfSum = (long)r + 1805811301;
        int p = (int)((halfSum + (halfSum >= 0 ? 1 : -1)) / 2);
        int q = unchecked(2 * (r - 1805811301));
        int sq = Mul(q, q);
        int num = unchecked(Mul(q, r) + Mul(Mul(q, sq), 117049297));
        int denominatorMinusOne = unchecked(Mul(p, 1057819769 + q + Mul(127690142, sq)) + Mul(638450708, q));
        int result = unchecked(Mul(pow, 1488522236) + Mul(RoundingDivideByPOT(num, accumBits), SaturatingShift(Reciprocal(denominatorMinusOne), 1)));
        return ShiftLeft(result, accumBits - outputBits);
    }

    /// <summary>
    /// log_softmax.cc <c>CalculateOpData</c> (beta 1, output 16/256 and 127) and reference log_softmax.h
    /// <c>LogSoftmaxQuantized</c> on one int8 row.
    /// </summary>
    public static sbyte[] LogSoftmaxInt8(sbyte[] row, float inputScale)
    {
        (int multiplier, int leftShift) = QuantizeMultiplier(Math.Min(inputScale * (double)(1 << 26), 2147483647.0));
        (int reverseMultiplier, int reverseShift) = QuantizeMultiplier((1 << (31 - leftShift)) / (double)multiplier);
        int diffMin = -(int)Math.Floor(31.0 * (1L << 26) / (1L << leftShift));
        int max = row.Max(v => (int)v);
        int sum = 0;
        foreach (sbyte v in row)
        {
            int diff = v - max;
            if (diff >= diffMin)
            {
                sum = unchecked(sum + RoundingDivideByPOT(ExpOnNegativeValues(MultiplyByQuantizedMultiplier(diff, multiplier, leftShift), 5), 12));
            }
        }
        int log = LogAtLeastOne(sum, 12, 5);
        int adjusted = Math.Max(diffMin - 1, MultiplyByQuantizedMultiplier(unchecked(log + int.MinValue), reverseMultiplier, reverseShift));
        return row.Select(v =>
        {
            int diff = v - max;
            return diff > adjusted
                ? (sbyte)Math.Clamp(RoundingDivideByPOT(unchecked(MultiplyByQuantizedMultiplier(diff, multiplier, leftShift) - log), 22) + 127, -128, 127)
                : (sbyte)-128;
        }).ToArray();
    }

    /// <summary>TFLM's int8 LOGISTIC or TANH of one input (reference_integer_ops, logistic_common.cc / tanh.cc Prepare).</summary>
    public static sbyte Int8LogisticOrTanh(bool logistic, sbyte q, float inputScale, int inputZeroPoint)
    {
        double real = inputScale * (double)(1 << 27);
        int leftShift = Math.ILogB(real) + 1;
        int multiplier = (int)Math.Round(Math.ScaleB(real, -leftShift) * 2147483648.0, MidpointRounding.AwayFromZero);
        int radius = (int)Math.Floor(15.0 * (1L << 27) / (1L << leftShift));
        int input = q - inputZeroPoint;
        if (input <= -radius)
        {
            return sbyte.MinValue;
        }
        if (input >= radius)
        {
            return sbyte.MaxValue;
        }
        int inQ4 = MultiplyByQuantizedMultiplier(input, multiplier, leftShift);
        int result = logistic
            ? RoundingDivideByPOT(Logistic(inQ4, 4), 23) - 128
            : RoundingDivideByPOT(Tanh(inQ4, 4), 24);
        return (sbyte)Math.Clamp(result, -128, 127);
    }

    /// <summary>
    /// TFLM's int8 DIV of one pair of offset inputs (reference div.h <c>DivElementwise</c>, common.h
    /// <c>GetReciprocal</c> and <c>CountLeadingSignBits</c>), as its x86-64 build evaluates the shifts.
    /// </summary>
    public static int Int8DivUnclamped(int input1, int input2, int outputMultiplier, int outputShift, int outputOffset)
    {
        if (input2 < 0)
        {
            input1 = -input1;
            input2 = -input2;
        }
        int headroomPlusOne = input2 == 0 ? 32 : System.Numerics.BitOperations.LeadingZeroCount((uint)input2);
        int recipShift = 31 - headroomPlusOne;
        int shiftedSumMinusOne = unchecked((int)(((uint)input2 << headroomPlusOne) - (1u << 31)));
        int reciprocal = SaturatingShift(Reciprocal(shiftedSumMinusOne), 1);
        int headroom = input1 == 0 ? 31 : System.Numerics.BitOperations.LeadingZeroCount((uint)(input1 ^ (input1 >> 31))) - 1;
        int unscaled = SaturatingRoundingDoublingHighMul(unchecked(input1 * (1 << headroom)), reciprocal);
        int totalShift = outputShift - recipShift - headroom;
        return outputOffset + GemmlowpRoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unscaled, outputMultiplier), -totalShift);
    }

    /// <summary>
    /// gemmlowp's <c>RoundingDivideByPOT</c> as written (a 64-bit mask, a 32-bit arithmetic shift), with x86-64's
    /// shift counts (masked to 6 and 5 bits) for the exponents beyond [0, 31] that TFLM's int8 DIV passes it.
    /// </summary>
    private static int GemmlowpRoundingDivideByPOT(int x, int exponent)
    {
        int mask = unchecked((int)((1L << (exponent & 63)) - 1));
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> (exponent & 31)) + (remainder > threshold ? 1 : 0);
    }
}
