using System.Collections.Generic;
using TinyModel.Generator.Common;

namespace TinyModel.Generator.Emitting.NanoFramework;

/// <summary>A group of helper methods that nanoFramework layers call, written once into the model's class.</summary>
internal enum NanoHelper
{
    /// <summary>TFLite's fixed-point requantization and integer clamps.</summary>
    FixedPoint,

    /// <summary>gemmlowp's reciprocal and the interpolating int16 table of TFLite's quantized SOFTMAX.</summary>
    Softmax,

    /// <summary>The float exponential, logistic and tanh, which nanoFramework's mscorlib lacks.</summary>
    FloatMath,

    /// <summary>TFLite's int16 logistic and tanh (the interpolated 256-entry sigmoid table) and int16 saturation.</summary>
    Sigmoid16,

    /// <summary>TFLite's QuantizeMultiplier of a per-channel convolution scale, in integers, for tables derived on the device.</summary>
    ChannelMultipliers,
}

/// <summary>
/// The source of the helpers, written into a private nested class of each model (nanoFramework cannot
/// reference TinyModel.Runtime, a net8.0 library). They are TinyModel.Runtime's <c>FixedPoint</c> and
/// <c>SoftmaxMath</c> rewritten in what nanoFramework runs: no generics, spans or intrinsics, C# 10.
/// </summary>
internal static class NanoHelpers
{
    /// <summary>The nested class that holds the helpers.</summary>
    public const string ClassName = "NanoMath";

    public static void Write(SourceWriter writer, IEnumerable<NanoHelper> helpers)
    {
        writer.WriteLine("/// <summary>TensorFlow Lite's integer arithmetic, bit for bit as TensorFlow Lite Micro's reference kernels compute it.</summary>");
        writer.OpenBlock($"private static class {ClassName}");
        bool first = true;
        foreach (NanoHelper helper in helpers)
        {
            if (!first)
            {
                writer.WriteLine();
            }
            first = false;
            foreach (string line in Source(helper).Split('\n'))
            {
                if (line.Length == 0)
                {
                    writer.WriteLine();
                }
                else
                {
                    writer.WriteLine(line);
                }
            }
        }
        writer.CloseBlock();
    }

    private static string Source(NanoHelper helper) => (helper switch
    {
        NanoHelper.Softmax => SoftmaxSource,
        NanoHelper.FloatMath => FloatMathSource,
        NanoHelper.Sigmoid16 => Sigmoid16Source,
        NanoHelper.ChannelMultipliers => ChannelMultipliersSource,
        _ => FixedPointSource,
    }).Replace("\r", string.Empty).Trim('\n');

    private const string FixedPointSource = @"
/// <summary>The high 32 bits of 2·a·b rounded to nearest, saturating the one overflowing case.</summary>
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

/// <summary>x / 2^exponent, rounded to nearest with ties away from zero.</summary>
public static int RoundingDivideByPOT(int x, int exponent)
{
    int mask = (int)((1L << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// <summary>x · multiplier · 2^shift for a Q0.31 multiplier: TFLite's MultiplyByQuantizedMultiplier (32-bit accumulators).</summary>
public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
{
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), multiplier), rightShift);
}

/// <summary>TFLite's MultiplyByQuantizedMultiplier for 64-bit accumulators: a 16-bit multiplier, one rounding.</summary>
public static int MultiplyByQuantizedMultiplier(long x, int multiplier, int shift)
{
    long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    int totalShift = 15 - shift;
    long round = 1L << (totalShift - 1);
    return (int)((x * reduced + round) >> totalShift);
}

/// <summary>The smaller of a and b (nanoFramework's mscorlib has no System.Math).</summary>
public static int Min(int a, int b)
{
    return a < b ? a : b;
}

/// <summary>The larger of a and b.</summary>
public static int Max(int a, int b)
{
    return a > b ? a : b;
}

/// <summary>The smaller of a and b.</summary>
public static float Min(float a, float b)
{
    return a < b ? a : b;
}

/// <summary>The larger of a and b.</summary>
public static float Max(float a, float b)
{
    return a > b ? a : b;
}

/// <summary>x clamped to [min, max].</summary>
public static int Clamp(int x, int min, int max)
{
    return x < min ? min : x > max ? max : x;
}

/// <summary>TFLite's AffineQuantize of one value already divided by the scale: rounded half away from zero, plus the zero point, clamped to [min, max]; never converts an out-of-range float (nanoFramework wraps those).</summary>
public static int Quantize(float scaled, int zeroPoint, int min, int max)
{
    if (!(scaled > (float)((long)min - zeroPoint) - 1f))
    {
        return min;
    }
    if (scaled >= (float)((long)max - zeroPoint) + 1f)
    {
        return max;
    }
    int whole = (int)scaled;
    float fraction = scaled - whole;
    if (fraction >= 0.5f)
    {
        whole++;
    }
    else if (fraction <= -0.5f)
    {
        whole--;
    }
    long q = (long)whole + zeroPoint;
    return q < min ? min : q > max ? max : (int)q;
}

/// <summary>x clamped to [min, max] as TFLite's ActivationFunctionWithMinMax does: max first, then min.</summary>
public static float Clamp(float x, float min, float max)
{
    float low = x < min ? min : x;
    return low > max ? max : low;
}
";

