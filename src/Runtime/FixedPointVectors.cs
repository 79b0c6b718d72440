using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// The int32 lane operations of a fixed-point computation written once for every vector width (the int16 RSQRT of
/// <see cref="ReciprocalSqrtKernels"/>): gemmlowp's rounding doubling high multiply and TFLite's
/// <c>MultiplyByQuantizedMultiplier</c> (<see cref="FixedPointLanes"/>), plus the plain integer steps around them.
/// Sixteen lanes need AVX-512F, eight AVX2, four SSE4.1 or AdvSimd (<see cref="FixedPointLanes.IsVector128Supported"/>).
/// </summary>
/// <typeparam name="TVector">The vector of int32 lanes.</typeparam>
internal interface IFixedPointVector<TVector>
    where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary><see cref="Count"/> int16 values from <paramref name="i"/>, sign-extended.</summary>
    static abstract TVector Load(ref short source, int i);

    /// <summary>Stores lanes already within the int16 range as int16.</summary>
    static abstract void Store(TVector value, ref short destination, int i);

    /// <summary>One value in every lane.</summary>
    static abstract TVector Create(int value);

    /// <summary>The low 32 bits of each product.</summary>
    static abstract TVector MultiplyLow(TVector a, TVector b);

    /// <summary><see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/> per lane.</summary>
    static abstract TVector HighMul(TVector a, TVector b);

    /// <summary><see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> per lane, one multiplier and shift for all.</summary>
    static abstract TVector MultiplyByQuantizedMultiplier(TVector x, int multiplier, int shift);

    /// <summary>All ones where <paramref name="a"/> &gt; <paramref name="b"/> (signed).</summary>
    static abstract TVector GreaterThan(TVector a, TVector b);

    /// <summary>All ones where <paramref name="a"/> equals <paramref name="b"/>.</summary>
    static abstract TVector Equals(TVector a, TVector b);

    /// <summary><paramref name="whereTrue"/> where <paramref name="mask"/> is all ones, else <paramref name="whereFalse"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whereTrue, TVector whereFalse);

    /// <summary>The larger of each pair (signed).</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>The smaller of each pair (signed).</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>Each lane shifted left by <paramref name="count"/>.</summary>
    static abstract TVector ShiftLeft(TVector value, int count);

    /// <summary>Each lane shifted right by <paramref name="count"/>, sign-extending.</summary>
    static abstract TVector ShiftRightArithmetic(TVector value, int count);

    /// <summary>Lane by lane <c>a + b</c>, wrapping.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>Lane by lane <c>a − b</c>, wrapping.</summary>
    static abstract TVector Subtract(TVector a, TVector b);

    /// <summary>Lane by lane <c>a &amp; b</c>.</summary>
    static abstract TVector And(TVector a, TVector b);

    /// <summary>⌊log2 x⌋ of each lane, for 1 ≤ x &lt; 2^24: the exponent of x as a float, which is exact there.</summary>
    static abstract TVector Log2(TVector x);

    /// <summary>2^k in each lane, for 0 ≤ k ≤ 30: the float whose exponent field is k + 127, converted.</summary>
    static abstract TVector PowerOfTwo(TVector k);
}

