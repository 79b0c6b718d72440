using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// The int8 DIV of TensorFlow Lite Micro (<c>reference_ops::DivElementwise</c>), bit for bit: the numerator is
/// normalized by its headroom, multiplied by a fixed-point reciprocal of the denominator, and rescaled by the
/// output multiplier. TFLM's quirk is kept on purpose: when the numerator is ±1 or -2 its headroom is so large
/// that the final shift exceeds 31 bits and the result saturates (127 or -128 after the clamp).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class QuantizedDivision
{
    /// <summary>
    /// <c>numerator / denominator</c> scaled by <c>outputMultiplier · 2^outputShift</c>, before the output offset
    /// and clamp. <paramref name="denominator"/> is non-negative (the caller negates both operands when it is not);
    /// <paramref name="reciprocal"/> is TFLite's <c>GetReciprocal(denominator, 31)</c> multiplier, computed when
    /// the model was compiled.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Divide(int numerator, int denominator, int reciprocal, int outputMultiplier, int outputShift)
    {
        int reciprocalShift = 31 - BitOperations.LeadingZeroCount((uint)denominator);
        int headroom = CountLeadingSignBits(numerator);
        int unscaled = FixedPoint.SaturatingRoundingDoublingHighMul(unchecked(numerator * (1 << headroom)), reciprocal);
        int totalShift = outputShift - reciprocalShift - headroom;
        // RoundingDivideByPOT with an exponent that may exceed 31, as x86-64 evaluates TFLM's shifts.
        return FixedPoint.RoundingDivideByPOT(FixedPoint.SaturatingRoundingDoublingHighMul(unscaled, outputMultiplier), -totalShift);
    }

    /// <summary>The redundant sign bits of <paramref name="x"/> (GCC's <c>__builtin_clrsb</c>; 31 for 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountLeadingSignBits(int x) =>
        BitOperations.LeadingZeroCount(x >= 0 ? (uint)x : ~(uint)x) - 1;
}