    private const string FloatMathSource = @"
/// <summary>
/// e^x for float, as System.MathF.Exp and C's expf give it to within an ulp (nanoFramework's mscorlib has no
/// exponential): x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series in double (error below 1e-13),
/// times 2^k.
/// </summary>
public static float Exp(float x)
{
    if (x > 88.8f)
    {
        return float.PositiveInfinity;
    }
    if (x < -104f)
    {
        return 0f;
    }
    if (!(x <= 88.8f))
    {
        return x; // NaN
    }
    return (float)ExpCore(x);
}

/// <summary>e^x in double for |x| ≤ 104: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series (error below 1e-13), times 2^k.</summary>
private static double ExpCore(double x)
{
    const double ln2 = 0.69314718055994530942;
    double scaled = x / ln2;
    int k = (int)(scaled >= 0 ? scaled + 0.5 : scaled - 0.5);
    double r = x - k * ln2;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n <= 12; n++)
    {
        term = term * r / n;
        sum += term;
    }
    double power = 1.0;
    for (int i = 0; i < k; i++)
    {
        power *= 2.0;
    }
    for (int i = 0; i > k; i--)
    {
        power *= 0.5;
    }
    return sum * power;
}

/// <summary>TFLite's float logistic (reference_ops::Logistic): 1 above 16.619047, e^x below -9, 1 / (1 + e^-x) between (the divisor is at least 1).</summary>
public static float Logistic(float x)
{
    if (x > 16.619047164916992188f)
    {
        return 1f;
    }
    if (x < -9f)
    {
        return Exp(x);
    }
    return 1f / (1f + Exp(-x));
}

/// <summary>
/// tanh(x) for float, as System.MathF.Tanh gives it to within an ulp: (e^2x - 1) / (e^2x + 1) in double, with
/// e^2x - 1 summed as a series near 0 where the subtraction would cancel; ±1 beyond ±9 (tanh(9) rounds to 1 in float).
/// </summary>
public static float Tanh(float x)
{
    if (x > 9f)
    {
        return 1f;
    }
    if (x < -9f)
    {
        return -1f;
    }
    if (!(x <= 9f))
    {
        return x; // NaN
    }
    double twice = 2.0 * x;
    double minusOne;
    if (twice > -1.0 && twice < 1.0)
    {
        double term = 1.0;
        minusOne = 0.0;
        for (int n = 1; n <= 20; n++)
        {
            term = term * twice / n;
            minusOne += term;
        }
    }
    else
    {
        minusOne = ExpCore(twice) - 1.0;
    }
    // The divisor is above 1 (e^2x > 0.36 here): no division by zero.
    return (float)(minusOne / (minusOne + 2.0));
}
";

    private const string SoftmaxSource = @"
/// <summary>TFLite's GetReciprocal: 1 / x for a positive fixed-point x with integerBits integer bits, as a Q0.31 significand and the bits by which it is too large.</summary>
public static int Reciprocal(int x, int integerBits, out int bitsOverUnit)
{
    int headroomPlusOne = LeadingZeroCount((uint)x);
    bitsOverUnit = integerBits - headroomPlusOne;
    int shiftedSumMinusOne = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
    return OneOverOnePlusX(shiftedSumMinusOne);
}

