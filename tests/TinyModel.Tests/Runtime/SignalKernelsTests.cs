using System;
using System.Linq;
using TinyModel.Generator.Operators.Signal;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>
/// SignalKernels, FilterBankKernels and RealFftInt16 against TFLM's signal library written value by value (signal/src/window.cc,
/// energy.cc, fft_auto_scale.cc, max_abs.cc, filter_bank.cc, filter_bank_spectral_subtraction.cc, pcan_argc_fixed.cc, and KISS FFT's <c>kf_work</c>/<c>kiss_fftr</c> with
/// <c>FIXED_POINT=16</c>), on random values and the extremes (-32768 above all). Lengths cover every vector width
/// and the leftovers; the path taken depends on the machine, so CI also runs these under DOTNET_EnableAVX512=0,
/// DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0 (and ARM64 under qemu).
/// </summary>
public class SignalKernelsTests
{
    public static TheoryData<int> Lengths() => new() { 1, 2, 3, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 100, 480 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WindowSaturatesTheShiftedProducts(int length)
    {
        var random = new Random(length);
        foreach (int shift in new[] { 0, 1, 12, 15, 31 })
        {
            short[] window = Samples(random, length), input = Samples(random, 3 * length), output = new short[3 * length];
            SignalKernels.ApplyWindow(input, window, shift, output);
            for (int i = 0; i < input.Length; i++)
            {
                int expected = Math.Clamp((input[i] * window[i % length]) >> shift, short.MinValue, short.MaxValue);
                Assert.Equal(expected, output[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EnergyIsTheWrappingSumOfSquaresOverTheRange(int bins)
    {
        var random = new Random(bins);
        short[] spectrum = Samples(random, 2 * bins);
        foreach ((int start, int end) in new[] { (0, bins), (1, bins), (bins / 3, bins - bins / 4) })
        {
            uint[] output = Enumerable.Repeat(7u, bins).ToArray();
            SignalKernels.Energy(spectrum, start, end, output);
            for (int i = 0; i < bins; i++)
            {
                uint expected = i >= start && i < end
                    ? unchecked((uint)(spectrum[2 * i] * spectrum[2 * i] + spectrum[2 * i + 1] * spectrum[2 * i + 1]))
                    : 7u;
                Assert.Equal(expected, output[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FftAutoScaleShiftsByTheHeadroomOfTheRunningMaximum(int length)
    {
        var random = new Random(length);
        foreach (int bits in new[] { 0, 1, 5, 15 })
        {
            // Values of at most 15 - bits magnitude bits, so each scale is reached; then one -32768 somewhere.
            short[] input = Enumerable.Range(0, length).Select(_ => (short)random.Next(-(32767 >> bits), (32767 >> bits) + 1)).ToArray();
            AssertAutoScale(input);
            input[random.Next(length)] = short.MinValue;
            AssertAutoScale(input);
        }
        AssertAutoScale(new short[length]);
    }

    public static TheoryData<int, int> FftLengths()
    {
        var data = new TheoryData<int, int>();
        foreach (int fftLength in new[] { 4, 8, 16, 32, 64, 128, 256, 512, 1024 })
        {
            data.Add(fftLength, fftLength);
            data.Add(fftLength, fftLength / 2 + 1);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FftLengths))]
    public void RealFftMatchesKissFft(int fftLength, int samples)
    {
        int n = fftLength / 2;
        int[] factors = SignalRfft.Factors(n);
        short[] twiddles = SignalRfft.Twiddles(n), stageTwiddles = SignalRfft.StageTwiddles(n, factors), superTwiddles = SignalRfft.SuperTwiddles(n);
        var random = new Random(fftLength + samples);
        foreach (int magnitude in new[] { 100, 32767 })
        {
            short[] input = Enumerable.Range(0, samples).Select(_ => (short)random.Next(-magnitude, magnitude + 1)).ToArray();
            if (magnitude == 32767)
            {
                input[0] = input[samples - 1] = short.MinValue;
            }
            short[] output = new short[2 * (n + 1)];
            RealFftInt16.Transform(input, stageTwiddles, superTwiddles, factors, new short[2 * n], output);
            Assert.Equal(KissFftr(input, n, twiddles, superTwiddles, factors), output);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FilterBankSumsModulo2To64(int seed)
    {
        // Bands of 0 to 20 bins over the whole uint32 range of energies and int16 weights of either sign.
        var random = new Random(seed);
        const int channels = 12, bins = 200;
        uint[] input = Enumerable.Range(0, bins).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray();
        input[0] = uint.MaxValue;
        short[] weights = Samples(random, bins), unweights = Samples(random, bins);
        short[] widths = Enumerable.Range(0, channels + 1).Select(_ => (short)random.Next(0, 21)).ToArray();
        short[] frequencyStarts = widths.Select(w => (short)random.Next(0, bins - w + 1)).ToArray();
        short[] weightStarts = widths.Select(w => (short)random.Next(0, bins - w + 1)).ToArray();
        ulong[] output = new ulong[channels];
        FilterBankKernels.Accumulate(input, weights, unweights, frequencyStarts, weightStarts, widths, output);

        ulong weighted = 0, unweighted = 0;
        for (int c = 0; c <= channels; c++)
        {
            for (int j = 0; j < widths[c]; j++)
            {
                ulong energy = input[frequencyStarts[c] + j];
                weighted += (ulong)(long)weights[weightStarts[c] + j] * energy;
                unweighted += (ulong)(long)unweights[weightStarts[c] + j] * energy;
            }
            if (c > 0)
            {
                Assert.Equal(weighted, output[c - 1]);
            }
            (weighted, unweighted) = (unweighted, 0);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SpectralSubtractionKeepsTflmsEstimateOverSeveralWindows(int channels)
    {
        // micro_speech's settings, then full-range coefficients whose two products overflow 2^64, and odd shift counts.
        var random = new Random(channels);
        foreach ((uint smoothing, uint complement, uint alternate, uint alternateComplement, uint minimum, int bits, int scale, bool clamping) in new[]
        {
            (655u, 15729u, 655u, 15729u, 1638u, 10, 14, false),
            (1000u, 15384u, 3000u, 13384u, 1638u, 0, 14, true),
            (uint.MaxValue, uint.MaxValue - 5, 0x9E3779B9u, 0x7F4A7C15u, uint.MaxValue, 31, 63, true),
            (0x12345678u, 0xFEDCBA98u, 1u, 0u, 0x80000000u, 17, 33, false),
        })
        {
            uint[] estimate = Enumerable.Range(0, channels).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray();
            uint[] expectedEstimate = (uint[])estimate.Clone();
            for (int window = 0; window < 4; window++)
            {
                uint[] input = Enumerable.Range(0, channels).Select(i => i % 5 == 2 ? uint.MaxValue : (uint)random.NextInt64(0, window == 0 ? 1L << 32 : 1L << 20)).ToArray();
                uint[] output = new uint[channels];
                SignalKernels.SpectralSubtraction(input, estimate, output, smoothing, complement, alternate, alternateComplement, minimum, bits, scale, clamping);
                for (int i = 0; i < channels; i++)
                {
                    // filter_bank_spectral_subtraction.cc, value by value.
                    ulong s = (i & 1) == 0 ? smoothing : alternate, c = (i & 1) == 0 ? complement : alternateComplement;
                    uint signalScaledUp = input[i] << bits;
                    expectedEstimate[i] = unchecked((uint)((signalScaledUp * s + expectedEstimate[i] * c) >> scale));
                    uint estimateScaledUp = expectedEstimate[i];
                    if (estimateScaledUp > signalScaledUp)
                    {
                        estimateScaledUp = signalScaledUp;
                        if (clamping)
                        {
                            expectedEstimate[i] = estimateScaledUp;
                        }
                    }
                    uint floor = unchecked((uint)(((ulong)input[i] * minimum) >> scale));
                    uint subtracted = (signalScaledUp - estimateScaledUp) >> bits;
                    Assert.Equal(subtracted > floor ? subtracted : floor, output[i]);
                }
                Assert.Equal(expectedEstimate, estimate);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PcanGainsShiftsAndShrinksEachChannel(int channels)
    {
        var random = new Random(channels);
        short[] table = Samples(random, 4 * 32 - 6 + 3);
        foreach (int snrShift in new[] { 0, 6, 32, 63 })
        {
            // Noise estimates of every magnitude (0 to 2 read the table directly); signals small enough to land below 2 too.
            uint[] noise = Enumerable.Range(0, channels).Select(i => (uint)(random.NextInt64(0, 1L << 32) >> (i % 33))).ToArray();
            uint[] input = Enumerable.Range(0, channels).Select(i => (uint)(random.NextInt64(0, 1L << 32) >> (i % 29))).ToArray();
            uint[] output = new uint[channels];
            SignalKernels.Pcan(input, noise, table, snrShift, output);
            Assert.Equal(Enumerable.Range(0, channels).Select(i => SignalMath.PcanShrink(
                unchecked((uint)(((ulong)input[i] * unchecked((uint)SignalMath.PcanGain(noise[i], table))) >> snrShift)))), output);
        }
    }

    private static void AssertAutoScale(short[] input)
    {
        // max_abs.cc as written: a running int16 maximum, which -(-32768) wraps back to -32768.
        short max = 0;
        foreach (short value in input)
        {
            max = value > max ? value : -value > max ? unchecked((short)-value) : max;
        }
        int bits = Math.Max(16 - (max == 0 ? 32 : 32 - System.Numerics.BitOperations.LeadingZeroCount(unchecked((uint)max))) - 1, 0);
        short[] output = new short[input.Length];
        Assert.Equal(bits, SignalKernels.FftAutoScale(input, output));
        Assert.Equal(input.Select(x => unchecked((short)(x * (1 << bits)))), output);
    }

    private static short[] Samples(Random random, int count)
    {
        short[] values = Enumerable.Range(0, count).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        values[0] = short.MinValue;
        values[count - 1] = short.MaxValue;
        return values;
    }

    /// <summary>kiss_fftr: the complex FFT of the sample pairs (kf_work, twiddles read at index j·k·stride), then the split.</summary>
    private static short[] KissFftr(short[] input, int n, short[] twiddles, short[] superTwiddles, int[] factors)
    {
        var pairs = new (short R, short I)[n];
        Stage(pairs, 0, input, 0, 1, 0);
        var output = new short[2 * (n + 1)];
        (short R, short I) dc = (Q15(pairs[0].R * 16383), Q15(pairs[0].I * 16383));
        output[0] = (short)(dc.R + dc.I);
        output[2 * n] = (short)(dc.R - dc.I);
        for (int k = 1; k <= n / 2; k++)
        {
            (short R, short I) fpk = (Q15(pairs[k].R * 16383), Q15(pairs[k].I * 16383));
            (short R, short I) fpnk = (Q15(pairs[n - k].R * 16383), Q15((short)-pairs[n - k].I * 16383));
            (short R, short I) f1k = ((short)(fpk.R + fpnk.R), (short)(fpk.I + fpnk.I)), f2k = ((short)(fpk.R - fpnk.R), (short)(fpk.I - fpnk.I));
            (short R, short I) tw = Multiply(f2k, (superTwiddles[2 * (k - 1)], superTwiddles[2 * (k - 1) + 1]));
            output[2 * k] = (short)((f1k.R + tw.R) >> 1);
            output[2 * k + 1] = (short)((f1k.I + tw.I) >> 1);
            output[2 * (n - k)] = (short)((f1k.R - tw.R) >> 1);
            output[2 * (n - k) + 1] = (short)((tw.I - f1k.I) >> 1);
        }
        return output;

        void Stage((short R, short I)[] f, int at, short[] x, int from, int stride, int factor)
        {
            int p = factors[factor], m = factors[factor + 1];
            for (int q = 0; q < p; q++)
            {
                if (m == 1)
                {
                    int s = from + q * stride;
                    f[at + q] = (2 * s < x.Length ? x[2 * s] : (short)0, 2 * s + 1 < x.Length ? x[2 * s + 1] : (short)0);
                }
                else
                {
                    Stage(f, at + q * m, x, from + q * stride, stride * p, factor + 2);
                }
            }
            int scale = p == 4 ? 8191 : 16383;
            for (int k = 0; k < m; k++)
            {
                var v = new (short R, short I)[p];
                for (int q = 0; q < p; q++)
                {
                    (short R, short I) a = f[at + k + q * m];
                    a = (Q15(a.R * scale), Q15(a.I * scale));
                    v[q] = q == 0 ? a : Multiply(a, (twiddles[2 * q * k * stride], twiddles[2 * q * k * stride + 1]));
                }
                if (p == 2)
                {
                    f[at + k + m] = ((short)(v[0].R - v[1].R), (short)(v[0].I - v[1].I));
                    f[at + k] = ((short)(v[0].R + v[1].R), (short)(v[0].I + v[1].I));
                    continue;
                }
                (short R, short I) s5 = ((short)(v[0].R - v[2].R), (short)(v[0].I - v[2].I)), s0 = ((short)(v[0].R + v[2].R), (short)(v[0].I + v[2].I));
                (short R, short I) s3 = ((short)(v[1].R + v[3].R), (short)(v[1].I + v[3].I)), s4 = ((short)(v[1].R - v[3].R), (short)(v[1].I - v[3].I));
                f[at + k + 2 * m] = ((short)(s0.R - s3.R), (short)(s0.I - s3.I));
                f[at + k] = ((short)(s0.R + s3.R), (short)(s0.I + s3.I));
                f[at + k + m] = ((short)(s5.R + s4.I), (short)(s5.I - s4.R));
                f[at + k + 3 * m] = ((short)(s5.R - s4.I), (short)(s5.I + s4.R));
            }
        }
    }

    private static (short R, short I) Multiply((short R, short I) a, (short R, short I) b) =>
        (Q15(a.R * b.R - a.I * b.I), Q15(a.R * b.I + a.I * b.R));

    private static short Q15(int product) => (short)((product + (1 << 14)) >> 15);
}
