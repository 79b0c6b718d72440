using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

// The vector requantization is checked against FixedPoint lane by lane, over every shift and the int32 extremes.
[assembly: InternalsVisibleTo("TinyModel.Tests")]

namespace TinyModel;

/// <summary>
/// The last step of the int8 convolution kernels: int32 sums (bias included) requantized with the output-stage
/// table described on <see cref="Int8Convolution"/>, offset by the output zero point and clamped, as TensorFlow Lite
/// Micro does it channel by channel: <c>clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) + zeroPoint, min, max)</c>.
/// </summary>
/// <remarks>
/// <para>
/// The vector forms compute TFLite's rounding doubling high multiply as <c>floor((x · m + 2^30) / 2^31)</c>: for a
/// non-negative product that is its <c>(p + 2^30) / 2^31</c>; for a negative one its truncation of
/// <c>(p + 1 − 2^30) / 2^31</c> toward zero is the ceiling, <c>floor((p + 1 − 2^30 + 2^31 − 1) / 2^31)</c>, the same.
/// Only <c>x = m = int.MinValue</c> differs (TFLite saturates), and a quantized multiplier is never negative.
/// The rounding right shift is TFLite's own: the quotient, plus one where the remainder exceeds half the divisor
/// (half or more below zero).
/// </para>
/// <para>
/// "Below zero" is read from the shifted sum <c>x</c> instead of <c>h</c>, which takes it off the chain of dependent
/// operations: with <c>m ≥ 0</c>, <c>h &lt; 0</c> implies <c>x &lt; 0</c>, and where <c>x &lt; 0</c> but
/// <c>h = 0</c> (<c>−2^30 ≤ x · m &lt; 0</c>, or <c>m = 0</c>) the remainder is 0, which exceeds neither threshold.
/// The odd lanes reach <c>pmuldq</c> by a dword shuffle rather than a 64-bit shift (a shuffle port, where the
/// shift ports are the busiest).
/// </para>
/// </remarks>
internal static class Int8OutputStage
{
    /// <summary>Rows of the table, each one entry per output channel.</summary>
    public const int BiasRow = 0, MultiplierRow = 1, LeftShiftRow = 2, LeftFactorRow = 3, RightShiftRow = 4, MaskRow = 5, HalfMaskRow = 6;

    /// <summary>
    /// Rows of <see cref="Int8Convolution"/>'s table (after its dot-product bias row) for the bounded form
    /// (<see cref="RequantizeBounded16(Vector512{int}, ref int, nint)"/>): per channel with right shift <c>e</c> and
    /// output zero point <c>z</c>, the offset <c>1 + (e &gt; 0 ? 2^e : 0) + z · 2^(e+1)</c>, the sign correction
    /// <c>e &gt; 0 ? −2 : 0</c> and the shift <c>e + 1</c>.
    /// </summary>
    public const int BoundedOffsetRow = 8, BoundedSignRow = 9, BoundedShiftRow = 10;

