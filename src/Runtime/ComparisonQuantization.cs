using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// TFLM's int8 comparisons (comparisons.cc, <c>ComparisonWithScaling</c>) as an <see cref="IQuantizedOperation"/> for
/// <see cref="QuantizedBinaryKernels.Compare{TOperation}(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, in TOperation, Span{bool})"/>:
/// each input offset by minus its zero point, shifted left and scaled by its own scale
/// (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>, <see cref="FixedPointLanes"/> lane by lane), then the two
/// int32 values compared by <typeparamref name="TComparison"/>: 1 where it holds, else 0.
/// </summary>
/// <typeparam name="TComparison">The relation, such as <see cref="ComparisonKernels.Less"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ComparisonQuantization<TComparison> : IQuantizedOperation
    where TComparison : IComparison
{
    private readonly ScaledInput _input1, _input2;

    /// <summary>The rescaling of one comparison layer, as TFLM's <c>ComparisonsPrepare</c> derives it.</summary>
    /// <param name="leftShift">The inputs' left shift (TFLM's <c>kLeftShift</c>, 8).</param>
    /// <param name="input1Offset">Minus the first input's zero point.</param>
    /// <param name="input1Multiplier">The first input's Q0.31 multiplier (its scale), below one.</param>
    /// <param name="input1Shift">Its exponent, 0 to −31.</param>
    /// <param name="input2Offset">Minus the second input's zero point.</param>
    /// <param name="input2Multiplier">The second input's Q0.31 multiplier, below one.</param>
    /// <param name="input2Shift">Its exponent, 0 to −31.</param>
    public ComparisonQuantization(int leftShift, int input1Offset, int input1Multiplier, int input1Shift, int input2Offset, int input2Multiplier, int input2Shift)
    {
        _input1 = new ScaledInput(leftShift, input1Offset, input1Multiplier, input1Shift, nameof(input1Shift));
        _input2 = new ScaledInput(leftShift, input2Offset, input2Multiplier, input2Shift, nameof(input2Shift));
    }

    /// <inheritdoc/>
    public int OutputOffset => 0;

    /// <inheritdoc/>
    public int Min => 0;

    /// <inheritdoc/>
    public int Max => 1;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int IQuantizedOperation.Invoke(int x, int y) => TComparison.Invoke(_input1.Scale(x), _input2.Scale(y)) ? 1 : 0;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector128<int> IQuantizedOperation.Invoke(Vector128<int> x, Vector128<int> y) =>
        -TComparison.Invoke(_input1.Scale(x), _input2.Scale(y));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> IQuantizedOperation.Invoke(Vector256<int> x, Vector256<int> y) =>
        -TComparison.Invoke(_input1.Scale(x), _input2.Scale(y));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector512<int> IQuantizedOperation.Invoke(Vector512<int> x, Vector512<int> y) =>
        -TComparison.Invoke(_input1.Scale(x), _input2.Scale(y));
}
