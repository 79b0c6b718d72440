using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// A two-input element-wise operation that gives the same bits one element at a time and on every lane of a
/// vector, so that <see cref="BinaryKernels"/> can take any tier the machine has: IEEE 754 basic operations
/// (addition, subtraction, multiplication, division), wrapping integer arithmetic, and selections written as
/// the same comparison in both forms.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IBinaryOperation<T>
    where T : unmanaged, INumber<T>
{
    /// <summary>The operation on one pair of elements.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>The operation on 128-bit vectors.</summary>
    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    /// <summary>The operation on 256-bit vectors.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    /// <summary>The operation on 512-bit vectors.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>
/// The operations of the element-wise binary layers, for <see cref="BinaryKernels"/>. Each is written the way
/// TFLM's reference kernel computes one element; the vector forms give the same bits (integer arithmetic wraps
/// in both; float operations are single IEEE operations, never fused).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BinaryOperations
{
    /// <summary>ADD: <c>x + y</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct Add<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y) => x + y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x + y;

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
    }

    /// <summary>SUB: <c>x − y</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct Subtract<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y) => x - y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x - y;

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
    }

    /// <summary>MUL: <c>x · y</c> (the low bits of the product for integers).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct Multiply<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y) => x * y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x * y;

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
    }

    /// <summary>DIV on floats: <c>x / y</c>, correctly rounded in every form (int32 DIV: <see cref="Int32Divide"/>).</summary>
    public readonly struct Divide : IBinaryOperation<float>
    {
        /// <inheritdoc/>
        public static float Invoke(float x, float y) => x / y;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y) => x / y;

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x / y;

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x / y;
    }

    /// <summary>
    /// DIV on int32: C++'s (and C#'s) <c>x / y</c>, truncated toward zero. x86 has no integer vector division, so the
    /// vector forms divide in doubles (<see cref="Int32Division"/>, which says why that is exact). The two divisions
    /// C++ leaves undefined and TFLM's x86 build traps on, by zero and <c>int.MinValue / −1</c>, throw in every form
    /// as the scalar C# division does (<see cref="DivideByZeroException"/>, <see cref="OverflowException"/>), for the
    /// first such lane.
    /// </summary>
    public readonly struct Int32Divide : IBinaryOperation<int>
    {
        /// <inheritdoc/>
        public static int Invoke(int x, int y) => x / y;

        /// <inheritdoc/>
        public static Vector128<int> Invoke(Vector128<int> x, Vector128<int> y)
        {
            if ((Vector128.Equals(y, Vector128<int>.Zero) | (Vector128.Equals(x, Vector128.Create(int.MinValue)) & Vector128.Equals(y, Vector128<int>.AllBitsSet))) != Vector128<int>.Zero)
            {
                Int32Division.Trap(x, y);
            }
            return Int32Division.Divide(x, y);
        }

        /// <inheritdoc/>
        public static Vector256<int> Invoke(Vector256<int> x, Vector256<int> y)
        {
            if ((Vector256.Equals(y, Vector256<int>.Zero) | (Vector256.Equals(x, Vector256.Create(int.MinValue)) & Vector256.Equals(y, Vector256<int>.AllBitsSet))) != Vector256<int>.Zero)
            {
                Int32Division.Trap(x, y);
            }
            return Int32Division.Divide(x, y);
        }

        /// <inheritdoc/>
        public static Vector512<int> Invoke(Vector512<int> x, Vector512<int> y)
        {
            if ((Vector512.Equals(y, Vector512<int>.Zero) | (Vector512.Equals(x, Vector512.Create(int.MinValue)) & Vector512.Equals(y, Vector512<int>.AllBitsSet))) != Vector512<int>.Zero)
            {
                Int32Division.Trap(x, y);
            }
            return Int32Division.Divide(x, y);
        }
    }

    /// <summary>
    /// MAXIMUM as TFLM's <c>MaximumOp</c>: <c>x &gt; y ? x : y</c>. A NaN in either input gives <c>y</c>, and
    /// <c>max(−0, +0)</c> is <c>+0</c> but <c>max(+0, −0)</c> is <c>−0</c>: a compare and a select, which
    /// <c>Vector128.Max</c> (IEEE maxNum-like on some platforms) would not reproduce.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct Maximum<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y) => x > y ? x : y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, y), x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, y), x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, y), x, y);
    }

    /// <summary>MINIMUM as TFLM's <c>MinimumOp</c>: <c>x &lt; y ? x : y</c> (a NaN in either input gives <c>y</c>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct Minimum<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y) => x < y ? x : y;

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.ConditionalSelect(Vector128.LessThan(x, y), x, y);

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.ConditionalSelect(Vector256.LessThan(x, y), x, y);

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.ConditionalSelect(Vector512.LessThan(x, y), x, y);
    }

    /// <summary>SQUARED_DIFFERENCE without quantization: <c>d = x − y; d · d</c> (wrapping for integers, as TFLM's int32 kernel).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public readonly struct SquaredDifference<T> : IBinaryOperation<T>
        where T : unmanaged, INumber<T>
    {
        /// <inheritdoc/>
        public static T Invoke(T x, T y)
        {
            T d = x - y;
            return d * d;
        }

        /// <inheritdoc/>
        public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y)
        {
            Vector128<T> d = x - y;
            return d * d;
        }

        /// <inheritdoc/>
        public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y)
        {
            Vector256<T> d = x - y;
            return d * d;
        }

        /// <inheritdoc/>
        public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y)
        {
            Vector512<T> d = x - y;
            return d * d;
        }
    }

    /// <summary>PRELU on floats: <c>x ≥ 0 ? x : x · alpha</c> (NaN takes the second branch and stays NaN; −0 the first).</summary>
    public readonly struct Prelu : IBinaryOperation<float>
    {
        /// <inheritdoc/>
        public static float Invoke(float x, float alpha) => x >= 0f ? x : x * alpha;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> alpha) =>
            Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), x, x * alpha);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> alpha) =>
            Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, x * alpha);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> alpha) =>
            Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, x * alpha);
    }

    /// <summary>
    /// FLOOR_DIV on floats as TFLM's <c>FloorDiv</c>: <c>(float)floor((double)x / (double)y)</c>. The vector forms
    /// widen to doubles, divide, floor and narrow: each step is exact or correctly rounded, as the scalar one.
    /// </summary>
    public readonly struct FloorDivide : IBinaryOperation<float>
    {
        /// <inheritdoc/>
        public static float Invoke(float x, float y) => (float)System.Math.Floor((double)x / y);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y)
        {
            (Vector128<double> x0, Vector128<double> x1) = Vector128.Widen(x);
            (Vector128<double> y0, Vector128<double> y1) = Vector128.Widen(y);
            return Vector128.Narrow(Vector128.Floor(x0 / y0), Vector128.Floor(x1 / y1));
        }

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y)
        {
            (Vector256<double> x0, Vector256<double> x1) = Vector256.Widen(x);
            (Vector256<double> y0, Vector256<double> y1) = Vector256.Widen(y);
            return Vector256.Narrow(Vector256.Floor(x0 / y0), Vector256.Floor(x1 / y1));
        }

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y)
        {
            (Vector512<double> x0, Vector512<double> x1) = Vector512.Widen(x);
            (Vector512<double> y0, Vector512<double> y1) = Vector512.Widen(y);
            return Vector512.Narrow(Vector512.Floor(x0 / y0), Vector512.Floor(x1 / y1));
        }
    }

    /// <summary>LOGICAL_AND on bools stored as bytes: 1 when both are nonzero, else 0.</summary>
    public readonly struct LogicalAnd : IBinaryOperation<byte>
    {
        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Invoke(byte x, byte y) => x != 0 && y != 0 ? (byte)1 : (byte)0;

        /// <inheritdoc/>
        public static Vector128<byte> Invoke(Vector128<byte> x, Vector128<byte> y) =>
            Vector128.AndNot(Vector128<byte>.One, Vector128.Equals(x, Vector128<byte>.Zero) | Vector128.Equals(y, Vector128<byte>.Zero));

        /// <inheritdoc/>
        public static Vector256<byte> Invoke(Vector256<byte> x, Vector256<byte> y) =>
            Vector256.AndNot(Vector256<byte>.One, Vector256.Equals(x, Vector256<byte>.Zero) | Vector256.Equals(y, Vector256<byte>.Zero));

        /// <inheritdoc/>
        public static Vector512<byte> Invoke(Vector512<byte> x, Vector512<byte> y) =>
            Vector512.AndNot(Vector512<byte>.One, Vector512.Equals(x, Vector512<byte>.Zero) | Vector512.Equals(y, Vector512<byte>.Zero));
    }

    /// <summary>LOGICAL_OR on bools stored as bytes: 1 when either is nonzero, else 0.</summary>
    public readonly struct LogicalOr : IBinaryOperation<byte>
    {
        /// <inheritdoc/>
        public static byte Invoke(byte x, byte y) => x != 0 || y != 0 ? (byte)1 : (byte)0;

        /// <inheritdoc/>
        public static Vector128<byte> Invoke(Vector128<byte> x, Vector128<byte> y) =>
            Vector128.AndNot(Vector128<byte>.One, Vector128.Equals(x | y, Vector128<byte>.Zero));

        /// <inheritdoc/>
        public static Vector256<byte> Invoke(Vector256<byte> x, Vector256<byte> y) =>
            Vector256.AndNot(Vector256<byte>.One, Vector256.Equals(x | y, Vector256<byte>.Zero));

        /// <inheritdoc/>
        public static Vector512<byte> Invoke(Vector512<byte> x, Vector512<byte> y) =>
            Vector512.AndNot(Vector512<byte>.One, Vector512.Equals(x | y, Vector512<byte>.Zero));
    }
}
