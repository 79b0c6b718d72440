using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// The int32 lanes of the integer LSTM's element-wise steps (<see cref="LstmKernels"/>), so that each step's loop is
/// written once and instantiated per vector width, as <see cref="IInt32Lanes{TVector}"/> does for the signal kernels:
/// <see cref="LstmLanes256"/> (AVX2) and <see cref="LstmLanes128"/> (SSE4.1 or AdvSimd; callers check
/// <see cref="FixedPointLanes.IsVector128Supported"/>).
/// </summary>
/// <typeparam name="TVector">The vector of int32 lanes.</typeparam>
internal interface ILstmLanes<TVector>
    where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>A multiplier and shift of <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> in the form this width's lanes take, made once before a loop.</summary>
    static abstract LaneMultiplier<TVector> Prepare(int multiplier, int shift);

    /// <summary>Loads a vector.</summary>
    static abstract TVector Load(ref int source);

    /// <summary>
    /// TFLM's int16 tanh (<see cref="ActivationMath.Tanh(short, int, int)"/>: an interpolated table look-up, value by
    /// value) of <see cref="Count"/> cell state values, as lanes.
    /// </summary>
    static abstract TVector CellTanh(ref short cell, int multiplier, int shift);

    /// <summary><see cref="Count"/> int16 values sign-extended to int32 lanes.</summary>
    static abstract TVector Widen(ref short source);

    /// <summary>Lane by lane <c>a + b</c>, wrapping.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>Lane by lane the low 32 bits of <c>a · b</c>.</summary>
    static abstract TVector MultiplyLow(TVector a, TVector b);

    /// <summary>Lane by lane <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>, shift in [−31, 30].</summary>
    static abstract TVector MultiplyByQuantizedMultiplier(TVector x, in LaneMultiplier<TVector> multiplier);

    /// <summary>
    /// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(long, int, int)"/> of <see cref="Count"/> int64 values from
    /// <paramref name="source"/>, as <paramref name="requantizer"/> prepared it: the low 32 bits of each result, as the
    /// scalar form's cast to int keeps.
    /// </summary>
    static abstract TVector MultiplyByQuantizedMultiplier(ref long source, in WideRequantizer requantizer);

    /// <summary>Adds <paramref name="zeroPoint"/> and clamps each lane to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    static abstract TVector Clamp(TVector v, int zeroPoint, int min, int max);

    /// <summary>Stores lanes already clamped to the range of <typeparamref name="T"/> (int8 or int16).</summary>
    static abstract void Store<T>(TVector v, ref T destination)
        where T : unmanaged;
}

/// <summary>
/// A Q0.31 multiplier and its shift as a width's lanes take them: the multiplier in every lane, and the shift in every
/// lane (AVX2's per-lane shifts) or as one count (the four-lane form). Made before a loop, since the JIT does not hoist
/// the broadcasts out of these loops.
/// </summary>
/// <typeparam name="TVector">The vector of int32 lanes.</typeparam>
internal readonly struct LaneMultiplier<TVector>
    where TVector : struct
{
    public LaneMultiplier(TVector multiplier, TVector shifts, int shift)
    {
        Multiplier = multiplier;
        Shifts = shifts;
        Shift = shift;
    }

    /// <summary>The multiplier in every lane.</summary>
    public TVector Multiplier { get; }

    /// <summary>The shift in every lane (AVX2), else unused.</summary>
    public TVector Shifts { get; }

    /// <summary>The shift.</summary>
    public int Shift { get; }
}

