using System;

namespace TinyModel;

// Reductions whose reduced axes form two groups with kept axes between them (say axes 0 and 2 of [A, B, C, D]):
// each output combines `blocks` blocks (the outer group, `blockStride` apart) of rows or runs (the inner group).
// Floats meet their values blocks outer, rows inner: input memory order, TFLM's. Integer sums, maxima and minima
// do not depend on the order.
public static partial class ReductionKernels
{
    /// <summary>SUM over two groups of reduced axes, the innermost axis kept: each column adds block 0's rows, then block 1's, and so on.</summary>
    /// <param name="input">The first block's first row onward.</param>
    /// <param name="blocks">Blocks combined into each output (at least 1): the outer group of reduced axes.</param>
    /// <param name="blockStride">Elements from one block to the next.</param>
    /// <param name="rows">Rows per block (at least 1): the inner group of reduced axes.</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<float> input, int blocks, int blockStride, int rows, int rowStride, Span<float> output) =>
        Reduce<Addition>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>MEAN over two groups of reduced axes: the sum of each column divided by <c>blocks · rows</c>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void Mean(ReadOnlySpan<float> input, int blocks, int blockStride, int rows, int rowStride, Span<float> output) =>
        Reduce<Average>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>REDUCE_MAX over two groups of reduced axes, as <see cref="Max(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<float> input, int blocks, int blockStride, int rows, int rowStride, Span<float> output) =>
        Reduce<Maximum>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>REDUCE_MIN over two groups of reduced axes, as <see cref="Min(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<float> input, int blocks, int blockStride, int rows, int rowStride, Span<float> output) =>
        Reduce<Minimum>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>Quantized int8 SUM or MEAN over two groups of reduced axes, as <see cref="Sum(ReadOnlySpan{sbyte}, int, int, int, int, int, int, Span{sbyte})"/> over <c>blocks · rows</c> rows.</summary>
    /// <param name="input">The first block's first row onward.</param>
    /// <param name="blocks">Blocks combined into each output (at least 1): the outer group of reduced axes.</param>
    /// <param name="blockStride">Elements from one block to the next.</param>
    /// <param name="rows">Rows per block (at least 1): the inner group of reduced axes.</param>
    /// <param name="rowStride">Elements from one row to the next.</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per column.</param>
    public static void Sum(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSum(input, new Blocks(blocks, blockStride), rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>Quantized int16 SUM or MEAN over two groups of reduced axes, clamped to int16.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{sbyte}, int, int, int, int, int, int, int, int, Span{sbyte})"/>
    public static void Sum(ReadOnlySpan<short> input, int blocks, int blockStride, int rows, int rowStride, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSum(input, new Blocks(blocks, blockStride), rows, rowStride, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>int8 REDUCE_MAX over two groups of reduced axes: the largest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void Max(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Maximum>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>int8 REDUCE_MIN over two groups of reduced axes: the smallest value of each column.</summary>
    /// <inheritdoc cref="Sum(ReadOnlySpan{float}, int, int, int, int, Span{float})"/>
    public static void Min(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int rows, int rowStride, Span<sbyte> output) =>
        Extreme<Minimum>(input, new Blocks(blocks, blockStride), rows, rowStride, output);

    /// <summary>
    /// int8 SUM or MEAN over two groups of reduced axes, the innermost reduced: output <c>o</c> sums the runs
    /// <c>input[b · blockStride + o · runLength ..]</c> of every block <c>b</c>, then requantizes as
    /// <see cref="SumRuns(ReadOnlySpan{sbyte}, int, int, int, int, int, Span{sbyte})"/> over <c>blocks · runLength</c> values.
    /// </summary>
    /// <param name="input">The first block's first run onward.</param>
    /// <param name="blocks">Runs combined into each output (at least 1): the outer group of reduced axes.</param>
    /// <param name="blockStride">Elements from one block of runs to the next.</param>
    /// <param name="runLength">Values per run (at least 1): the innermost group of reduced axes.</param>
    /// <param name="inputZeroPoint">The input zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier.</param>
    /// <param name="shift">Its power-of-two exponent.</param>
    /// <param name="outputZeroPoint">The output zero point.</param>
    /// <param name="output">One value per run of a block.</param>
    public static void SumRuns(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output) =>
        QuantizedSumRuns(input, new Blocks(blocks, blockStride), runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, output);

    /// <summary>int16 SUM or MEAN over two groups of reduced axes, the innermost reduced; clamped to int16.</summary>
    /// <inheritdoc cref="SumRuns(ReadOnlySpan{sbyte}, int, int, int, int, int, int, int, Span{sbyte})"/>
    public static void SumRuns(ReadOnlySpan<short> input, int blocks, int blockStride, int runLength, int inputZeroPoint, int multiplier, int shift, int outputZeroPoint, Span<short> output) =>
        QuantizedSumRuns(input, new Blocks(blocks, blockStride), runLength, inputZeroPoint, multiplier, shift, outputZeroPoint, short.MinValue, short.MaxValue, output);

    /// <summary>
    /// float REDUCE_MAX over two groups of reduced axes, the innermost reduced: TFLM's strict maximum of each output's runs
    /// from <see cref="float.MinValue"/>; a zero maximum has the sign of the first zero in memory order.
    /// </summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte})"/>
    public static void MaxRuns(ReadOnlySpan<float> input, int blocks, int blockStride, int runLength, Span<float> output) =>
        ExtremeRuns<Maximum>(input, new Blocks(blocks, blockStride), runLength, output);

    /// <summary>float REDUCE_MIN over two groups of reduced axes, the innermost reduced: as <see cref="MaxRuns(ReadOnlySpan{float}, int, int, int, Span{float})"/> with <c>&lt;</c>.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<float> input, int blocks, int blockStride, int runLength, Span<float> output) =>
        ExtremeRuns<Minimum>(input, new Blocks(blocks, blockStride), runLength, output);

    /// <summary>int8 REDUCE_MAX over two groups of reduced axes, the innermost reduced: the largest value of each output's runs.</summary>
    /// <param name="input">The first block's first run onward.</param>
    /// <param name="blocks">Runs combined into each output (at least 1): the outer group of reduced axes.</param>
    /// <param name="blockStride">Elements from one block of runs to the next.</param>
    /// <param name="runLength">Values per run (at least 1): the innermost group of reduced axes.</param>
    /// <param name="output">One value per run of a block.</param>
    public static void MaxRuns(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Maximum>(input, new Blocks(blocks, blockStride), runLength, output);

    /// <summary>int8 REDUCE_MIN over two groups of reduced axes, the innermost reduced: the smallest value of each output's runs.</summary>
    /// <inheritdoc cref="MaxRuns(ReadOnlySpan{sbyte}, int, int, int, Span{sbyte})"/>
    public static void MinRuns(ReadOnlySpan<sbyte> input, int blocks, int blockStride, int runLength, Span<sbyte> output) =>
        ExtremeRuns<Minimum>(input, new Blocks(blocks, blockStride), runLength, output);
}
