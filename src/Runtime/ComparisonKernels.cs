using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// A relation between two elements, one pair at a time and on every lane of a vector (all ones where it
/// holds), with the same answer: the comparison operators of C# and C++, NaN compared unordered.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IComparison
{
    /// <summary>Whether the relation holds for one pair.</summary>
    static abstract bool Invoke<T>(T x, T y)
        where T : INumber<T>;

    /// <summary>The relation on 128-bit vectors: all ones in each lane where it holds, zero elsewhere.</summary>
    static abstract Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y);

    /// <summary>The relation on 256-bit vectors.</summary>
    static abstract Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y);

    /// <summary>The relation on 512-bit vectors.</summary>
    static abstract Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y);
}

/// <summary>
/// The comparison layers' kernels (EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL on inputs compared
/// as stored: float32, int32, int64, bool, and int8 where TFLM's rescaling changes no outcome): one run of the bool output, each input a span as long as the output
/// or one value repeated over it. 64, 32 or 16 outputs per step: the lane masks narrowed to bytes, 512, 256 then
/// 128 bits (SSE on x64's baseline, AdvSimd on ARM64), then a scalar tail.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ComparisonKernels
{
    /// <summary>The widest vectors the comparison loops take on this machine (the portable tiers: 512, 256, 128 bits, else scalar).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary><c>output[i] = TComparison(x[i], y[i])</c>.</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Compare<T, TComparison>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> output)
        where T : unmanaged, INumber<T>
        where TComparison : IComparison
    {
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<T, TComparison, Elements, Elements>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), output);
    }

    /// <summary><c>output[i] = TComparison(x[i], y)</c>.</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="output">The result.</param>
    public static void Compare<T, TComparison>(ReadOnlySpan<T> x, T y, Span<bool> output)
        where T : unmanaged, INumber<T>
        where TComparison : IComparison
    {
        Check(x.Length, output.Length, nameof(x));
        Run<T, TComparison, Elements, Repeated>(ref MemoryMarshal.GetReference(x), ref y, output);
    }

    /// <summary><c>output[i] = TComparison(x, y[i])</c>.</summary>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Compare<T, TComparison>(T x, ReadOnlySpan<T> y, Span<bool> output)
        where T : unmanaged, INumber<T>
        where TComparison : IComparison
    {
        Check(y.Length, output.Length, nameof(y));
        Run<T, TComparison, Repeated, Elements>(ref x, ref MemoryMarshal.GetReference(y), output);
    }

    /// <summary>EQUAL or NOT_EQUAL of two bool spans, compared as their stored bytes (as C#'s <c>==</c> on bools).</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Compare<TComparison>(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> output)
        where TComparison : IComparison =>
        Compare<byte, TComparison>(MemoryMarshal.AsBytes(x), MemoryMarshal.AsBytes(y), output);

    /// <summary>
    /// LOGICAL_NOT: <c>output[i] = !input[i]</c>, as the stored byte compared with zero (what C#'s <c>!</c> on a bool
    /// compiles to). The output may be the input.
    /// </summary>
    /// <param name="input">The input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void LogicalNot(ReadOnlySpan<bool> input, Span<bool> output) =>
        Compare<byte, Equal>(MemoryMarshal.AsBytes(input), (byte)0, output);

    private static void Run<T, TComparison, TLeft, TRight>(ref T x, ref T y, Span<bool> output)
        where T : unmanaged, INumber<T>
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
    {
        int n = output.Length;
        ref byte o = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(output));
        nuint i = 0;
        int size = Unsafe.SizeOf<T>();
        if (size is 1 or 4 or 8)
        {
            InstructionTier tier = Tier;
            if (tier == InstructionTier.Vector512)
            {
                for (; (int)i <= n - Vector512<byte>.Count; i += (nuint)Vector512<byte>.Count)
                {
                    (Masks512<T, TComparison, TLeft, TRight>(ref x, ref y, i) & Vector512<byte>.One).StoreUnsafe(ref o, i);
                }
            }
            if (tier >= InstructionTier.Vector256)
            {
                for (; (int)i <= n - Vector256<byte>.Count; i += (nuint)Vector256<byte>.Count)
                {
                    (Masks256<T, TComparison, TLeft, TRight>(ref x, ref y, i) & Vector256<byte>.One).StoreUnsafe(ref o, i);
                }
            }
            if (tier >= InstructionTier.Vector128)
            {
                for (; (int)i <= n - Vector128<byte>.Count; i += (nuint)Vector128<byte>.Count)
                {
                    (Masks128<T, TComparison, TLeft, TRight>(ref x, ref y, i) & Vector128<byte>.One).StoreUnsafe(ref o, i);
                }
            }
        }
        for (; (int)i < n; i++)
        {
            Unsafe.Add(ref o, i) = TComparison.Invoke(TLeft.Load(ref x, i), TRight.Load(ref y, i)) ? (byte)1 : (byte)0;
        }
    }

    /// <summary>The masks of the 16 elements from <paramref name="i"/>, one byte each: one, four or eight vectors narrowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Masks128<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        nuint c = (nuint)Vector128<T>.Count;
        if (size == 1)
        {
            return TComparison.Invoke(TLeft.Load128(ref x, i), TRight.Load128(ref y, i)).AsByte();
        }
        Vector128<byte> m0 = Half(Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 0, c), Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 1, c), size);
        Vector128<byte> m1 = Half(Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 2, c), Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 3, c), size);
        if (size == 4)
        {
            return Half(m0, m1, 2);
        }
        Vector128<byte> m2 = Half(Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 4, c), Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 5, c), size);
        Vector128<byte> m3 = Half(Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 6, c), Mask128<T, TComparison, TLeft, TRight>(ref x, ref y, i, 7, c), size);
        return Half(Half(m0, m1, 4), Half(m2, m3, 4), 2);
    }

    /// <summary>The masks of the 32 elements from <paramref name="i"/>, one byte each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Masks256<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        nuint c = (nuint)Vector256<T>.Count;
        if (size == 1)
        {
            return TComparison.Invoke(TLeft.Load256(ref x, i), TRight.Load256(ref y, i)).AsByte();
        }
        Vector256<byte> m0 = Half(Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 0, c), Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 1, c), size);
        Vector256<byte> m1 = Half(Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 2, c), Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 3, c), size);
        if (size == 4)
        {
            return Half(m0, m1, 2);
        }
        Vector256<byte> m2 = Half(Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 4, c), Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 5, c), size);
        Vector256<byte> m3 = Half(Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 6, c), Mask256<T, TComparison, TLeft, TRight>(ref x, ref y, i, 7, c), size);
        return Half(Half(m0, m1, 4), Half(m2, m3, 4), 2);
    }

    /// <summary>The masks of the 64 elements from <paramref name="i"/>, one byte each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Masks512<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        nuint c = (nuint)Vector512<T>.Count;
        if (size == 1)
        {
            return TComparison.Invoke(TLeft.Load512(ref x, i), TRight.Load512(ref y, i)).AsByte();
        }
        Vector512<byte> m0 = Half(Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 0, c), Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 1, c), size);
        Vector512<byte> m1 = Half(Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 2, c), Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 3, c), size);
        if (size == 4)
        {
            return Half(m0, m1, 2);
        }
        Vector512<byte> m2 = Half(Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 4, c), Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 5, c), size);
        Vector512<byte> m3 = Half(Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 6, c), Mask512<T, TComparison, TLeft, TRight>(ref x, ref y, i, 7, c), size);
        return Half(Half(m0, m1, 4), Half(m2, m3, 4), 2);
    }

    /// <summary>The masks of vector <paramref name="k"/> (of <paramref name="count"/> elements) from element <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Mask128<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i, nuint k, nuint count)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm =>
        TComparison.Invoke(TLeft.Load128(ref x, i + k * count), TRight.Load128(ref y, i + k * count)).AsByte();

    /// <inheritdoc cref="Mask128"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Mask256<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i, nuint k, nuint count)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm =>
        TComparison.Invoke(TLeft.Load256(ref x, i + k * count), TRight.Load256(ref y, i + k * count)).AsByte();

    /// <inheritdoc cref="Mask128"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Mask512<T, TComparison, TLeft, TRight>(ref T x, ref T y, nuint i, nuint k, nuint count)
        where TComparison : IComparison
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm =>
        TComparison.Invoke(TLeft.Load512(ref x, i + k * count), TRight.Load512(ref y, i + k * count)).AsByte();

    /// <summary>Two vectors of <paramref name="size"/>-byte masks as one vector of half-size masks (the low half of each, in order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Half(Vector128<byte> low, Vector128<byte> high, int size) => size switch
    {
        8 => Vector128.Narrow(low.AsUInt64(), high.AsUInt64()).AsByte(),
        4 => Vector128.Narrow(low.AsUInt32(), high.AsUInt32()).AsByte(),
        _ => Vector128.Narrow(low.AsUInt16(), high.AsUInt16()),
    };

    /// <inheritdoc cref="Half(Vector128{byte}, Vector128{byte}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Half(Vector256<byte> low, Vector256<byte> high, int size) => size switch
    {
        8 => Vector256.Narrow(low.AsUInt64(), high.AsUInt64()).AsByte(),
        4 => Vector256.Narrow(low.AsUInt32(), high.AsUInt32()).AsByte(),
        _ => Vector256.Narrow(low.AsUInt16(), high.AsUInt16()),
    };

    /// <inheritdoc cref="Half(Vector128{byte}, Vector128{byte}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Half(Vector512<byte> low, Vector512<byte> high, int size) => size switch
    {
        8 => Vector512.Narrow(low.AsUInt64(), high.AsUInt64()).AsByte(),
        4 => Vector512.Narrow(low.AsUInt32(), high.AsUInt32()).AsByte(),
        _ => Vector512.Narrow(low.AsUInt16(), high.AsUInt16()),
    };

    /// <summary>EQUAL: <c>x == y</c> (false for NaN).</summary>
    public readonly struct Equal : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x == y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => Vector128.Equals(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => Vector512.Equals(x, y);
    }

    /// <summary>NOT_EQUAL: <c>x != y</c> (true for NaN).</summary>
    public readonly struct NotEqual : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x != y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => ~Vector128.Equals(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => ~Vector512.Equals(x, y);
    }

    /// <summary>GREATER: <c>x &gt; y</c>.</summary>
    public readonly struct Greater : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x > y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => Vector128.GreaterThan(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThan(x, y);
    }

    /// <summary>GREATER_EQUAL: <c>x &gt;= y</c>.</summary>
    public readonly struct GreaterEqual : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x >= y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => Vector128.GreaterThanOrEqual(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThanOrEqual(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThanOrEqual(x, y);
    }

    /// <summary>LESS: <c>x &lt; y</c>.</summary>
    public readonly struct Less : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x < y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => Vector128.LessThan(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => Vector512.LessThan(x, y);
    }

    /// <summary>LESS_EQUAL: <c>x &lt;= y</c>.</summary>
    public readonly struct LessEqual : IComparison
    {
        /// <inheritdoc/>
        public static bool Invoke<T>(T x, T y)
            where T : INumber<T> => x <= y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke<T>(Vector128<T> x, Vector128<T> y) => Vector128.LessThanOrEqual(x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke<T>(Vector256<T> x, Vector256<T> y) => Vector256.LessThanOrEqual(x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke<T>(Vector512<T> x, Vector512<T> y) => Vector512.LessThanOrEqual(x, y);
    }
}