    /// <summary>One output value from its sum (bias included): the scalar path and the reference of the vector ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte Requantize(int acc, ref int table, nint stride, int zeroPoint, int min, int max)
    {
        int left = Unsafe.Add(ref table, LeftShiftRow * stride);
        int shift = left > 0 ? left : -Unsafe.Add(ref table, RightShiftRow * stride);
        int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, Unsafe.Add(ref table, MultiplierRow * stride), shift) + zeroPoint;
        return (sbyte)Math.Min(Math.Max(scaled, min), max);
    }

    /// <summary>
    /// Sixteen channels' sums (AVX-512, bias included) to int8, in channel order; <paramref name="table"/> is the bias
    /// row at the first channel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Requantize16(Vector512<int> acc, ref int table, nint stride, int zeroPoint, int min, int max) =>
        Narrow16(Requantize16(acc, ref table, stride) + Vector512.Create(zeroPoint), min, max);

    /// <summary>
    /// Sixteen channels' sums (AVX-512, bias included) requantized, offset, clamped and stored (the first
    /// <paramref name="count"/>): in the bounded form where the generator proved it exact (<paramref name="bounded"/>;
    /// the table then has <see cref="Int8Convolution.TableRows"/> rows), else in the general one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector512<int> acc, ref int table, nint stride, bool bounded, int zeroPoint, int min, int max, ref sbyte destination, int count)
    {
        Vector128<sbyte> values = bounded
            ? Narrow16(RequantizeBounded16(acc, ref table, stride), min, max)
            : Requantize16(acc, ref table, stride, zeroPoint, min, max);
        Store(values, ref destination, count);
    }

    /// <summary>Sixteen requantized values (zero point included) clamped to [<paramref name="min"/>, <paramref name="max"/>] and narrowed to int8 (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Narrow16(Vector512<int> result, int min, int max)
    {
        // Narrowing saturates to int8: each bound is needed only where it is narrower (a fused activation; RELU6 often
        // has only a lower one).
        if (min != sbyte.MinValue)
        {
            result = Avx512F.Max(result, Vector512.Create(min));
        }
        if (max != sbyte.MaxValue)
        {
            result = Avx512F.Min(result, Vector512.Create(max));
        }
        return Avx512F.ConvertToVector128SByteWithSaturation(result);
    }

    /// <summary>
    /// Sixteen lanes of TFLite's <c>MultiplyByQuantizedMultiplier</c> plus the output zero point (AVX-512), in the
    /// bounded form: exact only where the generator proved, per channel, no left shift, <c>e ≤ 29</c> and
    /// <c>2·|x| + 2 + 2^e + |z|·2^(e+1) &lt; 2^31</c> (see <see cref="Int8ConvolutionShape.BoundedAccumulators"/>).
    /// </summary>
    /// <remarks>
    /// With <c>h2 = floor(x·m / 2^30)</c> (it fits in 32 bits since <c>|x·m| &lt; 2^61</c>), TFLite's first rounding is
    /// <c>h = floor((h2 + 1) / 2)</c>, its second <c>floor((h + 2^(e−1) − [x &lt; 0]) / 2^e)</c> for <c>e &gt; 0</c>
    /// (half away from zero; <c>x &lt; 0</c> with <c>h = 0</c> gives 0 either way), and nested floors merge:
    /// <c>floor((h2 + 1 + 2^e − 2·[x &lt; 0] + z·2^(e+1)) / 2^(e+1))</c> is the result plus <c>z</c>. The bounds keep
    /// every sum within int32. Two multiplies, two shifts and a blend, then two adds and one shift: about half the
    /// operations of the general form, the zero point's add included.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RequantizeBounded16(Vector512<int> acc, ref int table, nint stride)
    {
        // The rows as loads, not through a BoundedRows: the JIT would keep that struct on the stack, a store and a load
        // more per row in every caller's loop.
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        return RequantizeBounded16(acc, Vector512.LoadUnsafe(ref multipliers), Vector512.LoadUnsafe(ref multipliers, 1),
            Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedOffsetRow * stride)), Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedSignRow * stride)),
            Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedShiftRow * stride)));
    }

    /// <summary>
    /// <see cref="RequantizeBounded16(Vector512{int}, ref int, nint)"/> with the table's rows already read
    /// (<see cref="BoundedRows16"/>): a kernel that requantizes several pixels of the same channels reads them once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RequantizeBounded16(Vector512<int> acc, in BoundedRows<Vector512<int>> rows) =>
        RequantizeBounded16(acc, rows.Multipliers, rows.OddMultipliers, rows.Offsets, rows.SignCorrections, rows.Shifts);

    /// <summary>The bounded form of 16 lanes from its rows (the odd lanes' multipliers in even positions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> RequantizeBounded16(Vector512<int> acc, Vector512<int> multipliers, Vector512<int> oddMultipliers,
        Vector512<int> offsets, Vector512<int> signCorrections, Vector512<int> shifts)
    {
        Vector512<long> even = Avx512F.Multiply(acc, multipliers);
        Vector512<long> odd = Avx512F.Multiply(Avx512F.Shuffle(acc, OddToEven), oddMultipliers);
        // Bits 30-61 of each product: the even lanes' shifted down, the odd lanes' shifted up into the high half.
        Vector512<int> high = Vector512.ConditionalSelect(OddLanes512, Avx512F.ShiftLeftLogical(odd, 2).AsInt32(), Avx512F.ShiftRightLogical(even, 30).AsInt32());
        Vector512<int> offset = offsets + (Avx512F.ShiftRightArithmetic(acc, 31) & signCorrections);
        return Avx512F.ShiftRightArithmeticVariable(high + offset, shifts.AsUInt32());
    }

    /// <summary>The bounded form's rows of 16 channels (<paramref name="table"/> at the first one's bias), for AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BoundedRows<Vector512<int>> BoundedRows16(ref int table, nint stride)
    {
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        return new(Vector512.LoadUnsafe(ref multipliers), Vector512.LoadUnsafe(ref multipliers, 1), Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedOffsetRow * stride)),
            Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedSignRow * stride)), Vector512.LoadUnsafe(ref Unsafe.Add(ref table, BoundedShiftRow * stride)));
    }

    /// <summary>Eight lanes of <see cref="RequantizeBounded16(Vector512{int}, ref int, nint)"/> (AVX2), zero point included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RequantizeBounded8(Vector256<int> acc, ref int table, nint stride)
    {
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        return RequantizeBounded8(acc, Vector256.LoadUnsafe(ref multipliers), Vector256.LoadUnsafe(ref multipliers, 1),
            Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedOffsetRow * stride)), Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedSignRow * stride)),
            Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedShiftRow * stride)));
    }

    /// <summary><see cref="RequantizeBounded8(Vector256{int}, ref int, nint)"/> with the table's rows already read (<see cref="BoundedRows8"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RequantizeBounded8(Vector256<int> acc, in BoundedRows<Vector256<int>> rows) =>
        RequantizeBounded8(acc, rows.Multipliers, rows.OddMultipliers, rows.Offsets, rows.SignCorrections, rows.Shifts);

    /// <summary>The bounded form of 8 lanes from its rows (the odd lanes' multipliers in even positions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RequantizeBounded8(Vector256<int> acc, Vector256<int> multipliers, Vector256<int> oddMultipliers,
        Vector256<int> offsets, Vector256<int> signCorrections, Vector256<int> shifts)
    {
        Vector256<long> even = Avx2.Multiply(acc, multipliers);
        Vector256<long> odd = Avx2.Multiply(Avx2.Shuffle(acc, OddToEven), oddMultipliers);
        Vector256<int> high = Avx2.Blend(Avx2.ShiftRightLogical(even, 30).AsInt32(), Avx2.ShiftLeftLogical(odd, 2).AsInt32(), 0b1010_1010);
        Vector256<int> offset = offsets + (Avx2.ShiftRightArithmetic(acc, 31) & signCorrections);
        return Avx2.ShiftRightArithmeticVariable(high + offset, shifts.AsUInt32());
    }

    /// <summary>The bounded form's rows of 8 channels (<paramref name="table"/> at the first one's bias), for AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BoundedRows<Vector256<int>> BoundedRows8(ref int table, nint stride)
    {
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        return new(Vector256.LoadUnsafe(ref multipliers), Vector256.LoadUnsafe(ref multipliers, 1), Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedOffsetRow * stride)),
            Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedSignRow * stride)), Vector256.LoadUnsafe(ref Unsafe.Add(ref table, BoundedShiftRow * stride)));
    }

    /// <summary>
    /// The bounded form's rows for one vector of channels (<see cref="BoundedOffsetRow"/> and after, and the multipliers
    /// twice: the table read one entry on puts the odd lanes' multipliers in even positions, where pmuldq reads).
    /// </summary>
    /// <typeparam name="TVector">The vector of int: <see cref="Vector512{T}"/> or <see cref="Vector256{T}"/>.</typeparam>
    public readonly struct BoundedRows<TVector>
        where TVector : struct
    {
        /// <summary>Holds the rows given.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public BoundedRows(TVector multipliers, TVector oddMultipliers, TVector offsets, TVector signCorrections, TVector shifts)
        {
            Multipliers = multipliers;
            OddMultipliers = oddMultipliers;
            Offsets = offsets;
            SignCorrections = signCorrections;
            Shifts = shifts;
        }

        /// <summary>The multipliers (pmuldq reads the even lanes).</summary>
        public TVector Multipliers { get; }

        /// <summary>The odd lanes' multipliers, in even positions.</summary>
        public TVector OddMultipliers { get; }

        /// <summary>The offset row: rounding, the second rounding's half and the zero point.</summary>
        public TVector Offsets { get; }

        /// <summary>The sign correction row, taken where the sum is negative.</summary>
        public TVector SignCorrections { get; }

        /// <summary>The shift row, <c>e + 1</c>.</summary>
        public TVector Shifts { get; }
    }

    /// <summary>Sixteen lanes of TFLite's <c>MultiplyByQuantizedMultiplier</c> (AVX-512), before the zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Requantize16(Vector512<int> acc, ref int table, nint stride)
    {
        Vector512<int> x = Avx512F.ShiftLeftLogicalVariable(acc, Vector512.LoadUnsafe(ref Unsafe.Add(ref table, LeftShiftRow * stride)).AsUInt32());
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        // Even lanes from one 64-bit multiply, odd lanes from another (the table read one entry on puts the odd
        // lanes' multipliers in even positions); then TFLite's rounding right shift.
        Vector512<long> round = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.Multiply(x, Vector512.LoadUnsafe(ref multipliers)) + round;
        Vector512<long> odd = Avx512F.Multiply(Avx512F.Shuffle(x, OddToEven), Vector512.LoadUnsafe(ref multipliers, 1)) + round;
        Vector512<int> high = Vector512.ConditionalSelect(OddLanes512, Avx512F.ShiftLeftLogical(odd, 1).AsInt32(), Avx512F.ShiftRightLogical(even, 31).AsInt32());
        Vector512<int> quotient = Avx512F.ShiftRightArithmeticVariable(high, Vector512.LoadUnsafe(ref Unsafe.Add(ref table, RightShiftRow * stride)).AsUInt32());
        Vector512<int> remainder = high & Vector512.LoadUnsafe(ref Unsafe.Add(ref table, MaskRow * stride));
        Vector512<int> threshold = Vector512.LoadUnsafe(ref Unsafe.Add(ref table, HalfMaskRow * stride)) - Avx512F.ShiftRightArithmetic(x, 31);
        // An increment under the comparison's mask register (one masked add, not a mask widened to a vector and subtracted).
        return Vector512.ConditionalSelect(Vector512.GreaterThan(remainder, threshold), quotient + Vector512<int>.One, quotient);
    }

    /// <summary><c>pshufd</c>'s control copying lanes 1 and 3 of each 128 bits to lanes 0 and 2, where <c>pmuldq</c> reads.</summary>
    private const byte OddToEven = 0b11_11_01_01;

    /// <summary>All ones in the odd 32-bit lanes: where the second 64-bit product's bits 31-62 go.</summary>
    private static Vector512<int> OddLanes512 => Vector512.Create(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1);

    /// <summary>Sixteen channels' sums (AVX2) to int8, in channel order; <paramref name="table"/> is the bias row at the first channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Requantize16(Vector256<int> low, Vector256<int> high, ref int table, nint stride, int zeroPoint, int min, int max)
    {
        Vector256<int> offset = Vector256.Create(zeroPoint);
        return Narrow16(Requantize8(low, ref table, stride) + offset, Requantize8(high, ref Unsafe.Add(ref table, 8), stride) + offset, min, max);
    }

    /// <summary>Sixteen requantized values (AVX2, zero point included) clamped and narrowed to int8, in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Narrow16(Vector256<int> low, Vector256<int> high, int min, int max)
    {
        // Packing saturates to int8: the clamp is needed only for a narrower range (a fused activation).
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            Vector256<int> lowest = Vector256.Create(min), highest = Vector256.Create(max);
            low = Avx2.Min(Avx2.Max(low, lowest), highest);
            high = Avx2.Min(Avx2.Max(high, lowest), highest);
        }
        // Packing works within 128-bit lanes: low 0-3, high 0-3 | low 4-7, high 4-7, as bytes twice over; gather the dwords in channel order.
        Vector256<short> words = Avx2.PackSignedSaturate(low, high);
        Vector256<sbyte> bytes = Avx2.PackSignedSaturate(words, words);
        return Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 0, 0, 0, 0)).GetLower().AsSByte();
    }

    /// <summary>Eight channels' sums (AVX2) to int8, in channel order, in the first 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Requantize8(Vector256<int> acc, ref int table, nint stride, int zeroPoint, int min, int max) =>
        Narrow8(Requantize8(acc, ref table, stride) + Vector256.Create(zeroPoint), min, max);

    /// <summary>Eight requantized values (AVX2, zero point included) clamped and narrowed to int8, in channel order, in the first 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Narrow8(Vector256<int> values, int min, int max)
    {
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            values = Avx2.Min(Avx2.Max(values, Vector256.Create(min)), Vector256.Create(max));
        }
        // Lanes 0-3 | 4-7 packed within each half, then the halves' low quadwords side by side.
        Vector256<short> words = Avx2.PackSignedSaturate(values, values);
        Vector128<short> ordered = Sse2.UnpackLow(words.GetLower().AsInt64(), words.GetUpper().AsInt64()).AsInt16();
        return Sse2.PackSignedSaturate(ordered, ordered);
    }

    /// <summary>Eight lanes of TFLite's <c>MultiplyByQuantizedMultiplier</c> (AVX2), before the zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Requantize8(Vector256<int> acc, ref int table, nint stride)
    {
        Vector256<int> x = Avx2.ShiftLeftLogicalVariable(acc, Vector256.LoadUnsafe(ref Unsafe.Add(ref table, LeftShiftRow * stride)).AsUInt32());
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        // Even lanes from one 64-bit multiply, odd lanes from another (the table read one entry on puts the odd
        // lanes' multipliers in even positions).
        Vector256<long> round = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Multiply(x, Vector256.LoadUnsafe(ref multipliers)) + round;
        Vector256<long> odd = Avx2.Multiply(Avx2.Shuffle(x, OddToEven), Vector256.LoadUnsafe(ref multipliers, 1)) + round;
        Vector256<int> high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(), Avx2.ShiftLeftLogical(odd, 1).AsInt32(), 0b1010_1010);

        // TFLite's RoundingDivideByPOT: x >> e, plus one where the remainder exceeds half (half or more below zero).
        Vector256<int> quotient = Avx2.ShiftRightArithmeticVariable(high, Vector256.LoadUnsafe(ref Unsafe.Add(ref table, RightShiftRow * stride)).AsUInt32());
        Vector256<int> remainder = high & Vector256.LoadUnsafe(ref Unsafe.Add(ref table, MaskRow * stride));
        Vector256<int> threshold = Vector256.LoadUnsafe(ref Unsafe.Add(ref table, HalfMaskRow * stride)) - Avx2.ShiftRightArithmetic(x, 31);
        return quotient - Avx2.CompareGreaterThan(remainder, threshold);
    }

    /// <summary>Sixteen channels' sums (128-bit vectors) to int8, in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Requantize16(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d, ref int table, nint stride,
        int zeroPoint, int min, int max)
    {
        Vector128<short> low = Requantize8(a, b, ref table, stride, zeroPoint, min, max);
        Vector128<short> high = Requantize8(c, d, ref Unsafe.Add(ref table, 8), stride, zeroPoint, min, max);
        return Int16Pairs.NarrowSaturate(low, high);
    }

    /// <summary>Eight channels' sums (128-bit vectors) requantized, offset and clamped, as int16 (to be narrowed with saturation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Requantize8(Vector128<int> a, Vector128<int> b, ref int table, nint stride, int zeroPoint, int min, int max)
    {
        Vector128<int> offset = Vector128.Create(zeroPoint);
        a = Requantize4(a, ref table, stride) + offset;
        b = Requantize4(b, ref Unsafe.Add(ref table, 4), stride) + offset;
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            Vector128<int> lowest = Vector128.Create(min), highest = Vector128.Create(max);
            a = Vector128.Min(Vector128.Max(a, lowest), highest);
            b = Vector128.Min(Vector128.Max(b, lowest), highest);
        }
        return Int16Pairs.NarrowSaturate(a, b);
    }

    /// <summary>Four lanes of TFLite's <c>MultiplyByQuantizedMultiplier</c> (SSE4.1 or AdvSimd), before the zero point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Requantize4(Vector128<int> acc, ref int table, nint stride)
    {
        ref int multipliers = ref Unsafe.Add(ref table, MultiplierRow * stride);
        ref int rightShifts = ref Unsafe.Add(ref table, RightShiftRow * stride);
        if (!Sse41.IsSupported)
        {
            // ARM64: sqrdmulh is TFLite's rounding doubling high multiply itself, and srshl by −e a rounding right
            // shift (half up, without overflow); less one below zero first (saturating: h = int.MinValue stays), ties
            // go away from zero, as in gemmlowp's NEON RoundingDivideByPOT. For e = 0 the count's sign bit is clear: no fixup.
            Vector128<int> shifted = AdvSimd.ShiftLogical(acc, Vector128.LoadUnsafe(ref Unsafe.Add(ref table, LeftShiftRow * stride)));
            Vector128<int> product = AdvSimd.MultiplyRoundedDoublingSaturateHigh(shifted, Vector128.LoadUnsafe(ref multipliers));
            Vector128<int> counts = -Vector128.LoadUnsafe(ref rightShifts);
            Vector128<int> fixup = AdvSimd.ShiftRightArithmetic(product & counts, 31);
            return AdvSimd.ShiftArithmeticRounded(AdvSimd.AddSaturate(product, fixup), counts);
        }
        // Before AVX2 there are no per-lane shifts: the left shift is a multiply by its power of two (the same
        // bits modulo 2^32), and the right shift is done lane by lane.
        Vector128<int> x = Avx2.IsSupported
            ? Avx2.ShiftLeftLogicalVariable(acc, Vector128.LoadUnsafe(ref Unsafe.Add(ref table, LeftShiftRow * stride)).AsUInt32())
            : Sse41.MultiplyLow(acc, Vector128.LoadUnsafe(ref Unsafe.Add(ref table, LeftFactorRow * stride)));
        Vector128<long> round = Vector128.Create(1L << 30);
        Vector128<long> even = Sse41.Multiply(x, Vector128.LoadUnsafe(ref multipliers)) + round;
        Vector128<long> odd = Sse41.Multiply(Sse2.Shuffle(x, OddToEven), Vector128.LoadUnsafe(ref multipliers, 1)) + round;
        Vector128<int> high = Sse41.Blend(Sse2.ShiftRightLogical(even, 31).AsInt16(), Sse2.ShiftLeftLogical(odd, 1).AsInt16(), 0b1100_1100).AsInt32();
        Vector128<int> quotient = Avx2.IsSupported
            ? Avx2.ShiftRightArithmeticVariable(high, Vector128.LoadUnsafe(ref rightShifts).AsUInt32())
            : ShiftRightArithmeticPerLane(high, ref rightShifts);
        Vector128<int> remainder = high & Vector128.LoadUnsafe(ref Unsafe.Add(ref table, MaskRow * stride));
        Vector128<int> threshold = Vector128.LoadUnsafe(ref Unsafe.Add(ref table, HalfMaskRow * stride)) - Vector128.ShiftRightArithmetic(x, 31);
        return quotient - Vector128.GreaterThan(remainder, threshold);
    }

    /// <summary>Each lane shifted right by its own count, with SSE's one-count shifts and blends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> ShiftRightArithmeticPerLane(Vector128<int> value, ref int counts)
    {
        Vector128<short> q0 = Sse2.ShiftRightArithmetic(value, Vector128.CreateScalar(counts)).AsInt16();
        Vector128<short> q1 = Sse2.ShiftRightArithmetic(value, Vector128.CreateScalar(Unsafe.Add(ref counts, 1))).AsInt16();
        Vector128<short> q2 = Sse2.ShiftRightArithmetic(value, Vector128.CreateScalar(Unsafe.Add(ref counts, 2))).AsInt16();
        Vector128<short> q3 = Sse2.ShiftRightArithmetic(value, Vector128.CreateScalar(Unsafe.Add(ref counts, 3))).AsInt16();
        return Sse41.Blend(Sse41.Blend(q0, q1, 0b0000_1100), Sse41.Blend(q2, q3, 0b1100_0000), 0b1111_0000).AsInt32();
    }

    /// <summary>
    /// Stores the first <paramref name="count"/> (at most 16) of 16 output values without calling anything: a call
    /// would make the JIT keep the callers' vector accumulators in memory (no vector register survives a call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<sbyte> values, ref sbyte destination, int count)
    {
        if (count == 16)
        {
            values.StoreUnsafe(ref destination);
            return;
        }
        ref byte target = ref Unsafe.As<sbyte, byte>(ref destination);
        ulong low = values.AsUInt64().GetElement(0), high = values.AsUInt64().GetElement(1);
        int at = 0;
        if (count >= 8)
        {
            Unsafe.WriteUnaligned(ref target, low);
            low = high;
            at = 8;
        }
        for (; at < count; at++, low >>= 8)
        {
            Unsafe.Add(ref target, at) = (byte)low;
        }
    }
}
