using System;

namespace TinyModel;

// Reductions whose reduced axes form three or more groups with kept axes between them (say axes 0, 2 and 4 of
// [A, B, C, D, E]): the innermost reduced group is each output's rows or run, and the outer groups are blocks, given
// as a table of offsets in input memory order (the generated code's constant: the outer groups walked as one odometer,
// outermost slowest). Each output combines the block at every offset, in the table's order, as with two groups.
public static partial class ReductionKernels
{
    /// <summary>SUM over three or more groups of reduced axes, the innermost axis kept: each column adds the first block's rows, then the next block's, and so on.</summary>
    /// <param name="input">The first block's first row onward.</param>
    /// <param name="blockOffsets">Where each block starts (elements from the first, at least 0), in input memory order: the outer groups of reduced axes.</param>
    /// <param name="rows">Rows per block (at least 1): the inner group of reduced axes.</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<float> output) =>
        Reduce<Addition>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>MEAN over three or more groups of reduced axes: the sum of each column divided by the number of values.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void Mean(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<float> output) =>
        Reduce<Average>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>REDUCE_MAX over three or more groups of reduced axes, as <see cref="Max(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<float> output) =>
        Reduce<Maximum>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>REDUCE_MIN over three or more groups of reduced axes, as <see cref="Min(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<float> output) =>
        Reduce<Minimum>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>Quantized int8 SUM or MEAN over three or more groups of reduced axes, as <see cref="Sum(ReadOnlySpan{sbyte}, int, int, int, int, int, int, Span{sbyte})"/> over every block's rows.</summary>
    /// <param name="input">The first block's first row onward.</param>
    /// <param name="blockOffsets">Where each block starts (elements from the first, at least 0): the outer groups of reduced axes.</param>
    /// <param name="rows">Rows per block (at least 1): the inner group of reduced axes.</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSum(input, new Blocks(blockOffsets), rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>Quantized int16 SUM or MEAN over three or more groups of reduced axes, clamped to int16.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, int, int, int, int, int, Span{sbyte})"/>
    public static void Sum(ReadOnlySpan<short> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSum(input, new Blocks(blockOffsets), rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>int8 REDUCE_MAX over three or more groups of reduced axes: the largest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Maximum>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>int8 REDUCE_MIN over three or more groups of reduced axes: the smallest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Minimum>(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>REDUCE_ALL over three or more groups of reduced axes, the innermost kept: each column is true when none of its values is false.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/>
    public static void All(ReadOnlySpan<bool> input, ReadOnlySpan<int> blockOffsets, int rows, int rowStride, Span<bool> output) =>
        All(input, new Blocks(blockOffsets), rows, rowStride, output);

    /// <summary>
    /// int8 SUM or MEAN over three or more groups of reduced axes, the innermost reduced: output <c>o</c> sums the runs
    /// <c>input[offset + o · runLength ..]</c> at every block offset, then requantizes as
    /// <see cref="SumRuns(ReadOnlySpan{sbyte}, int, int, int, int, int, Span{sbyte})"/> over all their values.
    /// </summary>
    /// <param name="input">The first block's first run onward.</param>
    /// <param name="blockOffsets">Where each block of runs starts (elements from the first, at least 0): the outer groups of reduced axes.</param>
    /// <param name="runLength">Values per run (at least 1): the innermost group of reduced axes.</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per run of a block.</param>
    public static void SumRuns(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSumRuns(input, new Blocks(blockOffsets), runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>int16 SUM or MEAN over three or more groups of reduced axes, the innermost reduced; clamped to int16.</summary>
    /// <inheritdoc cref="SumRuns(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, int, int, int, int, Span{sbyte})"/>
    public static void SumRuns(ReadOnlySpan<short> input, ReadOnlySpan<int> blockOffsets, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSumRuns(input, new Blocks(blockOffsets), runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>int8 REDUCE_MAX over three or more groups of reduced axes, the innermost reduced: the largest value of each output's runs.</summary>
    /// <param name="input">The first block's first run onward.</param>
    /// <param name="blockOffsets">Where each block of runs starts (elements from the first, at least 0): the outer groups of reduced axes.</param>
    /// <param name="runLength">Values per run (at least 1): the innermost group of reduced axes.</param>
    /// <param name="output">One value per run of a block.</param>
    public static void MaxRuns(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Maximum>(input, new Blocks(blockOffsets), runLength, output);

    /// <summary>int8 REDUCE_MIN over three or more groups of reduced axes, the innermost reduced: the smallest value of each output's runs.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<sbyte> input, ReadOnlySpan<int> blockOffsets, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Minimum>(input, new Blocks(blockOffsets), runLength, output);

    /// <summary>
    /// float REDUCE_MAX over three or more groups of reduced axes, the innermost reduced: TFLM's strict maximum of each
    /// output's runs from <see cref="float.MinValue"/>; a zero maximum has the sign of the first zero in memory order.
    /// </summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, Span{sbyte})"/>
    public static void MaxRuns(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int runLength, Span<float> output) =>
        ExtremeRuns<Maximum>(input, new Blocks(blockOffsets), runLength, output);

    /// <summary>float REDUCE_MIN over three or more groups of reduced axes, the innermost reduced: as the maximum with <c>&lt;</c> from <see cref="float.MaxValue"/>.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<float> input, ReadOnlySpan<int> blockOffsets, int runLength, Span<float> output) =>
        ExtremeRuns<Minimum>(input, new Blocks(blockOffsets), runLength, output);

    /// <summary>REDUCE_ALL over three or more groups of reduced axes, the innermost reduced: true when none of an output's runs holds a false.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, ReadOnlySpan{int}, int, Span{sbyte})"/>
    public static void AllRuns(ReadOnlySpan<bool> input, ReadOnlySpan<int> blockOffsets, int runLength, Span<bool> output) =>
        AllRuns(input, new Blocks(blockOffsets), runLength, output);
}
