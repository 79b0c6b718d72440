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
            for (; j <= columns - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                Vector512<float> sum = Vector512<float>.Zero;
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector512<float> before = sum;
                    sum += Vector512.LoadUnsafe(ref x, (nuint)p);
                    (exclusive ? before : sum).StoreUnsafe(ref y, (nuint)p);
                }
            }
        }
        if (tier >= InstructionTier.Vector256)
        {
            for (; j <= columns - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> sum = Vector256<float>.Zero;
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector256<float> before = sum;
                    sum += Vector256.LoadUnsafe(ref x, (nuint)p);
                    (exclusive ? before : sum).StoreUnsafe(ref y, (nuint)p);
                }
            }
        }
        if (tier >= InstructionTier.Vector128)
        {
            for (; j <= columns - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                Vector128<float> sum = Vector128<float>.Zero;
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector128<float> before = sum;
                    sum += Vector128.LoadUnsafe(ref x, (nuint)p);
                    (exclusive ? before : sum).StoreUnsafe(ref y, (nuint)p);
                }
            }
        }
        for (; j < columns; j++)
        {
            float sum = 0f;
            for (int r = 0, p = first + j; r < rows; r++, p += step)
            {
                float before = sum;
                sum += Unsafe.Add(ref x, p);
                Unsafe.Add(ref y, p) = exclusive ? before : sum;
            }
        }
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
        int j = 0;
        if (Avx512F.IsSupported)
        {
            Vector512<int> offset = Vector512.Create(inputOffset), m = Vector512.Create(inputMultiplier), s = Vector512.Create(inputShift);
            Vector512<int> om = Vector512.Create(outputMultiplier), os = Vector512.Create(outputShift), oo = Vector512.Create(outputOffset);
            Vector512<int> lo = Vector512.Create((int)sbyte.MinValue), hi = Vector512.Create((int)sbyte.MaxValue);
            for (; j <= columns - Vector512<int>.Count; j += Vector512<int>.Count)
            {
                Vector512<int> sum = Vector512.Create(start);
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector512<int> v = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref x, (nuint)p));
                    Vector512<int> before = sum;
                    sum += FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.ShiftLeft(v + offset, CumSumLeftShift), m, s);
                    Vector512<int> o = FixedPointLanes.MultiplyByQuantizedMultiplier(exclusive ? before : sum, om, os) + oo;
                    Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(o, lo), hi)).StoreUnsafe(ref y, (nuint)p);
                }
            }
        }
        if (Avx2.IsSupported)
        {
            Vector256<int> offset = Vector256.Create(inputOffset), m = Vector256.Create(inputMultiplier), s = Vector256.Create(inputShift);
            Vector256<int> om = Vector256.Create(outputMultiplier), os = Vector256.Create(outputShift), oo = Vector256.Create(outputOffset);
            Vector256<int> lo = Vector256.Create((int)sbyte.MinValue), hi = Vector256.Create((int)sbyte.MaxValue);
            for (; j <= columns - Vector256<int>.Count; j += Vector256<int>.Count)
            {
                Vector256<int> sum = Vector256.Create(start);
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector256<int> before = sum;
                    sum += FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.ShiftLeft(SignExtend8(ref Unsafe.Add(ref x, p)) + offset, CumSumLeftShift), m, s);
                    Vector256<int> o = Vector256.Min(Vector256.Max(FixedPointLanes.MultiplyByQuantizedMultiplier(exclusive ? before : sum, om, os) + oo, lo), hi);
                    Vector128<short> shorts = Vector128.Narrow(o.GetLower(), o.GetUpper());
                    Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref y, p)), Vector128.Narrow(shorts, shorts).AsInt64().ToScalar());
                }
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> offset = Vector128.Create(inputOffset), m = Vector128.Create(inputMultiplier);
            Vector128<int> om = Vector128.Create(outputMultiplier), oo = Vector128.Create(outputOffset);
            Vector128<int> lo = Vector128.Create((int)sbyte.MinValue), hi = Vector128.Create((int)sbyte.MaxValue);
            for (; j <= columns - Vector128<int>.Count; j += Vector128<int>.Count)
            {
                Vector128<int> sum = Vector128.Create(start);
                for (int r = 0, p = first + j; r < rows; r++, p += step)
                {
                    Vector128<int> before = sum;
                    sum += FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.ShiftLeft(PortableLanes.SignExtend4(ref Unsafe.Add(ref x, p)) + offset, CumSumLeftShift), m, inputShift);
                    Vector128<int> o = FixedPointLanes.Min(FixedPointLanes.Max(FixedPointLanes.MultiplyByQuantizedMultiplier(exclusive ? before : sum, om, outputShift) + oo, lo), hi);
                    Vector128<short> shorts = Vector128.Narrow(o, o);
                    Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref y, p)), Vector128.Narrow(shorts, shorts).AsInt32().ToScalar());
                }
            }
        }
        return j;
    }

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
            Vector512<int> m = Vector512.Create(multiplier), s = Vector512.Create(shift), o = Vector512.Create(offset), lo = Vector512.Create(min), hi = Vector512.Create(max);
            for (; i <= n - Vector512<int>.Count; i += Vector512<int>.Count)
            {
                Vector512<int> r = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.LoadUnsafe(ref v, (nuint)i), m, s) + o;
                Vector512.Min(Vector512.Max(r, lo), hi).StoreUnsafe(ref v, (nuint)i);
            }
        }
        if (Avx2.IsSupported)
        {
            Vector256<int> m = Vector256.Create(multiplier), s = Vector256.Create(shift), o = Vector256.Create(offset), lo = Vector256.Create(min), hi = Vector256.Create(max);
            for (; i <= n - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                Vector256<int> r = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref v, (nuint)i), m, s) + o;
                Vector256.Min(Vector256.Max(r, lo), hi).StoreUnsafe(ref v, (nuint)i);
            }
        }
        if (FixedPointLanes.IsVector128Supported)
        {
            Vector128<int> m = Vector128.Create(multiplier), o = Vector128.Create(offset), lo = Vector128.Create(min), hi = Vector128.Create(max);
            for (; i <= n - Vector128<int>.Count; i += Vector128<int>.Count)
            {
                Vector128<int> r = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref v, (nuint)i), m, shift) + o;
                FixedPointLanes.Min(FixedPointLanes.Max(r, lo), hi).StoreUnsafe(ref v, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref v, i) = Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref v, i), multiplier, shift) + offset, min), max);
        }
    }
}
