using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The operations of the pooling kernels (<see cref="PoolingKernels"/>, and the row maxima of <see cref="SoftmaxKernels"/>) on one vector of channels, so that the
/// window loop is written once and instantiated per width: 512, 256 and 128-bit vectors and single values (the
/// scalar path and the channels left over), each a struct the JIT (or NativeAOT) inlines.
/// </summary>
/// <typeparam name="TVector">A vector of <typeparamref name="T"/> (or <typeparamref name="T"/> itself).</typeparam>
/// <typeparam name="T">The element type: int8, int16 or float.</typeparam>
internal interface IPoolingLanes<TVector, T>
    where TVector : struct
    where T : unmanaged
{
    /// <summary>Values per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads a vector.</summary>
    static abstract TVector Load(ref T source);

    /// <summary>Stores a vector.</summary>
    static abstract void Store(TVector value, ref T destination);

    /// <summary>One value in every lane.</summary>
    static abstract TVector Broadcast(T value);

    /// <summary>
    /// TFLM's <c>std::max(acc, v)</c>, <c>acc &lt; v ? v : acc</c>, lane by lane: a NaN input never replaces the
    /// maximum, and of two equal values (±0) the earlier stays.
    /// </summary>
    static abstract TVector Max(TVector acc, TVector v);

    /// <summary>Lane by lane <c>a + b</c>.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary><c>acc + v · v</c>, the product rounded before the sum (never fused).</summary>
    static abstract TVector AddSquare(TVector acc, TVector v);

    /// <summary>Lane by lane float <c>sum / count</c> (float lanes only).</summary>
    static abstract TVector Divide(TVector sum, float count);

    /// <summary>Lane by lane square root, correctly rounded (float lanes only).</summary>
    static abstract TVector Sqrt(TVector value);

    /// <summary>
    /// TFLM's activation clamp, <c>std::min(std::max(v, lo), hi)</c> with <c>std::max(v, lo) = v &lt; lo ? lo : v</c>
    /// (a NaN stays NaN).
    /// </summary>
    static abstract TVector Clamp(TVector v, TVector lo, TVector hi);
}

/// <summary><see cref="IPoolingLanes{TVector, T}"/> on 512-bit vectors.</summary>
internal readonly struct PoolingLanes512<T> : IPoolingLanes<Vector512<T>, T>
    where T : unmanaged, INumber<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    // Integer max has one order-free answer; the float one keeps the earlier value on ties and NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> acc, Vector512<T> v) =>
        typeof(T) == typeof(float) ? Vector512.ConditionalSelect(Vector512.LessThan(acc, v), v, acc) : Vector512.Max(acc, v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddSquare(Vector512<T> acc, Vector512<T> v) => acc + v * v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> sum, float count) => (sum.As<T, float>() / Vector512.Create(count)).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> value) => Vector512.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Clamp(Vector512<T> v, Vector512<T> lo, Vector512<T> hi)
    {
        v = Vector512.ConditionalSelect(Vector512.LessThan(v, lo), lo, v);
        return Vector512.ConditionalSelect(Vector512.LessThan(hi, v), hi, v);
    }
}

/// <summary><see cref="IPoolingLanes{TVector, T}"/> on 256-bit vectors.</summary>
internal readonly struct PoolingLanes256<T> : IPoolingLanes<Vector256<T>, T>
    where T : unmanaged, INumber<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> acc, Vector256<T> v) =>
        typeof(T) == typeof(float) ? Vector256.ConditionalSelect(Vector256.LessThan(acc, v), v, acc) : Vector256.Max(acc, v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddSquare(Vector256<T> acc, Vector256<T> v) => acc + v * v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> sum, float count) => (sum.As<T, float>() / Vector256.Create(count)).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> value) => Vector256.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Clamp(Vector256<T> v, Vector256<T> lo, Vector256<T> hi)
    {
        v = Vector256.ConditionalSelect(Vector256.LessThan(v, lo), lo, v);
        return Vector256.ConditionalSelect(Vector256.LessThan(hi, v), hi, v);
    }
}

/// <summary><see cref="IPoolingLanes{TVector, T}"/> on 128-bit vectors (SSE on x64, AdvSimd on ARM64).</summary>
internal readonly struct PoolingLanes128<T> : IPoolingLanes<Vector128<T>, T>
    where T : unmanaged, INumber<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> acc, Vector128<T> v) =>
        typeof(T) == typeof(float) ? Vector128.ConditionalSelect(Vector128.LessThan(acc, v), v, acc) : Vector128.Max(acc, v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddSquare(Vector128<T> acc, Vector128<T> v) => acc + v * v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> sum, float count) => (sum.As<T, float>() / Vector128.Create(count)).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> value) => Vector128.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Clamp(Vector128<T> v, Vector128<T> lo, Vector128<T> hi)
    {
        v = Vector128.ConditionalSelect(Vector128.LessThan(v, lo), lo, v);
        return Vector128.ConditionalSelect(Vector128.LessThan(hi, v), hi, v);
    }
}

/// <summary><see cref="IPoolingLanes{TVector, T}"/> one value at a time: the scalar path, and the channels a vector does not fill.</summary>
internal readonly struct PoolingLanes1<T> : IPoolingLanes<T, T>
    where T : unmanaged, INumber<T>
{
    public static int Count => 1;

    /// <summary>The type's lowest value (TFLM's <c>std::numeric_limits&lt;T&gt;::lowest()</c>), a running maximum's start.</summary>
    public static T Lowest
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (typeof(T) == typeof(sbyte))
            {
                sbyte value = sbyte.MinValue;
                return Unsafe.As<sbyte, T>(ref value);
            }
            if (typeof(T) == typeof(short))
            {
                short value = short.MinValue;
                return Unsafe.As<short, T>(ref value);
            }
            float lowest = float.MinValue;
            return Unsafe.As<float, T>(ref lowest);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T acc, T v) => acc < v ? v : acc;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddSquare(T acc, T v) => acc + v * v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T sum, float count)
    {
        float quotient = Unsafe.As<T, float>(ref sum) / count;
        return Unsafe.As<float, T>(ref quotient);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T value)
    {
        float root = MathF.Sqrt(Unsafe.As<T, float>(ref value));
        return Unsafe.As<float, T>(ref root);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Clamp(T v, T lo, T hi)
    {
        v = v < lo ? lo : v;
        return hi < v ? hi : v;
    }
}
