using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// An element-wise float operation that has the same bits one lane at a time and in a vector: IEEE 754
/// basic operations (negation, absolute value, multiplication, division, square root) and exact roundings
/// (floor, ceiling), which every tier computes alike.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFloatUnaryOperation
{
    /// <summary>The operation on one element.</summary>
    static abstract float Invoke(float x);

    /// <summary>The operation on four lanes.</summary>
    static abstract Vector128<float> Invoke(Vector128<float> x);

    /// <summary>The operation on eight lanes.</summary>
    static abstract Vector256<float> Invoke(Vector256<float> x);

    /// <summary>The operation on sixteen lanes.</summary>
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// Element-wise float kernels of the generated layers (ABS, NEG, SQUARE, SQRT, RSQRT, FLOOR, CEIL): the
/// widest vectors the machine has, then a scalar tail, with the same result in every lane as the scalar
/// operation TFLM applies. Input and output may be the same memory (a layer computed in place).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FloatElementwise
{
    /// <summary><c>output[i] = TOperation(input[i])</c>.</summary>
    public static void Apply<TOperation>(ReadOnlySpan<float> input, Span<float> output)
        where TOperation : IFloatUnaryOperation
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOperation.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOperation.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOperation.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = TOperation.Invoke(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>
    /// ROUND as TFLM's <c>RoundToNearest</c> computes it: ties to even, and a negative input that rounds up to
    /// zero gives +0 (<c>floor(x) + 1</c>), where <c>MathF.Round</c> would keep the sign.
    /// </summary>
    public static float RoundToNearest(float value)
    {
        float floor = MathF.Floor(value);
        float diff = value - floor;
        return diff < 0.5f || (diff == 0.5f && (int)floor % 2 == 0) ? floor : floor + 1f;
    }

    /// <summary>ABS: <c>|x|</c> (the sign bit cleared, as <c>std::abs</c>).</summary>
    public readonly struct Abs : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => MathF.Abs(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Abs(x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Abs(x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Abs(x);
    }

    /// <summary>NEG: <c>-x</c>.</summary>
    public readonly struct Negate : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => -x;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => -x;

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => -x;

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => -x;
    }

    /// <summary>SQUARE: <c>x · x</c>.</summary>
    public readonly struct Square : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => x * x;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => x * x;

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => x * x;

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => x * x;
    }

    /// <summary>SQRT: the correctly rounded square root.</summary>
    public readonly struct Sqrt : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => MathF.Sqrt(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Sqrt(x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Sqrt(x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Sqrt(x);
    }

    /// <summary>RSQRT: <c>1 / sqrt(x)</c>, a correctly rounded square root then a division, as TFLM's float kernel (not an estimate).</summary>
    public readonly struct ReciprocalSqrt : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => 1f / MathF.Sqrt(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128<float>.One / Vector128.Sqrt(x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / Vector256.Sqrt(x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / Vector512.Sqrt(x);
    }

    /// <summary>FLOOR: the largest integer not above <c>x</c>.</summary>
    public readonly struct Floor : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => MathF.Floor(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Floor(x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Floor(x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Floor(x);
    }

    /// <summary>CEIL: the smallest integer not below <c>x</c>.</summary>
    public readonly struct Ceiling : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => MathF.Ceiling(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128.Ceiling(x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.Ceiling(x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.Ceiling(x);
    }
}
