using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TinyModel.BinaryKernels;

namespace TinyModel;

// The float LSTM's element-wise steps: each element computed with TFLM's operations in TFLM's order (a vector
// lane rounds each add and multiply as the scalar code does; nothing is fused).
public static partial class LstmKernels
{
    /// <summary>The float kernels' lanes on this machine: <c>Vector256</c>, <c>Vector128</c>, else scalar.</summary>
    public static InstructionTier FloatTier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated ? InstructionTier.Vector256
            : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128
            : InstructionTier.Scalar;
    }

    /// <summary>
    /// A float gate's input to its nonlinearity: <c>fromInput + fromHidden</c> per unit, TFLM's element-wise add of
    /// the input product (its bias included, as TFLM's fully connected kernel adds it) and the recurrent product.
    /// </summary>
    /// <param name="fromInput">Per unit, the input product plus the bias.</param>
    /// <param name="fromHidden">Per unit, the recurrent product.</param>
    /// <param name="gate">The result, one value per unit.</param>
    public static void Gate(ReadOnlySpan<float> fromInput, ReadOnlySpan<float> fromHidden, Span<float> gate) =>
        BinaryKernels.Apply<float, BinaryOperations.Add<float>>(fromInput, fromHidden, gate);

    /// <summary>TFLM's float sigmoid (<see cref="ActivationMath.Logistic(float)"/>), in place, value by value (the C library's <c>exp</c>).</summary>
    /// <param name="gate">The gate, one value per unit.</param>
    public static void Logistic(Span<float> gate)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            gate[i] = ActivationMath.Logistic(gate[i]);
        }
    }

    /// <summary>The C library's <c>tanh</c> (<see cref="MathF.Tanh"/>), as TFLM's float tanh calls it, in place.</summary>
    /// <param name="gate">The gate, one value per unit.</param>
    public static void Tanh(Span<float> gate)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            gate[i] = MathF.Tanh(gate[i]);
        }
    }

    /// <summary>
    /// TFLM's float cell update: <c>c = f·c + i·g</c> (the two products, then their sum), then, for a positive
    /// <paramref name="clip"/>, <c>min(clip, c)</c> and <c>max(−clip, c)</c> as <c>std::min</c> and <c>std::max</c> select.
    /// </summary>
    /// <param name="cell">The cell state, updated in place.</param>
    /// <param name="forgetGate">The forget gate.</param>
    /// <param name="inputGate">The input gate.</param>
    /// <param name="cellGate">The cell gate.</param>
    /// <param name="clip">The cell clip; 0 for none.</param>
    public static void UpdateCell(Span<float> cell, ReadOnlySpan<float> forgetGate, ReadOnlySpan<float> inputGate, ReadOnlySpan<float> cellGate, float clip)
    {
        int n = cell.Length;
        Check(forgetGate.Length, n, nameof(forgetGate));
        Check(inputGate.Length, n, nameof(inputGate));
        Check(cellGate.Length, n, nameof(cellGate));
        ref float c = ref MemoryMarshal.GetReference(cell);
        ref float f = ref MemoryMarshal.GetReference(forgetGate);
        ref float ig = ref MemoryMarshal.GetReference(inputGate);
        ref float g = ref MemoryMarshal.GetReference(cellGate);
        bool clipped = clip > 0f;
        int i = 0;
        InstructionTier tier = FloatTier;
        if (tier == InstructionTier.Vector256)
        {
            Vector256<float> high = Vector256.Create(clip), low = Vector256.Create(-clip);
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> forgotten = Vector256.LoadUnsafe(ref f, (nuint)i) * Vector256.LoadUnsafe(ref c, (nuint)i);
                Vector256<float> added = Vector256.LoadUnsafe(ref ig, (nuint)i) * Vector256.LoadUnsafe(ref g, (nuint)i);
                Vector256<float> v = forgotten + added;
                if (clipped)
                {
                    v = Vector256.ConditionalSelect(Vector256.LessThan(v, high), v, high);
                    v = Vector256.ConditionalSelect(Vector256.LessThan(v, low), low, v);
                }
                v.StoreUnsafe(ref c, (nuint)i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            Vector128<float> high = Vector128.Create(clip), low = Vector128.Create(-clip);
            for (; i <= n - 4; i += 4)
            {
                Vector128<float> forgotten = Vector128.LoadUnsafe(ref f, (nuint)i) * Vector128.LoadUnsafe(ref c, (nuint)i);
                Vector128<float> added = Vector128.LoadUnsafe(ref ig, (nuint)i) * Vector128.LoadUnsafe(ref g, (nuint)i);
                Vector128<float> v = forgotten + added;
                if (clipped)
                {
                    v = Vector128.ConditionalSelect(Vector128.LessThan(v, high), v, high);
                    v = Vector128.ConditionalSelect(Vector128.LessThan(v, low), low, v);
                }
                v.StoreUnsafe(ref c, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float forgotten = Unsafe.Add(ref f, i) * Unsafe.Add(ref c, i);
            float added = Unsafe.Add(ref ig, i) * Unsafe.Add(ref g, i);
            float v = forgotten + added;
            if (clipped)
            {
                v = v < clip ? v : clip;
                v = v < -clip ? -clip : v;
            }
            Unsafe.Add(ref c, i) = v;
        }
    }

    /// <summary>TFLM's float hidden update: <c>h = tanh(c)·o</c>, the C library's tanh value by value, the products in lanes (<see cref="BinaryKernels"/>).</summary>
    /// <param name="cell">The cell state.</param>
    /// <param name="outputGate">The output gate.</param>
    /// <param name="hidden">The new hidden state (not overlapping the inputs).</param>
    public static void UpdateHidden(ReadOnlySpan<float> cell, ReadOnlySpan<float> outputGate, Span<float> hidden)
    {
        int n = hidden.Length;
        Check(cell.Length, n, nameof(cell));
        Check(outputGate.Length, n, nameof(outputGate));
        for (int j = 0; j < n; j++)
        {
            hidden[j] = MathF.Tanh(cell[j]);
        }
        BinaryKernels.Apply<float, BinaryOperations.Multiply<float>>(hidden, outputGate, hidden);
    }
}
