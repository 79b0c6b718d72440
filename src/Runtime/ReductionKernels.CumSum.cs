using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// CUMSUM along an axis: the values after the axis are independent columns, each a running sum down the rows. Float:
// the vectors run across the columns, so every column adds its values in TFLM's order (row 0 up, or down from the
// last row when reverse) and keeps its bits. int8: TFLM rescales every value and every running sum with its own
// fixed-point multiplies, value by value: a lane per column while whole vectors of columns remain, else lane-wise over
// a chunk of one column's values held on the stack, its int32 running sum sequential (wrapping additions).
public static partial class ReductionKernels
{
    /// <summary>Values of one column rescaled per chunk of the int8 CUMSUM (a stack buffer of at most this many int32).</summary>
    private const int CumSumChunk = 64;

    /// <summary>TFLM's left shift of int8 CUMSUM's offset inputs (<c>kCumSumIntegerShift</c>).</summary>
    private const int CumSumLeftShift = 20;

    /// <summary>
    /// CUMSUM of float, as TFLM's reference <c>CumSum</c>: for each column <c>j</c>, walking the rows forward (or
    /// backward when <paramref name="reverse"/>), <c>sum += input[r · columns + j]</c> from 0, and
    /// <c>output[r · columns + j]</c> is the sum after (or, when <paramref name="exclusive"/>, before) adding row r.
    /// </summary>
    /// <param name="input"><paramref name="rows"/> rows of <paramref name="columns"/> values, contiguous.</param>
    /// <param name="rows">The axis' size.</param>
    /// <param name="columns">Values after the axis (the product of the inner dimensions).</param>
    /// <param name="exclusive">Whether each output leaves its own value out.</param>
    /// <param name="reverse">Whether the sums run from the last row to the first.</param>
    /// <param name="output">As long as the input (not overlapping it, unless it is the input itself).</param>
    public static void CumSum(ReadOnlySpan<float> input, int rows, int columns, bool exclusive, bool reverse, Span<float> output)
    {
        int length = checked(rows * columns);
        if (rows < 0 || columns < 0 || output.Length != length)
        {
            throw new ArgumentOutOfRangeException(nameof(output), output.Length, "The output holds rows · columns values.");
        }
        ref float x = ref MemoryMarshal.GetReference(input.Slice(0, length));
        ref float y = ref MemoryMarshal.GetReference(output);
        // The row walk: first row and step (in elements).
        int first = reverse ? (rows - 1) * columns : 0, step = reverse ? -columns : columns;
        int j = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            j = FloatCumSumColumns<PoolingLanes512<float>, Vector512<float>>(ref x, ref y, j, rows, columns, first, step, exclusive);
        }
        if (tier >= InstructionTier.Vector256)
        {
            j = FloatCumSumColumns<PoolingLanes256<float>, Vector256<float>>(ref x, ref y, j, rows, columns, first, step, exclusive);
        }
        if (tier >= InstructionTier.Vector128)
        {
            j = FloatCumSumColumns<PoolingLanes128<float>, Vector128<float>>(ref x, ref y, j, rows, columns, first, step, exclusive);
        }
        FloatCumSumColumns<PoolingLanes1<float>, float>(ref x, ref y, j, rows, columns, first, step, exclusive);
    }

    /// <summary>
    /// Float CUMSUM of the columns from <paramref name="j"/> while whole vectors of them remain, a column per lane, each
    /// running sum walking its rows from <paramref name="first"/> by <paramref name="step"/>; returns the columns done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FloatCumSumColumns<TLanes, TVector>(ref float x, ref float y, int j, int rows, int columns, int first, int step, bool exclusive)
        where TLanes : struct, IPoolingLanes<TVector, float>
        where TVector : struct
    {
        for (; j <= columns - TLanes.Count; j += TLanes.Count)
        {
            TVector sum = TLanes.Broadcast(0f);
            for (int r = 0, p = first + j; r < rows; r++, p += step)
            {
                TVector before = sum;
                sum = TLanes.Add(sum, TLanes.Load(ref Unsafe.Add(ref x, p)));
                TLanes.Store(exclusive ? before : sum, ref Unsafe.Add(ref y, p));
            }
        }
        return j;
    }

    /// <summary>
    /// CUMSUM of int8, as TFLM's reference quantized <c>CumSum</c>: each value becomes
    /// <c>MultiplyByQuantizedMultiplierSmallerThanOneExp((x + inputOffset) · 2^20, inputMultiplier, inputShift)</c>; each
    /// column's int32 running sum starts from the same scaling of <c>inputOffset · 2^20</c> (TFLM's quirk, not 0) and
    /// walks the rows forward (or backward when <paramref name="reverse"/>); the sum after (or, when
    /// <paramref name="exclusive"/>, before) adding row r becomes
    /// <c>clamp(MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, outputMultiplier, outputShift) + outputOffset, −128, 127)</c>.
    /// </summary>
    /// <param name="input"><paramref name="rows"/> rows of <paramref name="columns"/> values, contiguous.</param>
    /// <param name="rows">The axis' size.</param>
    /// <param name="columns">Values after the axis (the product of the inner dimensions).</param>
    /// <param name="exclusive">Whether each output leaves its own value out.</param>
    /// <param name="reverse">Whether the sums run from the last row to the first.</param>
    /// <param name="inputOffset">Minus the input zero point.</param>
    /// <param name="inputMultiplier">The Q0.31 multiplier of the shifted values (TFLM's: 1/2).</param>
    /// <param name="inputShift">Its exponent (at most 0).</param>
    /// <param name="outputOffset">The output zero point.</param>
    /// <param name="outputMultiplier">The Q0.31 multiplier of the running sums.</param>
    /// <param name="outputShift">Its exponent (at most 0).</param>
    /// <param name="output">As long as the input (not overlapping it, unless it is the input itself).</param>
    public static void CumSum(ReadOnlySpan<sbyte> input, int rows, int columns, bool exclusive, bool reverse,
        int inputOffset, int inputMultiplier, int inputShift, int outputOffset, int outputMultiplier, int outputShift, Span<sbyte> output)
    {
        int length = checked(rows * columns);
        if (rows < 0 || columns < 0 || output.Length != length)
        {
            throw new ArgumentOutOfRangeException(nameof(output), output.Length, "The output holds rows · columns values.");
        }
        if (inputShift > 0 || outputShift > 0)
        {
            throw new ArgumentOutOfRangeException(inputShift > 0 ? nameof(inputShift) : nameof(outputShift), "TFLM's CUMSUM multipliers are smaller than one.");
        }
        ref sbyte x = ref MemoryMarshal.GetReference(input.Slice(0, length));
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        // With a shift at most 0, MultiplyByQuantizedMultiplier is TFLM's SmallerThanOneExp form.
        int start = FixedPoint.MultiplyByQuantizedMultiplier(inputOffset << CumSumLeftShift, inputMultiplier, inputShift);
        int first = reverse ? (rows - 1) * columns : 0, step = reverse ? -columns : columns;
        // A lane per column while whole vectors of columns remain; each running sum walks its column's rows.
        int j = Int8CumSumColumns(ref x, ref y, rows, columns, first, step, exclusive, start, inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift);
        if (j == columns)
        {
            return;
        }
        // The columns left (all of them without SIMD): a chunk of one column's rows at a time, rescaled lane-wise.
        Span<int> chunk = stackalloc int[Math.Min(CumSumChunk, Math.Max(rows, 1))];
        for (; j < columns; j++)
        {
            int sum = start;
            for (int r = 0; r < rows; r += chunk.Length)
            {
                int c = Math.Min(chunk.Length, rows - r), p = first + j + r * step;
                Span<int> values = chunk.Slice(0, c);
                for (int k = 0; k < c; k++)
                {
                    values[k] = (Unsafe.Add(ref x, p + k * step) + inputOffset) << CumSumLeftShift;
                }
                ScaleLanes(values, inputMultiplier, inputShift, 0, int.MinValue, int.MaxValue);
                for (int k = 0; k < c; k++)
                {
                    int before = sum;
                    sum = unchecked(sum + values[k]);
                    values[k] = exclusive ? before : sum;
                }
                ScaleLanes(values, outputMultiplier, outputShift, outputOffset, sbyte.MinValue, sbyte.MaxValue);
                for (int k = 0; k < c; k++)
                {
                    Unsafe.Add(ref y, p + k * step) = (sbyte)values[k];
                }
            }
        }
    }

    /// <summary>
    /// int8 CUMSUM of the leading columns that fill whole vectors (sixteen lanes with AVX-512F, eight with AVX2, four
    /// with SSE4.1 or AdvSimd), a column per lane: every step of TFLM's loop lane-wise. Returns the columns done.
    /// </summary>
    private static int Int8CumSumColumns(ref sbyte x, ref sbyte y, int rows, int columns, int first, int step, bool exclusive, int start,
        int inputOffset, int inputMultiplier, int inputShift, int outputOffset, int outputMultiplier, int outputShift)
    {
        var walk = new CumSumWalk(rows, first, step, exclusive, start, inputOffset, inputMultiplier, inputShift, outputOffset, outputMultiplier, outputShift);
        int j = 0;
        if (Avx512F.IsSupported)
        {
            j = Int8CumSumColumns<Int32Lanes512, Vector512<int>>(ref x, ref y, j, columns, walk);
        }
        if (Avx2.IsSupported)
        {
            j = Int8CumSumColumns<Int32Lanes256, Vector256<int>>(ref x, ref y, j, columns, walk);
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            j = Int8CumSumColumns<Int32Lanes128, Vector128<int>>(ref x, ref y, j, columns, walk);
        }
        return j;
    }

    /// <summary>The int8 CUMSUM of whole vectors of columns from <paramref name="j"/>, at one width; returns the columns done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Int8CumSumColumns<TLanes, TVector>(ref sbyte x, ref sbyte y, int j, int columns, in CumSumWalk walk)
        where TLanes : struct, IInt32Lanes<TVector>
        where TVector : struct
    {
        TVector offset = TLanes.Broadcast(walk.InputOffset), m = TLanes.Broadcast(walk.InputMultiplier);
        TVector om = TLanes.Broadcast(walk.OutputMultiplier), oo = TLanes.Broadcast(walk.OutputOffset);
        TVector lo = TLanes.Broadcast(sbyte.MinValue), hi = TLanes.Broadcast(sbyte.MaxValue);
        TVector inputShift = TLanes.Broadcast(walk.InputShift), outputShift = TLanes.Broadcast(walk.OutputShift);
        // Locals, so that the loop keeps them in registers.
        int rows = walk.Rows, first = walk.First, step = walk.Step;
        bool exclusive = walk.Exclusive;
        for (; j <= columns - TLanes.Count; j += TLanes.Count)
        {
            TVector sum = TLanes.Broadcast(walk.Start);
            for (int r = 0, p = first + j; r < rows; r++, p += step)
            {
                TVector before = sum;
                TVector scaled = TLanes.MultiplyByQuantizedMultiplier(TLanes.ShiftLeft(TLanes.Add(TLanes.LoadInt8(ref Unsafe.Add(ref x, p)), offset), CumSumLeftShift), m, inputShift);
                sum = TLanes.Add(sum, scaled);
                TVector o = TLanes.Add(TLanes.MultiplyByQuantizedMultiplier(exclusive ? before : sum, om, outputShift), oo);
                TLanes.StoreInt8(TLanes.Min(TLanes.Max(o, lo), hi), ref Unsafe.Add(ref y, p));
            }
        }
        return j;
    }

    /// <summary>An int8 CUMSUM's row walk and rescaling, as the width-generic column loop takes them.</summary>
    private readonly record struct CumSumWalk(int Rows, int First, int Step, bool Exclusive, int Start,
        int InputOffset, int InputMultiplier, int InputShift, int OutputOffset, int OutputMultiplier, int OutputShift);

    /// <summary>
    /// <c>values[k] = clamp(MultiplyByQuantizedMultiplier(values[k], multiplier, shift) + offset, min, max)</c>, lane-wise:
    /// sixteen lanes with AVX-512F, eight with AVX2, four with SSE4.1 or AdvSimd, then the scalar function.
    /// </summary>
    private static void ScaleLanes(Span<int> values, int multiplier, int shift, int offset, int min, int max)
    {
        ref int v = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Avx512F.IsSupported)
        {
            i = ScaleLanes<Int32Lanes512, Vector512<int>>(ref v, i, n, multiplier, shift, offset, min, max);
        }
        if (Avx2.IsSupported)
        {
            i = ScaleLanes<Int32Lanes256, Vector256<int>>(ref v, i, n, multiplier, shift, offset, min, max);
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            i = ScaleLanes<Int32Lanes128, Vector128<int>>(ref v, i, n, multiplier, shift, offset, min, max);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref v, i) = Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref v, i), multiplier, shift) + offset, min), max);
        }
    }

    /// <summary><see cref="ScaleLanes(Span{int}, int, int, int, int, int)"/> on whole vectors from <paramref name="i"/>, at one width; returns the values done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScaleLanes<TLanes, TVector>(ref int v, int i, int n, int multiplier, int shift, int offset, int min, int max)
        where TLanes : struct, IInt32Lanes<TVector>
        where TVector : struct
    {
        TVector m = TLanes.Broadcast(multiplier), s = TLanes.Broadcast(shift), o = TLanes.Broadcast(offset), lo = TLanes.Broadcast(min), hi = TLanes.Broadcast(max);
        for (; i <= n - TLanes.Count; i += TLanes.Count)
        {
            TVector r = TLanes.Add(TLanes.MultiplyByQuantizedMultiplier(TLanes.Load(ref Unsafe.Add(ref v, i)), m, s), o);
            TLanes.Store(TLanes.Min(TLanes.Max(r, lo), hi), ref Unsafe.Add(ref v, i));
        }
        return i;
    }
}
