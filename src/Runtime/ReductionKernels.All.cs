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
            j = AllColumns<BoolLanes512, Vector512<byte>>(ref x, ref y, j, width, blocks, rows, rowStride);
        }
        if (tier >= InstructionTier.Vector256)
        {
            j = AllColumns<BoolLanes256, Vector256<byte>>(ref x, ref y, j, width, blocks, rows, rowStride);
        }
        if (tier >= InstructionTier.Vector128)
        {
            j = AllColumns<BoolLanes128, Vector128<byte>>(ref x, ref y, j, width, blocks, rows, rowStride);
        }
        AllColumns<BoolLanes1, byte>(ref x, ref y, j, width, blocks, rows, rowStride);
    }

    /// <summary>The column REDUCE_ALL of whole vectors of columns from <paramref name="j"/>, at one width; returns the columns done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AllColumns<TLanes, TVector>(ref byte x, ref byte y, int j, int width, Blocks blocks, int rows, int rowStride)
        where TLanes : struct, IBoolLanes<TVector>
        where TVector : struct
    {
        for (; j <= width - TLanes.Count; j += TLanes.Count)
        {
            TVector anyFalse = default;
            for (int b = 0; b < blocks.Count; b++)
            {
                int p = j + blocks.Offset(b);
                for (int r = 0, q = p; r < rows; r++, q += rowStride)
                {
                    anyFalse = TLanes.Or(anyFalse, TLanes.IsFalse(TLanes.Load(ref Unsafe.Add(ref x, q))));
                }
            }
            TLanes.StoreNone(anyFalse, ref Unsafe.Add(ref y, j));
        }
        return j;
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
        return (tier == InstructionTier.Vector512 && RunHasZero<BoolLanes512, Vector512<byte>>(ref x, ref i, n))
            || (tier >= InstructionTier.Vector256 && RunHasZero<BoolLanes256, Vector256<byte>>(ref x, ref i, n))
            || (tier >= InstructionTier.Vector128 && RunHasZero<BoolLanes128, Vector128<byte>>(ref x, ref i, n))
            || RunHasZero<BoolLanes1, byte>(ref x, ref i, n);
    }

    /// <summary>Whether a whole vector of bytes from <paramref name="i"/> on holds a zero, at one width (<paramref name="i"/> advances past those searched).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RunHasZero<TLanes, TVector>(ref byte x, ref int i, int n)
        where TLanes : struct, IBoolLanes<TVector>
        where TVector : struct
    {
        for (; i <= n - TLanes.Count; i += TLanes.Count)
        {
            if (TLanes.AnyFalse(TLanes.Load(ref Unsafe.Add(ref x, i))))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>REDUCE_ALL's operations on a vector of bools (bytes, 0 false), so that its loops are written once per width.</summary>
    private interface IBoolLanes<TVector>
        where TVector : struct
    {
        /// <summary>Bools per vector.</summary>
        static abstract int Count { get; }

        static abstract TVector Load(ref byte source);

        /// <summary>All ones in the lanes that are false (zero).</summary>
        static abstract TVector IsFalse(TVector value);

        static abstract TVector Or(TVector a, TVector b);

        /// <summary>Stores, per lane, true (1) where <paramref name="anyFalse"/> is zero, else false (0).</summary>
        static abstract void StoreNone(TVector anyFalse, ref byte destination);

        /// <summary>Whether any lane is false.</summary>
        static abstract bool AnyFalse(TVector value);
    }

    private readonly struct BoolLanes512 : IBoolLanes<Vector512<byte>>
    {
        public static int Count => Vector512<byte>.Count;

        public static Vector512<byte> Load(ref byte source) => Vector512.LoadUnsafe(ref source);

        public static Vector512<byte> IsFalse(Vector512<byte> value) => Vector512.Equals(value, Vector512<byte>.Zero);

        public static Vector512<byte> Or(Vector512<byte> a, Vector512<byte> b) => a | b;

        public static void StoreNone(Vector512<byte> anyFalse, ref byte destination) => Vector512.AndNot(Vector512<byte>.One, anyFalse).StoreUnsafe(ref destination);

        public static bool AnyFalse(Vector512<byte> value) => Vector512.EqualsAny(value, Vector512<byte>.Zero);
    }

    private readonly struct BoolLanes256 : IBoolLanes<Vector256<byte>>
    {
        public static int Count => Vector256<byte>.Count;

        public static Vector256<byte> Load(ref byte source) => Vector256.LoadUnsafe(ref source);

        public static Vector256<byte> IsFalse(Vector256<byte> value) => Vector256.Equals(value, Vector256<byte>.Zero);

        public static Vector256<byte> Or(Vector256<byte> a, Vector256<byte> b) => a | b;

        public static void StoreNone(Vector256<byte> anyFalse, ref byte destination) => Vector256.AndNot(Vector256<byte>.One, anyFalse).StoreUnsafe(ref destination);

        public static bool AnyFalse(Vector256<byte> value) => Vector256.EqualsAny(value, Vector256<byte>.Zero);
    }

    private readonly struct BoolLanes128 : IBoolLanes<Vector128<byte>>
    {
        public static int Count => Vector128<byte>.Count;

        public static Vector128<byte> Load(ref byte source) => Vector128.LoadUnsafe(ref source);

        public static Vector128<byte> IsFalse(Vector128<byte> value) => Vector128.Equals(value, Vector128<byte>.Zero);

        public static Vector128<byte> Or(Vector128<byte> a, Vector128<byte> b) => a | b;

        public static void StoreNone(Vector128<byte> anyFalse, ref byte destination) => Vector128.AndNot(Vector128<byte>.One, anyFalse).StoreUnsafe(ref destination);

        public static bool AnyFalse(Vector128<byte> value) => Vector128.EqualsAny(value, Vector128<byte>.Zero);
    }

    /// <summary>One bool: the scalar path and the values left over.</summary>
    private readonly struct BoolLanes1 : IBoolLanes<byte>
    {
        public static int Count => 1;

        public static byte Load(ref byte source) => source;

        public static byte IsFalse(byte value) => value == 0 ? (byte)1 : (byte)0;

        public static byte Or(byte a, byte b) => (byte)(a | b);

        public static void StoreNone(byte anyFalse, ref byte destination) => destination = (byte)(anyFalse ^ 1);

        public static bool AnyFalse(byte value) => value == 0;
    }
}
