using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// int32 division truncated toward zero on every lane of a vector, through doubles (for
/// <see cref="BinaryOperations.Int32Divide"/>). Exact: both operands are exact doubles, and for a nonzero
/// quotient <c>q = x / y</c> that is not an integer, the distance from <c>q</c> to the nearest integer is at
/// least <c>1 / |y|</c>, while the correctly rounded division errs by at most <c>|q| · 2^−53 ≤ 2^31 / |y| · 2^−53
/// = 2^−22 / |y|</c>: rounding never reaches or crosses an integer, so truncating the double quotient gives the
/// integer one (an integer quotient, at most 2^31 in magnitude, is exact already). The conversions are exact too:
/// an int32 <c>v</c> added to the bit pattern of <c>1.5 · 2^52</c> (whose unit in the last place is 1) is the
/// double <c>1.5 · 2^52 + v</c>, and the reverse keeps the low 32 bits.
/// </summary>
internal static class Int32Division
{
    /// <summary>1.5 · 2^52: a double whose mantissa holds any int32 plus 2^51 in its low bits.</summary>
    private const double Magic = 6755399441055744.0;

    /// <summary><see cref="Magic"/>'s bit pattern.</summary>
    private const long MagicBits = 0x4338_0000_0000_0000;

    /// <summary>
    /// <c>x / y</c> per lane, truncated toward zero, for lanes where that is defined (no zero divisor, no
    /// <c>int.MinValue / −1</c>: callers check with <see cref="Trap(Vector128{int}, Vector128{int})"/> first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Divide(Vector128<int> x, Vector128<int> y)
    {
        (Vector128<long> x0, Vector128<long> x1) = Vector128.Widen(x);
        (Vector128<long> y0, Vector128<long> y1) = Vector128.Widen(y);
        return Vector128.Narrow(Quotient(x0, y0), Quotient(x1, y1));
    }

    /// <inheritdoc cref="Divide(Vector128{int}, Vector128{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Divide(Vector256<int> x, Vector256<int> y)
    {
        (Vector256<long> x0, Vector256<long> x1) = Vector256.Widen(x);
        (Vector256<long> y0, Vector256<long> y1) = Vector256.Widen(y);
        return Vector256.Narrow(Quotient(x0, y0), Quotient(x1, y1));
    }

    /// <inheritdoc cref="Divide(Vector128{int}, Vector128{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Divide(Vector512<int> x, Vector512<int> y)
    {
        (Vector512<long> x0, Vector512<long> x1) = Vector512.Widen(x);
        (Vector512<long> y0, Vector512<long> y1) = Vector512.Widen(y);
        return Vector512.Narrow(Quotient(x0, y0), Quotient(x1, y1));
    }

    /// <summary>
    /// Divides the lanes one by one in order, as the scalar loop would: the first lane with a zero divisor or
    /// <c>int.MinValue / −1</c> throws C#'s exception for it. Called only when some lane does.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Trap(Vector128<int> x, Vector128<int> y) => Trap(Lanes(ref x), Lanes(ref y));

    /// <inheritdoc cref="Trap(Vector128{int}, Vector128{int})"/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Trap(Vector256<int> x, Vector256<int> y) => Trap(Lanes(ref x), Lanes(ref y));

    /// <inheritdoc cref="Trap(Vector128{int}, Vector128{int})"/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Trap(Vector512<int> x, Vector512<int> y) => Trap(Lanes(ref x), Lanes(ref y));

    private static void Trap(ReadOnlySpan<int> x, ReadOnlySpan<int> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            _ = x[i] / y[i];
        }
    }

    private static ReadOnlySpan<int> Lanes<TVector>(ref TVector vector)
        where TVector : struct =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TVector, int>(ref vector), Unsafe.SizeOf<TVector>() / sizeof(int));

    /// <summary>The truncated quotient of two sign-extended int32 lanes, in the low half of each 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<long> Quotient(Vector128<long> x, Vector128<long> y)
    {
        Vector128<double> magic = Vector128.Create(Magic);
        Vector128<long> bits = Vector128.Create(MagicBits);
        Vector128<double> q = ((x + bits).AsDouble() - magic) / ((y + bits).AsDouble() - magic);
        Vector128<double> truncated = Vector128.ConditionalSelect(Vector128.LessThan(q, Vector128<double>.Zero), Vector128.Ceiling(q), Vector128.Floor(q));
        return (truncated + magic).AsInt64();
    }

    /// <inheritdoc cref="Quotient(Vector128{long}, Vector128{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Quotient(Vector256<long> x, Vector256<long> y)
    {
        Vector256<double> magic = Vector256.Create(Magic);
        Vector256<long> bits = Vector256.Create(MagicBits);
        Vector256<double> q = ((x + bits).AsDouble() - magic) / ((y + bits).AsDouble() - magic);
        Vector256<double> truncated = Vector256.ConditionalSelect(Vector256.LessThan(q, Vector256<double>.Zero), Vector256.Ceiling(q), Vector256.Floor(q));
        return (truncated + magic).AsInt64();
    }

    /// <inheritdoc cref="Quotient(Vector128{long}, Vector128{long})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Quotient(Vector512<long> x, Vector512<long> y)
    {
        Vector512<double> magic = Vector512.Create(Magic);
        Vector512<long> bits = Vector512.Create(MagicBits);
        Vector512<double> q = ((x + bits).AsDouble() - magic) / ((y + bits).AsDouble() - magic);
        Vector512<double> truncated = Vector512.ConditionalSelect(Vector512.LessThan(q, Vector512<double>.Zero), Vector512.Ceiling(q), Vector512.Floor(q));
        return (truncated + magic).AsInt64();
    }
}
