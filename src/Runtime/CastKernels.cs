using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// CAST between int8, int16, int32, uint32 and float32, and from bool to those, as TFLM's <c>static_cast</c> on x86-64
/// computes it, sixteen elements at a time (AVX2, SSE2, ARM64's AdvSimd): integers keep their low bits, integers to
/// float round to nearest, floats truncate toward zero with <see cref="int.MinValue"/> out of range or NaN (see
/// <see cref="CastConversions"/>), bools become 0 or 1, every lane with the scalar conversion's bits.
/// </summary>
/// <remarks>uint32 to float32 and float32 to uint32 (conversions through 64 bits) keep the generated scalar loop.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CastKernels
{
    /// <summary>The widest vectors the conversions take on this machine: 256 or 128 bits, else scalar.</summary>
    public static InstructionTier Tier => InstructionTiers.Portable256;

    /// <summary><c>output[i] = static_cast&lt;TTo&gt;(input[i])</c>, for two different types of the ones above (a bool input: 0 or 1).</summary>
    /// <typeparam name="TFrom">The input's element type.</typeparam>
    /// <typeparam name="TTo">The output's element type.</typeparam>
    /// <param name="input">The input.</param>
    /// <param name="output">The output, at least as long as the input.</param>
    /// <exception cref="NotSupportedException">A pair of types this kernel does not convert.</exception>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> input, Span<TTo> output)
        where TFrom : unmanaged
        where TTo : unmanaged
    {
        if (typeof(TFrom) == typeof(TTo))
        {
            throw new NotSupportedException("CAST to the same type is a copy.");
        }
        if (typeof(TFrom) == typeof(bool))
        {
            To<BoolSource, byte, TTo>(MemoryMarshal.Cast<TFrom, byte>(input), output);
        }
        else if (typeof(TFrom) == typeof(sbyte))
        {
            To<Int8Source, sbyte, TTo>(MemoryMarshal.Cast<TFrom, sbyte>(input), output);
        }
        else if (typeof(TFrom) == typeof(short))
        {
            To<Int16Source, short, TTo>(MemoryMarshal.Cast<TFrom, short>(input), output);
        }
        else if (typeof(TFrom) == typeof(int) || (typeof(TFrom) == typeof(uint) && typeof(TTo) != typeof(float)))
        {
            To<Int32Source, int, TTo>(MemoryMarshal.Cast<TFrom, int>(input), output);
        }
        else if (typeof(TFrom) == typeof(float) && typeof(TTo) != typeof(uint))
        {
            To<FloatCastSource, float, TTo>(MemoryMarshal.Cast<TFrom, float>(input), output);
        }
        else
        {
            throw new NotSupportedException($"CAST from {typeof(TFrom).Name} to {typeof(TTo).Name} has no vector kernel.");
        }
    }

    private static void To<TSource, TIn, TTo>(ReadOnlySpan<TIn> input, Span<TTo> output)
        where TSource : struct, ILanes16Source<TIn>
        where TIn : unmanaged
        where TTo : unmanaged
    {
        if (typeof(TTo) == typeof(sbyte))
        {
            Run<TSource, TIn, ByteSink, sbyte>(input, MemoryMarshal.Cast<TTo, sbyte>(output));
        }
        else if (typeof(TTo) == typeof(short))
        {
            Run<TSource, TIn, Int16Sink, short>(input, MemoryMarshal.Cast<TTo, short>(output));
        }
        else if (typeof(TTo) == typeof(int) || typeof(TTo) == typeof(uint))
        {
            Run<TSource, TIn, Int32Sink, int>(input, MemoryMarshal.Cast<TTo, int>(output));
        }
        else if (typeof(TTo) == typeof(float))
        {
            Run<TSource, TIn, FloatSink, float>(input, MemoryMarshal.Cast<TTo, float>(output));
        }
        else
        {
            throw new NotSupportedException($"CAST to {typeof(TTo).Name} has no vector kernel.");
        }
    }

    private static void Run<TSource, TIn, TSink, TOut>(ReadOnlySpan<TIn> input, Span<TOut> output)
        where TSource : struct, ILanes16Source<TIn>
        where TIn : unmanaged
        where TSink : struct, ILanes16Sink<TOut>
        where TOut : unmanaged
    {
        const int Block = 16;
        int n = input.Length;
        output = output.Slice(0, n);
        ref TIn x = ref MemoryMarshal.GetReference(input);
        ref TOut y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Block; i += Block)
            {
                (Vector256<int> a, Vector256<int> b) = TSource.Load16(ref Unsafe.Add(ref x, i));
                TSink.Store16(a, b, ref Unsafe.Add(ref y, i));
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Block; i += Block)
            {
                (Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) = TSource.Load16Narrow(ref Unsafe.Add(ref x, i));
                TSink.Store16(a, b, c, d, ref Unsafe.Add(ref y, i));
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = TSink.FromInt(TSource.ToInt(Unsafe.Add(ref x, i)));
        }
    }
}
