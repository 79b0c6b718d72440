using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// Quantized ADD or SUB (TFLM add.h, sub.h) as an <see cref="IQuantizedOperation"/> for
/// <see cref="QuantizedBinaryKernels"/>, where <see cref="AddSubKernels"/>' int8-only form does not apply: int16
/// layers and inputs repeated along the run (a broadcast or constant operand). Each input is offset, shifted left
/// and scaled by its multiplier (a rounding doubling high multiply, then a rounding right shift), the two are
/// combined by <typeparamref name="TCombine"/>, and the result is scaled to the output the same way: exactly
/// TFLM's <c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>, lane by lane (<see cref="FixedPointLanes"/>).
/// </summary>
/// <typeparam name="TCombine"><see cref="BinaryOperations.Add{T}"/> or <see cref="BinaryOperations.Subtract{T}"/> of int.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct AddSubOperation<TCombine> : IQuantizedOperation
    where TCombine : IBinaryOperation<int>
{
    private readonly int _leftShift, _input1Offset, _input1Multiplier, _input1Shift, _input2Offset, _input2Multiplier, _input2Shift, _outputMultiplier, _outputShift;

    /// <summary>The rescaling of one ADD or SUB layer, as TFLM's <c>CalculateOpDataAdd</c> / <c>CalculateOpDataSub</c> derive it.</summary>
    /// <param name="leftShift">The left shift applied to both offset inputs (20 for int8, 15 for int16).</param>
    /// <param name="input1Offset">Minus the first input's zero point.</param>
    /// <param name="input1Multiplier">The first input's Q0.31 multiplier.</param>
    /// <param name="input1Shift">The first input's exponent, 0 to −31.</param>
    /// <param name="input2Offset">Minus the second input's zero point.</param>
    /// <param name="input2Multiplier">The second input's Q0.31 multiplier.</param>
    /// <param name="input2Shift">The second input's exponent, 0 to −31.</param>
    /// <param name="outputOffset">The output zero point.</param>
    /// <param name="outputMultiplier">The output's Q0.31 multiplier.</param>
    /// <param name="outputShift">The output's exponent, 0 to −31.</param>
    /// <param name="min">The clamp's lower bound, within the element type.</param>
    /// <param name="max">The clamp's upper bound, within the element type.</param>
    public AddSubOperation(int leftShift, int input1Offset, int input1Multiplier, int input1Shift, int input2Offset, int input2Multiplier, int input2Shift,
        int outputOffset, int outputMultiplier, int outputShift, int min, int max)
    {
        QuantizedBinaryKernels.CheckShift(input1Shift, nameof(input1Shift));
        QuantizedBinaryKernels.CheckShift(input2Shift, nameof(input2Shift));
        QuantizedBinaryKernels.CheckShift(outputShift, nameof(outputShift));
        QuantizedBinaryKernels.CheckShift(leftShift, nameof(leftShift));
        _leftShift = leftShift;
        _input1Offset = input1Offset;
        _input1Multiplier = input1Multiplier;
        _input1Shift = input1Shift;
        _input2Offset = input2Offset;
        _input2Multiplier = input2Multiplier;
        _input2Shift = input2Shift;
        OutputOffset = outputOffset;
        _outputMultiplier = outputMultiplier;
        _outputShift = outputShift;
        Min = min;
        Max = max;
    }

    /// <inheritdoc/>
    public int OutputOffset { get; }

    /// <inheritdoc/>
    public int Min { get; }

    /// <inheritdoc/>
    public int Max { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int IQuantizedOperation.Invoke(int x, int y)
    {
        int a = FixedPoint.MultiplyByQuantizedMultiplier(unchecked((x + _input1Offset) << _leftShift), _input1Multiplier, _input1Shift);
        int b = FixedPoint.MultiplyByQuantizedMultiplier(unchecked((y + _input2Offset) << _leftShift), _input2Multiplier, _input2Shift);
        return FixedPoint.MultiplyByQuantizedMultiplier(TCombine.Invoke(a, b), _outputMultiplier, _outputShift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector128<int> IQuantizedOperation.Invoke(Vector128<int> x, Vector128<int> y)
    {
        Vector128<int> a = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.ShiftLeft(x + Vector128.Create(_input1Offset), _leftShift), Vector128.Create(_input1Multiplier), _input1Shift);
        Vector128<int> b = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.ShiftLeft(y + Vector128.Create(_input2Offset), _leftShift), Vector128.Create(_input2Multiplier), _input2Shift);
        return FixedPointLanes.MultiplyByQuantizedMultiplier(TCombine.Invoke(a, b), Vector128.Create(_outputMultiplier), _outputShift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> IQuantizedOperation.Invoke(Vector256<int> x, Vector256<int> y)
    {
        Vector256<int> a = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.ShiftLeft(x + Vector256.Create(_input1Offset), _leftShift), Vector256.Create(_input1Multiplier), Vector256.Create(_input1Shift));
        Vector256<int> b = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.ShiftLeft(y + Vector256.Create(_input2Offset), _leftShift), Vector256.Create(_input2Multiplier), Vector256.Create(_input2Shift));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(TCombine.Invoke(a, b), Vector256.Create(_outputMultiplier), Vector256.Create(_outputShift));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector512<int> IQuantizedOperation.Invoke(Vector512<int> x, Vector512<int> y)
    {
        Vector512<int> a = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.ShiftLeft(x + Vector512.Create(_input1Offset), _leftShift), Vector512.Create(_input1Multiplier), Vector512.Create(_input1Shift));
        Vector512<int> b = FixedPointLanes.MultiplyByQuantizedMultiplier(Vector512.ShiftLeft(y + Vector512.Create(_input2Offset), _leftShift), Vector512.Create(_input2Multiplier), Vector512.Create(_input2Shift));
        return FixedPointLanes.MultiplyByQuantizedMultiplier(TCombine.Invoke(a, b), Vector512.Create(_outputMultiplier), Vector512.Create(_outputShift));
    }
}
