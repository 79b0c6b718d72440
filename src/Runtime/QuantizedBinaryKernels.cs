using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using static TinyModel.BinaryKernels;

namespace TinyModel;

/// <summary>
/// The int8 and int16 element-wise binary layers whose rescaling is TFLM's <c>MultiplyByQuantizedMultiplier</c>
/// (MUL, PRELU, SQUARED_DIFFERENCE, int16 ADD and SUB, int8 comparisons into bools), bit for bit: inputs widened to
/// 32-bit lanes, the arithmetic of TFLM's reference kernel per lane (<see cref="FixedPointLanes"/>: its rounding
/// doubling high multiply and rounding shift, exactly), plus the output offset, clamped and narrowed. Sixteen lanes with AVX-512F, eight with AVX2,
/// four with SSE4.1 or ARM64's AdvSimd, then a scalar tail (<see cref="Tier"/>). Each input is a span as long as the output or one value repeated over
/// it; the output may be the first input.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class QuantizedBinaryKernels
{
    /// <summary>The widest lanes the loop takes on this machine: AVX-512F, AVX2, SSE4.1 or AdvSimd (four lanes), else scalar.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? InstructionTier.Avx512
            : Avx2.IsSupported ? InstructionTier.Avx2
            : Sse41.IsSupported ? InstructionTier.Sse
            : AdvSimd.IsSupported ? InstructionTier.AdvSimd
            : InstructionTier.Scalar;
    }

    /// <summary>
    /// <c>output[i] = clamp(TOperation(x[i], y[i]) + outputOffset, min, max)</c> for int8 or int16 inputs and output
    /// (<see cref="MulQuantization"/>, <see cref="PreluQuantization"/>, <see cref="SquaredDifferenceQuantization"/>).
    /// </summary>
    /// <typeparam name="TX">The first input's and the output's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TY">The second input's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TOperation">The layer's arithmetic.</typeparam>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="operation">The layer's offsets, multipliers, shifts and clamp.</param>
    /// <param name="output">The result.</param>
    public static void Apply<TX, TY, TOperation>(ReadOnlySpan<TX> x, ReadOnlySpan<TY> y, in TOperation operation, Span<TX> output)
        where TX : unmanaged
        where TY : unmanaged
        where TOperation : struct, IQuantizedOperation
    {
        CheckTypes<TX, TY>();
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<TX, TY, TOperation, Elements, Elements>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), operation, output);
    }

    /// <summary><c>output[i] = clamp(TOperation(x[i], y) + outputOffset, min, max)</c>.</summary>
    /// <typeparam name="TX">The first input's and the output's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TY">The second input's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TOperation">The layer's arithmetic.</typeparam>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="operation">The layer's offsets, multipliers, shifts and clamp.</param>
    /// <param name="output">The result.</param>
    public static void Apply<TX, TY, TOperation>(ReadOnlySpan<TX> x, TY y, in TOperation operation, Span<TX> output)
        where TX : unmanaged
        where TY : unmanaged
        where TOperation : struct, IQuantizedOperation
    {
        CheckTypes<TX, TY>();
        Check(x.Length, output.Length, nameof(x));
        Run<TX, TY, TOperation, Elements, Repeated>(ref MemoryMarshal.GetReference(x), ref y, operation, output);
    }

    /// <summary><c>output[i] = clamp(TOperation(x, y[i]) + outputOffset, min, max)</c>.</summary>
    /// <typeparam name="TX">The first input's and the output's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TY">The second input's type: <see cref="sbyte"/> or <see cref="short"/>.</typeparam>
    /// <typeparam name="TOperation">The layer's arithmetic.</typeparam>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="operation">The layer's offsets, multipliers, shifts and clamp.</param>
    /// <param name="output">The result.</param>
    public static void Apply<TX, TY, TOperation>(TX x, ReadOnlySpan<TY> y, in TOperation operation, Span<TX> output)
        where TX : unmanaged
        where TY : unmanaged
        where TOperation : struct, IQuantizedOperation
    {
        CheckTypes<TX, TY>();
        Check(y.Length, output.Length, nameof(y));
        Run<TX, TY, TOperation, Repeated, Elements>(ref x, ref MemoryMarshal.GetReference(y), operation, output);
    }

    /// <summary>
    /// <c>output[i] = TOperation(x[i], y[i]) != 0</c> for int8 inputs and a bool output: TFLM's rescaled int8 comparisons
    /// (<see cref="ComparisonQuantization{TComparison}"/>), in the same lanes as <see cref="Apply{TX, TY, TOperation}(ReadOnlySpan{TX}, ReadOnlySpan{TY}, in TOperation, Span{TX})"/>.
    /// </summary>
    /// <typeparam name="TOperation">The layer's rescaling and relation, giving 1 or 0.</typeparam>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="operation">The layer's offsets, multipliers and shifts.</param>
    /// <param name="output">The result.</param>
    public static void Compare<TOperation>(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y, in TOperation operation, Span<bool> output)
        where TOperation : struct, IQuantizedOperation
    {
        Check(x.Length, output.Length, nameof(x));
        Check(y.Length, output.Length, nameof(y));
        Run<sbyte, sbyte, TOperation, Elements, Elements>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), operation, MemoryMarshal.Cast<bool, sbyte>(output));
    }

    /// <summary><c>output[i] = TOperation(x[i], y) != 0</c> (see <see cref="Compare{TOperation}(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, in TOperation, Span{bool})"/>).</summary>
    /// <typeparam name="TOperation">The layer's rescaling and relation, giving 1 or 0.</typeparam>
    /// <param name="x">The first input, as long as the output.</param>
    /// <param name="y">The second input's one value.</param>
    /// <param name="operation">The layer's offsets, multipliers and shifts.</param>
    /// <param name="output">The result.</param>
    public static void Compare<TOperation>(ReadOnlySpan<sbyte> x, sbyte y, in TOperation operation, Span<bool> output)
        where TOperation : struct, IQuantizedOperation
    {
        Check(x.Length, output.Length, nameof(x));
        Run<sbyte, sbyte, TOperation, Elements, Repeated>(ref MemoryMarshal.GetReference(x), ref y, operation, MemoryMarshal.Cast<bool, sbyte>(output));
    }

    /// <summary><c>output[i] = TOperation(x, y[i]) != 0</c> (see <see cref="Compare{TOperation}(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, in TOperation, Span{bool})"/>).</summary>
    /// <typeparam name="TOperation">The layer's rescaling and relation, giving 1 or 0.</typeparam>
    /// <param name="x">The first input's one value.</param>
    /// <param name="y">The second input, as long as the output.</param>
    /// <param name="operation">The layer's offsets, multipliers and shifts.</param>
    /// <param name="output">The result.</param>
    public static void Compare<TOperation>(sbyte x, ReadOnlySpan<sbyte> y, in TOperation operation, Span<bool> output)
        where TOperation : struct, IQuantizedOperation
    {
        Check(y.Length, output.Length, nameof(y));
        Run<sbyte, sbyte, TOperation, Repeated, Elements>(ref x, ref MemoryMarshal.GetReference(y), operation, MemoryMarshal.Cast<bool, sbyte>(output));
    }

    private static void CheckTypes<TX, TY>()
    {
        if ((typeof(TX) != typeof(sbyte) && typeof(TX) != typeof(short)) || (typeof(TY) != typeof(sbyte) && typeof(TY) != typeof(short)))
        {
            throw new NotSupportedException($"The quantized kernels take int8 (sbyte) and int16 (short) elements, not {typeof(TX).Name} and {typeof(TY).Name}.");
        }
    }

    /// <summary>Throws unless a multiplier's exponent is in TFLite's range, [−31, 30] (what <see cref="FixedPointLanes"/> computes exactly).</summary>
    internal static void CheckShift(int shift, string name)
    {
        if (shift < -31 || shift > 30)
        {
            throw new ArgumentOutOfRangeException(name, shift, "TFLite's QuantizeMultiplier gives shifts in [-31, 30].");
        }
    }

    /// <summary>The loop every overload shares: <typeparamref name="TX"/> the first input's and the output's type, <typeparamref name="TY"/> the second's.</summary>
    private static void Run<TX, TY, TOperation, TLeft, TRight>(ref TX x, ref TY y, in TOperation operation, Span<TX> output)
        where TX : unmanaged
        where TY : unmanaged
        where TOperation : struct, IQuantizedOperation
        where TLeft : struct, IOperandForm
        where TRight : struct, IOperandForm
    {
        int n = output.Length;
        ref TX o = ref MemoryMarshal.GetReference(output);
        int i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Avx512)
        {
            for (; i <= n - 16; i += 16)
            {
                Vector512<int> v = operation.Invoke(Widen16<TX, TLeft>(ref x, i), Widen16<TY, TRight>(ref y, i));
                v = Vector512.Min(Vector512.Max(v + Vector512.Create(operation.OutputOffset), Vector512.Create(operation.Min)), Vector512.Create(operation.Max));
                Store16(v, ref o, i);
            }
        }
        if (tier >= InstructionTier.Avx2)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> v = operation.Invoke(Widen8<TX, TLeft>(ref x, i), Widen8<TY, TRight>(ref y, i));
                Store8(Requantization.Clamp(v, operation.OutputOffset, operation.Min, operation.Max), ref o, i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> v = operation.Invoke(Widen4<TX, TLeft>(ref x, i), Widen4<TY, TRight>(ref y, i));
                Store4(Requantization.Clamp(v, operation.OutputOffset, operation.Min, operation.Max), ref o, i);
            }
        }
        for (; i < n; i++)
        {
            int v = operation.Invoke(ToInt(TLeft.Load(ref x, (nuint)i)), ToInt(TRight.Load(ref y, (nuint)i))) + operation.OutputOffset;
            int clamped = Math.Min(Math.Max(v, operation.Min), operation.Max);
            Unsafe.Add(ref o, i) = typeof(TX) == typeof(sbyte) ? Unsafe.BitCast<sbyte, TX>((sbyte)clamped) : Unsafe.BitCast<short, TX>((short)clamped);
        }
    }

    /// <summary>An int8 or int16 value as int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ToInt<T>(T value)
        where T : unmanaged =>
        typeof(T) == typeof(sbyte) ? Unsafe.BitCast<T, sbyte>(value) : Unsafe.BitCast<T, short>(value);

    /// <summary>Four int8 or int16 elements from <paramref name="i"/>, sign-extended to 32-bit lanes (or the one value, repeated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> Widen4<T, TForm>(ref T source, int i)
        where T : unmanaged
        where TForm : struct, IOperandForm
    {
        if (typeof(TForm) == typeof(Repeated))
        {
            return Vector128.Create(ToInt(source));
        }
        if (typeof(T) == typeof(sbyte))
        {
            ref sbyte s = ref Unsafe.As<T, sbyte>(ref Unsafe.Add(ref source, i));
            return Sse41.IsSupported ? Sse41Lanes.SignExtend4(ref s) : PortableLanes.SignExtend4(ref s);
        }
        ref short h = ref Unsafe.As<T, short>(ref Unsafe.Add(ref source, i));
        return Sse41.IsSupported ? Sse41Lanes.SignExtend4(ref h) : PortableLanes.SignExtend4(ref h);
    }

    /// <summary>Eight int8 or int16 elements from <paramref name="i"/>, sign-extended to 32-bit lanes (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> Widen8<T, TForm>(ref T source, int i)
        where T : unmanaged
        where TForm : struct, IOperandForm
    {
        if (typeof(TForm) == typeof(Repeated))
        {
            return Vector256.Create(ToInt(source));
        }
        if (typeof(T) == typeof(sbyte))
        {
            long bytes = Unsafe.ReadUnaligned<long>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref source, i)));
            return Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(bytes).AsSByte());
        }
        return Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref Unsafe.Add(ref source, i))));
    }

    /// <summary>Sixteen int8 or int16 elements from <paramref name="i"/>, sign-extended to 32-bit lanes (AVX-512F only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> Widen16<T, TForm>(ref T source, int i)
        where T : unmanaged
        where TForm : struct, IOperandForm
    {
        if (typeof(TForm) == typeof(Repeated))
        {
            return Vector512.Create(ToInt(source));
        }
        if (typeof(T) == typeof(sbyte))
        {
            return Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref Unsafe.As<T, sbyte>(ref Unsafe.Add(ref source, i))));
        }
        return Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref Unsafe.As<T, short>(ref Unsafe.Add(ref source, i))));
    }

    /// <summary>Stores sixteen clamped lanes as int8 or int16 (AVX-512F only; the clamp keeps them in range, so truncating is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store16<T>(Vector512<int> v, ref T destination, int i)
        where T : unmanaged
    {
        ref byte target = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref destination, i));
        if (typeof(T) == typeof(sbyte))
        {
            Avx512F.ConvertToVector128SByte(v).StoreUnsafe(ref Unsafe.As<byte, sbyte>(ref target));
        }
        else
        {
            Avx512F.ConvertToVector256Int16(v).StoreUnsafe(ref Unsafe.As<byte, short>(ref target));
        }
    }

    /// <summary>Stores four clamped lanes as int8 or int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store4<T>(Vector128<int> v, ref T destination, int i)
        where T : unmanaged
    {
        ref byte target = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref destination, i));
        if (typeof(T) == typeof(sbyte))
        {
            Unsafe.WriteUnaligned(ref target, Requantization.NarrowToInt8(v));
        }
        else
        {
            Unsafe.WriteUnaligned(ref target, Requantization.NarrowToInt16(v));
        }
    }

    /// <summary>Stores eight clamped lanes as int8 or int16 (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store8<T>(Vector256<int> v, ref T destination, int i)
        where T : unmanaged
    {
        ref byte target = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref destination, i));
        if (typeof(T) == typeof(sbyte))
        {
            Unsafe.WriteUnaligned(ref target, Requantization.NarrowToBytes(v));
        }
        else
        {
            Requantization.NarrowToShorts(v).StoreUnsafe(ref Unsafe.As<byte, short>(ref target));
        }
    }
}

