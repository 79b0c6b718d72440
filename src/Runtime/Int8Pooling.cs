using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The window sums of int8 and int16 AVERAGE_POOL_2D layers: every channel of a pooling window summed at once, channels
/// innermost (NHWC), 16 channels per step in four int32 vectors. Integer sums wrap modulo 2^32 whatever their order,
/// so each channel's sum equals TensorFlow Lite Micro's row-by-row, column-by-column int32 accumulation.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Int8Pooling
{
    /// <summary>The path both <c>SumWindow</c> overloads take on this machine: portable 128-bit vectors, else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.IsHardwareAccelerated ? InstructionTier.Vector128 : InstructionTier.Scalar;
    }

    /// <summary>
    /// <c>sums[c] = Σ input[r · rowStride + x · channels + c]</c> over <paramref name="rows"/> rows and
    /// <paramref name="columns"/> pixels per row, with <c>channels = sums.Length</c>.
    /// </summary>
    /// <param name="input">The window's first pixel onwards.</param>
    /// <param name="rows">Rows of the window.</param>
    /// <param name="columns">Pixels per row of the window.</param>
    /// <param name="rowStride">Values from one row of the image to the next.</param>
    /// <param name="sums">One sum per channel, overwritten.</param>
    /// <exception cref="ArgumentException">The input is too short for the window.</exception>
    public static void SumWindow(ReadOnlySpan<sbyte> input, int rows, int columns, int rowStride, Span<int> sums) =>
        SumWindow<sbyte, Int8Source>(input, rows, columns, rowStride, sums);

    /// <summary>The int16 AVERAGE_POOL_2D window sums: as the int8 overload, sixteen int16 channels per step.</summary>
    /// <param name="input">The window's first pixel onwards.</param>
    /// <param name="rows">Rows of the window.</param>
    /// <param name="columns">Pixels per row of the window.</param>
    /// <param name="rowStride">Values from one row of the image to the next.</param>
    /// <param name="sums">One sum per channel, overwritten.</param>
    /// <exception cref="ArgumentException">The input is too short for the window.</exception>
    public static void SumWindow(ReadOnlySpan<short> input, int rows, int columns, int rowStride, Span<int> sums) =>
        SumWindow<short, Int16Source>(input, rows, columns, rowStride, sums);

    private static void SumWindow<T, TSource>(ReadOnlySpan<T> input, int rows, int columns, int rowStride, Span<int> sums)
        where T : unmanaged
        where TSource : struct, ILanes16Source<T>
    {
        int channels = sums.Length;
        if (rows <= 0 || columns <= 0 || channels == 0)
        {
            sums.Clear();
            return;
        }
        long needed = (long)(rows - 1) * rowStride + (long)columns * channels;
        if (rowStride < 0 || input.Length < needed)
        {
            ThrowHelper.ThrowWrongLength(nameof(input), "pooling window", (int)Math.Min(needed, int.MaxValue), input.Length);
        }
        ref T x = ref MemoryMarshal.GetReference(input);
        ref int sum = ref MemoryMarshal.GetReference(sums);
        int c = 0;
        if (Tier == InstructionTier.Vector128)
        {
            for (; c <= channels - 16; c += 16)
            {
                Vector128<int> a = Vector128<int>.Zero, b = a, d = a, e = a;
                for (int r = 0; r < rows; r++)
                {
                    ref T pixel = ref Unsafe.Add(ref x, (nint)r * rowStride + c);
                    for (int i = 0; i < columns; i++, pixel = ref Unsafe.Add(ref pixel, channels))
                    {
                        (Vector128<int> l0, Vector128<int> l1, Vector128<int> h0, Vector128<int> h1) = TSource.Load16Narrow(ref pixel);
                        a += l0;
                        b += l1;
                        d += h0;
                        e += h1;
                    }
                }
                a.StoreUnsafe(ref sum, (nuint)c);
                b.StoreUnsafe(ref sum, (nuint)c + 4);
                d.StoreUnsafe(ref sum, (nuint)c + 8);
                e.StoreUnsafe(ref sum, (nuint)c + 12);
            }
        }
        for (; c < channels; c++)
        {
            int total = 0;
            for (int r = 0; r < rows; r++)
            {
                ref T pixel = ref Unsafe.Add(ref x, (nint)r * rowStride + c);
                for (int i = 0; i < columns; i++)
                {
                    total += TSource.ToInt(Unsafe.Add(ref pixel, (nint)i * channels));
                }
            }
            Unsafe.Add(ref sum, c) = total;
        }
    }
}
