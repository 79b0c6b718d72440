using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace TinyModel.Benchmarks;

/// <summary>
/// This machine's peak multiply-accumulate rate for the two instruction mixes TinyModel's convolutions run, so
/// that docs/performance.md can say how close each model comes: int8 layers multiply int16 pairs and add them
/// to int32 sums (<c>vpmaddwd</c> + <c>vpaddd</c>, two MACs per 32-bit lane), float layers multiply and then add
/// (no fused multiply-add, to keep TFLM's rounding: one MAC per lane). Each method runs
/// <see cref="Iterations"/> steps of <see cref="Chains"/> independent accumulators, enough to cover the
/// instructions' latency, so the figure is the throughput bound with operands in registers.
/// </summary>
/// <remarks>
/// Each accumulator feeds its own next step and the operands come from fields, so the JIT can neither hoist nor
/// fold the arithmetic.
/// </remarks>
public class PeakBenchmarks
{
    private readonly short _weight = 1;
    private readonly float _scale = 1f, _offset = 0f;

    /// <summary>Steps per call.</summary>
    public const int Iterations = 1 << 16;

    /// <summary>Independent accumulators per step.</summary>
    public const int Chains = 12;

    /// <summary>MACs per call of a method whose vectors are <paramref name="bytes"/> wide.</summary>
    public static long MacsPerCall(int bytes, bool int16Pairs) => (long)Iterations * Chains * (int16Pairs ? bytes / 2 : bytes / 4);

    [Benchmark(Description = "int16 pairs, 512-bit")]
    public Vector512<int> Int16Pairs512()
    {
        if (!Avx512BW.IsSupported)
        {
            return default;
        }
        Vector512<short> w = Vector512.Create(_weight);
        Vector512<int> a0 = Vector512.Create(1), a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0,
            a6 = a5 + a0, a7 = a6 + a0, a8 = a7 + a0, a9 = a8 + a0, a10 = a9 + a0, a11 = a10 + a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 += Avx512BW.MultiplyAddAdjacent(a0.AsInt16(), w); a1 += Avx512BW.MultiplyAddAdjacent(a1.AsInt16(), w);
            a2 += Avx512BW.MultiplyAddAdjacent(a2.AsInt16(), w); a3 += Avx512BW.MultiplyAddAdjacent(a3.AsInt16(), w);
            a4 += Avx512BW.MultiplyAddAdjacent(a4.AsInt16(), w); a5 += Avx512BW.MultiplyAddAdjacent(a5.AsInt16(), w);
            a6 += Avx512BW.MultiplyAddAdjacent(a6.AsInt16(), w); a7 += Avx512BW.MultiplyAddAdjacent(a7.AsInt16(), w);
            a8 += Avx512BW.MultiplyAddAdjacent(a8.AsInt16(), w); a9 += Avx512BW.MultiplyAddAdjacent(a9.AsInt16(), w);
            a10 += Avx512BW.MultiplyAddAdjacent(a10.AsInt16(), w); a11 += Avx512BW.MultiplyAddAdjacent(a11.AsInt16(), w);
        }
        return Sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    [Benchmark(Description = "int16 pairs, 256-bit")]
    public Vector256<int> Int16Pairs256()
    {
        if (!Avx2.IsSupported)
        {
            return default;
        }
        Vector256<short> w = Vector256.Create(_weight);
        Vector256<int> a0 = Vector256.Create(1), a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0,
            a6 = a5 + a0, a7 = a6 + a0, a8 = a7 + a0, a9 = a8 + a0, a10 = a9 + a0, a11 = a10 + a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 += Avx2.MultiplyAddAdjacent(a0.AsInt16(), w); a1 += Avx2.MultiplyAddAdjacent(a1.AsInt16(), w);
            a2 += Avx2.MultiplyAddAdjacent(a2.AsInt16(), w); a3 += Avx2.MultiplyAddAdjacent(a3.AsInt16(), w);
            a4 += Avx2.MultiplyAddAdjacent(a4.AsInt16(), w); a5 += Avx2.MultiplyAddAdjacent(a5.AsInt16(), w);
            a6 += Avx2.MultiplyAddAdjacent(a6.AsInt16(), w); a7 += Avx2.MultiplyAddAdjacent(a7.AsInt16(), w);
            a8 += Avx2.MultiplyAddAdjacent(a8.AsInt16(), w); a9 += Avx2.MultiplyAddAdjacent(a9.AsInt16(), w);
            a10 += Avx2.MultiplyAddAdjacent(a10.AsInt16(), w); a11 += Avx2.MultiplyAddAdjacent(a11.AsInt16(), w);
        }
        return Sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    [Benchmark(Description = "float mul+add, 512-bit")]
    public Vector512<float> Float512()
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return default;
        }
        // Multiplying by one and adding zero keeps every value where it is: no overflow, no denormals.
        Vector512<float> w = Vector512.Create(_scale), b = Vector512.Create(_offset);
        Vector512<float> a0 = Vector512<float>.One, a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0,
            a6 = a5 + a0, a7 = a6 + a0, a8 = a7 + a0, a9 = a8 + a0, a10 = a9 + a0, a11 = a10 + a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = a0 * w + b; a1 = a1 * w + b; a2 = a2 * w + b; a3 = a3 * w + b; a4 = a4 * w + b; a5 = a5 * w + b;
            a6 = a6 * w + b; a7 = a7 * w + b; a8 = a8 * w + b; a9 = a9 * w + b; a10 = a10 * w + b; a11 = a11 * w + b;
        }
        return Sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    [Benchmark(Description = "float mul+add, 256-bit")]
    public Vector256<float> Float256()
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return default;
        }
        Vector256<float> w = Vector256.Create(_scale), b = Vector256.Create(_offset);
        Vector256<float> a0 = Vector256<float>.One, a1 = a0 + a0, a2 = a1 + a0, a3 = a2 + a0, a4 = a3 + a0, a5 = a4 + a0,
            a6 = a5 + a0, a7 = a6 + a0, a8 = a7 + a0, a9 = a8 + a0, a10 = a9 + a0, a11 = a10 + a0;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = a0 * w + b; a1 = a1 * w + b; a2 = a2 * w + b; a3 = a3 * w + b; a4 = a4 * w + b; a5 = a5 * w + b;
            a6 = a6 * w + b; a7 = a7 * w + b; a8 = a8 * w + b; a9 = a9 * w + b; a10 = a10 * w + b; a11 = a11 * w + b;
        }
        return Sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Sum<T>(Vector512<T> a0, Vector512<T> a1, Vector512<T> a2, Vector512<T> a3, Vector512<T> a4, Vector512<T> a5,
        Vector512<T> a6, Vector512<T> a7, Vector512<T> a8, Vector512<T> a9, Vector512<T> a10, Vector512<T> a11) =>
        a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Sum<T>(Vector256<T> a0, Vector256<T> a1, Vector256<T> a2, Vector256<T> a3, Vector256<T> a4, Vector256<T> a5,
        Vector256<T> a6, Vector256<T> a7, Vector256<T> a8, Vector256<T> a9, Vector256<T> a10, Vector256<T> a11) =>
        a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}