/// <summary>gemmlowp's one_over_one_plus_x_for_x_in_0_1, by Newton-Raphson, Q0.31 in and out.</summary>
public static int OneOverOnePlusX(int a)
{
    unchecked
    {
        int halfDenominator = RoundingHalfSum(a, int.MaxValue);
        const int constant48Over17 = 1515870810;
        const int constantNeg32Over17 = -1010580540;
        const int oneQ2 = 1 << 29;
        int x = constant48Over17 + SaturatingRoundingDoublingHighMul(halfDenominator, constantNeg32Over17);
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = SaturatingRoundingDoublingHighMul(halfDenominator, x);
            int oneMinusHalfDenominatorTimesX = oneQ2 - halfDenominatorTimesX;
            x += SaturatingShiftLeft(SaturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 2);
        }
        return SaturatingShiftLeft(x, 1);
    }
}

/// <summary>TFLite's LUTLookup for int16: 512 segments indexed by the top 9 bits, interpolated with the low 7.</summary>
public static short LookupInt16(int value, short[] lut)
{
    int index = 256 + (value >> 7);
    int offset = value & 0x7f;
    int baseValue = lut[index];
    int slope = lut[index + 1] - baseValue;
    int delta = (slope * offset + 64) >> 7;
    return (short)(baseValue + delta);
}

private static int RoundingHalfSum(int a, int b)
{
    long sum = (long)a + b;
    long sign = sum >= 0 ? 1 : -1;
    return (int)((sum + sign) / 2);
}

private static int SaturatingShiftLeft(int x, int exponent)
{
    int threshold = (1 << (31 - exponent)) - 1;
    return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << exponent;
}

