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
/// (<see cref="IntegerTier"/>), each step's loop written once over <see cref="ILstmLanes{TVector}"/>, the int16 LSTM's
/// 64-bit gate requantization included (<see cref="WideRequantizer"/>); float lanes: <c>Vector256</c> or
/// <c>Vector128</c> (<see cref="FloatTier"/>), with TFLM's operation order per element and no fused multiply-add.
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
            i = Gate<LstmLanes256, Vector256<int>>(ref a, ref b, inputMultiplier, inputShift, recurrentMultiplier, recurrentShift, ref o, n, i);
        }
        if (tier != InstructionTier.Scalar)
        {
            i = Gate<LstmLanes128, Vector128<int>>(ref a, ref b, inputMultiplier, inputShift, recurrentMultiplier, recurrentShift, ref o, n, i);
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
    /// on int64 products, requantized by TFLite's 64-bit <c>MultiplyByQuantizedMultiplier</c> (<see cref="WideRequantizer"/>:
    /// exact 64-bit lane arithmetic from 32×32→64-bit products).
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
        ref long a = ref MemoryMarshal.GetReference(fromInput);
        ref long b = ref MemoryMarshal.GetReference(fromHidden);
        ref short o = ref MemoryMarshal.GetReference(gate);
        int i = 0;
        InstructionTier tier = IntegerTier;
        if (tier != InstructionTier.Scalar
            && WideRequantizer.TryCreate(inputMultiplier, inputShift, out WideRequantizer input)
            && WideRequantizer.TryCreate(recurrentMultiplier, recurrentShift, out WideRequantizer recurrent))
        {
            if (tier == InstructionTier.Avx2)
            {
                i = Gate<LstmLanes256, Vector256<int>>(ref a, ref b, input, recurrent, ref o, n, i);
            }
            i = Gate<LstmLanes128, Vector128<int>>(ref a, ref b, input, recurrent, ref o, n, i);
        }
        for (; i < n; i++)
        {
            int x = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref a, i), inputMultiplier, inputShift));
            int y = ActivationMath.SaturateToInt16(FixedPoint.MultiplyByQuantizedMultiplier(Unsafe.Add(ref b, i), recurrentMultiplier, recurrentShift));
            Unsafe.Add(ref o, i) = ActivationMath.SaturateToInt16(x + y);
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
            i = UpdateCell<LstmLanes256, Vector256<int>>(ref c, ref f, ref ig, ref g, forgetMultiplier, forgetShift, inputMultiplier, inputShift, min, max, n, i);
        }
        if (tier != InstructionTier.Scalar)
        {
            i = UpdateCell<LstmLanes128, Vector128<int>>(ref c, ref f, ref ig, ref g, forgetMultiplier, forgetShift, inputMultiplier, inputShift, min, max, n, i);
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
            i = UpdateHidden<LstmLanes256, Vector256<int>, T>(ref c, ref o, tanhMultiplier, tanhShift, hiddenMultiplier, hiddenShift, zeroPoint, min, max, ref h, n, i);
        }
        if (tier != InstructionTier.Scalar)
        {
            i = UpdateHidden<LstmLanes128, Vector128<int>, T>(ref c, ref o, tanhMultiplier, tanhShift, hiddenMultiplier, hiddenShift, zeroPoint, min, max, ref h, n, i);
        }
        for (; i < n; i++)
        {
            int v = FixedPoint.MultiplyByQuantizedMultiplier(LstmLanes128.Tanh(ref c, i, tanhMultiplier, tanhShift) * Unsafe.Add(ref o, i), hiddenMultiplier, hiddenShift) + zeroPoint;
            int clamped = Math.Min(Math.Max(v, min), max);
            Unsafe.Add(ref h, i) = typeof(T) == typeof(sbyte) ? Unsafe.BitCast<sbyte, T>((sbyte)clamped) : Unsafe.BitCast<short, T>((short)clamped);
        }
    }

    /// <summary>Gate inputs of units <paramref name="i"/> onward from int32 products, a vector at a time; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Gate<TL, TV>(ref int a, ref int b, int inputMultiplier, int inputShift, int recurrentMultiplier, int recurrentShift, ref short o, int n, int i)
        where TL : struct, ILstmLanes<TV>
        where TV : struct
    {
        LaneMultiplier<TV> ma = TL.Prepare(inputMultiplier, inputShift), mb = TL.Prepare(recurrentMultiplier, recurrentShift);
        for (; i <= n - TL.Count; i += TL.Count)
        {
            TV x = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(TL.Load(ref Unsafe.Add(ref a, i)), ma));
            TV y = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(TL.Load(ref Unsafe.Add(ref b, i)), mb));
            TL.Store(Saturate<TL, TV>(TL.Add(x, y)), ref Unsafe.Add(ref o, i));
        }
        return i;
    }

    /// <summary>Gate inputs of units <paramref name="i"/> onward from int64 products, a vector at a time; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Gate<TL, TV>(ref long a, ref long b, in WideRequantizer input, in WideRequantizer recurrent, ref short o, int n, int i)
        where TL : struct, ILstmLanes<TV>
        where TV : struct
    {
        for (; i <= n - TL.Count; i += TL.Count)
        {
            TV x = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(ref Unsafe.Add(ref a, i), input));
            TV y = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(ref Unsafe.Add(ref b, i), recurrent));
            TL.Store(Saturate<TL, TV>(TL.Add(x, y)), ref Unsafe.Add(ref o, i));
        }
        return i;
    }

    /// <summary>The cell update of units <paramref name="i"/> onward, a vector at a time; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UpdateCell<TL, TV>(ref short c, ref short f, ref short ig, ref short g, int forgetMultiplier, int forgetShift, int inputMultiplier, int inputShift,
        int min, int max, int n, int i)
        where TL : struct, ILstmLanes<TV>
        where TV : struct
    {
        LaneMultiplier<TV> mf = TL.Prepare(forgetMultiplier, forgetShift), mi = TL.Prepare(inputMultiplier, inputShift);
        for (; i <= n - TL.Count; i += TL.Count)
        {
            TV forgotten = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(
                TL.MultiplyLow(TL.Widen(ref Unsafe.Add(ref f, i)), TL.Widen(ref Unsafe.Add(ref c, i))), mf));
            TV added = Saturate<TL, TV>(TL.MultiplyByQuantizedMultiplier(
                TL.MultiplyLow(TL.Widen(ref Unsafe.Add(ref ig, i)), TL.Widen(ref Unsafe.Add(ref g, i))), mi));
            TL.Store(TL.Clamp(TL.Add(forgotten, added), 0, min, max), ref Unsafe.Add(ref c, i));
        }
        return i;
    }

    /// <summary>The hidden update of units <paramref name="i"/> onward, a vector at a time (the tanh value by value); returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UpdateHidden<TL, TV, T>(ref short c, ref short o, int tanhMultiplier, int tanhShift, int hiddenMultiplier, int hiddenShift,
        int zeroPoint, int min, int max, ref T h, int n, int i)
        where TL : struct, ILstmLanes<TV>
        where TV : struct
        where T : unmanaged
    {
        LaneMultiplier<TV> m = TL.Prepare(hiddenMultiplier, hiddenShift);
        for (; i <= n - TL.Count; i += TL.Count)
        {
            TV t = TL.CellTanh(ref Unsafe.Add(ref c, i), tanhMultiplier, tanhShift);
            TV v = TL.MultiplyByQuantizedMultiplier(TL.MultiplyLow(t, TL.Widen(ref Unsafe.Add(ref o, i))), m);
            TL.Store(TL.Clamp(v, zeroPoint, min, max), ref Unsafe.Add(ref h, i));
        }
        return i;
    }

    /// <summary>Lanes saturated to int16's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Saturate<TL, TV>(TV v)
        where TL : struct, ILstmLanes<TV>
        where TV : struct => TL.Clamp(v, 0, short.MinValue, short.MaxValue);
}
