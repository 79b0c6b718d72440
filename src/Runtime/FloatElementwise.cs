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
/// Element-wise float kernels of the generated layers (ABS, NEG, SQUARE, SQRT, RSQRT, FLOOR, CEIL, ROUND, RELU,
/// RELU6, LEAKY_RELU, HARD_SWISH): the widest vectors the machine has, then a scalar tail, with the same result in
/// every lane as the scalar operation TFLM applies. Input and output may be the same memory (a layer computed in place).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FloatElementwise
{
    /// <summary>The widest vectors the kernels use on this machine (narrower ones take the elements left over, then one at a time).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary><c>output[i] = TOperation(input[i])</c>.</summary>
    public static void Apply<TOperation>(ReadOnlySpan<float> input, Span<float> output)
        where TOperation : IFloatUnaryOperation =>
        Map(input, output, default(Static<TOperation>));

    /// <summary>
    /// LEAKY_RELU: <c>output[i] = x &gt; 0 ? x : x · alpha</c>, as TFLM's float kernel (NaN and −0 take the
    /// <c>x · alpha</c> side, as the comparison there sends them).
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="alpha">The slope below zero.</param>
    /// <param name="output">The result, at least as long as the input; it may be the input.</param>
    public static void LeakyRelu(ReadOnlySpan<float> input, float alpha, Span<float> output) =>
        Map(input, output, new LeakyReluMap(alpha));

    /// <summary>The tiers' loop: the widest vectors first, then narrower ones, then one element at a time.</summary>
    private static void Map<TMap>(ReadOnlySpan<float> input, Span<float> output, TMap map)
        where TMap : struct, IFloatMap
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                map.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (InstructionTiers.Has256(tier))
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                map.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                map.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = map.Invoke(Unsafe.Add(ref x, i));
        }
    }

    /// <summary>An element-wise operation that carries parameters (an instance, where <see cref="IFloatUnaryOperation"/> is static).</summary>
    private interface IFloatMap
    {
        float Invoke(float x);

        Vector128<float> Invoke(Vector128<float> x);

        Vector256<float> Invoke(Vector256<float> x);

        Vector512<float> Invoke(Vector512<float> x);
    }

    /// <summary>A parameterless <see cref="IFloatUnaryOperation"/> as an <see cref="IFloatMap"/>.</summary>
    private readonly struct Static<TOperation> : IFloatMap
        where TOperation : IFloatUnaryOperation
    {
        public float Invoke(float x) => TOperation.Invoke(x);

        public Vector128<float> Invoke(Vector128<float> x) => TOperation.Invoke(x);

        public Vector256<float> Invoke(Vector256<float> x) => TOperation.Invoke(x);

        public Vector512<float> Invoke(Vector512<float> x) => TOperation.Invoke(x);
    }

    /// <summary>LEAKY_RELU with its slope: <c>x &gt; 0 ? x : x · alpha</c>.</summary>
    private readonly struct LeakyReluMap(float alpha) : IFloatMap
    {
        public float Invoke(float x) => x > 0f ? x : x * alpha;

        public Vector128<float> Invoke(Vector128<float> x) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * Vector128.Create(alpha));

        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * Vector256.Create(alpha));

        public Vector512<float> Invoke(Vector512<float> x) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * Vector512.Create(alpha));
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

    /// <summary>RELU: <c>x &lt; 0 ? 0 : x</c> (NaN and −0 pass through, as TFLM's <c>std::max(0.0f, x)</c> written that way).</summary>
    public readonly struct Relu : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => x < 0f ? 0f : x;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);
    }

    /// <summary>RELU6: <c>x &gt; 6 ? 6 : x &lt; 0 ? 0 : x</c> (NaN passes through).</summary>
    public readonly struct Relu6 : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => x > 6f ? 6f : x < 0f ? 0f : x;

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x)
        {
            Vector128<float> six = Vector128.Create(6f);
            x = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);
            return Vector128.ConditionalSelect(Vector128.GreaterThan(x, six), six, x);
        }

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x)
        {
            Vector256<float> six = Vector256.Create(6f);
            x = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);
            return Vector256.ConditionalSelect(Vector256.GreaterThan(x, six), six, x);
        }

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x)
        {
            Vector512<float> six = Vector512.Create(6f);
            x = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);
            return Vector512.ConditionalSelect(Vector512.GreaterThan(x, six), six, x);
        }
    }

    /// <summary>
    /// HARD_SWISH in TFLM's float order: <c>r = x + 3</c>, <c>r = 0 &lt; r ? r : 0</c>, <c>r = r &lt; 6 ? r : 6</c>,
    /// then <c>x · r / 6</c> (a multiply, then a division; a NaN input gives NaN).
    /// </summary>
    public readonly struct HardSwish : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x)
        {
            float r = x + 3f;
            r = 0f < r ? r : 0f;
            r = r < 6f ? r : 6f;
            return x * r / 6f;
        }

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x)
        {
            Vector128<float> six = Vector128.Create(6f), r = x + Vector128.Create(3f);
            r = Vector128.ConditionalSelect(Vector128.LessThan(Vector128<float>.Zero, r), r, Vector128<float>.Zero);
            r = Vector128.ConditionalSelect(Vector128.LessThan(r, six), r, six);
            return x * r / six;
        }

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x)
        {
            Vector256<float> six = Vector256.Create(6f), r = x + Vector256.Create(3f);
            r = Vector256.ConditionalSelect(Vector256.LessThan(Vector256<float>.Zero, r), r, Vector256<float>.Zero);
            r = Vector256.ConditionalSelect(Vector256.LessThan(r, six), r, six);
            return x * r / six;
        }

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x)
        {
            Vector512<float> six = Vector512.Create(6f), r = x + Vector512.Create(3f);
            r = Vector512.ConditionalSelect(Vector512.LessThan(Vector512<float>.Zero, r), r, Vector512<float>.Zero);
            r = Vector512.ConditionalSelect(Vector512.LessThan(r, six), r, six);
            return x * r / six;
        }
    }

    /// <summary>
    /// ROUND as <see cref="RoundToNearest(float)"/>: in vectors the parity test of the floor is <c>floor / 2</c> being
    /// whole, exact wherever a tie can occur (below 2^23, where every float is a multiple of one half).
    /// </summary>
    public readonly struct Round : IFloatUnaryOperation
    {
        /// <inheritdoc/>
        public static float Invoke(float x) => RoundToNearest(x);

        /// <inheritdoc/>
        public static Vector128<float> Invoke(Vector128<float> x)
        {
            Vector128<float> floor = Vector128.Floor(x), diff = x - floor, half = Vector128.Create(0.5f), halved = floor * half;
            Vector128<float> down = Vector128.LessThan(diff, half) | (Vector128.Equals(diff, half) & Vector128.Equals(halved, Vector128.Floor(halved)));
            return Vector128.ConditionalSelect(down, floor, floor + Vector128<float>.One);
        }

        /// <inheritdoc/>
        public static Vector256<float> Invoke(Vector256<float> x)
        {
            Vector256<float> floor = Vector256.Floor(x), diff = x - floor, half = Vector256.Create(0.5f), halved = floor * half;
            Vector256<float> down = Vector256.LessThan(diff, half) | (Vector256.Equals(diff, half) & Vector256.Equals(halved, Vector256.Floor(halved)));
            return Vector256.ConditionalSelect(down, floor, floor + Vector256<float>.One);
        }

        /// <inheritdoc/>
        public static Vector512<float> Invoke(Vector512<float> x)
        {
            Vector512<float> floor = Vector512.Floor(x), diff = x - floor, half = Vector512.Create(0.5f), halved = floor * half;
            Vector512<float> down = Vector512.LessThan(diff, half) | (Vector512.Equals(diff, half) & Vector512.Equals(halved, Vector512.Floor(halved)));
            return Vector512.ConditionalSelect(down, floor, floor + Vector512<float>.One);
        }
    }
}
