using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// Pairs of int16 values in int32 lanes (<see cref="IInt32Lanes{TVector}"/>): the halves sign-extended to int32,
/// packed back (each truncated to 16 bits, as C's conversion to <c>int16_t</c> does), and KISS FFT's 16-bit
/// fixed-point complex arithmetic on pairs (real in the low half, imaginary in the high half).
/// </summary>
internal static class Int16PairLanes
{
    /// <summary>The low int16 of each lane, sign-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Low<TL, TV>(TV pairs)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.ShiftRightArithmetic(TL.ShiftLeft(pairs, 16), 16);

    /// <summary>The high int16 of each lane, sign-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV High<TL, TV>(TV pairs)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.ShiftRightArithmetic(pairs, 16);

    /// <summary>The low 16 bits of <paramref name="low"/> and of <paramref name="high"/> as one pair per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Pack<TL, TV>(TV low, TV high)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.Or(TL.And(low, TL.Broadcast(0xFFFF)), TL.ShiftLeft(high, 16));

    /// <summary>KISS FFT's <c>sround</c>: a Q30 product back to Q15, rounded half up (truncated to 16 bits by <see cref="Pack{TL, TV}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV RoundQ15<TL, TV>(TV product)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.ShiftRightArithmetic(TL.Add(product, TL.Broadcast(1 << 14)), 15);

    /// <summary>KISS FFT's <c>C_FIXDIV</c>: both parts times <paramref name="factor"/> (<c>32767 / radix</c>), rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Scale<TL, TV>(TV pairs, int factor)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV f = TL.Broadcast(factor);
        return Pack<TL, TV>(RoundQ15<TL, TV>(TL.Multiply(Low<TL, TV>(pairs), f)), RoundQ15<TL, TV>(TL.Multiply(High<TL, TV>(pairs), f)));
    }

    /// <summary>KISS FFT's <c>C_MUL</c> in Q15: each part's two products summed in int32 (wrapping), then rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ComplexMultiply<TL, TV>(TV a, TV b)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV aR = Low<TL, TV>(a), aI = High<TL, TV>(a), bR = Low<TL, TV>(b), bI = High<TL, TV>(b);
        TV real = TL.Subtract(TL.Multiply(aR, bR), TL.Multiply(aI, bI));
        TV imaginary = TL.Add(TL.Multiply(aR, bI), TL.Multiply(aI, bR));
        return Pack<TL, TV>(RoundQ15<TL, TV>(real), RoundQ15<TL, TV>(imaginary));
    }

    /// <summary>The low half kept, the high half negated at 16 bits (the conjugate of a complex pair).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Conjugate<TL, TV>(TV pairs)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.Subtract16(TL.And(pairs, TL.Broadcast(0xFFFF)), TL.And(pairs, TL.Broadcast(unchecked((int)0xFFFF0000))));

    /// <summary>The halves swapped: (a, b) becomes (b, a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Swap<TL, TV>(TV pairs)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct => TL.Or(TL.ShiftLeft(pairs, 16), TL.ShiftRightLogical(pairs, 16));
}
