using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// TFLM's int8 and int16 SQUARED_DIFFERENCE arithmetic (squared_difference.cc): each input offset by minus its zero
/// point, shifted left and scaled to twice the larger input scale (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>),
/// the difference squared in int32 (wrapping as TFLM's does) and scaled to the output (<c>MultiplyByQuantizedMultiplier</c>),
/// offset by the output zero point and clamped, for <see cref="QuantizedBinaryKernels"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct SquaredDifferenceQuantization : IQuantizedOperation
{
    /// <summary>The arithmetic of one SQUARED_DIFFERENCE layer.</summary>
    /// <param name="leftShift">The inputs' left shift (7 for int8, 0 for int16).</param>
    /// <param name="input1Offset">Minus the first input's zero point.</param>
    /// <param name="input1Multiplier">The first input's Q0.31 multiplier, below one.</param>
    /// <param name="input1Shift">Its exponent, at most 0.</param>
    /// <param name="input2Offset">Minus the second input's zero point.</param>
    /// <param name="input2Multiplier">The second input's Q0.31 multiplier, below one.</param>
    /// <param name="input2Shift">Its exponent, at most 0.</param>
    /// <param name="outputOffset">The output's zero point.</param>
    /// <param name="outputMultiplier">The squared difference's Q0.31 multiplier.</param>
    /// <param name="outputShift">Its exponent.</param>
    /// <param name="min">The clamp's lower bound (the output type's).</param>
    /// <param name="max">The clamp's upper bound (the output type's).</param>
    public SquaredDifferenceQuantization(int leftShift, int input1Offset, int input1Multiplier, int input1Shift, int input2Offset, int input2Multiplier, int input2Shift,
        int outputOffset, int outputMultiplier, int outputShift, int min, int max)
    {
        if (leftShift is < 0 or > 15)
        {
            throw new ArgumentOutOfRangeException(nameof(leftShift), leftShift, "TFLM shifts the inputs left by 7 (int8) or 0 (int16).");
        }
        if (input1Shift > 0 || input2Shift > 0)
        {
            throw new ArgumentOutOfRangeException(input1Shift > 0 ? nameof(input1Shift) : nameof(input2Shift), "The inputs' multipliers are below one: their shifts are at most 0.");
        }
        QuantizedBinaryKernels.CheckShift(input1Shift, nameof(input1Shift));
        QuantizedBinaryKernels.CheckShift(input2Shift, nameof(input2Shift));
        QuantizedBinaryKernels.CheckShift(outputShift, nameof(outputShift));
        LeftShift = leftShift;
        Input1Offset = input1Offset;
        Input1Multiplier = input1Multiplier;
        Input1Shift = input1Shift;
        Input2Offset = input2Offset;
        Input2Multiplier = input2Multiplier;
        Input2Shift = input2Shift;
        OutputOffset = outputOffset;
        OutputMultiplier = outputMultiplier;
        OutputShift = outputShift;
        Min = min;
        Max = max;
    }

    /// <summary>The inputs' left shift.</summary>
    public int LeftShift { get; }

    /// <summary>Minus the first input's zero point.</summary>
    public int Input1Offset { get; }

    /// <summary>The first input's multiplier.</summary>
    public int Input1Multiplier { get; }

    /// <summary>The first input's exponent.</summary>
    public int Input1Shift { get; }

    /// <summary>Minus the second input's zero point.</summary>
    public int Input2Offset { get; }

    /// <summary>The second input's multiplier.</summary>
    public int Input2Multiplier { get; }

    /// <summary>The second input's exponent.</summary>
    public int Input2Shift { get; }

    /// <summary>The output's zero point.</summary>
    public int OutputOffset { get; }

    /// <summary>The squared difference's multiplier.</summary>
    public int OutputMultiplier { get; }

    /// <summary>The squared difference's exponent.</summary>
    public int OutputShift { get; }

    /// <summary>The clamp's lower bound.</summary>
    public int Min { get; }

    /// <summary>The clamp's upper bound.</summary>
    public int Max { get; }

    /// <inheritdoc/>
    /// <remarks>A shift of at most 0 makes <c>MultiplyByQuantizedMultiplier</c> exactly <c>…SmallerThanOneExp</c>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int IQuantizedOperation.Invoke(int x, int y)
    {
        int d = FixedPoint.MultiplyByQuantizedMultiplier((x + Input1Offset) << LeftShift, Input1Multiplier, Input1Shift)
            - FixedPoint.MultiplyByQuantizedMultiplier((y + Input2Offset) << LeftShift, Input2Multiplier, Input2Shift);
        return FixedPoint.MultiplyByQuantizedMultiplier(unchecked(d * d), OutputMultiplier, OutputShift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector128<int> IQuantizedOperation.Invoke(Vector128<int> x, Vector128<int> y)
    {
        Vector128<int> d = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.ShiftLeft(x + Vector128.Create(Input1Offset), LeftShift), Vector128.Create(Input1Multiplier), Input1Shift)
            - FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.ShiftLeft(y + Vector128.Create(Input2Offset), LeftShift), Vector128.Create(Input2Multiplier), Input2Shift);
        Vector128<int> square = Sse41.IsSupported ? Sse41.MultiplyLow(d, d) : d * d;
        return FixedPointLanes.MultiplyByQuantizedMultiplier(square, Vector128.Create(OutputMultiplier), OutputShift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> IQuantizedOperation.Invoke(Vector256<int> x, Vector256<int> y)
    {
        Vector256<int> d = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.ShiftLeft(x + Vector256.Create(Input1Offset), LeftShift), Vector256.Create(Input1Multiplier), Vector256.Create(Input1Shift))
            - FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.ShiftLeft(y + Vector256.Create(Input2Offset), LeftShift), Vector256.Create(Input2Multiplier), Vector256.Create(Input2Shift));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(Avx2.MultiplyLow(d, d), Vector256.Create(OutputMultiplier), Vector256.Create(OutputShift));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector512<int> IQuantizedOperation.Invoke(Vector512<int> x, Vector512<int> y)
    {
        Vector512<int> d = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.ShiftLeft(x + Vector512.Create(Input1Offset), LeftShift), Vector512.Create(Input1Multiplier), Vector512.Create(Input1Shift))
            - FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.ShiftLeft(y + Vector512.Create(Input2Offset), LeftShift), Vector512.Create(Input2Multiplier), Vector512.Create(Input2Shift));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(Avx512F.MultiplyLow(d, d), Vector512.Create(OutputMultiplier), Vector512.Create(OutputShift));
    }
}
