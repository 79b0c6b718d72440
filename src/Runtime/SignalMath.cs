using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// The integer arithmetic of TensorFlow Lite Micro's signal library (tflite-micro <c>signal/src</c>), bit for
/// bit: square roots, the base-e logarithm and the PCAN gain curve the audio front end (SignalFilterBank…,
/// SignalPCAN) is built from. Generated audio preprocessors call these per channel.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SignalMath
{
    /// <summary>PCAN's fixed-point formats (pcan_argc_fixed.h): SNR with 12 fractional bits, output with 6.</summary>
    internal const int PcanSnrBits = 12, PcanOutputBits = 6;

    private const int LogScaleLog2 = 16, LogSegmentsLog2 = 7, LogCoefficient = 45426;

    /// <summary>
    /// The number of bits needed to write <paramref name="x"/> (its highest set bit plus one), and 32 for 0 as
    /// TFLM's GCC build computes <c>MostSignificantBit32</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MostSignificantBit32(uint x) => x == 0 ? 32 : 32 - BitOperations.LeadingZeroCount(x);

    /// <summary>TFLM's <c>MostSignificantBit64</c>: 64 for 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MostSignificantBit64(ulong x) => x == 0 ? 64 : 64 - BitOperations.LeadingZeroCount(x);

    /// <summary>TFLM's <c>Sqrt32</c>: the rounded integer square root, truncated to 16 bits.</summary>
    public static ushort Sqrt32(uint num) => unchecked((ushort)RoundedSqrt(num, ushort.MaxValue));

    /// <summary>TFLM's <c>Sqrt64</c>: <see cref="Sqrt32"/> when the high word is clear, else the 64-bit digit loop.</summary>
    public static uint Sqrt64(ulong num) => (num >> 32) == 0 ? Sqrt32((uint)num) : unchecked((uint)RoundedSqrt(num, uint.MaxValue));

    /// <summary>
    /// What TFLM's digit-by-digit <c>Sqrt32</c> and <c>Sqrt64</c> compute: the floor of the square root and the
    /// remainder, rounded up when the remainder exceeds the root unless the root is already
    /// <paramref name="maxRoot"/> (all ones in half the width). The floor comes from the double square root (correctly
    /// rounded on every platform, so within one of it), settled by integer checks: the same bits as the digit loop,
    /// without its one iteration per two bits.
    /// </summary>
    private static ulong RoundedSqrt(ulong num, ulong maxRoot)
    {
        ulong root = Math.Min((ulong)Math.Sqrt(num), maxRoot);
        while (root * root > num)
        {
            root--;
        }
        while (root < maxRoot && (root + 1) * (root + 1) <= num)
        {
            root++;
        }
        return num - root * root > root && root != maxRoot ? root + 1 : root;
    }

    /// <summary>
    /// TFLM's <c>Log32</c>: <c>ln(x)</c> scaled by <paramref name="outputScale"/> / 2^16, from the integer part of
    /// log2 and a 128-segment interpolated table of its fraction. <paramref name="x"/> must be at least 2.
    /// </summary>
    public static uint Log32(uint x, uint outputScale)
    {
        uint integer = (uint)MostSignificantBit32(x) - 1;
        uint fraction = Log2FractionPart32(x, integer);
        uint log2 = unchecked((integer << LogScaleLog2) + fraction);
        const uint round = 1u << (LogScaleLog2 - 1);
        uint loge = unchecked((uint)(((ulong)LogCoefficient * log2 + round) >> LogScaleLog2));
        return unchecked((outputScale * loge + round) >> LogScaleLog2);
    }

    private static uint Log2FractionPart32(uint x, uint log2x)
    {
        int frac = unchecked((int)(x - (uint)(1L << (int)log2x)));
        if (log2x < LogScaleLog2)
        {
            frac <<= LogScaleLog2 - (int)log2x;
        }
        else
        {
            frac >>= (int)log2x - LogScaleLog2;
        }
        uint baseSegment = unchecked((uint)frac >> (LogScaleLog2 - LogSegmentsLog2));
        const uint segmentUnit = (1u << LogScaleLog2) >> LogSegmentsLog2;
        ushort[] lut = LogTable;
        int c0 = lut[(int)baseSegment];
        int c1 = lut[(int)baseSegment + 1];
        int segmentBase = unchecked((int)(segmentUnit * baseSegment));
        int relativePosition = unchecked(((c1 - c0) * (frac - segmentBase)) >> LogScaleLog2);
        return unchecked((uint)(frac + c0 + relativePosition));
    }

    /// <summary>
    /// TFLM's <c>WideDynamicFunction</c>: the PCAN gain of a noise estimate, a quadratic interpolation in the
    /// gain table <paramref name="lut"/> (three coefficients per power of two of <paramref name="x"/>).
    /// </summary>
    public static short PcanGain(uint x, ReadOnlySpan<short> lut)
    {
        if (x <= 2)
        {
            return lut[(int)x];
        }
        short interval = (short)MostSignificantBit32(x);
        int at = 4 * interval - 6;
        short frac = unchecked((short)((interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3FF));
        int result = (lut[at + 2] * frac) >> 5;
        result += unchecked((int)((uint)lut[at + 1] << 5));
        result = unchecked(result * frac);
        result = unchecked(result + (1 << 14)) >> 15;
        result += lut[at];
        return unchecked((short)result);
    }

    /// <summary>TFLM's <c>PcanShrink</c>: x²/4 below 2, x - 1 above (SNR bits in, output bits out).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PcanShrink(uint x) =>
        x < (2u << PcanSnrBits)
            ? unchecked(x * x) >> (2 + 2 * PcanSnrBits - PcanOutputBits)
            : unchecked((x >> (PcanSnrBits - PcanOutputBits)) - (1u << PcanOutputBits));

    /// <summary>
    /// signal/src/log.cc's <c>kLogLut</c>: log2(1 + t) - t for t in [0, 1], 128 segments plus padding. An array,
    /// not a span over data: a Debug build's JIT would allocate on each read of that form (dotnet/runtime#122336).
    /// </summary>
    private static readonly ushort[] LogTable = new ushort[]
    {
        0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
        2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
        3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
        5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
        5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
        5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
        5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
        4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
        3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
        2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
        1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
    };
}
