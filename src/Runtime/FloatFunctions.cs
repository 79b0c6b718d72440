using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// Float functions of the C library that TensorFlow Lite Micro's kernels call and .NET's <see cref="MathF"/> lacks,
/// computed the way the C library TFLM's outputs were made with (glibc on x86-64) computes them, bit for bit.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FloatFunctions
{
    private const float Ln2Hi = 6.9313812256e-01f, Ln2Lo = 9.0580006145e-06f, InvLn2 = 1.4426950216e+00f;
    private const float Q1 = -3.3333335072e-02f, Q2 = 1.5873016091e-03f, Q3 = -7.9365076090e-05f, Q4 = 4.0082177293e-06f, Q5 = -2.0109921195e-07f;

    /// <summary>
    /// <c>expm1f</c>: e^x − 1 without the cancellation of <c>exp(x) − 1</c> near 0 (ELU's float kernel). glibc's
    /// float algorithm (fdlibm's): x reduced by k·ln 2 to |r| ≤ ln2/2, a rational approximation of e^r − 1 in float,
    /// then scaled by 2^k. It is not always correctly rounded (about 0.4% of negative inputs are one ulp from the
    /// exact value), which is why TinyModel follows it rather than computing e^x − 1 exactly.
    /// </summary>
    /// <param name="x">The exponent.</param>
    /// <returns>e^x − 1 as glibc's <c>expm1f</c> returns it.</returns>
    public static float ExpMinusOne(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        bool negative = (bits & 0x80000000u) != 0;
        uint magnitude = bits & 0x7fffffffu;

        if (magnitude >= 0x4195b844u)
        {
            // |x| ≥ 27 ln 2: NaN, ±∞, overflow, or −1.
            if (magnitude > 0x7f800000u)
            {
                return x + x;
            }
            if (magnitude == 0x7f800000u)
            {
                return negative ? -1f : x;
            }
            if (negative)
            {
                return -1f;
            }
            if (x > 8.8722831726e+01f)
            {
                return float.PositiveInfinity;
            }
        }

        int k;
        float c = 0f;
        if (magnitude > 0x3eb17218u)
        {
            // |x| > ln2 / 2: reduce by k ln 2, as hi - lo with the rounding error in c.
            float hi, lo;
            if (magnitude < 0x3f851592u)
            {
                (hi, lo, k) = negative ? (x + Ln2Hi, -Ln2Lo, -1) : (x - Ln2Hi, Ln2Lo, 1);
            }
            else
            {
                k = (int)(InvLn2 * x + (negative ? -0.5f : 0.5f));
                float t = k;
                hi = x - t * Ln2Hi;
                lo = t * Ln2Lo;
            }
            x = hi - lo;
            c = (hi - x) - lo;
        }
        else if (magnitude < 0x33000000u)
        {
            return x; // |x| < 2^-25
        }
        else
        {
            k = 0;
        }

        float hfx = 0.5f * x;
        float hxs = x * hfx;
        float r1 = 1f + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
        float t3 = 3f - r1 * hfx;
        float e = hxs * ((r1 - t3) / (6f - x * t3));
        if (k == 0)
        {
            return x - (x * e - hxs);
        }
        e = x * (e - c) - c;
        e -= hxs;
        if (k == -1)
        {
            return 0.5f * (x - e) - 0.5f;
        }
        if (k == 1)
        {
            return x < -0.25f ? -2f * (e - (x + 0.5f)) : 1f + 2f * (x - e);
        }
        if (k <= -2 || k > 56)
        {
            return AddToExponent(1f - (e - x), k) - 1f;
        }
        if (k < 23)
        {
            float oneMinusPow = BitConverter.UInt32BitsToSingle(0x3f800000u - (0x1000000u >> k)); // 1 - 2^-k
            return AddToExponent(oneMinusPow - (e - x), k);
        }
        float pow = BitConverter.UInt32BitsToSingle((uint)(0x7f - k) << 23); // 2^-k
        return AddToExponent(x - (e + pow) + 1f, k);
    }

    /// <summary>y · 2^k by adding k to the exponent field, as glibc does (no overflow check: k is small here).</summary>
    private static float AddToExponent(float y, int k) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(y) + (k << 23));
}
