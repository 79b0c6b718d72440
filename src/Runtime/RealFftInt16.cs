using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.Int16PairLanes;

namespace TinyModel;

/// <summary>
/// The 16-bit fixed-point real FFT of TensorFlow Lite Micro's SignalRfft (KISS FFT 1.3.0 built with
/// <c>FIXED_POINT=16</c>, <c>kiss_fftr</c>), bit for bit: a complex FFT of half the length over the samples
/// taken in pairs, with every butterfly stage scaled down (so the output is the spectrum divided by the FFT
/// length), then the split into the real transform's bins 0..N/2.
/// </summary>
/// <remarks>
/// Complex values are interleaved shorts (real, imaginary). Twiddle factors (laid out stage by stage), super-twiddles
/// and the radix factorization are computed when the model is compiled (as <c>kiss_fftr_alloc</c> computes them)
/// and passed in; radices 2 and 4 (power-of-two lengths) are supported.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RealFftInt16
{
    /// <summary>
    /// The widest vectors the butterflies and the real split take on this machine (the portable tiers: 512, 256, 128
    /// bits, else scalar). A stage's butterflies are independent of each other and take one complex value per int32
    /// lane; a stage with fewer butterflies per group than a vector has lanes (the first, whose inputs are the
    /// samples in KISS FFT's order) takes the narrower vectors, or none.
    /// </summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>
    /// The real FFT of <paramref name="input"/> zero-padded to <c>2 · complexLength</c> samples into
    /// <paramref name="output"/> (<c>complexLength + 1</c> complex bins).
    /// </summary>
    /// <param name="input">The samples; those missing up to the FFT length are zeros.</param>
    /// <param name="stageTwiddles">
    /// The complex FFT's twiddles as each stage reads them, stage after stage in the order of
    /// <paramref name="factors"/>: for a stage of radix p with m butterflies per group and stride s (the product of
    /// the radices before it), p - 1 runs of m complex values, run j (from 1) holding the twiddle of index j·k·s
    /// for k = 0..m-1, so that a stage reads them contiguously.
    /// </param>
    /// <param name="superTwiddles">The real split's twiddles, <c>complexLength / 2</c> complex values.</param>
    /// <param name="factors">KISS FFT's factorization of <c>complexLength</c>: pairs (radix, remaining length).</param>
    /// <param name="scratch">Work space of <c>complexLength</c> complex values (2 · complexLength shorts).</param>
    /// <param name="output">The spectrum, <c>complexLength + 1</c> complex values.</param>
    public static void Transform(ReadOnlySpan<short> input, ReadOnlySpan<short> stageTwiddles, ReadOnlySpan<short> superTwiddles,
        ReadOnlySpan<int> factors, Span<short> scratch, Span<short> output)
    {
        int n = factors[0] * factors[1];
        if (scratch.Length < 2 * n || output.Length < 2 * (n + 1) || superTwiddles.Length < n || stageTwiddles.Length < 2 * (n - 1))
        {
            ThrowHelper.ThrowWrongLength(nameof(output), "output", 2 * (n + 1), output.Length);
        }
        Work(scratch, 0, input, 0, 1, factors, 0, stageTwiddles, 0);

        int dcReal = DivideBy(scratch[0], 16383), dcImaginary = DivideBy(scratch[1], 16383);
        output[0] = unchecked((short)(dcReal + dcImaginary));
        output[1] = 0;
        output[2 * n] = unchecked((short)(dcReal - dcImaginary));
        output[2 * n + 1] = 0;

        ref int s = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(scratch));
        ref int o = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(output));
        ref int st = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(superTwiddles));
        int k = 1;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            k = Split<Int32Lanes512, Vector512<int>>(ref s, ref st, ref o, n, k);
        }
        if (tier >= InstructionTier.Vector256)
        {
            k = Split<Int32Lanes256, Vector256<int>>(ref s, ref st, ref o, n, k);
        }
        if (tier >= InstructionTier.Vector128)
        {
            k = Split<Int32Lanes128, Vector128<int>>(ref s, ref st, ref o, n, k);
        }
        for (; k <= n / 2; k++)
        {
            short fpkR = DivideBy(scratch[2 * k], 16383), fpkI = DivideBy(scratch[2 * k + 1], 16383);
            short fpnkR = DivideBy(scratch[2 * (n - k)], 16383), fpnkI = DivideBy(unchecked((short)-scratch[2 * (n - k) + 1]), 16383);
            short f1kR = unchecked((short)(fpkR + fpnkR)), f1kI = unchecked((short)(fpkI + fpnkI));
            short f2kR = unchecked((short)(fpkR - fpnkR)), f2kI = unchecked((short)(fpkI - fpnkI));
            short twR = MulReal(f2kR, f2kI, superTwiddles[2 * (k - 1)], superTwiddles[2 * (k - 1) + 1]);
            short twI = MulImaginary(f2kR, f2kI, superTwiddles[2 * (k - 1)], superTwiddles[2 * (k - 1) + 1]);
            output[2 * k] = unchecked((short)((f1kR + twR) >> 1));
            output[2 * k + 1] = unchecked((short)((f1kI + twI) >> 1));
            output[2 * (n - k)] = unchecked((short)((f1kR - twR) >> 1));
            output[2 * (n - k) + 1] = unchecked((short)((twI - f1kI) >> 1));
        }
    }

    /// <summary>
    /// The real split of bins <paramref name="k"/> onward below n/2, a vector of bins k.. and their mirrors n-k..
    /// (loaded and stored reversed) at a time, each step as the scalar loop takes it; returns where it stopped.
    /// </summary>
    private static int Split<TL, TV>(ref int scratch, ref int superTwiddles, ref int output, int n, int k)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        for (; k + TL.Count <= n / 2; k += TL.Count)
        {
            int mirror = n - k - TL.Count + 1;
            TV fpk = Scale<TL, TV>(TL.Load(ref Unsafe.Add(ref scratch, k)), 16383);
            TV fpnk = Scale<TL, TV>(Conjugate<TL, TV>(TL.Reverse(TL.Load(ref Unsafe.Add(ref scratch, mirror)))), 16383);
            TV f1k = TL.Add16(fpk, fpnk), f2k = TL.Subtract16(fpk, fpnk);
            TV tw = ComplexMultiply<TL, TV>(f2k, TL.Load(ref Unsafe.Add(ref superTwiddles, k - 1)));
            TV f1kR = Low<TL, TV>(f1k), f1kI = High<TL, TV>(f1k), twR = Low<TL, TV>(tw), twI = High<TL, TV>(tw);
            TL.Store(Pack<TL, TV>(TL.ShiftRightArithmetic(TL.Add(f1kR, twR), 1), TL.ShiftRightArithmetic(TL.Add(f1kI, twI), 1)), ref Unsafe.Add(ref output, k));
            TV mirrored = Pack<TL, TV>(TL.ShiftRightArithmetic(TL.Subtract(f1kR, twR), 1), TL.ShiftRightArithmetic(TL.Subtract(twI, f1kI), 1));
            TL.Store(TL.Reverse(mirrored), ref Unsafe.Add(ref output, mirror));
        }
        return k;
    }

    /// <summary>
    /// KISS FFT's <c>kf_work</c>: the decimation in time, recursively, then this stage's butterflies, whose twiddles
    /// start at complex value <paramref name="twiddleAt"/> of <paramref name="stageTwiddles"/>.
    /// </summary>
    private static void Work(Span<short> fout, int at, ReadOnlySpan<short> input, int from, int stride, ReadOnlySpan<int> factors, int factor,
        ReadOnlySpan<short> stageTwiddles, int twiddleAt)
    {
        int p = factors[factor], m = factors[factor + 1];
        int end = at + p * m;
        if (m == 1 && p == 4 && Tier >= InstructionTier.Vector128)
        {
            ref int tw1 = ref Unsafe.Add(ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(stageTwiddles)), twiddleAt);
            Vector128<int> values = Vector128.Create(SamplePair(input, from), SamplePair(input, from + stride), SamplePair(input, from + 2 * stride), SamplePair(input, from + 3 * stride));
            Vector128<int> leafTwiddles = Vector128.Create(0, tw1, Unsafe.Add(ref tw1, 1), Unsafe.Add(ref tw1, 2));
            LeafButterfly4(values, leafTwiddles).StoreUnsafe(ref Unsafe.Add(ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(fout)), at));
            return;
        }
        if (m == 1)
        {
            for (int k = at; k < end; k++, from += stride)
            {
                fout[2 * k] = Sample(input, 2 * from);
                fout[2 * k + 1] = Sample(input, 2 * from + 1);
            }
        }
        else
        {
            for (int k = at; k < end; k += m, from += stride)
            {
                Work(fout, k, input, from, stride * p, factors, factor + 2, stageTwiddles, twiddleAt + (p - 1) * m);
            }
        }
        ref int f = ref Unsafe.Add(ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(fout)), at);
        ref int tw = ref Unsafe.Add(ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(stageTwiddles)), twiddleAt);
        int first = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            first = Butterflies<Int32Lanes512, Vector512<int>>(ref f, ref tw, p, m, first);
        }
        if (tier >= InstructionTier.Vector256)
        {
            first = Butterflies<Int32Lanes256, Vector256<int>>(ref f, ref tw, p, m, first);
        }
        if (tier >= InstructionTier.Vector128)
        {
            first = Butterflies<Int32Lanes128, Vector128<int>>(ref f, ref tw, p, m, first);
        }
        Span<short> group = fout.Slice(2 * at);
        ReadOnlySpan<short> twiddles = stageTwiddles.Slice(2 * twiddleAt);
        for (int k = first; k < m; k++)
        {
            if (p == 4)
            {
                Butterfly4(group, twiddles, m, k);
            }
            else
            {
                Butterfly2(group, twiddles, m, k);
            }
        }
    }

    /// <summary>
    /// Butterflies <paramref name="k"/> onward of one group (radix <paramref name="p"/>, <paramref name="m"/> per
    /// group), a vector of consecutive butterflies at a time, each as <see cref="Butterfly4"/> or
    /// <see cref="Butterfly2"/> computes it; returns where it stopped.
    /// </summary>
    private static int Butterflies<TL, TV>(ref int f, ref int tw, int p, int m, int k)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        for (; k + TL.Count <= m; k += TL.Count)
        {
            if (p == 4)
            {
                Butterflies4<TL, TV>(ref Unsafe.Add(ref f, k), ref Unsafe.Add(ref tw, k), m);
            }
            else
            {
                Butterflies2<TL, TV>(ref Unsafe.Add(ref f, k), ref Unsafe.Add(ref tw, k), m);
            }
        }
        return k;
    }

    /// <summary>
    /// A vector of radix-4 butterflies (<see cref="Butterfly4"/>), the first at <paramref name="f"/>. Not inlined: within
    /// a larger caller the JIT runs out of inlining budget and calls the lane helpers instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Butterflies4<TL, TV>(ref int f, ref int tw, int m)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV f0 = Scale<TL, TV>(TL.Load(ref f), 8191);
        TV f1 = Scale<TL, TV>(TL.Load(ref Unsafe.Add(ref f, m)), 8191);
        TV f2 = Scale<TL, TV>(TL.Load(ref Unsafe.Add(ref f, 2 * m)), 8191);
        TV f3 = Scale<TL, TV>(TL.Load(ref Unsafe.Add(ref f, 3 * m)), 8191);
        TV s0 = ComplexMultiply<TL, TV>(f1, TL.Load(ref tw));
        TV s1 = ComplexMultiply<TL, TV>(f2, TL.Load(ref Unsafe.Add(ref tw, m)));
        TV s2 = ComplexMultiply<TL, TV>(f3, TL.Load(ref Unsafe.Add(ref tw, 2 * m)));
        TV s5 = TL.Subtract16(f0, s1), g0 = TL.Add16(f0, s1);
        TV s3 = TL.Add16(s0, s2), s4 = TL.Subtract16(s0, s2);
        // (s4I, -s4R): s4 times -i.
        TV rotated = Conjugate<TL, TV>(Swap<TL, TV>(s4));
        TL.Store(TL.Add16(g0, s3), ref f);
        TL.Store(TL.Add16(s5, rotated), ref Unsafe.Add(ref f, m));
        TL.Store(TL.Subtract16(g0, s3), ref Unsafe.Add(ref f, 2 * m));
        TL.Store(TL.Subtract16(s5, rotated), ref Unsafe.Add(ref f, 3 * m));
    }

    /// <summary>A vector of radix-2 butterflies (<see cref="Butterfly2"/>), the first at <paramref name="f"/>; not inlined, as <see cref="Butterflies4"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Butterflies2<TL, TV>(ref int f, ref int tw, int m)
        where TL : struct, IInt32Lanes<TV>
        where TV : struct
    {
        TV a = Scale<TL, TV>(TL.Load(ref f), 16383);
        TV b = Scale<TL, TV>(TL.Load(ref Unsafe.Add(ref f, m)), 16383);
        TV t = ComplexMultiply<TL, TV>(b, TL.Load(ref tw));
        TL.Store(TL.Subtract16(a, t), ref Unsafe.Add(ref f, m));
        TL.Store(TL.Add16(a, t), ref f);
    }

    /// <summary>
    /// The butterfly of a first-stage radix-4 group (one butterfly, m = 1) within one vector, as <see cref="Butterfly4"/>
    /// computes it: lane q holds the group's value q, lanes 1 to 3 of <paramref name="twiddles"/> their twiddles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> LeafButterfly4(Vector128<int> values, Vector128<int> twiddles)
    {
        Vector128<int> first = Vector128.Create(-1, 0, 0, 0), lowHalf = Vector128.Create(-1, -1, 0, 0), odd = Vector128.Create(0, -1, 0, -1);
        Vector128<int> scaled = Scale<Int32Lanes128, Vector128<int>>(values, 8191);
        // [f0, s0, s1, s2]: f1..f3 times their twiddles.
        Vector128<int> a = Vector128.ConditionalSelect(first, scaled, ComplexMultiply<Int32Lanes128, Vector128<int>>(scaled, twiddles));
        Vector128<int> low = Vector128.Shuffle(a, Vector128.Create(0, 1, 0, 1)), high = Vector128.Shuffle(a, Vector128.Create(2, 3, 2, 3));
        // [f0 + s1, s3 = s0 + s2, s5 = f0 - s1, s4 = s0 - s2].
        Vector128<int> u = Vector128.ConditionalSelect(lowHalf, Int32Lanes128.Add16(low, high), Int32Lanes128.Subtract16(low, high));
        Vector128<int> w = Vector128.Shuffle(u, Vector128.Create(0, 2, 0, 2)), r = Vector128.Shuffle(u, Vector128.Create(1, 3, 1, 3));
        // [s3, s4 times -i, s3, s4 times -i].
        Vector128<int> z = Vector128.ConditionalSelect(odd, Conjugate<Int32Lanes128, Vector128<int>>(Swap<Int32Lanes128, Vector128<int>>(r)), r);
        return Vector128.ConditionalSelect(lowHalf, Int32Lanes128.Add16(w, z), Int32Lanes128.Subtract16(w, z));
    }

    /// <summary>KISS FFT's <c>kf_bfly2</c> for butterfly <paramref name="k"/> of a group.</summary>
    private static void Butterfly2(Span<short> f, ReadOnlySpan<short> twiddles, int m, int k)
    {
        int a = 2 * k, b = 2 * (k + m), tw = 2 * k;
        FixDivide(f, a, 16383);
        FixDivide(f, b, 16383);
        short tR = MulReal(f[b], f[b + 1], twiddles[tw], twiddles[tw + 1]);
        short tI = MulImaginary(f[b], f[b + 1], twiddles[tw], twiddles[tw + 1]);
        f[b] = unchecked((short)(f[a] - tR));
        f[b + 1] = unchecked((short)(f[a + 1] - tI));
        f[a] = unchecked((short)(f[a] + tR));
        f[a + 1] = unchecked((short)(f[a + 1] + tI));
    }

    /// <summary>KISS FFT's <c>kf_bfly4</c> for butterfly <paramref name="k"/> of a group.</summary>
    private static void Butterfly4(Span<short> f, ReadOnlySpan<short> twiddles, int m, int k)
    {
        int f0 = 2 * k, f1 = 2 * (k + m), f2 = 2 * (k + 2 * m), f3 = 2 * (k + 3 * m);
        int tw1 = 2 * k, tw2 = 2 * (k + m), tw3 = 2 * (k + 2 * m);
        FixDivide(f, f0, 8191);
        FixDivide(f, f1, 8191);
        FixDivide(f, f2, 8191);
        FixDivide(f, f3, 8191);

        short s0R = MulReal(f[f1], f[f1 + 1], twiddles[tw1], twiddles[tw1 + 1]), s0I = MulImaginary(f[f1], f[f1 + 1], twiddles[tw1], twiddles[tw1 + 1]);
        short s1R = MulReal(f[f2], f[f2 + 1], twiddles[tw2], twiddles[tw2 + 1]), s1I = MulImaginary(f[f2], f[f2 + 1], twiddles[tw2], twiddles[tw2 + 1]);
        short s2R = MulReal(f[f3], f[f3 + 1], twiddles[tw3], twiddles[tw3 + 1]), s2I = MulImaginary(f[f3], f[f3 + 1], twiddles[tw3], twiddles[tw3 + 1]);

        short s5R = unchecked((short)(f[f0] - s1R)), s5I = unchecked((short)(f[f0 + 1] - s1I));
        f[f0] = unchecked((short)(f[f0] + s1R));
        f[f0 + 1] = unchecked((short)(f[f0 + 1] + s1I));
        short s3R = unchecked((short)(s0R + s2R)), s3I = unchecked((short)(s0I + s2I));
        short s4R = unchecked((short)(s0R - s2R)), s4I = unchecked((short)(s0I - s2I));
        f[f2] = unchecked((short)(f[f0] - s3R));
        f[f2 + 1] = unchecked((short)(f[f0 + 1] - s3I));
        f[f0] = unchecked((short)(f[f0] + s3R));
        f[f0 + 1] = unchecked((short)(f[f0 + 1] + s3I));

        f[f1] = unchecked((short)(s5R + s4I));
        f[f1 + 1] = unchecked((short)(s5I - s4R));
        f[f3] = unchecked((short)(s5R - s4I));
        f[f3 + 1] = unchecked((short)(s5I + s4R));
    }

    /// <summary>Samples 2·<paramref name="pair"/> and the next as one int32 (the first in the low half), zeros past the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SamplePair(ReadOnlySpan<short> input, int pair) =>
        2 * pair + 1 < input.Length
            ? Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(input), 2 * pair)))
            : (ushort)Sample(input, 2 * pair) | (Sample(input, 2 * pair + 1) << 16);

    /// <summary>The sample at <paramref name="index"/>, or 0 past the end (the zero padding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short Sample(ReadOnlySpan<short> input, int index) => index < input.Length ? input[index] : (short)0;

    /// <summary>KISS FFT's <c>C_FIXDIV</c> of one complex value: each part times <c>32767 / radix</c>, rounded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FixDivide(Span<short> f, int at, int factor)
    {
        f[at] = DivideBy(f[at], factor);
        f[at + 1] = DivideBy(f[at + 1], factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short DivideBy(short x, int factor) => Round(x * factor);

    /// <summary>The real part of KISS FFT's <c>C_MUL</c> in Q15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short MulReal(short aR, short aI, short bR, short bI) => Round(unchecked(aR * bR - aI * bI));

    /// <summary>The imaginary part of KISS FFT's <c>C_MUL</c> in Q15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short MulImaginary(short aR, short aI, short bR, short bI) => Round(unchecked(aR * bI + aI * bR));

    /// <summary>KISS FFT's <c>sround</c>: a Q30 product back to Q15, rounded half up, truncated to 16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short Round(int x) => unchecked((short)((x + (1 << 14)) >> 15));
}