public static int LeadingZeroCount(uint x)
{
    int count = 0;
    while (count < 32 && (x & 0x80000000u) == 0)
    {
        x <<= 1;
        count++;
    }
    return count;
}
";

    /// <summary>The sigmoid table's entries as C# initializer rows, 16 per line (the Runtime's table: one source for both).</summary>
    private static string SigmoidTableRows
    {
        get
        {
            var rows = new System.Text.StringBuilder();
            for (int i = 0; i < SigmoidTableData.Q016.Length; i += 16)
            {
                rows.Append(rows.Length == 0 ? "    " : "\n    ");
                for (int j = i; j < i + 16; j++)
                {
                    rows.Append(SigmoidTableData.Q016[j].ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(j < i + 15 ? ", " : ",");
                }
            }
            return rows.ToString();
        }
    }

    private static readonly string Sigmoid16Source = @"
/// <summary>sigmoid(i / 24) for i in [0, 256) in unsigned Q0.16: TensorFlow Lite's sigmoid_table_uint16, which its int16 logistic and tanh interpolate.</summary>
private static readonly ushort[] SigmoidTable = new ushort[]
{
" + SigmoidTableRows + @"
};

/// <summary>TFLite's int16 logistic (reference_integer_ops::Logistic): the input rescaled (multiplier 0: 3 · 2^shift), sigmoid interpolated in the table; Q0.15 output.</summary>
public static short Logistic(short input, int inputMultiplier, int inputShift)
{
    if (inputMultiplier == 0)
    {
        inputMultiplier = 3 << inputShift;
        inputShift = 0;
    }
    int round = inputShift > 0 ? 1 << (inputShift - 1) : 0;
    int value = (input * inputMultiplier + round) >> inputShift;
    uint magnitude = (uint)(value < 0 ? -value : value);
    uint high = magnitude >> 9;
    uint result;
    if (high >= 255)
    {
        result = 0x7FFFu << 10;
    }
    else
    {
        uint a = SigmoidTable[(int)high];
        uint b = SigmoidTable[(int)high + 1];
        result = (a << 9) + (magnitude & 0x1FF) * (b - a);
    }
    result = value >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
    return unchecked((short)(result >> 10));
}

/// <summary>TFLite's int16 tanh (reference_integer_ops::Tanh): tanh(x) = 2 · sigmoid(2x) - 1 interpolated in the same table; Q0.15 output.</summary>
public static short Tanh(short input, int inputMultiplier, int inputShift)
{
    if (inputMultiplier == 0)
    {
        inputMultiplier = 3 << inputShift;
        inputShift = 0;
    }
    int round = inputShift > 0 ? 1 << (inputShift - 1) : 0;
    int value = (input * inputMultiplier + round) >> inputShift;
    uint magnitude = (uint)(value < 0 ? -value : value);
    uint high = magnitude >> 8;
    int result;
    if (high >= 255)
    {
        result = 0xFFFF << 8;
    }
    else
    {
        uint a = SigmoidTable[(int)high];
        uint b = SigmoidTable[(int)high + 1];
        result = unchecked((int)((a << 8) + (magnitude & 0xFF) * (b - a)));
    }
    result = value >= 0
        ? result - (1 << (14 + 9)) + (1 << (9 - 2))
        : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return unchecked((short)(result >> (9 - 1)));
}

/// <summary>An int32 value saturated to int16, as TFLM clamps gate sums and int16 products.</summary>
public static short SaturateToInt16(int value)
{
    return (short)(value < -32768 ? -32768 : value > 32767 ? 32767 : value);
}
";

    /// <summary>
    /// The per-channel multipliers and exponents of a convolution, derived on the device from the scales in the model
    /// file exactly as the generator derives them in double (<c>QuantizationMath.PerChannelMultipliers</c>), with
    /// integers only (nanoFramework's long arithmetic; its double is not relied on). Checked against the generator
    /// on every channel of the shared models and millions of random scales (NanoChannelMultipliersTests).
    /// </summary>
    internal const string ChannelMultipliersSource = @"
/// <summary>
/// TFLite's QuantizeMultiplier of input · filter / output for three float32 scales given by their bits, as the
/// generator computes it in double, in integers: the product of two float significands is exact (48 bits); the
/// quotient is a long division to 55-57 bits rounded to double's 53 (to nearest, ties to even); frexp and
/// round(fraction · 2^31) with TFLite's two edge cases. Writes multipliers[index] and shifts[index].
/// </summary>
public static void QuantizeMultiplier(int inputBits, int filterBits, int outputBits, int[] multipliers, int[] shifts, int index)
{
    multipliers[index] = 0;
    shifts[index] = 0;
    long a = Significand(inputBits);
    long b = Significand(filterBits);
    long d = Significand(outputBits);
    if (a == 0 || b == 0 || d == 0)
    {
        return;
    }
    // Each significand is in [2^23, 2^24): the product is below 2^48 and product · 2^32 / d is in (2^54, 2^57).
    long product = a * b;
    long high = product / d;
    long rest = (product % d) << 32;
    long quotient = (high << 32) + rest / d;
    bool inexact = rest % d != 0;
    int dropped = 0;
    while ((quotient >> (53 + dropped)) != 0)
    {
        dropped++;
    }
    long significand = quotient >> dropped;
    long tail = quotient & ((1L << dropped) - 1);
    long half = 1L << (dropped - 1);
    if (tail > half || (tail == half && (inexact || (significand & 1) != 0)))
    {
        significand++;
    }
    // The double is significand · 2^exponent; frexp's fraction is significand / 2^53.
    int exponent = Exponent(inputBits) + Exponent(filterBits) - Exponent(outputBits) - 32 + dropped;
    if (significand == 1L << 53)
    {
        significand >>= 1;
        exponent++;
    }
    int shift = exponent + 53;
    long fixedPoint = (significand + (1L << 21)) >> 22;
    bool negative = (inputBits ^ filterBits ^ outputBits) < 0;
    if (!negative && fixedPoint == 1L << 31)
    {
        fixedPoint >>= 1;
        shift++;
    }
    if (shift < -31)
    {
        return;
    }
    multipliers[index] = negative ? (int)-fixedPoint : (int)fixedPoint;
    shifts[index] = shift;
}

/// <summary>The significand of a float32's magnitude, scaled into [2^23, 2^24); 0 for zero.</summary>
private static long Significand(int bits)
{
    long m = bits & 0x7FFFFF;
    if ((bits & 0x7F800000) != 0)
    {
        return m | 0x800000;
    }
    while (m != 0 && m < 0x800000)
    {
        m <<= 1;
    }
    return m;
}

/// <summary>The power of two of <see cref=""Significand""/>'s unit: |value| = Significand(bits) · 2^Exponent(bits), for nonzero values.</summary>
private static int Exponent(int bits)
{
    int field = (bits >> 23) & 0xFF;
    if (field != 0)
    {
        return field - 150;
    }
    int exponent = -149;
    for (long m = bits & 0x7FFFFF; m < 0x800000; m <<= 1)
    {
        exponent--;
    }
    return exponent;
}
";
}
