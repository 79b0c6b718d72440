using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// TFLM's int8 and int16 PRELU arithmetic (prelu.h, <c>PreluParams</c>): the input offset by minus its zero point;
/// at or above zero it is scaled by the identity multiplier (input scale / output scale), below zero it is multiplied
/// by alpha offset by minus alpha's zero point and scaled by the alpha multiplier (input · alpha scale / output scale);
/// then offset by the output zero point and clamped, for <see cref="QuantizedBinaryKernels"/>. The vector forms pick
/// each lane's operand, multiplier and shift by its sign and make one <c>MultiplyByQuantizedMultiplier</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct PreluQuantization : IQuantizedOperation
{
    /// <summary>The arithmetic of one PRELU layer.</summary>
    /// <param name="inputOffset">Minus the input's zero point.</param>
    /// <param name="alphaOffset">Minus alpha's zero point.</param>
    /// <param name="outputOffset">The output's zero point.</param>
    /// <param name="identityMultiplier">The Q0.31 multiplier of the non-negative side.</param>
    /// <param name="identityShift">Its exponent.</param>
    /// <param name="alphaMultiplier">The Q0.31 multiplier of the negative side.</param>
    /// <param name="alphaShift">Its exponent.</param>
    /// <param name="min">The clamp's lower bound (the output type's).</param>
    /// <param name="max">The clamp's upper bound (the output type's).</param>
    public PreluQuantization(int inputOffset, int alphaOffset, int outputOffset, int identityMultiplier, int identityShift, int alphaMultiplier, int alphaShift, int min, int max)
    {
        QuantizedBinaryKernels.CheckShift(identityShift, nameof(identityShift));
        QuantizedBinaryKernels.CheckShift(alphaShift, nameof(alphaShift));
        InputOffset = inputOffset;
        AlphaOffset = alphaOffset;
        OutputOffset = outputOffset;
        IdentityMultiplier = identityMultiplier;
        IdentityShift = identityShift;
        AlphaMultiplier = alphaMultiplier;
        AlphaShift = alphaShift;
        Min = min;
        Max = max;
    }

    /// <summary>Minus the input's zero point.</summary>
    public int InputOffset { get; }

    /// <summary>Minus alpha's zero point.</summary>
    public int AlphaOffset { get; }

    /// <summary>The output's zero point.</summary>
    public int OutputOffset { get; }

    /// <summary>The non-negative side's multiplier.</summary>
    public int IdentityMultiplier { get; }

    /// <summary>The non-negative side's exponent.</summary>
    public int IdentityShift { get; }

    /// <summary>The negative side's multiplier.</summary>
    public int AlphaMultiplier { get; }

    /// <summary>The negative side's exponent.</summary>
    public int AlphaShift { get; }

    /// <summary>The clamp's lower bound.</summary>
    public int Min { get; }

    /// <summary>The clamp's upper bound.</summary>
    public int Max { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int IQuantizedOperation.Invoke(int x, int alpha)
    {
        int v = x + InputOffset;
        return v >= 0
            ? FixedPoint.MultiplyByQuantizedMultiplier(v, IdentityMultiplier, IdentityShift)
            : FixedPoint.MultiplyByQuantizedMultiplier(unchecked(v * (alpha + AlphaOffset)), AlphaMultiplier, AlphaShift);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector128<int> IQuantizedOperation.Invoke(Vector128<int> x, Vector128<int> alpha)
    {
        Vector128<int> v = x + Vector128.Create(InputOffset), a = alpha + Vector128.Create(AlphaOffset);
        Vector128<int> negative = Sse41.IsSupported ? Sse41.MultiplyLow(v, a) : v * a;
        Vector128<int> nonNegative = Vector128.GreaterThan(v, Vector128<int>.AllBitsSet);
        return FixedPointLanes.MultiplyByQuantizedMultiplier(
            Vector128.ConditionalSelect(nonNegative, v, negative),
            Vector128.ConditionalSelect(nonNegative, Vector128.Create(IdentityMultiplier), Vector128.Create(AlphaMultiplier)),
            Vector128.ConditionalSelect(nonNegative, Vector128.Create(IdentityShift), Vector128.Create(AlphaShift)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> IQuantizedOperation.Invoke(Vector256<int> x, Vector256<int> alpha)
    {
        Vector256<int> v = x + Vector256.Create(InputOffset);
        Vector256<int> negative = Avx2.MultiplyLow(v, alpha + Vector256.Create(AlphaOffset));
        Vector256<int> nonNegative = Vector256.GreaterThan(v, Vector256<int>.AllBitsSet);
        return FixedPointLanes.MultiplyByQuantizedMultiplier(
            Vector256.ConditionalSelect(nonNegative, v, negative),
            Vector256.ConditionalSelect(nonNegative, Vector256.Create(IdentityMultiplier), Vector256.Create(AlphaMultiplier)),
            Vector256.ConditionalSelect(nonNegative, Vector256.Create(IdentityShift), Vector256.Create(AlphaShift)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector512<int> IQuantizedOperation.Invoke(Vector512<int> x, Vector512<int> alpha)
    {
        Vector512<int> v = x + Vector512.Create(InputOffset);
        Vector512<int> negative = Avx512F.MultiplyLow(v, alpha + Vector512.Create(AlphaOffset));
        Vector512<int> nonNegative = Vector512.GreaterThan(v, Vector512<int>.AllBitsSet);
        return FixedPointLanes.MultiplyByQuantizedMultiplier(
            Vector512.ConditionalSelect(nonNegative, v, negative),
            Vector512.ConditionalSelect(nonNegative, Vector512.Create(IdentityMultiplier), Vector512.Create(AlphaMultiplier)),
            Vector512.ConditionalSelect(nonNegative, Vector512.Create(IdentityShift), Vector512.Create(AlphaShift)));
    }
}
