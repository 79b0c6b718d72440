using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// The SELECT_V2 layers' kernel: <c>output[i] = condition[i] ? x[i] : y[i]</c> over one run, x and y each a span
/// as long as the output or one value repeated over it, values copied as stored (1-, 2- or 4-byte elements
/// vectorized; others a scalar loop). 64, 32 or 16 conditions per step: the bool bytes compared with zero give a
/// byte mask, widened (sign-extended) to the element size, then a bitwise select, 512, 256 then 128 bits (SSE on
/// x64's baseline, AdvSimd on ARM64), then a scalar tail. A condition byte counts as true when it is not zero,
/// as C#'s <c>c ? x : y</c> on a bool does. The output may be x, y, or (1-byte elements) the condition.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SelectKernels
{
    /// <summary>The widest vectors the select loop takes on this machine (the portable tiers: 512, 256, 128 bits, else scalar).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary><c>output[i] = condition[i] ? x[i] : y[i]</c>.</summary>
    /// <typeparam name="T">The element type of x, y and the output.</typeparam>
    /// <param name="condition">The condition, as long as the output.</param>
    /// <param name="x">The values where the condition holds, as long as the output.</param>
    /// <param name="y">The values where it does not, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Select<T>(ReadOnlySpan<bool> condition, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> output)
        where T : unmanaged
    {
        Check(condition.Length, output.Length, nameof(condition));
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<T, Elements, Elements>(condition, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), output);
    }

    /// <summary><c>output[i] = condition[i] ? x[i] : y</c>.</summary>
    /// <typeparam name="T">The element type of x, y and the output.</typeparam>
    /// <param name="condition">The condition, as long as the output.</param>
    /// <param name="x">The values where the condition holds, as long as the output.</param>
    /// <param name="y">The one value where it does not.</param>
    /// <param name="output">The result.</param>
    public static void Select<T>(ReadOnlySpan<bool> condition, ReadOnlySpan<T> x, T y, Span<T> output)
        where T : unmanaged
    {
        Check(condition.Length, output.Length, nameof(condition));
        Check(x.Length, output.Length, nameof(x));
        Run<T, Elements, Repeated>(condition, ref MemoryMarshal.GetReference(x), ref y, output);
    }

    /// <summary><c>output[i] = condition[i] ? x : y[i]</c>.</summary>
    /// <typeparam name="T">The element type of x, y and the output.</typeparam>
    /// <param name="condition">The condition, as long as the output.</param>
    /// <param name="x">The one value where the condition holds.</param>
    /// <param name="y">The values where it does not, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Select<T>(ReadOnlySpan<bool> condition, T x, ReadOnlySpan<T> y, Span<T> output)
        where T : unmanaged
    {
        Check(condition.Length, output.Length, nameof(condition));
        Check(y.Length, output.Length, nameof(y));
        Run<T, Repeated, Elements>(condition, ref x, ref MemoryMarshal.GetReference(y), output);
    }

    /// <summary><c>output[i] = condition[i] ? x : y</c>.</summary>
    /// <typeparam name="T">The element type of x, y and the output.</typeparam>
    /// <param name="condition">The condition, as long as the output.</param>
    /// <param name="x">The one value where the condition holds.</param>
    /// <param name="y">The one value where it does not.</param>
    /// <param name="output">The result.</param>
    public static void Select<T>(ReadOnlySpan<bool> condition, T x, T y, Span<T> output)
        where T : unmanaged
    {
        Check(condition.Length, output.Length, nameof(condition));
        Run<T, Repeated, Repeated>(condition, ref x, ref y, output);
    }

    /// <summary>The loop every overload shares, instantiated per element type and operand forms.</summary>
    private static void Run<T, TX, TY>(ReadOnlySpan<bool> condition, ref T x, ref T y, Span<T> output)
        where T : unmanaged
        where TX : struct, IOperandForm
        where TY : struct, IOperandForm
    {
        int n = output.Length;
        ref byte c = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(condition));
        ref T o = ref MemoryMarshal.GetReference(output);
        nuint i = 0;
        if (Unsafe.SizeOf<T>() is 1 or 2 or 4)
        {
            InstructionTier tier = Tier;
            if (tier == InstructionTier.Vector512)
            {
                for (; (int)i <= n - Vector512<byte>.Count; i += (nuint)Vector512<byte>.Count)
                {
                    Blend512<T, TX, TY>(~Vector512.Equals(Vector512.LoadUnsafe(ref c, i), Vector512<byte>.Zero).AsSByte(), ref x, ref y, ref o, i);
                }
            }
            if (tier >= InstructionTier.Vector256)
            {
                for (; (int)i <= n - Vector256<byte>.Count; i += (nuint)Vector256<byte>.Count)
                {
                    Blend256<T, TX, TY>(~Vector256.Equals(Vector256.LoadUnsafe(ref c, i), Vector256<byte>.Zero).AsSByte(), ref x, ref y, ref o, i);
                }
            }
            if (tier >= InstructionTier.Vector128)
            {
                for (; (int)i <= n - Vector128<byte>.Count; i += (nuint)Vector128<byte>.Count)
                {
                    Blend128<T, TX, TY>(~Vector128.Equals(Vector128.LoadUnsafe(ref c, i), Vector128<byte>.Zero).AsSByte(), ref x, ref y, ref o, i);
                }
            }
        }
        for (; (int)i < n; i++)
        {
            Unsafe.Add(ref o, i) = Unsafe.Add(ref c, i) != 0 ? TX.Load(ref x, i) : TY.Load(ref y, i);
        }
    }

    /// <summary>Selects the 16 elements from <paramref name="i"/> by their byte masks, widened to the element size (every load before any store).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend128<T, TX, TY>(Vector128<sbyte> masks, ref T x, ref T y, ref T o, nuint i)
        where T : unmanaged
        where TX : struct, IOperandForm
        where TY : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        if (size == 1)
        {
            Vector128.ConditionalSelect(masks.As<sbyte, T>(), TX.Load128(ref x, i), TY.Load128(ref y, i)).StoreUnsafe(ref o, i);
            return;
        }
        (Vector128<short> low, Vector128<short> high) = Vector128.Widen(masks);
        if (size == 2)
        {
            Blend(low.As<short, T>(), ref x, ref y, ref o, i);
            Blend(high.As<short, T>(), ref x, ref y, ref o, i + (nuint)Vector128<short>.Count);
            return;
        }
        (Vector128<int> m0, Vector128<int> m1) = Vector128.Widen(low);
        (Vector128<int> m2, Vector128<int> m3) = Vector128.Widen(high);
        nuint count = (nuint)Vector128<int>.Count;
        Blend(m0.As<int, T>(), ref x, ref y, ref o, i);
        Blend(m1.As<int, T>(), ref x, ref y, ref o, i + count);
        Blend(m2.As<int, T>(), ref x, ref y, ref o, i + (2 * count));
        Blend(m3.As<int, T>(), ref x, ref y, ref o, i + (3 * count));

        static void Blend(Vector128<T> mask, ref T x, ref T y, ref T o, nuint i) =>
            Vector128.ConditionalSelect(mask, TX.Load128(ref x, i), TY.Load128(ref y, i)).StoreUnsafe(ref o, i);
    }

    /// <summary>Selects the 32 elements from <paramref name="i"/> by their byte masks (see <see cref="Blend128"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend256<T, TX, TY>(Vector256<sbyte> masks, ref T x, ref T y, ref T o, nuint i)
        where T : unmanaged
        where TX : struct, IOperandForm
        where TY : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        if (size == 1)
        {
            Vector256.ConditionalSelect(masks.As<sbyte, T>(), TX.Load256(ref x, i), TY.Load256(ref y, i)).StoreUnsafe(ref o, i);
            return;
        }
        (Vector256<short> low, Vector256<short> high) = Vector256.Widen(masks);
        if (size == 2)
        {
            Blend(low.As<short, T>(), ref x, ref y, ref o, i);
            Blend(high.As<short, T>(), ref x, ref y, ref o, i + (nuint)Vector256<short>.Count);
            return;
        }
        (Vector256<int> m0, Vector256<int> m1) = Vector256.Widen(low);
        (Vector256<int> m2, Vector256<int> m3) = Vector256.Widen(high);
        nuint count = (nuint)Vector256<int>.Count;
        Blend(m0.As<int, T>(), ref x, ref y, ref o, i);
        Blend(m1.As<int, T>(), ref x, ref y, ref o, i + count);
        Blend(m2.As<int, T>(), ref x, ref y, ref o, i + (2 * count));
        Blend(m3.As<int, T>(), ref x, ref y, ref o, i + (3 * count));

        static void Blend(Vector256<T> mask, ref T x, ref T y, ref T o, nuint i) =>
            Vector256.ConditionalSelect(mask, TX.Load256(ref x, i), TY.Load256(ref y, i)).StoreUnsafe(ref o, i);
    }

    /// <summary>Selects the 64 elements from <paramref name="i"/> by their byte masks (see <see cref="Blend128"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blend512<T, TX, TY>(Vector512<sbyte> masks, ref T x, ref T y, ref T o, nuint i)
        where T : unmanaged
        where TX : struct, IOperandForm
        where TY : struct, IOperandForm
    {
        int size = Unsafe.SizeOf<T>();
        if (size == 1)
        {
            Vector512.ConditionalSelect(masks.As<sbyte, T>(), TX.Load512(ref x, i), TY.Load512(ref y, i)).StoreUnsafe(ref o, i);
            return;
        }
        (Vector512<short> low, Vector512<short> high) = Vector512.Widen(masks);
        if (size == 2)
        {
            Blend(low.As<short, T>(), ref x, ref y, ref o, i);
            Blend(high.As<short, T>(), ref x, ref y, ref o, i + (nuint)Vector512<short>.Count);
            return;
        }
        (Vector512<int> m0, Vector512<int> m1) = Vector512.Widen(low);
        (Vector512<int> m2, Vector512<int> m3) = Vector512.Widen(high);
        nuint count = (nuint)Vector512<int>.Count;
        Blend(m0.As<int, T>(), ref x, ref y, ref o, i);
        Blend(m1.As<int, T>(), ref x, ref y, ref o, i + count);
        Blend(m2.As<int, T>(), ref x, ref y, ref o, i + (2 * count));
        Blend(m3.As<int, T>(), ref x, ref y, ref o, i + (3 * count));

        static void Blend(Vector512<T> mask, ref T x, ref T y, ref T o, nuint i) =>
            Vector512.ConditionalSelect(mask, TX.Load512(ref x, i), TY.Load512(ref y, i)).StoreUnsafe(ref o, i);
    }
}
