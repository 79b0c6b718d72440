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
/// The element-wise steps of TensorFlow Lite Micro's LSTM (lstm_eval_common.cc) over a step's gate arrays, bit
/// for bit: a gate's two requantized products added with int16 saturation (<c>CalculateLstmGate</c>), the cell
/// update <c>c = f·c + i·g</c> (<c>UpdateLstmCell</c>) and the hidden update <c>h = o·tanh(c)</c>
/// (<c>UpdateLstmHidden</c>), each product requantized by <c>MultiplyByQuantizedMultiplier</c>
/// (<see cref="FixedPointLanes"/>, exact). Integer lanes: eight with AVX2, four with SSE4.1 or ARM64's AdvSimd
/// (<see cref="IntegerTier"/>); float lanes: <c>Vector256</c> or <c>Vector128</c> (<see cref="FloatTier"/>),
/// with TFLM's operation order per element and no fused multiply-add.
/// </summary>
/// <remarks>
/// The nonlinearities stay value by value: the int16 sigmoid and tanh interpolate a 256-entry table
/// (<see cref="ActivationMath"/>), a gather that SSE and AdvSimd lack, and the float ones call the C library's
/// <c>exp</c> and <c>tanh</c> (<see cref="MathF"/>), whose roundings a vector polynomial would not reproduce.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class LstmKernels
{
    /// <summary>The integer kernels' lanes on this machine: AVX2, SSE4.1 or AdvSimd (four lanes), else scalar.</summary>
    public static InstructionTier IntegerTier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported ? InstructionTier.Avx2
            : Sse41.IsSupported ? InstructionTier.Sse
            : AdvSimd.IsSupported ? InstructionTier.AdvSimd
            : InstructionTier.Scalar;
    }

    /// <summary>
    /// A gate's input to its nonlinearity, Q3.12: <c>sat16(sat16(MBQM(fromInput)) + sat16(MBQM(fromHidden)))</c>
    /// per unit, the two int32 products (bias included) requantized with their own multipliers.
    /// </summary>
    /// <param name="fromInput">Per unit, the input product plus the bias.</param>
    /// <param name="fromHidden">Per unit, the recurrent product.</param>
    /// <param name="inputMultiplier">The input product's Q0.31 multiplier.</param>
    /// <param name="inputShift">Its exponent, in [−31, 30].</param>
    /// <param name="recurrentMultiplier">The recurrent product's Q0.31 multiplier.</param>
    /// <param name="recurrentShift">Its exponent, in [−31, 30].</param>
    /// <param name="gate">The result, one value per unit.</param>
    public static void Gate(ReadOnlySpan<int> fromInput, ReadOnlySpan<int> fromHidden, int inputMultiplier, int inputShift, int recurrentMultiplier, int recurrentShift, Span<short> gate)
    {
        int n = gate.Length;
        Check(fromInput.Length, n, nameof(fromInput));
        Check(fromHidden.Length, n, nameof(fromHidden));
        QuantizedBinaryKernels.CheckShift(inputShift, nameof(inputShift));
        QuantizedBinaryKernels.CheckShift(recurrentShift, nameof(recurrentShift));
        ref int a = ref MemoryMarshal.GetReference(fromInput);
        ref int b = ref MemoryMarshal.GetReference(fromHidden);
        ref short o = ref MemoryMarshal.GetReference(gate);
        int i = 0;
        InstructionTier tier = IntegerTier;
        if (tier == InstructionTier.Avx2)
        {
            Vector256<int> ma = Vector256.Create(inputMultiplier), sa = Vector256.Create(inputShift);
            Vector256<int> mb = Vector256.Create(recurrentMultiplier), sb = Vector256.Create(recurrentShift);
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> x = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref a, (nuint)i), ma, sa));
                Vector256<int> y = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(Vector256.LoadUnsafe(ref b, (nuint)i), mb, sb));
                QuantizedBinaryKernels.Store8(Saturate(x + y), ref o, i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            Vector128<int> ma = Vector128.Create(inputMultiplier), mb = Vector128.Create(recurrentMultiplier);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> x = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref a, (nuint)i), ma, inputShift));
                Vector128<int> y = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(Vector128.LoadUnsafe(ref b, (nuint)i), mb, recurrentShift));
                QuantizedBinaryKernels.Store4(Saturate(x + y), ref o, i);
            }
        }
        for (; i < n; i++)
        {
            int x = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref a, i), inputMultiplier, inputShift));
            int y = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref b, i), recurrentMultiplier, recurrentShift));
            Unsafe.Add(ref o, i) = ActivationMath.SaturateToInt16(x + y);
        }
    }

    /// <summary>
    /// The int16 LSTM's gate input: as <see cref="Gate(ReadOnlySpan{int}, ReadOnlySpan{int}, int, int, int, int, Span{short})"/>
    /// on int64 products, requantized by TFLite's 64-bit <c>MultiplyByQuantizedMultiplier</c> value by value: its
    /// 64-bit products have no lane form on SSE4.1 or AdvSimd (neither multiplies 64-bit lanes).
    /// </summary>
    /// <param name="fromInput">Per unit, the input product plus the bias.</param>
    /// <param name="fromHidden">Per unit, the recurrent product.</param>
    /// <param name="inputMultiplier">The input product's Q0.31 multiplier.</param>
    /// <param name="inputShift">Its exponent.</param>
    /// <param name="recurrentMultiplier">The recurrent product's Q0.31 multiplier.</param>
    /// <param name="recurrentShift">Its exponent.</param>
    /// <param name="gate">The result, one value per unit.</param>
    public static void Gate(ReadOnlySpan<long> fromInput, ReadOnlySpan<long> fromHidden, int inputMultiplier, int inputShift, int recurrentMultiplier, int recurrentShift, Span<short> gate)
    {
        int n = gate.Length;
        Check(fromInput.Length, n, nameof(fromInput));
        Check(fromHidden.Length, n, nameof(fromHidden));
        for (int i = 0; i < n; i++)
        {
            int x = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(fromInput[i], inputMultiplier, inputShift));
            int y = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(fromHidden[i], recurrentMultiplier, recurrentShift));
            gate[i] = ActivationMath.SaturateToInt16(x + y);
        }
    }

    /// <summary>TFLM's int16 sigmoid of a Q3.12 gate input, in place, Q0.15 out (<see cref="ActivationMath.Logistic(short, int, int)"/>).</summary>
    /// <param name="gate">The gate, one value per unit.</param>
    public static void Logistic(Span<short> gate)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            gate[i] = ActivationMath.Logistic(gate[i], 0, 0);
        }
    }

    /// <summary>TFLM's int16 tanh of a Q3.12 gate input, in place, Q0.15 out (<see cref="ActivationMath.Tanh(short, int, int)"/>).</summary>
    /// <param name="gate">The gate, one value per unit.</param>
    public static void Tanh(Span<short> gate)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            gate[i] = ActivationMath.Tanh(gate[i], 0, 0);
        }
    }

    /// <summary>
    /// TFLM's integer cell update: <c>c = clamp(sat16(MBQM(f·c)) + sat16(MBQM(i·g)), min, max)</c>, the products of
    /// Q0.15 gates requantized to the cell state, their sum saturated to int16 and clipped (TFLM's <c>UpdateLstmCellInteger</c>).
    /// </summary>
    /// <param name="cell">The cell state, updated in place.</param>
    /// <param name="forgetGate">The forget gate, Q0.15.</param>
    /// <param name="inputGate">The input gate, Q0.15.</param>
    /// <param name="cellGate">The cell gate, Q0.15.</param>
    /// <param name="forgetMultiplier">The Q0.31 multiplier of forget gate × cell state → cell state.</param>
    /// <param name="forgetShift">Its exponent, in [−31, 30].</param>
    /// <param name="inputMultiplier">The Q0.31 multiplier of input gate × cell gate → cell state.</param>
    /// <param name="inputShift">Its exponent, in [−31, 30].</param>
    /// <param name="min">The lower bound: −32768, or minus the quantized cell clip.</param>
    /// <param name="max">The upper bound: 32767, or the quantized cell clip.</param>
    public static void UpdateCell(Span<short> cell, ReadOnlySpan<short> forgetGate, ReadOnlySpan<short> inputGate, ReadOnlySpan<short> cellGate,
        int forgetMultiplier, int forgetShift, int inputMultiplier, int inputShift, int min, int max)
    {
        int n = cell.Length;
        Check(forgetGate.Length, n, nameof(forgetGate));
        Check(inputGate.Length, n, nameof(inputGate));
        Check(cellGate.Length, n, nameof(cellGate));
        QuantizedBinaryKernels.CheckShift(forgetShift, nameof(forgetShift));
        QuantizedBinaryKernels.CheckShift(inputShift, nameof(inputShift));
        min = Math.Max(min, short.MinValue);
        max = Math.Min(max, short.MaxValue);
        ref short c = ref MemoryMarshal.GetReference(cell);
        ref short f = ref MemoryMarshal.GetReference(forgetGate);
        ref short ig = ref MemoryMarshal.GetReference(inputGate);
        ref short g = ref MemoryMarshal.GetReference(cellGate);
        int i = 0;
        InstructionTier tier = IntegerTier;
        if (tier == InstructionTier.Avx2)
        {
            Vector256<int> mf = Vector256.Create(forgetMultiplier), sf = Vector256.Create(forgetShift);
            Vector256<int> mi = Vector256.Create(inputMultiplier), si = Vector256.Create(inputShift);
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> forgotten = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(
                    Avx2.MultiplyLow(Widen8(ref f, i), Widen8(ref c, i)), mf, sf));
                Vector256<int> added = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(
                    Avx2.MultiplyLow(Widen8(ref ig, i), Widen8(ref g, i)), mi, si));
                QuantizedBinaryKernels.Store8(Requantization.Clamp(forgotten + added, 0, min, max), ref c, i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            Vector128<int> mf = Vector128.Create(forgetMultiplier), mi = Vector128.Create(inputMultiplier);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> forgotten = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(MultiplyLow(Widen4(ref f, i), Widen4(ref c, i)), mf, forgetShift));
                Vector128<int> added = Saturate(FixedPointLanes.MultiplyByQuantizedMultiplier(MultiplyLow(Widen4(ref ig, i), Widen4(ref g, i)), mi, inputShift));
                QuantizedBinaryKernels.Store4(Requantization.Clamp(forgotten + added, 0, min, max), ref c, i);
            }
        }
        for (; i < n; i++)
        {
            int forgotten = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref f, i) * Unsafe.Add(ref c, i), forgetMultiplier, forgetShift));
            int added = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref ig, i) * Unsafe.Add(ref g, i), inputMultiplier, inputShift));
            Unsafe.Add(ref c, i) = (short)Math.Min(Math.Max(forgotten + added, min), max);
        }
    }

    /// <summary>
    /// TFLM's integer hidden update into an int8 hidden state: <c>h = clamp(MBQM(tanh(c)·o) + zeroPoint)</c>, the
    /// cell state's int16 tanh (scaled by <paramref name="tanhMultiplier"/> and <paramref name="tanhShift"/>, as
    /// <see cref="ActivationMath.Tanh(short, int, int)"/>) taken value by value.
    /// </summary>
    /// <param name="cell">The cell state.</param>
    /// <param name="outputGate">The output gate, Q0.15.</param>
    /// <param name="tanhMultiplier">The tanh's input multiplier (0: the power-of-two case).</param>
    /// <param name="tanhShift">The tanh's input shift.</param>
    /// <param name="hiddenMultiplier">The Q0.31 multiplier of tanh(c) × output gate → hidden state.</param>
    /// <param name="hiddenShift">Its exponent, in [−31, 30].</param>
    /// <param name="zeroPoint">The hidden state's zero point.</param>
    /// <param name="hidden">The new hidden state.</param>
    public static void UpdateHidden(ReadOnlySpan<short> cell, ReadOnlySpan<short> outputGate, int tanhMultiplier, int tanhShift,
        int hiddenMultiplier, int hiddenShift, int zeroPoint, Span<sbyte> hidden) =>
        UpdateHidden<sbyte>(cell, outputGate, tanhMultiplier, tanhShift, hiddenMultiplier, hiddenShift, zeroPoint, hidden);

    /// <summary>The hidden update into an int16 hidden state (the 16x8 LSTM); see the int8 overload.</summary>
    /// <param name="cell">The cell state.</param>
    /// <param name="outputGate">The output gate, Q0.15.</param>
    /// <param name="tanhMultiplier">The tanh's input multiplier (0: the power-of-two case).</param>
    /// <param name="tanhShift">The tanh's input shift.</param>
    /// <param name="hiddenMultiplier">The Q0.31 multiplier of tanh(c) × output gate → hidden state.</param>
    /// <param name="hiddenShift">Its exponent, in [−31, 30].</param>
    /// <param name="zeroPoint">The hidden state's zero point.</param>
    /// <param name="hidden">The new hidden state.</param>
    public static void UpdateHidden(ReadOnlySpan<short> cell, ReadOnlySpan<short> outputGate, int tanhMultiplier, int tanhShift,
        int hiddenMultiplier, int hiddenShift, int zeroPoint, Span<short> hidden) =>
        UpdateHidden<short>(cell, outputGate, tanhMultiplier, tanhShift, hiddenMultiplier, hiddenShift, zeroPoint, hidden);

    private static void UpdateHidden<T>(ReadOnlySpan<short> cell, ReadOnlySpan<short> outputGate, int tanhMultiplier, int tanhShift,
        int hiddenMultiplier, int hiddenShift, int zeroPoint, Span<T> hidden)
        where T : unmanaged
    {
        int n = hidden.Length;
        Check(cell.Length, n, nameof(cell));
        Check(outputGate.Length, n, nameof(outputGate));
        QuantizedBinaryKernels.CheckShift(hiddenShift, nameof(hiddenShift));
        int min = typeof(T) == typeof(sbyte) ? sbyte.MinValue : short.MinValue;
        int max = typeof(T) == typeof(sbyte) ? sbyte.MaxValue : short.MaxValue;
        ref short c = ref MemoryMarshal.GetReference(cell);
        ref short o = ref MemoryMarshal.GetReference(outputGate);
        ref T h = ref MemoryMarshal.GetReference(hidden);
        int i = 0;
        InstructionTier tier = IntegerTier;
        if (tier == InstructionTier.Avx2)
        {
            Vector256<int> m = Vector256.Create(hiddenMultiplier), s = Vector256.Create(hiddenShift);
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> t = Vector256.Create(
                    CellTanh(ref c, i, tanhMultiplier, tanhShift), CellTanh(ref c, i + 1, tanhMultiplier, tanhShift),
                    CellTanh(ref c, i + 2, tanhMultiplier, tanhShift), CellTanh(ref c, i + 3, tanhMultiplier, tanhShift),
                    CellTanh(ref c, i + 4, tanhMultiplier, tanhShift), CellTanh(ref c, i + 5, tanhMultiplier, tanhShift),
                    CellTanh(ref c, i + 6, tanhMultiplier, tanhShift), CellTanh(ref c, i + 7, tanhMultiplier, tanhShift));
                Vector256<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(Avx2.MultiplyLow(t, Widen8(ref o, i)), m, s);
                QuantizedBinaryKernels.Store8(Requantization.Clamp(v, zeroPoint, min, max), ref h, i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            Vector128<int> m = Vector128.Create(hiddenMultiplier);
            for (; i <= n - 4; i += 4)
            {
                Vector128<int> t = Vector128.Create(
                    CellTanh(ref c, i, tanhMultiplier, tanhShift), CellTanh(ref c, i + 1, tanhMultiplier, tanhShift),
                    CellTanh(ref c, i + 2, tanhMultiplier, tanhShift), CellTanh(ref c, i + 3, tanhMultiplier, tanhShift));
                Vector128<int> v = FixedPointLanes.MultiplyByQuantizedMultiplier(MultiplyLow(t, Widen4(ref o, i)), m, hiddenShift);
                QuantizedBinaryKernels.Store4(Requantization.Clamp(v, zeroPoint, min, max), ref h, i);
            }
        }
        for (; i < n; i++)
        {
            int v = FixedPoint.MultiplyByQuantizedMultiplier(CellTanh(ref c, i, tanhMultiplier, tanhShift) * Unsafe.Add(ref o, i), hiddenMultiplier, hiddenShift) + zeroPoint;
            int clamped = Math.Min(Math.Max(v, min), max);
            Unsafe.Add(ref h, i) = typeof(T) == typeof(sbyte) ? Unsafe.BitCast<sbyte, T>((sbyte)clamped) : Unsafe.BitCast<short, T>((short)clamped);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CellTanh(ref short cell, int i, int multiplier, int shift) => ActivationMath.Tanh(Unsafe.Add(ref cell, i), multiplier, shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen8(ref short source, int i) => QuantizedBinaryKernels.Widen8<short, Elements>(ref source, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Widen4(ref short source, int i) => QuantizedBinaryKernels.Widen4<short, Elements>(ref source, i);

    /// <summary>The low 32 bits of each lane's product (exact for int16 products): SSE4.1's <c>pmulld</c> or AdvSimd's <c>mul</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyLow(Vector128<int> a, Vector128<int> b) => Sse41.IsSupported ? Sse41.MultiplyLow(a, b) : a * b;

    /// <summary>Eight lanes saturated to int16's range (AVX2 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Saturate(Vector256<int> v) => Requantization.Clamp(v, 0, short.MinValue, short.MaxValue);

    /// <summary>Four lanes saturated to int16's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Saturate(Vector128<int> v) => Requantization.Clamp(v, 0, short.MinValue, short.MaxValue);
}
