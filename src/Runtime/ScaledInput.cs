using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// TFLM's rescaling of one int8 input before it meets another (the comparisons' <c>ComparisonWithScaling</c>):
/// <c>MultiplyByQuantizedMultiplierSmallerThanOneExp((q + offset) · 2^leftShift, multiplier, shift)</c>, on one value
/// and on the lanes of a vector, with 32-bit products only, so every tier computes it with portable operations.
/// </summary>
/// <remarks>
/// With <c>d = q + offset</c> (at most 255 in magnitude), <c>k = 31 − leftShift</c> and <c>m = mh · 2^k + ml</c>, the
/// rounding doubling high multiply <c>floor((d · 2^leftShift · m + 2^30) / 2^31)</c> (gemmlowp's nudge, both signs)
/// is <c>d · mh + ((d · ml + 2^(k−1)) &gt;&gt; k)</c>: for <c>k ≤ 23</c> (<c>leftShift ≥ 8</c>) neither product nor the
/// sum leaves int32 (255 · 2^23 + 2^22 &lt; 2^31). The rounding right shift by <c>e = −shift</c> follows, ties away
/// from zero: for <c>e &gt; 0</c> that is <c>(h + 2^(e−1) − [h &lt; 0]) &gt;&gt; e</c> (a negative tie,
/// <c>h = −(2k+1) · 2^(e−1)</c>, floors to <c>−k − 1</c>), and <c>[h &lt; 0]</c> is <c>−(h &gt;&gt; 31)</c>.
/// </remarks>
internal readonly struct ScaledInput
{
    private readonly int _offset, _high, _low, _lowBits, _lowRounding, _exponent, _half, _sign;

    /// <summary>
    /// The parameters: <paramref name="leftShift"/> 8 to 22, a multiplier of 0 or more, and <paramref name="shift"/> 0 to
    /// −31 (a multiplier below one), which <paramref name="name"/> names if not.
    /// </summary>
    public ScaledInput(int leftShift, int offset, int multiplier, int shift, string name)
    {
        if (shift is > 0 or < -31 || multiplier < 0)
        {
            throw new ArgumentOutOfRangeException(name, shift, "An input's multiplier is a Q0.31 value below one: its shift is 0 to -31.");
        }
        if (leftShift is < 8 or > 22)
        {
            throw new ArgumentOutOfRangeException(nameof(leftShift), leftShift, "The input rescaling takes left shifts of 8 to 22 bits.");
        }
        if (offset is < -127 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "An int8 input's offset is minus its zero point, -127 to 128.");
        }
        _offset = offset;
        _lowBits = 31 - leftShift;
        _high = multiplier >> _lowBits;
        _low = multiplier & ((1 << _lowBits) - 1);
        _lowRounding = 1 << (_lowBits - 1);
        _exponent = -shift;
        _half = _exponent > 0 ? 1 << (_exponent - 1) : 0;
        _sign = _exponent > 0 ? -1 : 0; // no rounding at all without a shift
    }

    /// <summary>One value, as TFLM computes it (<see cref="FixedPoint"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Scale(int q)
    {
        int d = q + _offset;
        int high = d * _high + ((d * _low + _lowRounding) >> _lowBits);
        return (high + _half + ((high >> 31) & _sign)) >> _exponent;
    }

    /// <summary>Four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Scale(Vector128<int> q)
    {
        Vector128<int> d = q + Vector128.Create(_offset);
        Vector128<int> high = d * Vector128.Create(_high) + Vector128.ShiftRightArithmetic(d * Vector128.Create(_low) + Vector128.Create(_lowRounding), _lowBits);
        return Vector128.ShiftRightArithmetic(high + Vector128.Create(_half) + (Vector128.ShiftRightArithmetic(high, 31) & Vector128.Create(_sign)), _exponent);
    }

    /// <summary>Eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Scale(Vector256<int> q)
    {
        Vector256<int> d = q + Vector256.Create(_offset);
        Vector256<int> high = d * Vector256.Create(_high) + Vector256.ShiftRightArithmetic(d * Vector256.Create(_low) + Vector256.Create(_lowRounding), _lowBits);
        return Vector256.ShiftRightArithmetic(high + Vector256.Create(_half) + (Vector256.ShiftRightArithmetic(high, 31) & Vector256.Create(_sign)), _exponent);
    }

    /// <summary>Sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<int> Scale(Vector512<int> q)
    {
        Vector512<int> d = q + Vector512.Create(_offset);
        Vector512<int> high = d * Vector512.Create(_high) + Vector512.ShiftRightArithmetic(d * Vector512.Create(_low) + Vector512.Create(_lowRounding), _lowBits);
        return Vector512.ShiftRightArithmetic(high + Vector512.Create(_half) + (Vector512.ShiftRightArithmetic(high, 31) & Vector512.Create(_sign)), _exponent);
    }
}
