namespace TinyModel.Generator.Lowering;

/// <summary>
/// gemmlowp's fixed-point primitives on int16 values, as TFLite's 16-bit kernels (HARD_SWISH) use them: every
/// intermediate narrowed to int16 where the C++ narrows it, so that wrap-arounds and saturations come out the same.
/// </summary>
internal static class Int16Math
{
    /// <summary>gemmlowp's int16 <c>SaturatingRoundingDoublingHighMul</c> (ARM's SQRDMULH on 16 bits).</summary>
    public static short SaturatingRoundingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue)
        {
            return short.MaxValue;
        }
        int ab = a * b;
        short nudge = (short)(ab >= 0 ? 1 << 14 : 1 - (1 << 14));
        return (short)((ab + nudge) / (1 << 15));
    }

    /// <summary>TFLite's <c>SaturatingDoublingHighMul</c> on int16 (SQDMULH): the doubled high half, rounded toward zero.</summary>
    public static short SaturatingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue)
        {
            return short.MaxValue;
        }
        return (short)(a * b / (1 << 15));
    }

    /// <summary>
    /// gemmlowp's <c>RoundingDivideByPOT</c> on int16: <c>x / 2^exponent</c>, ties away from zero, with its mask
    /// narrowed to int16 as the template does (so exponents of 16 and more keep its behaviour too).
    /// </summary>
    public static short RoundingDivideByPOT(short x, int exponent)
    {
        short mask = unchecked((short)((1L << exponent) - 1));
        short remainder = (short)(x & mask);
        short threshold = (short)((mask >> 1) + (x < 0 ? 1 : 0));
        return (short)((x >> exponent) + (remainder > threshold ? 1 : 0));
    }

    /// <summary>TFLite's <c>SaturatingLeftShift</c> on int16: <c>value · 2^amount</c>, clamped to the int16 range.</summary>
    public static short SaturatingLeftShift(short value, int amount)
    {
        long result = value * (long)(1 << amount);
        return (short)System.Math.Max(System.Math.Min(result, short.MaxValue), short.MinValue);
    }
}
