using System;
using System.ComponentModel;

namespace TinyModel;

/// <summary>
/// The parameters of TensorFlow Lite Micro's quantized ADD and SUB (add_common.cc, sub_common.cc), as the
/// generator computes them: each input is offset by minus its zero point, shifted left by
/// <see cref="LeftShift"/> and scaled to a common scale by a Q0.31 multiplier and a right shift; the int32
/// sum or difference is scaled to the output, offset by its zero point and clamped. The constructor also
/// derives the constants of <see cref="AddSubKernels"/>' vector form (keep one instance per layer, in a
/// static field, so that this happens once).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AddSubQuantization
{
    /// <summary>Creates the parameters.</summary>
    /// <param name="leftShift">The left shift applied to both offset inputs (20 for int8).</param>
    /// <param name="input1Offset">Minus the first input's zero point.</param>
    /// <param name="input1Multiplier">The first input's Q0.31 multiplier, below one.</param>
    /// <param name="input1Shift">The first input's exponent, 0 to −31 (a right shift).</param>
    /// <param name="input2Offset">Minus the second input's zero point.</param>
    /// <param name="input2Multiplier">The second input's Q0.31 multiplier, below one.</param>
    /// <param name="input2Shift">The second input's exponent, 0 to −31.</param>
    /// <param name="outputOffset">The output zero point.</param>
    /// <param name="outputMultiplier">The output's Q0.31 multiplier, below one.</param>
    /// <param name="outputShift">The output's exponent, 0 to −31.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    public AddSubQuantization(int leftShift, int input1Offset, int input1Multiplier, int input1Shift, int input2Offset, int input2Multiplier, int input2Shift,
        int outputOffset, int outputMultiplier, int outputShift, int min, int max)
    {
        if (input1Shift is > 0 or < -31 || input2Shift is > 0 or < -31 || outputShift is > 0 or < -31)
        {
            throw new ArgumentOutOfRangeException(nameof(outputShift), "ADD and SUB rescale with right shifts of 0 to 31 bits.");
        }
        if (leftShift is < 0 or > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(leftShift), "The left shift is 0 to 30 bits.");
        }
        LeftShift = leftShift;
        Input1 = new Input(input1Offset, input1Multiplier, input1Shift, leftShift);
        Input2 = new Input(input2Offset, input2Multiplier, input2Shift, leftShift);
        OutputOffset = outputOffset;
        OutputMultiplier = outputMultiplier;
        OutputShift = outputShift;
        Min = min;
        Max = max;

        // Output, in the vector form (see AddSubKernels): the two roundings of s · m are one floor of
        // (2·s·m + 2^31 + 2^(31+e) − c·2^32) / 2^(32+e), c = [s·m < −2^30] = [s < OutputNegativeBelow].
        int e = -outputShift;
        OutputRounding = (1L << 31) + (e > 0 ? 1L << (31 + e) : 0);
        OutputNegativeBelow = e == 0 || outputMultiplier <= 0 ? int.MinValue : -((1 << 30) / outputMultiplier);
        VectorizesInt8 = Input1.Vectorizes && Input2.Vectorizes && outputMultiplier >= 0;
    }

    /// <summary>The left shift applied to both offset inputs.</summary>
    public int LeftShift { get; }

    /// <summary>The first input's offset and scale.</summary>
    public Input Input1 { get; }

    /// <summary>The second input's offset and scale.</summary>
    public Input Input2 { get; }

    /// <summary>The output zero point.</summary>
    public int OutputOffset { get; }

    /// <summary>The output's Q0.31 multiplier.</summary>
    public int OutputMultiplier { get; }

    /// <summary>The output's exponent (0 or negative).</summary>
    public int OutputShift { get; }

    /// <summary>The fused activation's lower bound.</summary>
    public int Min { get; }

    /// <summary>The fused activation's upper bound.</summary>
    public int Max { get; }

    /// <summary>Whether the vector kernels compute int8 inputs with these parameters (TFLM's always qualify).</summary>
    internal bool VectorizesInt8 { get; }

    /// <summary>The 64-bit constant added to the doubled output product: <c>2^31 + 2^(31+e)</c>, or <c>2^31</c> when e = 0.</summary>
    internal long OutputRounding { get; }

    /// <summary>Below this sum the doubly rounded output breaks its tie downwards (<c>int.MinValue</c>: never).</summary>
    internal int OutputNegativeBelow { get; }

    /// <summary>TFLM's output rescaling of an int32 sum or difference, before the offset and clamp.</summary>
    internal int ScaleOutput(int value) =>
        FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(value, OutputMultiplier), -OutputShift);

    /// <summary>
    /// One input's offset, multiplier and exponent, and the constants of its vector form: with
    /// <c>a = q + offset</c>, <c>k = 31 − leftShift</c> and <c>m = mh · 2^k + ml</c>, TFLM's two roundings
    /// amount to one floor, <c>floor((a·m·2^left + 2^30 + 2^(30+e) − [a &lt; 0]·2^31) / 2^(31+e))</c>, which splits
    /// exactly into <c>(q·mh + HighConstant − [q &lt; NegativeBelow] + ((q·ml + LowConstant) &gt;&gt; k)) &gt;&gt; e</c>
    /// with 32-bit products only.
    /// </summary>
    public readonly struct Input
    {
        internal Input(int offset, int multiplier, int shift, int leftShift)
        {
            Offset = offset;
            Multiplier = multiplier;
            Shift = shift;
            LeftShift = leftShift;
            int k = LowBits = 31 - leftShift, e = -shift;
            MultiplierHigh = multiplier >> k;
            MultiplierLow = multiplier & ((1 << k) - 1);
            HighConstant = unchecked(offset * MultiplierHigh + (e > 0 ? 1 << (e - 1) : 0));
            LowConstant = unchecked(offset * MultiplierLow + (1 << (k - 1)));
            // The [a < 0] term only matters where the rounding right shift meets a tie. Check all 256 int8
            // inputs: without it when no tie arises, with it otherwise, and no vector form if neither matches.
            Vectorizes = false;
            NegativeBelow = int.MinValue;
            if (offset is >= -127 and <= 128 && multiplier >= 0 && leftShift is >= 9 and <= 20)
            {
                Vectorizes = MatchesEveryInt8();
                if (!Vectorizes && e > 0)
                {
                    NegativeBelow = -offset;
                    Vectorizes = MatchesEveryInt8();
                }
            }
        }

        /// <summary>Minus the input's zero point.</summary>
        public int Offset { get; }

        /// <summary>The Q0.31 multiplier.</summary>
        public int Multiplier { get; }

        /// <summary>The exponent (0 or negative).</summary>
        public int Shift { get; }

        private int LeftShift { get; }

        internal int LowBits { get; }

        internal int MultiplierHigh { get; }

        internal int MultiplierLow { get; }

        internal int HighConstant { get; }

        internal int LowConstant { get; }

        /// <summary>Below this quantized value the vector form subtracts one before its last shift (<c>int.MinValue</c>: never).</summary>
        internal int NegativeBelow { get; }

        /// <summary>Whether the vector form equals TFLM's rescaling for every int8 value.</summary>
        internal bool Vectorizes { get; }

        /// <summary>TFLM's rescaling of one input value: <c>MultiplyByQuantizedMultiplierSmallerThanOneExp((q + offset) · 2^leftShift, m, shift)</c>.</summary>
        /// <param name="value">The quantized input value.</param>
        public int Scale(int value) =>
            FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(unchecked((value + Offset) * (1 << LeftShift)), Multiplier), -Shift);

        /// <summary>The vector form on one value, as the kernels compute it lane by lane.</summary>
        internal int ScaleAsVectors(int q) =>
            unchecked(q * MultiplierHigh + HighConstant + (q < NegativeBelow ? -1 : 0) + ((q * MultiplierLow + LowConstant) >> LowBits)) >> -Shift;

        private bool MatchesEveryInt8()
        {
            for (int q = sbyte.MinValue; q <= sbyte.MaxValue; q++)
            {
                if (ScaleAsVectors(q) != Scale(q))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
