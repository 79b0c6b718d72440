using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The int32 vector operations of the signal kernels (<see cref="SignalKernels"/>, <see cref="RealFftInt16"/>), so
/// that a loop is written once and instantiated per vector width: each implementation is a struct, and the JIT (or
/// NativeAOT) compiles one copy of the loop per width with these inlined. Pairs of int16 values (an audio sample
/// pair, or a complex value's real and imaginary parts) travel as one int32 lane, the first value in the low half.
/// The audio front end's per-channel steps read the lanes as uint32 and keep their products in 64 bits
/// (<see cref="MultiplyAddWideShiftRight"/>): x86's <c>pmuludq</c> (even lanes, then the odd ones shifted down) or
/// ARM64's <c>umull</c>/<c>umlal</c> (lower, then upper half), exact 32×32→64-bit products either way. The 512- and
/// 256-bit widths run only where <see cref="Vector512"/> or <see cref="Vector256"/> is accelerated, which on x64 means
/// AVX-512F or AVX2.
/// </summary>
/// <typeparam name="TVector">The vector of int32 lanes.</typeparam>
internal interface IInt32Lanes<TVector>
    where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads a vector.</summary>
    static abstract TVector Load(ref int source);

    /// <summary>Stores a vector.</summary>
    static abstract void Store(TVector value, ref int destination);

    /// <summary>One value in every lane.</summary>
    static abstract TVector Broadcast(int value);

    /// <summary>Lane by lane <c>a + b</c>, wrapping.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>Lane by lane <c>a - b</c>, wrapping.</summary>
    static abstract TVector Subtract(TVector a, TVector b);

    /// <summary>Lane by lane the low 32 bits of <c>a · b</c>.</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>Each int16 half of a lane plus the same half of <paramref name="b"/>, wrapping at 16 bits.</summary>
    static abstract TVector Add16(TVector a, TVector b);

    /// <summary>Each int16 half of a lane minus the same half of <paramref name="b"/>, wrapping at 16 bits.</summary>
    static abstract TVector Subtract16(TVector a, TVector b);

    /// <summary>Lane by lane <c>a &lt;&lt; count</c>.</summary>
    static abstract TVector ShiftLeft(TVector value, int count);

    /// <summary>Lane by lane <c>a &gt;&gt; count</c>, sign-extending.</summary>
    static abstract TVector ShiftRightArithmetic(TVector value, int count);

    /// <summary>Lane by lane <c>a &gt;&gt;&gt; count</c>, zero-extending.</summary>
    static abstract TVector ShiftRightLogical(TVector value, int count);

    /// <summary>Lane by lane <c>a &amp; b</c>.</summary>
    static abstract TVector And(TVector a, TVector b);

    /// <summary>Lane by lane <c>a | b</c>.</summary>
    static abstract TVector Or(TVector a, TVector b);

    /// <summary>Lane by lane the smaller (signed).</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>Lane by lane the larger (signed).</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>The largest lane (signed).</summary>
    static abstract int MaxAcross(TVector value);

    /// <summary>The lanes in reverse order.</summary>
    static abstract TVector Reverse(TVector value);

    /// <summary><see cref="Count"/> int8 values, sign-extended to the lanes (the quantized reductions' input).</summary>
    static abstract TVector LoadInt8(ref sbyte source);

    /// <summary>Stores the lanes as int8 (each lane already in [−128, 127]: its low byte).</summary>
    static abstract void StoreInt8(TVector value, ref sbyte destination);

    /// <summary>
    /// Lane by lane TFLite's <c>MultiplyByQuantizedMultiplier</c> with one shift for all lanes, <paramref name="shift"/> holding
    /// it in every lane, broadcast once before a loop (<see cref="FixedPointLanes"/>: the 512-bit form needs AVX-512F, the
    /// 256-bit one AVX2, the 128-bit one <see cref="FixedPointLanes.IsVector128Supported"/> and shifts by lane 0's count).
    /// </summary>
    static abstract TVector MultiplyByQuantizedMultiplier(TVector x, TVector multiplier, TVector shift);
    /// <summary>One value in the even lanes and another in the odd ones.</summary>
    static abstract TVector BroadcastPair(int even, int odd);

    /// <summary>
    /// Lane by lane, as uint32: bits [<paramref name="shift"/>, <paramref name="shift"/> + 32) of the 64-bit
    /// <c>a · b + c · d</c>, each product exact and the sum modulo 2^64 (C's <c>(uint32_t)(((uint64_t)a * b +
    /// (uint64_t)c * d) &gt;&gt; shift)</c>); <paramref name="shift"/> in [0, 63].
    /// </summary>
    static abstract TVector MultiplyAddWideShiftRight(TVector a, TVector b, TVector c, TVector d, int shift);

    /// <summary>Lane by lane, as uint32: bits [<paramref name="shift"/>, <paramref name="shift"/> + 32) of the exact 64-bit <c>a · b</c>; <paramref name="shift"/> in [0, 63].</summary>
    static abstract TVector MultiplyWideShiftRight(TVector a, TVector b, int shift);

    /// <summary>Lane by lane the smaller, as uint32.</summary>
    static abstract TVector MinUnsigned(TVector a, TVector b);

    /// <summary>Lane by lane the larger, as uint32.</summary>
    static abstract TVector MaxUnsigned(TVector a, TVector b);

    /// <summary>Lane by lane all ones where <c>a &lt; b</c> as uint32, else zero.</summary>
    static abstract TVector LessThanUnsigned(TVector a, TVector b);

    /// <summary>Lane by lane <paramref name="a"/> where <paramref name="mask"/> is all ones, else <paramref name="b"/>.</summary>
    static abstract TVector Select(TVector mask, TVector a, TVector b);
}

