using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// The 16-bit fixed-point real FFT of TensorFlow Lite Micro's SignalRfft (KISS FFT 1.3.0 built with
/// <c>FIXED_POINT=16</c>, <c>kiss_fftr</c>), bit for bit: a complex FFT of half the length over the samples
/// taken in pairs, with every butterfly stage scaled down (so the output is the spectrum divided by the FFT
/// length), then the split into the real transform's bins 0..N/2.
/// </summary>
/// <remarks>
/// Complex values are interleaved shorts (real, imaginary). Twiddle factors, super-twiddles and the radix
/// factorization are computed when the model is compiled (as <c>kiss_fftr_alloc</c> computes them) and
/// passed in; radices 2 and 4 (power-of-two lengths) are supported.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RealFftInt16
{
    /// <summary>
    /// The real FFT of <paramref name="input"/> zero-padded to <c>2 · complexLength</c> samples into
    /// <paramref name="output"/> (<c>complexLength + 1</c> complex bins).
    /// </summary>
    /// <param name="input">The samples; those missing up to the FFT length are zeros.</param>
    /// <param name="twiddles">The complex FFT's twiddles, <c>complexLength</c> complex values.</param>
    /// <param name="superTwiddles">The real split's twiddles, <c>complexLength / 2</c> complex values.</param>
    /// <param name="factors">KISS FFT's factorization of <c>complexLength</c>: pairs (radix, remaining length).</param>
    /// <param name="scratch">Work space of <c>complexLength</c> complex values (2 · complexLength shorts).</param>
    /// <param name="output">The spectrum, <c>complexLength + 1</c> complex values.</param>
    public static void Transform(ReadOnlySpan<short> input, ReadOnlySpan<short> twiddles, ReadOnlySpan<short> superTwiddles,
        ReadOnlySpan<int> factors, Span<short> scratch, Span<short> output)
    {
        int n = twiddles.Length / 2;
        Work(scratch, 0, input, 0, 1, factors, 0, twiddles);

        int dcReal = DivideBy(scratch[0], 16383), dcImaginary = DivideBy(scratch[1], 16383);
        output[0] = unchecked((short)(dcReal + dcImaginary));
        output[1] = 0;
        output[2 * n] = unchecked((short)(dcReal - dcImaginary));
        output[2 * n + 1] = 0;
        for (int k = 1; k <= n / 2; k++)
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

    /// <summary>KISS FFT's <c>kf_work</c>: the decimation in time, recursively, then this stage's butterflies.</summary>
    private static void Work(Span<short> fout, int at, ReadOnlySpan<short> input, int from, int stride, ReadOnlySpan<int> factors, int factor, ReadOnlySpan<short> twiddles)
    {
        int p = factors[factor], m = factors[factor + 1];
        int end = at + p * m;
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
                Work(fout, k, input, from, stride * p, factors, factor + 2, twiddles);
            }
        }
        if (p == 4)
        {
            Butterfly4(fout, at, stride, twiddles, m);
        }
        else
        {
            Butterfly2(fout, at, stride, twiddles, m);
        }
    }

    private static void Butterfly2(Span<short> f, int at, int stride, ReadOnlySpan<short> twiddles, int m)
    {
        for (int k = 0; k < m; k++)
        {
            int a = 2 * (at + k), b = 2 * (at + k + m), tw = 2 * k * stride;
            FixDivide(f, a, 16383);
            FixDivide(f, b, 16383);
            short tR = MulReal(f[b], f[b + 1], twiddles[tw], twiddles[tw + 1]);
            short tI = MulImaginary(f[b], f[b + 1], twiddles[tw], twiddles[tw + 1]);
            f[b] = unchecked((short)(f[a] - tR));
            f[b + 1] = unchecked((short)(f[a + 1] - tI));
            f[a] = unchecked((short)(f[a] + tR));
            f[a + 1] = unchecked((short)(f[a + 1] + tI));
        }
    }

    private static void Butterfly4(Span<short> f, int at, int stride, ReadOnlySpan<short> twiddles, int m)
    {
        for (int k = 0; k < m; k++)
        {
            int f0 = 2 * (at + k), f1 = 2 * (at + k + m), f2 = 2 * (at + k + 2 * m), f3 = 2 * (at + k + 3 * m);
            int tw1 = 2 * k * stride, tw2 = 4 * k * stride, tw3 = 6 * k * stride;
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
    }

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