/// <summary>
/// TFLite's 64-bit <c>MultiplyByQuantizedMultiplier</c> (<see cref="FixedPoint.MultiplyByQuantizedMultiplier(long, int, int)"/>)
/// prepared for lanes: <c>(x · r + round) &gt;&gt; s</c> with the multiplier <c>r</c> reduced to 16 bits. Each product is
/// exact modulo 2^64 from two unsigned 32×32→64-bit products (<c>pmuludq</c>, <c>umull</c>): x's low word times r, plus
/// its high word times r shifted up 32 bits, which needs r ≥ 0 (<see cref="TryCreate"/>). The arithmetic shift, which
/// x86 has no 64-bit lane form of below AVX-512, is a logical one of <c>v + 2^63</c> minus <c>2^63 &gt;&gt; s</c>, exact;
/// the 2^63 is folded into the rounding term and the subtraction done on the low 32 bits kept.
/// </summary>
internal readonly struct WideRequantizer
{
    private WideRequantizer(uint multiplier, ulong addend, int shift)
    {
        Multiplier = multiplier;
        Addend = addend;
        Shift = shift;
        Bias = unchecked((int)(0x8000_0000_0000_0000UL >> shift));
    }

    /// <summary>The reduced multiplier, non-negative.</summary>
    public uint Multiplier { get; }

    /// <summary>The rounding term plus 2^63, modulo 2^64.</summary>
    public ulong Addend { get; }

    /// <summary>The right shift, in [0, 63] (C#'s count for a 64-bit shift).</summary>
    public int Shift { get; }

    /// <summary>The low 32 bits of <c>2^63 &gt;&gt; Shift</c>, subtracted from the logical shift's.</summary>
    public int Bias { get; }

    /// <summary>Prepares <paramref name="quantizedMultiplier"/> and <paramref name="shift"/>; false if the reduced multiplier is negative (lanes then stay scalar).</summary>
    public static bool TryCreate(int quantizedMultiplier, int shift, out WideRequantizer requantizer)
    {
        // The scalar form's steps, C#'s shift counts included.
        long reduced = quantizedMultiplier < 0x7FFF0000 ? (quantizedMultiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long round = 1L << (totalShift - 1);
        requantizer = new WideRequantizer(unchecked((uint)reduced), unchecked((ulong)round + 0x8000_0000_0000_0000UL), totalShift & 63);
        return reduced >= 0;
    }
}

/// <summary><see cref="ILstmLanes{TVector}"/> on eight lanes (AVX2 only).</summary>
internal readonly struct LstmLanes256 : ILstmLanes<Vector256<int>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Load(ref int source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Widen(ref short source) => QuantizedBinaryKernels.Widen8<short, Elements>(ref source, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyLow(Vector256<int> a, Vector256<int> b) => Avx2.MultiplyLow(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LaneMultiplier<Vector256<int>> Prepare(int multiplier, int shift) => new(Vector256.Create(multiplier), Vector256.Create(shift), shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> CellTanh(ref short cell, int multiplier, int shift) => Vector256.Create(
        LstmLanes128.Tanh(ref cell, 0, multiplier, shift), LstmLanes128.Tanh(ref cell, 1, multiplier, shift),
        LstmLanes128.Tanh(ref cell, 2, multiplier, shift), LstmLanes128.Tanh(ref cell, 3, multiplier, shift),
        LstmLanes128.Tanh(ref cell, 4, multiplier, shift), LstmLanes128.Tanh(ref cell, 5, multiplier, shift),
        LstmLanes128.Tanh(ref cell, 6, multiplier, shift), LstmLanes128.Tanh(ref cell, 7, multiplier, shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, in LaneMultiplier<Vector256<int>> multiplier) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, multiplier.Multiplier, multiplier.Shifts);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(ref long source, in WideRequantizer requantizer)
    {
        Vector256<ulong> first = Shifted(Vector256.LoadUnsafe(ref source).AsUInt64(), requantizer);
        Vector256<ulong> second = Shifted(Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 4)).AsUInt64(), requantizer);
        // Low words of units 0, 1, 4, 5 | 2, 3, 6, 7, then the middle 64-bit quarters swapped.
        Vector256<float> lowWords = Avx.Shuffle(first.AsSingle(), second.AsSingle(), 0b10_00_10_00);
        return Avx2.Permute4x64(lowWords.AsInt64(), 0b11_01_10_00).AsInt32() - Vector256.Create(requantizer.Bias);
    }

    /// <summary>Four units' <c>(x · r + addend) &gt;&gt;&gt; shift</c>, modulo 2^64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Shifted(Vector256<ulong> x, in WideRequantizer requantizer)
    {
        Vector256<uint> multiplier = Vector256.Create((ulong)requantizer.Multiplier).AsUInt32();
        Vector256<ulong> low = Avx2.Multiply(x.AsUInt32(), multiplier);
        Vector256<ulong> high = Avx2.Multiply(Avx2.ShiftRightLogical(x, 32).AsUInt32(), multiplier);
        Vector256<ulong> sum = low + Avx2.ShiftLeftLogical(high, 32) + Vector256.Create(requantizer.Addend);
        return Vector256.ShiftRightLogical(sum, requantizer.Shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Clamp(Vector256<int> v, int zeroPoint, int min, int max) => Requantization.Clamp(v, zeroPoint, min, max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector256<int> v, ref T destination)
        where T : unmanaged => QuantizedBinaryKernels.Store8(v, ref destination, 0);
}

/// <summary><see cref="ILstmLanes{TVector}"/> on four lanes: SSE4.1 on x64, AdvSimd on ARM64.</summary>
internal readonly struct LstmLanes128 : ILstmLanes<Vector128<int>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Load(ref int source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Widen(ref short source) => QuantizedBinaryKernels.Widen4<short, Elements>(ref source, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;

    /// <summary>SSE4.1's <c>pmulld</c> or AdvSimd's <c>mul</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyLow(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.MultiplyLow(a, b) : a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LaneMultiplier<Vector128<int>> Prepare(int multiplier, int shift) => new(Vector128.Create(multiplier), default, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> CellTanh(ref short cell, int multiplier, int shift) => Vector128.Create(
        Tanh(ref cell, 0, multiplier, shift), Tanh(ref cell, 1, multiplier, shift), Tanh(ref cell, 2, multiplier, shift), Tanh(ref cell, 3, multiplier, shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, in LaneMultiplier<Vector128<int>> multiplier) =>
        FixedPointLanes.MultiplyByQuantizedMultiplier(x, multiplier.Multiplier, multiplier.Shift);

    /// <summary>The int16 tanh of cell value <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Tanh(ref short cell, int i, int multiplier, int shift) => ActivationMath.Tanh(Unsafe.Add(ref cell, i), multiplier, shift);

    /// <summary>x86: SSE2's <c>pmuludq</c> on each unit's low and high word, the low words kept by <c>shufps</c>. ARM64: <c>xtn</c> (after a shift, for the high ones) splits the words, <c>umull</c> multiplies, <c>xtn</c>/<c>xtn2</c> keep the low words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(ref long source, in WideRequantizer requantizer)
    {
        Vector128<ulong> first = Vector128.LoadUnsafe(ref source).AsUInt64(), second = Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 2)).AsUInt64();
        Vector128<int> lowWords;
        if (AdvSimd.IsSupported)
        {
            Vector64<uint> multiplier = Vector64.Create(requantizer.Multiplier);
            first = ShiftedArm(first, multiplier, requantizer);
            second = ShiftedArm(second, multiplier, requantizer);
            lowWords = AdvSimd.ExtractNarrowingUpper(AdvSimd.ExtractNarrowingLower(first), second).AsInt32();
        }
        else
        {
            Vector128<uint> multiplier = Vector128.Create((ulong)requantizer.Multiplier).AsUInt32();
            first = ShiftedSse(first, multiplier, requantizer);
            second = ShiftedSse(second, multiplier, requantizer);
            lowWords = Sse.Shuffle(first.AsSingle(), second.AsSingle(), 0b10_00_10_00).AsInt32();
        }
        return lowWords - Vector128.Create(requantizer.Bias);
    }

    /// <summary>Two units' <c>(x · r + addend) &gt;&gt;&gt; shift</c> modulo 2^64 (x86).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> ShiftedSse(Vector128<ulong> x, Vector128<uint> multiplier, in WideRequantizer requantizer)
    {
        Vector128<ulong> low = Sse2.Multiply(x.AsUInt32(), multiplier);
        Vector128<ulong> high = Sse2.Multiply(Sse2.ShiftRightLogical(x, 32).AsUInt32(), multiplier);
        Vector128<ulong> sum = low + Sse2.ShiftLeftLogical(high, 32) + Vector128.Create(requantizer.Addend);
        return Vector128.ShiftRightLogical(sum, requantizer.Shift);
    }

    /// <summary>Two units' <c>(x · r + addend) &gt;&gt;&gt; shift</c> modulo 2^64 (ARM64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> ShiftedArm(Vector128<ulong> x, Vector64<uint> multiplier, in WideRequantizer requantizer)
    {
        Vector128<ulong> low = AdvSimd.MultiplyWideningLower(AdvSimd.ExtractNarrowingLower(x), multiplier);
        Vector128<ulong> high = AdvSimd.MultiplyWideningLower(AdvSimd.ExtractNarrowingLower(Vector128.ShiftRightLogical(x, 32)), multiplier);
        Vector128<ulong> sum = low + Vector128.ShiftLeft(high, 32) + Vector128.Create(requantizer.Addend);
        return Vector128.ShiftRightLogical(sum, requantizer.Shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Clamp(Vector128<int> v, int zeroPoint, int min, int max) => Requantization.Clamp(v, zeroPoint, min, max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector128<int> v, ref T destination)
        where T : unmanaged => QuantizedBinaryKernels.Store4(v, ref destination, 0);
}
