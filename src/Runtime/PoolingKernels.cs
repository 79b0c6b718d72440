using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// MAX_POOL_2D (int8, int16, float), float AVERAGE_POOL_2D and L2_POOL_2D over one pooling window: every channel at
/// once, channels innermost (NHWC), as many per step as the widest vector holds. Each channel reduces its window in
/// TensorFlow Lite Micro's order (rows, then columns), so float sums are TFLM's, then is clamped to the fused
/// activation's range as TFLM's <c>ActivationFunctionWithMinMax</c> does. (Int8 average pooling sums its windows
/// with <see cref="Int8Pooling"/>.)
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PoolingKernels
{
    /// <summary>The path the window reductions take on this machine: the widest portable vectors, else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>
    /// <c>output[c] = clamp(max over the window of input[r · rowStride + x · channels + c], min, max)</c> over
    /// <paramref name="rows"/> rows and <paramref name="columns"/> pixels per row, with <c>channels = output.Length</c>.
    /// </summary>
    /// <param name="input">The window's first pixel onwards.</param>
    /// <param name="rows">Rows of the window (at least one).</param>
    /// <param name="columns">Pixels per row of the window (at least one).</param>
    /// <param name="rowStride">Values from one row of the image to the next.</param>
    /// <param name="output">The output pixel: one value per channel.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <exception cref="ArgumentOutOfRangeException">The window is empty.</exception>
    /// <exception cref="ArgumentException">The input is too short for the window.</exception>
    public static void MaxWindow(ReadOnlySpan<sbyte> input, int rows, int columns, int rowStride, Span<sbyte> output, sbyte min, sbyte max) =>
        Reduce<sbyte, MaxReduction>(input, rows, columns, rowStride, output, min, max);

    /// <inheritdoc cref="MaxWindow(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte}, sbyte, sbyte)"/>
    public static void MaxWindow(ReadOnlySpan<short> input, int rows, int columns, int rowStride, Span<short> output, short min, short max) =>
        Reduce<short, MaxReduction>(input, rows, columns, rowStride, output, min, max);

    /// <summary>
    /// <c>output[c] = clamp(max over the window of input[r · rowStride + x · channels + c], min, max)</c>, TFLM's float
    /// <c>std::max</c> (a NaN input never becomes the maximum).
    /// </summary>
    /// <inheritdoc cref="MaxWindow(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte}, sbyte, sbyte)"/>
    public static void MaxWindow(ReadOnlySpan<float> input, int rows, int columns, int rowStride, Span<float> output, float min, float max) =>
        Reduce<float, MaxReduction>(input, rows, columns, rowStride, output, min, max);

    /// <summary>
    /// <c>output[c] = clamp(Σ input[r · rowStride + x · channels + c] / (rows · columns), min, max)</c>, each channel
    /// summed row by row, column by column from 0, as TFLM's float <c>AveragePool</c> does.
    /// </summary>
    /// <inheritdoc cref="MaxWindow(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte}, sbyte, sbyte)"/>
    public static void AverageWindow(ReadOnlySpan<float> input, int rows, int columns, int rowStride, Span<float> output, float min, float max) =>
        Reduce<float, AverageReduction>(input, rows, columns, rowStride, output, min, max);

    /// <summary>
    /// <c>output[c] = clamp(√(Σ v · v / (rows · columns)), min, max)</c> over each channel's window values <c>v</c>, in
    /// TFLM's order (<c>L2Pool</c>).
    /// </summary>
    /// <inheritdoc cref="MaxWindow(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte}, sbyte, sbyte)"/>
    public static void L2Window(ReadOnlySpan<float> input, int rows, int columns, int rowStride, Span<float> output, float min, float max) =>
        Reduce<float, L2Reduction>(input, rows, columns, rowStride, output, min, max);

    /// <summary>Checks the window and reduces every channel, the widest vectors first.</summary>
    private static void Reduce<T, TReduction>(ReadOnlySpan<T> input, int rows, int columns, int rowStride, Span<T> output, T min, T max)
        where T : unmanaged, INumber<T>
        where TReduction : struct, IPoolingReduction
    {
        int channels = output.Length;
        if (channels == 0)
        {
            return;
        }
        // TFLM never pools an empty window (the generator refuses layers that would).
        if (rows <= 0 || columns <= 0)
        {
            throw new ArgumentOutOfRangeException(rows <= 0 ? nameof(rows) : nameof(columns), "A pooling window has at least one row and one column.");
        }
        long needed = (long)(rows - 1) * rowStride + (long)columns * channels;
        if (rowStride < 0 || input.Length < needed)
        {
            ThrowHelper.ThrowWrongLength(nameof(input), "pooling window", (int)Math.Min(needed, int.MaxValue), input.Length);
        }
        var window = new Window<T>(ref MemoryMarshal.GetReference(input), rows, columns, rowStride, channels, ref MemoryMarshal.GetReference(output), min, max);
        int c = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            c = Channels<T, Vector512<T>, PoolingLanes512<T>, TReduction>(ref window, c);
        }
        if (tier >= InstructionTier.Vector256)
        {
            c = Channels<T, Vector256<T>, PoolingLanes256<T>, TReduction>(ref window, c);
        }
        if (tier >= InstructionTier.Vector128)
        {
            c = Channels<T, Vector128<T>, PoolingLanes128<T>, TReduction>(ref window, c);
        }
        Channels<T, T, PoolingLanes1<T>, TReduction>(ref window, c);
    }

    /// <summary>Reduces channels <paramref name="c"/> onwards, <c>TLanes.Count</c> at a time while a whole vector fits; returns the first channel left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Channels<T, TVector, TLanes, TReduction>(ref Window<T> window, int c)
        where T : unmanaged, INumber<T>
        where TVector : struct
        where TLanes : struct, IPoolingLanes<TVector, T>
        where TReduction : struct, IPoolingReduction
    {
        int channels = window.Channels, rows = window.Rows, columns = window.Columns;
        TVector lo = TLanes.Broadcast(window.Min), hi = TLanes.Broadcast(window.Max);
        float count = rows * columns;
        for (; c <= channels - TLanes.Count; c += TLanes.Count)
        {
            TVector acc = TReduction.Start<TVector, T, TLanes>();
            for (int r = 0; r < rows; r++)
            {
                ref T pixel = ref Unsafe.Add(ref window.Input, (nint)r * window.RowStride + c);
                for (int i = 0; i < columns; i++, pixel = ref Unsafe.Add(ref pixel, channels))
                {
                    acc = TReduction.Step<TVector, T, TLanes>(acc, TLanes.Load(ref pixel));
                }
            }
            TLanes.Store(TLanes.Clamp(TReduction.Finish<TVector, T, TLanes>(acc, count), lo, hi), ref Unsafe.Add(ref window.Output, c));
        }
        return c;
    }

    /// <summary>A window's arguments, checked, as references.</summary>
    private readonly ref struct Window<T>
    {
        public readonly ref T Input;
        public readonly ref T Output;
        public readonly int Rows, Columns, RowStride, Channels;
        public readonly T Min, Max;

        public Window(ref T input, int rows, int columns, int rowStride, int channels, ref T output, T min, T max)
        {
            Input = ref input;
            Output = ref output;
            Rows = rows;
            Columns = columns;
            RowStride = rowStride;
            Channels = channels;
            Min = min;
            Max = max;
        }
    }

    /// <summary>How a window reduces: a start value, one step per input value, and a last step before the clamp.</summary>
    private interface IPoolingReduction
    {
        static abstract TVector Start<TVector, T, TLanes>()
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T>;

        static abstract TVector Step<TVector, T, TLanes>(TVector acc, TVector value)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T>;

        static abstract TVector Finish<TVector, T, TLanes>(TVector acc, float count)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T>;
    }

    /// <summary>The maximum, from the type's lowest value (TFLM's <c>std::numeric_limits&lt;T&gt;::lowest()</c>).</summary>
    private readonly struct MaxReduction : IPoolingReduction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Start<TVector, T, TLanes>()
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.Broadcast(PoolingLanes1<T>.Lowest);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Step<TVector, T, TLanes>(TVector acc, TVector value)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.Max(acc, value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Finish<TVector, T, TLanes>(TVector acc, float count)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            acc;
    }

    /// <summary>The float mean: the sum from 0, then one division by the window's size.</summary>
    private readonly struct AverageReduction : IPoolingReduction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Start<TVector, T, TLanes>()
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Step<TVector, T, TLanes>(TVector acc, TVector value)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.Add(acc, value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Finish<TVector, T, TLanes>(TVector acc, float count)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.Divide(acc, count);
    }

    /// <summary>The root mean square: squares summed from 0, divided by the window's size, then the square root.</summary>
    private readonly struct L2Reduction : IPoolingReduction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Start<TVector, T, TLanes>()
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Step<TVector, T, TLanes>(TVector acc, TVector value)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.AddSquare(acc, value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVector Finish<TVector, T, TLanes>(TVector acc, float count)
            where TVector : struct
            where T : unmanaged, INumber<T>
            where TLanes : struct, IPoolingLanes<TVector, T> =>
            TLanes.Sqrt(TLanes.Divide(acc, count));
    }
}