/// <summary><see cref="IInt32Lanes{TVector}"/> on 512-bit vectors.</summary>
internal readonly struct Int32Lanes512 : IInt32Lanes<Vector512<int>>
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Load(ref int source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> value, ref int destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Broadcast(int value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Multiply(Vector512<int> a, Vector512<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Add16(Vector512<int> a, Vector512<int> b) => (a.AsInt16() + b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Subtract16(Vector512<int> a, Vector512<int> b) => (a.AsInt16() - b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftLeft(Vector512<int> value, int count) => Vector512.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftRightArithmetic(Vector512<int> value, int count) => Vector512.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftRightLogical(Vector512<int> value, int count) => Vector512.ShiftRightLogical(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> And(Vector512<int> a, Vector512<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Or(Vector512<int> a, Vector512<int> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Min(Vector512<int> a, Vector512<int> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Max(Vector512<int> a, Vector512<int> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MaxAcross(Vector512<int> value) => Int32Lanes256.MaxAcross(Vector256.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> LoadInt8(ref sbyte source) => Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt8(Vector512<int> value, ref sbyte destination) => Avx512F.ConvertToVector128SByte(value).StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, Vector512<int> multiplier, Vector512<int> shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, multiplier, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Reverse(Vector512<int> value) =>
        Vector512.Shuffle(value, Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> BroadcastPair(int even, int odd) => Vector512.Create(((ulong)(uint)odd << 32) | (uint)even).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyWideShiftRight(Vector512<int> a, Vector512<int> b, int shift) =>
        MultiplyAddWideShiftRight(a, b, Vector512<int>.Zero, Vector512<int>.Zero, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MinUnsigned(Vector512<int> a, Vector512<int> b) => Vector512.Min(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MaxUnsigned(Vector512<int> a, Vector512<int> b) => Vector512.Max(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> LessThanUnsigned(Vector512<int> a, Vector512<int> b) => Vector512.LessThan(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Select(Vector512<int> mask, Vector512<int> a, Vector512<int> b) => Vector512.ConditionalSelect(mask, a, b);

    /// <summary>AVX-512F's <c>vpmuludq</c> on the even lanes, then on the odd ones shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyAddWideShiftRight(Vector512<int> a, Vector512<int> b, Vector512<int> c, Vector512<int> d, int shift)
    {
        Vector512<ulong> even = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32()) + Avx512F.Multiply(c.AsUInt32(), d.AsUInt32());
        Vector512<ulong> odd = Avx512F.Multiply(Odd(a), Odd(b)) + Avx512F.Multiply(Odd(c), Odd(d));
        return Vector512.ConditionalSelect(Vector512.Create(0xFFFFFFFFUL).AsInt32(),
            Vector512.ShiftRightLogical(even, shift).AsInt32(), Vector512.ShiftLeft(Vector512.ShiftRightLogical(odd, shift), 32).AsInt32());
    }

    /// <summary>The odd lanes moved down to the even ones, where <c>vpmuludq</c> reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Odd(Vector512<int> value) => Vector512.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32();

}

/// <summary><see cref="IInt32Lanes{TVector}"/> on 256-bit vectors.</summary>
internal readonly struct Int32Lanes256 : IInt32Lanes<Vector256<int>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ref int source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> value, ref int destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Broadcast(int value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Multiply(Vector256<int> a, Vector256<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add16(Vector256<int> a, Vector256<int> b) => (a.AsInt16() + b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Subtract16(Vector256<int> a, Vector256<int> b) => (a.AsInt16() - b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftLeft(Vector256<int> value, int count) => Vector256.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftRightArithmetic(Vector256<int> value, int count) => Vector256.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftRightLogical(Vector256<int> value, int count) => Vector256.ShiftRightLogical(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> And(Vector256<int> a, Vector256<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Or(Vector256<int> a, Vector256<int> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Min(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Max(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MaxAcross(Vector256<int> value) => Int32Lanes128.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Reverse(Vector256<int> value) => Vector256.Shuffle(value, Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> LoadInt8(ref sbyte source) =>
        Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt8(Vector256<int> value, ref sbyte destination)
    {
        Vector128<short> shorts = Vector128.Narrow(value.GetLower(), value.GetUpper());
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), Vector128.Narrow(shorts, shorts).AsInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, Vector256<int> multiplier, Vector256<int> shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, multiplier, shift);
    public static Vector256<int> BroadcastPair(int even, int odd) => Vector256.Create(((ulong)(uint)odd << 32) | (uint)even).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyWideShiftRight(Vector256<int> a, Vector256<int> b, int shift) =>
        MultiplyAddWideShiftRight(a, b, Vector256<int>.Zero, Vector256<int>.Zero, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MinUnsigned(Vector256<int> a, Vector256<int> b) => Vector256.Min(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MaxUnsigned(Vector256<int> a, Vector256<int> b) => Vector256.Max(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> LessThanUnsigned(Vector256<int> a, Vector256<int> b) => Vector256.LessThan(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Select(Vector256<int> mask, Vector256<int> a, Vector256<int> b) => Vector256.ConditionalSelect(mask, a, b);

    /// <summary>AVX2's <c>vpmuludq</c> on the even lanes, then on the odd ones shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyAddWideShiftRight(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d, int shift)
    {
        Vector256<ulong> even = Avx2.Multiply(a.AsUInt32(), b.AsUInt32()) + Avx2.Multiply(c.AsUInt32(), d.AsUInt32());
        Vector256<ulong> odd = Avx2.Multiply(Odd(a), Odd(b)) + Avx2.Multiply(Odd(c), Odd(d));
        return Avx2.Blend(Vector256.ShiftRightLogical(even, shift).AsInt32(), Vector256.ShiftLeft(Vector256.ShiftRightLogical(odd, shift), 32).AsInt32(), 0b1010_1010);
    }

    /// <summary>The odd lanes moved down to the even ones, where <c>vpmuludq</c> reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Odd(Vector256<int> value) => Vector256.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32();

}

/// <summary><see cref="IInt32Lanes{TVector}"/> on 128-bit vectors: SSE on x64, AdvSimd on ARM64.</summary>
internal readonly struct Int32Lanes128 : IInt32Lanes<Vector128<int>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Load(ref int source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<int> value, ref int destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Broadcast(int value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Multiply(Vector128<int> a, Vector128<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Add16(Vector128<int> a, Vector128<int> b) => (a.AsInt16() + b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Subtract16(Vector128<int> a, Vector128<int> b) => (a.AsInt16() - b.AsInt16()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftLeft(Vector128<int> value, int count) => Vector128.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftRightArithmetic(Vector128<int> value, int count) => Vector128.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftRightLogical(Vector128<int> value, int count) => Vector128.ShiftRightLogical(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> And(Vector128<int> a, Vector128<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Or(Vector128<int> a, Vector128<int> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MaxAcross(Vector128<int> value)
    {
        Vector128<int> pairs = Vector128.Max(value, Vector128.Shuffle(value, Vector128.Create(2, 3, 0, 1)));
        return Vector128.Max(pairs, Vector128.Shuffle(pairs, Vector128.Create(1, 0, 3, 2))).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Reverse(Vector128<int> value) => Vector128.Shuffle(value, Vector128.Create(3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LoadInt8(ref sbyte source) => PortableLanes.SignExtend4(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt8(Vector128<int> value, ref sbyte destination)
    {
        Vector128<short> shorts = Vector128.Narrow(value, value);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), Vector128.Narrow(shorts, shorts).AsInt32().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // SSE4.1 has no per-lane shift counts: one count for all lanes is far cheaper than the per-lane form.
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, Vector128<int> multiplier, Vector128<int> shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, multiplier, shift.ToScalar());
    public static Vector128<int> BroadcastPair(int even, int odd) => Vector128.Create(((ulong)(uint)odd << 32) | (uint)even).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyWideShiftRight(Vector128<int> a, Vector128<int> b, int shift) =>
        MultiplyAddWideShiftRight(a, b, Vector128<int>.Zero, Vector128<int>.Zero, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MinUnsigned(Vector128<int> a, Vector128<int> b) => Vector128.Min(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MaxUnsigned(Vector128<int> a, Vector128<int> b) => Vector128.Max(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> LessThanUnsigned(Vector128<int> a, Vector128<int> b) => Vector128.LessThan(a.AsUInt32(), b.AsUInt32()).AsInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Select(Vector128<int> mask, Vector128<int> a, Vector128<int> b) => Vector128.ConditionalSelect(mask, a, b);

    /// <summary>
    /// ARM64: <c>umull</c> and <c>umlal</c> on the lower halves, <c>umull2</c> and <c>umlal2</c> on the upper ones,
    /// narrowed back. x86: SSE2's <c>pmuludq</c> on the even lanes, then on the odd ones shifted down. Elsewhere the
    /// lanes widened to uint64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAddWideShiftRight(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, int shift)
    {
        Vector128<uint> ua = a.AsUInt32(), ub = b.AsUInt32(), uc = c.AsUInt32(), ud = d.AsUInt32();
        Vector128<ulong> lower, upper;
        if (AdvSimd.IsSupported)
        {
            lower = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(ua.GetLower(), ub.GetLower()), uc.GetLower(), ud.GetLower());
            upper = AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningUpper(ua, ub), uc, ud);
        }
        else if (Sse2.IsSupported)
        {
            Vector128<ulong> even = Sse2.Multiply(ua, ub) + Sse2.Multiply(uc, ud);
            Vector128<ulong> odd = Sse2.Multiply(Odd(ua), Odd(ub)) + Sse2.Multiply(Odd(uc), Odd(ud));
            return Vector128.ConditionalSelect(Vector128.Create(0xFFFFFFFFUL).AsInt32(),
                Vector128.ShiftRightLogical(even, shift).AsInt32(), Vector128.ShiftLeft(Vector128.ShiftRightLogical(odd, shift), 32).AsInt32());
        }
        else
        {
            (Vector128<ulong> aLower, Vector128<ulong> aUpper) = Vector128.Widen(ua);
            (Vector128<ulong> bLower, Vector128<ulong> bUpper) = Vector128.Widen(ub);
            (Vector128<ulong> cLower, Vector128<ulong> cUpper) = Vector128.Widen(uc);
            (Vector128<ulong> dLower, Vector128<ulong> dUpper) = Vector128.Widen(ud);
            lower = aLower * bLower + cLower * dLower;
            upper = aUpper * bUpper + cUpper * dUpper;
        }
        return Vector128.Narrow(Vector128.ShiftRightLogical(lower, shift), Vector128.ShiftRightLogical(upper, shift)).AsInt32();
    }

    /// <summary>The odd lanes moved down to the even ones, where <c>pmuludq</c> reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Odd(Vector128<uint> value) => Vector128.ShiftRightLogical(value.AsUInt64(), 32).AsUInt32();

}
