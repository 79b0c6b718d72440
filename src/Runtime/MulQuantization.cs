using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// TFLM's rescaling of an int8 or int16 MUL (mul.h, <c>CalculateOpDataMul</c>): both inputs offset by minus their
/// zero points, multiplied in int32, scaled by <c>multiplier · 2^(shift − 31)</c> (<c>MultiplyByQuantizedMultiplier</c>),
/// offset by the output zero point and clamped, for <see cref="QuantizedBinaryKernels"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MulQuantization : IQuantizedOperation
{
    /// <summary>The rescaling of one MUL layer.</summary>
    /// <param name="input1Offset">Minus the first input's zero point.</param>
    /// <param name="input2Offset">Minus the second input's zero point.</param>
    /// <param name="outputOffset">The output's zero point.</param>
    /// <param name="multiplier">The Q0.31 multiplier of <c>input1 scale · input2 scale / output scale</c>.</param>
    /// <param name="shift">Its exponent, in [−31, 30] as TFLite's <c>QuantizeMultiplier</c> gives it.</param>
    /// <param name="min">The clamp's lower bound, within the element type.</param>
    /// <param name="max">The clamp's upper bound, within the element type.</param>
    public MulQuantization(int input1Offset, int input2Offset, int outputOffset, int multiplier, int shift, int min, int max)
    {
        QuantizedBinaryKernels.CheckShift(shift, nameof(shift));
        Input1Offset = input1Offset;
        Input2Offset = input2Offset;
        OutputOffset = outputOffset;
        Multiplier = multiplier;
        Shift = shift;
        Min = min;
        Max = max;
    }

    /// <summary>Minus the first input's zero point.</summary>
    public int Input1Offset { get; }

    /// <summary>Minus the second input's zero point.</summary>
    public int Input2Offset { get; }

    /// <summary>The output's zero point.</summary>
    public int OutputOffset { get; }

    /// <summary>The Q0.31 multiplier.</summary>
    public int Multiplier { get; }

    /// <summary>The multiplier's exponent.</summary>
    public int Shift { get; }

    /// <summary>The clamp's lower bound.</summary>
    public int Min { get; }

    /// <summary>The clamp's upper bound.</summary>
    public int Max { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int IQuantizedOperation.Invoke(int x, int y) =>
        FixedPoint.MultiplyByQuantizedMultiplier(unchecked((x + Input1Offset) * (y + Input2Offset)), Multiplier, Shift);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector128<int> IQuantizedOperation.Invoke(Vector128<int> x, Vector128<int> y)
    {
        Vector128<int> a = x + Vector128.Create(Input1Offset), b = y + Vector128.Create(Input2Offset);
        // The product of two offset int8 or int16 values fits in 32 bits: the low half is the product.
        Vector128<int> product = Sse41.IsSupported ? Sse41.MultiplyLow(a, b) : a * b;
        return FixedPointLanes.MultiplyByQuantizedMultiplier(product, Vector128.Create(Multiplier), Shift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> IQuantizedOperation.Invoke(Vector256<int> x, Vector256<int> y)
    {
        Vector256<int> product = Avx2.MultiplyLow(x + Vector256.Create(Input1Offset), y + Vector256.Create(Input2Offset));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(product, Vector256.Create(Multiplier), Vector256.Create(Shift));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector512<int> IQuantizedOperation.Invoke(Vector512<int> x, Vector512<int> y)
    {
        Vector512<int> product = Avx512F.MultiplyLow(x + Vector512.Create(Input1Offset), y + Vector512.Create(Input2Offset));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(product, Vector512.Create(Multiplier), Vector512.Create(Shift));
    }
}
