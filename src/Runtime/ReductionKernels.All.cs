using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// REDUCE_ALL of bool: TFLM's `current && in` from true. A logical and does not depend on the order its values meet
// in, so the vectors compare whole rows or runs of bytes with zero (a bool is stored as one byte, 0 or not).
public static partial class ReductionKernels
{
    /// <summary>REDUCE_ALL with the innermost axis kept: each column is true when none of its <paramref name="rows"/> values is false.</summary>
    /// <param name="input">The first row's first value onward.</param>
    /// <param name="rows">Rows combined into each output (at least 1).</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="output">One value per column.</param>
    public static void All(ReadOnlySpan<bool> input, int rows, int rowStride, Span<bool> output) =>
        All(input, Blocks.One, rows, rowStride, output);

    /// <summary>REDUCE_ALL over two groups of reduced axes, the innermost kept: each column is true when none of the <c>blocks · rows</c> values is false.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void All(ReadOnlySpan<bool> input, int blocks, int blockStride, int rows, int rowStride, Span<bool> output) =>
        All(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>The column REDUCE_ALL every overload shares.</summary>
    private static void All(ReadOnlySpan<bool> input, Blocks blocks, int rows, int rowStride, Span<bool> output)
    {
        int width = output.Length;
        ref byte x = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(Rows(input, blocks, rows, rowStride, width)));
        ref byte y = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(output));
        int j = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            for (; j <= width - Vector512<byte>.Count; j += Vector512<byte>.Count)
            {
                Vector512<byte> anyFalse = Vector512<byte>.Zero;
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        anyFalse |= Vector512.Equals(Vector512.LoadUnsafe(ref x, (nuint)q), Vector512<byte>.Zero);
                    }
                }
                Vector512.AndNot(Vector512<byte>.One, anyFalse).StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (tier >= InstructionTier.Vector256)
        {
            for (; j <= width - Vector256<byte>.Count; j += Vector256<byte>.Count)
            {
                Vector256<byte> anyFalse = Vector256<byte>.Zero;
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        anyFalse |= Vector256.Equals(Vector256.LoadUnsafe(ref x, (nuint)q), Vector256<byte>.Zero);
                    }
                }
                Vector256.AndNot(Vector256<byte>.One, anyFalse).StoreUnsafe(ref y, (nuint)j);
            }
        }
        if (tier >= InstructionTier.Vector128)
        {
            for (; j <= width - Vector128<byte>.Count; j += Vector128<byte>.Count)
            {
                Vector128<byte> anyFalse = Vector128<byte>.Zero;
                for (int b = 0; b < blocks.Count; b++)
                {
                    int p = j + blocks.Offset(b);
                    for (int r = 0, q = p; r < rows; r++, q += rowStride)
                    {
                        anyFalse |= Vector128.Equals(Vector128.LoadUnsafe(ref x, (nuint)q), Vector128<byte>.Zero);
                    }
                }
                Vector128.AndNot(Vector128<byte>.One, anyFalse).StoreUnsafe(ref y, (nuint)j);
            }
        }
        for (; j < width; j++)
        {
            bool all = true;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = j + blocks.Offset(b);
                for (int r = 0, q = p; r < rows; r++, q += rowStride)
                {
                    all &= Unsafe.Add(ref x, q) != 0;
                }
            }
            Unsafe.Add(ref y, j) = all ? (byte)1 : (byte)0;
        }
    }

    /// <summary>REDUCE_ALL over the innermost axes: output <c>o</c> is true when none of the run <c>input[o · runLength ..]</c> is false.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, Span{sbyte})"/>
    public static void AllRuns(ReadOnlySpan<bool> input, int runLength, Span<bool> output) =>
        AllRuns(input, Blocks.One, runLength, output);

    /// <summary>REDUCE_ALL over two groups of reduced axes, the innermost reduced: true when none of an output's runs holds a false.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte})"/>
    public static void AllRuns(ReadOnlySpan<bool> input, int blocks, int blockStride, int runLength, Span<bool> output) =>
        AllRuns(input, new Blocks(blocks, blockStride), runLength, output);

    /// <summary>The run REDUCE_ALL every overload shares.</summary>
    private static void AllRuns(ReadOnlySpan<bool> input, Blocks blocks, int runLength, Span<bool> output)
    {
        ref byte x = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(Runs(input, blocks, runLength, output.Length)));
        for (int o = 0; o < output.Length; o++)
        {
            bool all = true;
            for (int b = 0; b < blocks.Count && all; b++)
            {
                int p = o * runLength + blocks.Offset(b);
                all = !RunHasZero(ref Unsafe.Add(ref x, p), runLength);
            }
            output[o] = all;
        }
    }

    /// <summary>Whether any of <paramref name="n"/> bytes is zero (the first vector holding one ends the search: the result cannot change).</summary>
    private static bool RunHasZero(ref byte x, int n)
    {
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            for (; i <= n - Vector512<byte>.Count; i += Vector512<byte>.Count)
            {
                if (Vector512.EqualsAny(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512<byte>.Zero))
                {
                    return true;
                }
            }
        }
        if (tier >= InstructionTier.Vector256)
        {
            for (; i <= n - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                if (Vector256.EqualsAny(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256<byte>.Zero))
                {
                    return true;
                }
            }
        }
        if (tier >= InstructionTier.Vector128)
        {
            for (; i <= n - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                if (Vector128.EqualsAny(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128<byte>.Zero))
                {
                    return true;
                }
            }
        }
        for (; i < n; i++)
        {
            if (Unsafe.Add(ref x, i) == 0)
            {
                return true;
            }
        }
        return false;
    }
}