/// <summary><see cref="IFixedPointVector{TVector}"/> on sixteen lanes (AVX-512F).</summary>
internal readonly struct FixedPointVector512 : IFixedPointVector<Vector512<int>>
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Load(ref short source, int i) => QuantizedBinaryKernels.Widen16<short, Elements>(ref source, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> value, ref short destination, int i) => QuantizedBinaryKernels.Store16(value, ref destination, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Create(int value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyLow(Vector512<int> a, Vector512<int> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> HighMul(Vector512<int> a, Vector512<int> b) => FixedPointLanes.SaturatingRoundingDoublingHighMul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, int multiplier, int shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, Vector512.Create(multiplier), Vector512.Create(shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> GreaterThan(Vector512<int> a, Vector512<int> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Equals(Vector512<int> a, Vector512<int> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Select(Vector512<int> mask, Vector512<int> whereTrue, Vector512<int> whereFalse) => Vector512.ConditionalSelect(mask, whereTrue, whereFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Max(Vector512<int> a, Vector512<int> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Min(Vector512<int> a, Vector512<int> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftLeft(Vector512<int> value, int count) => Vector512.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> ShiftRightArithmetic(Vector512<int> value, int count) => Vector512.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> And(Vector512<int> a, Vector512<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Log2(Vector512<int> x) =>
        Vector512.ShiftRightArithmetic(Vector512.ConvertToSingle(x).AsInt32(), 23) - Vector512.Create(127);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> PowerOfTwo(Vector512<int> k) =>
        Vector512.ConvertToInt32(Vector512.ShiftLeft(k + Vector512.Create(127), 23).AsSingle());
}

/// <summary><see cref="IFixedPointVector{TVector}"/> on eight lanes (AVX2).</summary>
internal readonly struct FixedPointVector256 : IFixedPointVector<Vector256<int>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ref short source, int i) => QuantizedBinaryKernels.Widen8<short, Elements>(ref source, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> value, ref short destination, int i) => QuantizedBinaryKernels.Store8(value, ref destination, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Create(int value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyLow(Vector256<int> a, Vector256<int> b) => Avx2.MultiplyLow(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> HighMul(Vector256<int> a, Vector256<int> b) => FixedPointLanes.SaturatingRoundingDoublingHighMul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, int multiplier, int shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, Vector256.Create(multiplier), Vector256.Create(shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> GreaterThan(Vector256<int> a, Vector256<int> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Equals(Vector256<int> a, Vector256<int> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Select(Vector256<int> mask, Vector256<int> whereTrue, Vector256<int> whereFalse) => Vector256.ConditionalSelect(mask, whereTrue, whereFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Max(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Min(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftLeft(Vector256<int> value, int count) => Vector256.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> ShiftRightArithmetic(Vector256<int> value, int count) => Vector256.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> And(Vector256<int> a, Vector256<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Log2(Vector256<int> x) =>
        Vector256.ShiftRightArithmetic(Vector256.ConvertToSingle(x).AsInt32(), 23) - Vector256.Create(127);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> PowerOfTwo(Vector256<int> k) =>
        Vector256.ConvertToInt32(Vector256.ShiftLeft(k + Vector256.Create(127), 23).AsSingle());
}

/// <summary><see cref="IFixedPointVector{TVector}"/> on four lanes (SSE4.1 or AdvSimd).</summary>
internal readonly struct FixedPointVector128 : IFixedPointVector<Vector128<int>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Load(ref short source, int i) => QuantizedBinaryKernels.Widen4<short, Elements>(ref source, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<int> value, ref short destination, int i) => QuantizedBinaryKernels.Store4(value, ref destination, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Create(int value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyLow(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.MultiplyLow(a, b) : a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> HighMul(Vector128<int> a, Vector128<int> b) => FixedPointLanes.SaturatingRoundingDoublingHighMul(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, int multiplier, int shift) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, Vector128.Create(multiplier), shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> GreaterThan(Vector128<int> a, Vector128<int> b) => Vector128.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Equals(Vector128<int> a, Vector128<int> b) => Vector128.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Select(Vector128<int> mask, Vector128<int> whereTrue, Vector128<int> whereFalse) => Vector128.ConditionalSelect(mask, whereTrue, whereFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Max(Vector128<int> a, Vector128<int> b) => FixedPointLanes.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Min(Vector128<int> a, Vector128<int> b) => FixedPointLanes.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftLeft(Vector128<int> value, int count) => Vector128.ShiftLeft(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ShiftRightArithmetic(Vector128<int> value, int count) => Vector128.ShiftRightArithmetic(value, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> And(Vector128<int> a, Vector128<int> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Log2(Vector128<int> x) =>
        Vector128.ShiftRightArithmetic(Vector128.ConvertToSingle(x).AsInt32(), 23) - Vector128.Create(127);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> PowerOfTwo(Vector128<int> k) =>
        Vector128.ConvertToInt32(Vector128.ShiftLeft(k + Vector128.Create(127), 23).AsSingle());
}
