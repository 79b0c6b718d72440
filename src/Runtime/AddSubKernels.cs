using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// ADD and SUB of two tensors of the same shape, element by element, as TensorFlow Lite Micro's reference
/// kernels compute them: float with TFLM's clamp, and int8 with its general rescaling (each input offset,
/// shifted left, scaled to a common scale with a rounding doubling high multiply and a rounding right
/// shift; the sum or difference scaled to the output the same way), bit for bit, many elements at a time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class AddSubKernels
{
    /// <summary>The float loops' widest vectors on this machine: 256 or 128 bits, else scalar.</summary>
    public static InstructionTier FloatTier => InstructionTiers.Portable256;

    /// <summary>
    /// The int8 loops' widest lanes on this machine (ADD, SUB and ADD_N's input steps): AVX-512, AVX2, SSE4.1 or
    /// AdvSimd, else scalar. A layer whose rescaling has no exact vector form (<see cref="AddSubQuantization.VectorizesInt8"/>)
    /// runs scalar on any machine.
    /// </summary>
    public static InstructionTier Int8Tier =>
        Vector512.IsHardwareAccelerated && Avx512BW.IsSupported ? InstructionTier.Avx512
        : Avx2.IsSupported ? InstructionTier.Avx2
        : Vector128.IsHardwareAccelerated && Sse41.IsSupported ? InstructionTier.Sse
        : Vector128.IsHardwareAccelerated && AdvSimd.IsSupported ? InstructionTier.AdvSimd
        : InstructionTier.Scalar;

    /// <summary><c>output[i] = clamp(x[i] + y[i], min, max)</c>, clamped as TFLM's <c>ActivationFunctionWithMinMax</c> (<c>std::max</c>, then <c>std::min</c>).</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, as long as the first.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">The result, as long as the inputs; it may be either input.</param>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float min, float max, Span<float> output) =>
        Float<Addition>(x, y, min, max, output);

    /// <summary><c>output[i] = clamp(x[i] − y[i], min, max)</c>, clamped as TFLM's <c>ActivationFunctionWithMinMax</c>.</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, as long as the first.</param>
    /// <param name="min">The fused activation's lower bound.</param>
    /// <param name="max">The fused activation's upper bound.</param>
    /// <param name="output">The result, as long as the inputs; it may be either input.</param>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float min, float max, Span<float> output) =>
        Float<Subtraction>(x, y, min, max, output);

    /// <summary>Quantized int8 ADD with TFLM's rescaling (add.h): <c>output[i] = clamp(Scale(Scale1(x[i]) + Scale2(y[i])) + outputOffset, min, max)</c>.</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, as long as the first.</param>
    /// <param name="quantization">The offsets, multipliers and shifts of the rescalings, and the clamp.</param>
    /// <param name="output">The result, as long as the inputs; it may be either input.</param>
    public static void Add(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y, in AddSubQuantization quantization, Span<sbyte> output) =>
        Int8<Addition>(x, y, quantization, output);

    /// <summary>Quantized int8 SUB with TFLM's rescaling (sub.h): <c>output[i] = clamp(Scale(Scale1(x[i]) − Scale2(y[i])) + outputOffset, min, max)</c>.</summary>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input, as long as the first.</param>
    /// <param name="quantization">The offsets, multipliers and shifts of the rescalings, and the clamp.</param>
    /// <param name="output">The result, as long as the inputs; it may be either input.</param>
    public static void Subtract(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y, in AddSubQuantization quantization, Span<sbyte> output) =>
        Int8<Subtraction>(x, y, quantization, output);

    private static void Float<TOperation>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float min, float max, Span<float> output)
        where TOperation : struct, IOperation
    {
        int n = CheckLengths(x.Length, y.Length, output.Length);
        ref float a = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(y);
        ref float o = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lo = Vector256.Create(min), hi = Vector256.Create(max);
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> v = TOperation.Apply(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref b, (nuint)i));
                v = Vector256.ConditionalSelect(Vector256.LessThan(v, lo), lo, v);
                Vector256.ConditionalSelect(Vector256.LessThan(hi, v), hi, v).StoreUnsafe(ref o, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> lo = Vector128.Create(min), hi = Vector128.Create(max);
            for (; i <= n - 4; i += 4)
            {
                Vector128<float> v = TOperation.Apply(Vector128.LoadUnsafe(ref a, (nuint)i), Vector128.LoadUnsafe(ref b, (nuint)i));
                v = Vector128.ConditionalSelect(Vector128.LessThan(v, lo), lo, v);
                Vector128.ConditionalSelect(Vector128.LessThan(hi, v), hi, v).StoreUnsafe(ref o, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = TOperation.Apply(Unsafe.Add(ref a, i), Unsafe.Add(ref b, i));
            v = v < min ? min : v;
            Unsafe.Add(ref o, i) = max < v ? max : v;
        }
    }

    private static void Int8<TOperation>(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y, in AddSubQuantization q, Span<sbyte> output)
        where TOperation : struct, IOperation
    {
        int n = CheckLengths(x.Length, y.Length, output.Length);
        ref sbyte a = ref MemoryMarshal.GetReference(x);
        ref sbyte b = ref MemoryMarshal.GetReference(y);
        ref sbyte o = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (q.VectorizesInt8)
        {
            if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported)
            {
                var c = new Scales512(q);
                for (; i <= n - 64; i += 64)
                {
                    Vector512<int> r0 = Element<TOperation>(Load16(ref a, i), Load16(ref b, i), c);
                    Vector512<int> r1 = Element<TOperation>(Load16(ref a, i + 16), Load16(ref b, i + 16), c);
                    Vector512<int> r2 = Element<TOperation>(Load16(ref a, i + 32), Load16(ref b, i + 32), c);
                    Vector512<int> r3 = Element<TOperation>(Load16(ref a, i + 48), Load16(ref b, i + 48), c);
                    Vector512<sbyte> bytes = Avx512BW.PackSignedSaturate(Avx512BW.PackSignedSaturate(r0, r1), Avx512BW.PackSignedSaturate(r2, r3));
                    Avx512F.PermuteVar16x32(bytes.AsInt32(), Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)).AsSByte().StoreUnsafe(ref o, (nuint)i);
                }
            }
            if (Avx2.IsSupported)
            {
                var c = new Scales256(q);
                for (; i <= n - 32; i += 32)
                {
                    // 32 elements per step, so that the four vectors of results narrow to one vector of bytes.
                    Vector256<int> r0 = Element<TOperation>(Load8(ref a, i), Load8(ref b, i), c);
                    Vector256<int> r1 = Element<TOperation>(Load8(ref a, i + 8), Load8(ref b, i + 8), c);
                    Vector256<int> r2 = Element<TOperation>(Load8(ref a, i + 16), Load8(ref b, i + 16), c);
                    Vector256<int> r3 = Element<TOperation>(Load8(ref a, i + 24), Load8(ref b, i + 24), c);
                    // packssdw and packsswb work per 128-bit lane; the permutation puts the 4-byte runs back in order.
                    Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(r0, r1), Avx2.PackSignedSaturate(r2, r3));
                    Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte().StoreUnsafe(ref o, (nuint)i);
                }
            }
            if (Vector128.IsHardwareAccelerated && (Sse41.IsSupported || AdvSimd.IsSupported))
            {
                var c = new Scales128(q);
                for (; i <= n - 16; i += 16)
                {
                    (Vector128<short> x0, Vector128<short> x1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, (nuint)i));
                    (Vector128<short> y0, Vector128<short> y1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, (nuint)i));
                    (Vector128<int> x00, Vector128<int> x01) = Vector128.Widen(x0);
                    (Vector128<int> x10, Vector128<int> x11) = Vector128.Widen(x1);
                    (Vector128<int> y00, Vector128<int> y01) = Vector128.Widen(y0);
                    (Vector128<int> y10, Vector128<int> y11) = Vector128.Widen(y1);
                    Vector128<short> low = NarrowSaturate(Element<TOperation>(x00, y00, c), Element<TOperation>(x01, y01, c));
                    Vector128<short> high = NarrowSaturate(Element<TOperation>(x10, y10, c), Element<TOperation>(x11, y11, c));
                    NarrowSaturate(low, high).StoreUnsafe(ref o, (nuint)i);
                }
            }
        }
        for (; i < n; i++)
        {
            int v = TOperation.Apply(q.Input1.Scale(Unsafe.Add(ref a, i)), q.Input2.Scale(Unsafe.Add(ref b, i)));
            Unsafe.Add(ref o, i) = (sbyte)Math.Min(Math.Max(q.ScaleOutput(v) + q.OutputOffset, q.Min), q.Max);
        }
    }

    private static int CheckLengths(int x, int y, int output)
    {
        if (y != x)
        {
            ThrowHelper.ThrowWrongLength("y", "second input", x, y);
        }
        if (output != x)
        {
            ThrowHelper.ThrowWrongLength(nameof(output), "output", x, output);
        }
        return x;
    }

    /// <summary>Addition or subtraction, chosen at compile time so that one loop serves both.</summary>
    private interface IOperation
    {
        static abstract int Apply(int x, int y);

        static abstract float Apply(float x, float y);

        static abstract Vector512<int> Apply(Vector512<int> x, Vector512<int> y);

        static abstract Vector256<int> Apply(Vector256<int> x, Vector256<int> y);

        static abstract Vector128<int> Apply(Vector128<int> x, Vector128<int> y);

        static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> y);

        static abstract Vector128<float> Apply(Vector128<float> x, Vector128<float> y);
    }

    private readonly struct Addition : IOperation
    {
        public static int Apply(int x, int y) => unchecked(x + y);

        public static float Apply(float x, float y) => x + y;

        public static Vector512<int> Apply(Vector512<int> x, Vector512<int> y) => x + y;

        public static Vector256<int> Apply(Vector256<int> x, Vector256<int> y) => x + y;

        public static Vector128<int> Apply(Vector128<int> x, Vector128<int> y) => x + y;

        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x + y;

        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> y) => x + y;
    }

    private readonly struct Subtraction : IOperation
    {
        public static int Apply(int x, int y) => unchecked(x - y);

        public static float Apply(float x, float y) => x - y;

        public static Vector512<int> Apply(Vector512<int> x, Vector512<int> y) => x - y;

        public static Vector256<int> Apply(Vector256<int> x, Vector256<int> y) => x - y;

        public static Vector128<int> Apply(Vector128<int> x, Vector128<int> y) => x - y;

        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x - y;

        public static Vector128<float> Apply(Vector128<float> x, Vector128<float> y) => x - y;
    }
}
