using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// Element-wise kernels of the generated two-input layers (MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE,
/// FLOOR_DIV, PRELU, LOGICAL_AND/OR and the ADD/SUB paths outside <see cref="AddSubKernels"/>): one run of
/// elements, each input either a span as long as the output or one value repeated over it (a broadcast
/// operand along the innermost axis). The widest vectors the machine has (512, 256, then 128 bits: SSE on
/// x64's baseline, AdvSimd on ARM64), then a scalar tail, each lane computing what
/// <see cref="IBinaryOperation{T}.Invoke(T, T)"/> computes. The output may be either input (a layer computed in place).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BinaryKernels
{
    /// <summary>The widest vectors the kernels use on this machine (narrower ones take the elements left over, then one at a time).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary><c>output[i] = TOperation(x[i], y[i])</c>.</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<T, TOperation, Elements, Elements, Unclamped>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), output, default, default);
    }

    /// <summary><c>output[i] = TOperation(x[i], y)</c>.</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(ReadOnlySpan<T> x, T y, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(x.Length, output.Length, nameof(x));
        Run<T, TOperation, Elements, Repeated, Unclamped>(ref MemoryMarshal.GetReference(x), ref y, output, default, default);
    }

    /// <summary><c>output[i] = TOperation(x, y[i])</c>.</summary>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(T x, ReadOnlySpan<T> y, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(y.Length, output.Length, nameof(y));
        Run<T, TOperation, Repeated, Elements, Unclamped>(ref x, ref MemoryMarshal.GetReference(y), output, default, default);
    }

    /// <summary>
    /// <c>output[i] = clamp(TOperation(x[i], y[i]), min, max)</c>, clamped as TFLM's <c>ActivationFunctionWithMinMax</c>:
    /// <c>v &lt; min ? min : v</c>, then <c>max &lt; v ? max : v</c> (a NaN passes through).
    /// </summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T min, T max, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<T, TOperation, Elements, Elements, Clamped>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), output, min, max);
    }

    /// <summary><c>output[i] = clamp(TOperation(x[i], y), min, max)</c> (see <see cref="Apply{T, TOperation}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, T, Span{T})"/>).</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(ReadOnlySpan<T> x, T y, T min, T max, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(x.Length, output.Length, nameof(x));
        Run<T, TOperation, Elements, Repeated, Clamped>(ref MemoryMarshal.GetReference(x), ref y, output, min, max);
    }

    /// <summary><c>output[i] = clamp(TOperation(x, y[i]), min, max)</c> (see <see cref="Apply{T, TOperation}(ReadOnlySpan{T}, ReadOnlySpan{T}, T, T, Span{T})"/>).</summary>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">The result.</param>
    public static void Apply<T, TOperation>(T x, ReadOnlySpan<T> y, T min, T max, Span<T> output)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
    {
        Check(y.Length, output.Length, nameof(y));
        Run<T, TOperation, Repeated, Elements, Clamped>(ref x, ref MemoryMarshal.GetReference(y), output, min, max);
    }

    /// <summary>LOGICAL_AND of two bool spans as long as the output (<see cref="BinaryOperations.LogicalAnd"/>).</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="output">The result.</param>
    public static void LogicalAnd(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalAnd>(MemoryMarshal.AsBytes(x), MemoryMarshal.AsBytes(y), MemoryMarshal.AsBytes(output));

    /// <summary>LOGICAL_OR of two bool spans as long as the output (<see cref="BinaryOperations.LogicalOr"/>).</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="output">The result.</param>
    public static void LogicalOr(ReadOnlySpan<bool> x, ReadOnlySpan<bool> y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalOr>(MemoryMarshal.AsBytes(x), MemoryMarshal.AsBytes(y), MemoryMarshal.AsBytes(output));

    /// <summary>LOGICAL_AND of a bool span and one bool repeated over it (an input broadcast along the run).</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="output">The result.</param>
    public static void LogicalAnd(ReadOnlySpan<bool> x, bool y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalAnd>(MemoryMarshal.AsBytes(x), Unsafe.BitCast<bool, byte>(y), MemoryMarshal.AsBytes(output));

    /// <summary>LOGICAL_AND of one bool repeated over the run and a bool span.</summary>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void LogicalAnd(bool x, ReadOnlySpan<bool> y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalAnd>(Unsafe.BitCast<bool, byte>(x), MemoryMarshal.AsBytes(y), MemoryMarshal.AsBytes(output));

    /// <summary>LOGICAL_OR of a bool span and one bool repeated over it (an input broadcast along the run).</summary>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="output">The result.</param>
    public static void LogicalOr(ReadOnlySpan<bool> x, bool y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalOr>(MemoryMarshal.AsBytes(x), Unsafe.BitCast<bool, byte>(y), MemoryMarshal.AsBytes(output));

    /// <summary>LOGICAL_OR of one bool repeated over the run and a bool span.</summary>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="output">The result.</param>
    public static void LogicalOr(bool x, ReadOnlySpan<bool> y, Span<bool> output) =>
        Apply<byte, BinaryOperations.LogicalOr>(Unsafe.BitCast<bool, byte>(x), MemoryMarshal.AsBytes(y), MemoryMarshal.AsBytes(output));

    /// <summary>The loop every overload shares, instantiated per operation, operand form and clamp.</summary>
    private static void Run<T, TOperation, TLeft, TRight, TClamp>(ref T x, ref T y, Span<T> output, T min, T max)
        where T : unmanaged, INumber<T>
        where TOperation : IBinaryOperation<T>
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
        where TClamp : struct, IClamp
    {
        int n = output.Length;
        ref T o = ref MemoryMarshal.GetReference(output);
        nuint i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512 && n >= Vector512<T>.Count)
        {
            Vector512<T> lo = Vector512.Create(min), hi = Vector512.Create(max);
            for (; (int)i <= n - Vector512<T>.Count; i += (nuint)Vector512<T>.Count)
            {
                TClamp.Apply(TOperation.Invoke(TLeft.Load512(ref x, i), TRight.Load512(ref y, i)), lo, hi).StoreUnsafe(ref o, i);
            }
        }
        if (InstructionTiers.Has256(tier) && n - (int)i >= Vector256<T>.Count)
        {
            Vector256<T> lo = Vector256.Create(min), hi = Vector256.Create(max);
            for (; (int)i <= n - Vector256<T>.Count; i += (nuint)Vector256<T>.Count)
            {
                TClamp.Apply(TOperation.Invoke(TLeft.Load256(ref x, i), TRight.Load256(ref y, i)), lo, hi).StoreUnsafe(ref o, i);
            }
        }
        if (tier != InstructionTier.Scalar && n - (int)i >= Vector128<T>.Count)
        {
            Vector128<T> lo = Vector128.Create(min), hi = Vector128.Create(max);
            for (; (int)i <= n - Vector128<T>.Count; i += (nuint)Vector128<T>.Count)
            {
                TClamp.Apply(TOperation.Invoke(TLeft.Load128(ref x, i), TRight.Load128(ref y, i)), lo, hi).StoreUnsafe(ref o, i);
            }
        }
        for (; (int)i < n; i++)
        {
            Unsafe.Add(ref o, i) = TClamp.Apply(TOperation.Invoke(TLeft.Load(ref x, i), TRight.Load(ref y, i)), min, max);
        }
    }

    /// <summary>Throws unless an input span is as long as the output.</summary>
    internal static void Check(int length, int outputLength, string name)
    {
        if (length != outputLength)
        {
            ThrowHelper.ThrowWrongLength(name, "input", outputLength, length);
        }
    }

    /// <summary>How an operand is read at element <c>i</c>: its own element, or one value for all.</summary>
    internal interface IOperandForm
    {
        static abstract T Load<T>(ref T source, nuint i);

        static abstract Vector128<T> Load128<T>(ref T source, nuint i);

        static abstract Vector256<T> Load256<T>(ref T source, nuint i);

        static abstract Vector512<T> Load512<T>(ref T source, nuint i);
    }

    /// <summary>An operand as long as the output: element <c>i</c>.</summary>
    internal readonly struct Elements : IOperandForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Load<T>(ref T source, nuint i) => Unsafe.Add(ref source, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Load128<T>(ref T source, nuint i) => Vector128.LoadUnsafe(ref source, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Load256<T>(ref T source, nuint i) => Vector256.LoadUnsafe(ref source, i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Load512<T>(ref T source, nuint i) => Vector512.LoadUnsafe(ref source, i);
    }

    /// <summary>A single value repeated over the output.</summary>
    internal readonly struct Repeated : IOperandForm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Load<T>(ref T source, nuint i) => source;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Load128<T>(ref T source, nuint i) => Vector128.Create(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Load256<T>(ref T source, nuint i) => Vector256.Create(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Load512<T>(ref T source, nuint i) => Vector512.Create(source);
    }

    /// <summary>What follows the operation: nothing, or TFLM's activation clamp.</summary>
    internal interface IClamp
    {
        static abstract T Apply<T>(T value, T min, T max)
            where T : INumber<T>;

        static abstract Vector128<T> Apply<T>(Vector128<T> value, Vector128<T> min, Vector128<T> max);

        static abstract Vector256<T> Apply<T>(Vector256<T> value, Vector256<T> min, Vector256<T> max);

        static abstract Vector512<T> Apply<T>(Vector512<T> value, Vector512<T> min, Vector512<T> max);
    }

    /// <summary>No clamp.</summary>
    internal readonly struct Unclamped : IClamp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply<T>(T value, T min, T max)
            where T : INumber<T> => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Apply<T>(Vector128<T> value, Vector128<T> min, Vector128<T> max) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Apply<T>(Vector256<T> value, Vector256<T> min, Vector256<T> max) => value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Apply<T>(Vector512<T> value, Vector512<T> min, Vector512<T> max) => value;
    }

    /// <summary>TFLM's <c>ActivationFunctionWithMinMax</c>: <c>std::max(v, min)</c>, then <c>std::min(…, max)</c>, as compares and selects.</summary>
    internal readonly struct Clamped : IClamp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Apply<T>(T value, T min, T max)
            where T : INumber<T>
        {
            value = value < min ? min : value;
            return max < value ? max : value;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<T> Apply<T>(Vector128<T> value, Vector128<T> min, Vector128<T> max)
        {
            value = Vector128.ConditionalSelect(Vector128.LessThan(value, min), min, value);
            return Vector128.ConditionalSelect(Vector128.LessThan(max, value), max, value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Apply<T>(Vector256<T> value, Vector256<T> min, Vector256<T> max)
        {
            value = Vector256.ConditionalSelect(Vector256.LessThan(value, min), min, value);
            return Vector256.ConditionalSelect(Vector256.LessThan(max, value), max, value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Apply<T>(Vector512<T> value, Vector512<T> min, Vector512<T> max)
        {
            value = Vector512.ConditionalSelect(Vector512.LessThan(value, min), min, value);
            return Vector512.ConditionalSelect(Vector512.LessThan(max, value), max, value);
        }
    }
}
