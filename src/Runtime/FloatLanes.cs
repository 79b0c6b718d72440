using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The float vector operations of the convolution kernels (<see cref="FloatConvolution"/>,
/// <see cref="FloatDepthwiseConvolution"/>), so that a tile is written once and instantiated per vector width: each
/// implementation is a struct, and the JIT (or NativeAOT) compiles one copy of the tile per width with these inlined.
/// </summary>
/// <typeparam name="TVector">The vector of floats.</typeparam>
internal interface IFloatLanes<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Loads a vector.</summary>
    static abstract TVector Load(ref float source);

    /// <summary>One value in every lane.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>Lane by lane <c>a · b</c>, rounded once: a multiply, never fused with the add that follows.</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>Lane by lane <c>a + b</c>.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>
    /// Adds the bias and clamps as TFLM's <c>ActivationFunctionWithMinMax</c> does: <c>std::max</c>, then <c>std::min</c>,
    /// where <c>std::max(x, lo)</c> is <c>x &lt; lo ? lo : x</c> (NaN kept).
    /// </summary>
    static abstract TVector Finish(TVector sum, ref float bias, float min, float max);

    /// <summary>Stores the first <paramref name="valid"/> lanes (all of them when <paramref name="valid"/> is at least <see cref="Count"/>).</summary>
    static abstract void Store(TVector value, ref float destination, int valid);
}

/// <summary><see cref="IFloatLanes{TVector}"/> on 512-bit vectors.</summary>
internal readonly struct FloatLanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Finish(Vector512<float> sum, ref float bias, float min, float max)
    {
        Vector512<float> v = sum + Vector512.LoadUnsafe(ref bias), lo = Vector512.Create(min), hi = Vector512.Create(max);
        v = Vector512.ConditionalSelect(Vector512.LessThan(v, lo), lo, v);
        return Vector512.ConditionalSelect(Vector512.LessThan(hi, v), hi, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, int valid)
    {
        if (valid >= 16)
        {
            value.StoreUnsafe(ref destination);
            return;
        }
        for (int i = 0; i < valid; i++)
        {
            Unsafe.Add(ref destination, i) = value.GetElement(i);
        }
    }
}

/// <summary><see cref="IFloatLanes{TVector}"/> on 256-bit vectors.</summary>
internal readonly struct FloatLanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Finish(Vector256<float> sum, ref float bias, float min, float max)
    {
        Vector256<float> v = sum + Vector256.LoadUnsafe(ref bias), lo = Vector256.Create(min), hi = Vector256.Create(max);
        v = Vector256.ConditionalSelect(Vector256.LessThan(v, lo), lo, v);
        return Vector256.ConditionalSelect(Vector256.LessThan(hi, v), hi, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, int valid)
    {
        if (valid >= 8)
        {
            value.StoreUnsafe(ref destination);
            return;
        }
        for (int i = 0; i < valid; i++)
        {
            Unsafe.Add(ref destination, i) = value.GetElement(i);
        }
    }
}

/// <summary><see cref="IFloatLanes{TVector}"/> on 128-bit vectors (SSE on x64, AdvSimd on ARM64).</summary>
internal readonly struct FloatLanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Finish(Vector128<float> sum, ref float bias, float min, float max)
    {
        Vector128<float> v = sum + Vector128.LoadUnsafe(ref bias), lo = Vector128.Create(min), hi = Vector128.Create(max);
        v = Vector128.ConditionalSelect(Vector128.LessThan(v, lo), lo, v);
        return Vector128.ConditionalSelect(Vector128.LessThan(hi, v), hi, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, int valid)
    {
        if (valid >= 4)
        {
            value.StoreUnsafe(ref destination);
            return;
        }
        for (int i = 0; i < valid; i++)
        {
            Unsafe.Add(ref destination, i) = value.GetElement(i);
        }
    }
}

/// <summary>One float at a time, for the same kernels without vectors: the same operations, the same bits.</summary>
internal readonly struct FloatLanes1 : IFloatLanes<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Finish(float sum, ref float bias, float min, float max)
    {
        float v = sum + bias;
        v = v < min ? min : v;
        return max < v ? max : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, int valid)
    {
        if (valid > 0)
        {
            destination = value;
        }
    }
}
