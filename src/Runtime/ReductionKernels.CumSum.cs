using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// CUMSUM of float along an axis that is not the innermost: the values after the axis are independent columns, each
// a running sum down the rows. The vectors run across the columns, so every column adds its values in TFLM's order
// (row 0 up, or down from the last row when reverse) and keeps its bits.
public static partial class ReductionKernels
{
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
}
