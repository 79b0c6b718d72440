using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The inner loops of convolution kernels: a row of accumulators, one per output channel, each
/// increased by products. Generated convolutions call these once per filter row (or tap), so that the
/// accumulators of a whole output pixel advance together, in SIMD registers where the machine has them:
/// 256-bit vectors with AVX2; 128-bit ones with SSE4.1 or ARM64's AdvSimd (written once over
/// <see cref="IVector128Lanes"/>), which is what a NativeAOT binary published with its default instruction set
/// runs; one value at a time otherwise.
/// </summary>
/// <remarks>
/// Each accumulator receives its products in the order the calls are made, one multiply and one add
/// per product (never a fused multiply-add), so float results equal a plain loop's bit for bit and a
/// kernel that calls these in TensorFlow Lite's tap order sums in TensorFlow Lite's order. Integer
/// accumulators wrap on overflow, as TensorFlow Lite Micro's int32 accumulators do in practice.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MultiplyAccumulate
{
    /// <summary>The instruction set the int8 and int16 kernels uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported ? InstructionTier.Avx2 : Sse41.IsSupported ? InstructionTier.Sse : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128 : InstructionTier.Scalar;
    }

    /// <summary><c>acc[i] += x * w[i]</c> for every accumulator: one input value times a row of int8 weights.</summary>
    public static void Add(Span<int> acc, int x, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length;
        w = w.Slice(0, n);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref sbyte b = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Avx2.IsSupported && n >= 8)
        {
            Vector256<int> xv = Vector256.Create(x);
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> wv = Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref b, i)));
                Vector256<int> av = Vector256.LoadUnsafe(ref a, (nuint)i);
                (av + xv * wv).StoreUnsafe(ref a, (nuint)i);
            }
        }
        if (Sse41.IsSupported)
        {
            i = Add<Sse41Lanes>(ref a, x, ref b, n, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            i = Add<PortableLanes>(ref a, x, ref b, n, i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) += x * Unsafe.Add(ref b, i);
        }
    }

    /// <summary><c>acc[i] += x * w[i]</c> with 64-bit accumulators (16-bit activation kernels); each product is formed in 32 bits.</summary>
    public static void Add(Span<long> acc, int x, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length;
        w = w.Slice(0, n);
        ref long a = ref MemoryMarshal.GetReference(acc);
        ref sbyte b = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Avx2.IsSupported && n >= 8)
        {
            Vector256<int> xv = Vector256.Create(x);
            for (; i <= n - 8; i += 8)
            {
                Vector256<int> products = xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref b, i)));
                AddWidened(ref Unsafe.Add(ref a, i), products);
            }
        }
        if (Sse41.IsSupported)
        {
            i = Add<Sse41Lanes>(ref a, x, ref b, n, i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            i = Add<PortableLanes>(ref a, x, ref b, n, i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) += x * Unsafe.Add(ref b, i);
        }
    }

    /// <summary><c>acc[i] += x * w[i]</c> in float: one multiply, then one add, per element.</summary>
    public static void Add(Span<float> acc, float x, ReadOnlySpan<float> w)
    {
        int n = acc.Length;
        w = w.Slice(0, n);
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float b = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> xv = Vector256.Create(x);
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> product = xv * Vector256.LoadUnsafe(ref b, (nuint)i);
                (Vector256.LoadUnsafe(ref a, (nuint)i) + product).StoreUnsafe(ref a, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> xv = Vector128.Create(x);
            for (; i <= n - 4; i += 4)
            {
                Vector128<float> product = xv * Vector128.LoadUnsafe(ref b, (nuint)i);
                (Vector128.LoadUnsafe(ref a, (nuint)i) + product).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float product = x * Unsafe.Add(ref b, i);
            Unsafe.Add(ref a, i) += product;
        }
    }

    /// <summary>
    /// <c>acc[o] += Σ_i (x[i] + xOffset) · w[i · acc.Length + o]</c>: a run of int8 input values (one filter
    /// row of a convolution, say), each times its row of weights. The accumulators stay in registers for
    /// the whole run, and each receives its products in the order of <paramref name="x"/>.
    /// </summary>
    public static void AddRun(Span<int> acc, ReadOnlySpan<sbyte> x, int xOffset, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length, length = x.Length;
        w = w.Slice(0, length * n);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int o = 0;
        if (Avx2.IsSupported)
        {
            for (; o <= n - 32; o += 32)
            {
                Vector256<int> a0 = Vector256.LoadUnsafe(ref a, (nuint)o), a1 = Vector256.LoadUnsafe(ref a, (nuint)o + 8);
                Vector256<int> a2 = Vector256.LoadUnsafe(ref a, (nuint)o + 16), a3 = Vector256.LoadUnsafe(ref a, (nuint)o + 24);
                ref sbyte row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    Vector256<int> xv = Vector256.Create(Unsafe.Add(ref xs, i) + xOffset);
                    a0 += xv * Avx2.ConvertToVector256Int32(Load8(ref row));
                    a1 += xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref row, 8)));
                    a2 += xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref row, 16)));
                    a3 += xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref row, 24)));
                }
                a0.StoreUnsafe(ref a, (nuint)o);
                a1.StoreUnsafe(ref a, (nuint)o + 8);
                a2.StoreUnsafe(ref a, (nuint)o + 16);
                a3.StoreUnsafe(ref a, (nuint)o + 24);
            }
            for (; o <= n - 8; o += 8)
            {
                Vector256<int> a0 = Vector256.LoadUnsafe(ref a, (nuint)o);
                ref sbyte row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    a0 += Vector256.Create(Unsafe.Add(ref xs, i) + xOffset) * Avx2.ConvertToVector256Int32(Load8(ref row));
                }
                a0.StoreUnsafe(ref a, (nuint)o);
            }
        }
        if (Sse41.IsSupported)
        {
            o = AddRun<Sse41Lanes>(ref a, ref xs, length, xOffset, ref ws, n, o);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            o = AddRun<PortableLanes>(ref a, ref xs, length, xOffset, ref ws, n, o);
        }
        for (; o < n; o++)
        {
            int sum = Unsafe.Add(ref a, o);
            for (int i = 0; i < length; i++)
            {
                sum += (Unsafe.Add(ref xs, i) + xOffset) * Unsafe.Add(ref ws, i * n + o);
            }
            Unsafe.Add(ref a, o) = sum;
        }
    }

    /// <summary><c>acc[o] += Σ_i x[i] · w[i · acc.Length + o]</c>: a run of int16 input values with int8 weights and 32-bit accumulators.</summary>
    public static void AddRun(Span<int> acc, ReadOnlySpan<short> x, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length, length = x.Length;
        w = w.Slice(0, length * n);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref short xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int o = 0;
        if (Avx2.IsSupported)
        {
            for (; o <= n - 16; o += 16)
            {
                Vector256<int> a0 = Vector256.LoadUnsafe(ref a, (nuint)o), a1 = Vector256.LoadUnsafe(ref a, (nuint)o + 8);
                ref sbyte row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    Vector256<int> xv = Vector256.Create((int)Unsafe.Add(ref xs, i));
                    a0 += xv * Avx2.ConvertToVector256Int32(Load8(ref row));
                    a1 += xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref row, 8)));
                }
                a0.StoreUnsafe(ref a, (nuint)o);
                a1.StoreUnsafe(ref a, (nuint)o + 8);
            }
            for (; o <= n - 8; o += 8)
            {
                Vector256<int> a0 = Vector256.LoadUnsafe(ref a, (nuint)o);
                ref sbyte row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    a0 += Vector256.Create((int)Unsafe.Add(ref xs, i)) * Avx2.ConvertToVector256Int32(Load8(ref row));
                }
                a0.StoreUnsafe(ref a, (nuint)o);
            }
        }
        if (Sse41.IsSupported)
        {
            o = AddRun<Sse41Lanes>(ref a, ref xs, length, ref ws, n, o);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            o = AddRun<PortableLanes>(ref a, ref xs, length, ref ws, n, o);
        }
        for (; o < n; o++)
        {
            int sum = Unsafe.Add(ref a, o);
            for (int i = 0; i < length; i++)
            {
                sum += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ws, i * n + o);
            }
            Unsafe.Add(ref a, o) = sum;
        }
    }

    /// <summary><c>acc[o] += Σ_i x[i] · w[i · acc.Length + o]</c>: int16 inputs, int8 weights, 64-bit accumulators; each product is formed in 32 bits.</summary>
    public static void AddRun(Span<long> acc, ReadOnlySpan<short> x, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length, length = x.Length;
        w = w.Slice(0, length * n);
        ref long a = ref MemoryMarshal.GetReference(acc);
        ref short xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int o = 0;
        if (Avx2.IsSupported)
        {
            for (; o <= n - 8; o += 8)
            {
                Vector256<long> low = Vector256.LoadUnsafe(ref a, (nuint)o), high = Vector256.LoadUnsafe(ref a, (nuint)o + 4);
                ref sbyte row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    Vector256<int> products = Vector256.Create((int)Unsafe.Add(ref xs, i)) * Avx2.ConvertToVector256Int32(Load8(ref row));
                    low += Avx2.ConvertToVector256Int64(products.GetLower());
                    high += Avx2.ConvertToVector256Int64(products.GetUpper());
                }
                low.StoreUnsafe(ref a, (nuint)o);
                high.StoreUnsafe(ref a, (nuint)o + 4);
            }
        }
        if (Sse41.IsSupported)
        {
            o = AddRun<Sse41Lanes>(ref a, ref xs, length, ref ws, n, o);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            o = AddRun<PortableLanes>(ref a, ref xs, length, ref ws, n, o);
        }
        for (; o < n; o++)
        {
            long sum = Unsafe.Add(ref a, o);
            for (int i = 0; i < length; i++)
            {
                sum += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ws, i * n + o);
            }
            Unsafe.Add(ref a, o) = sum;
        }
    }

    /// <summary>
    /// <c>acc[o] += x[i] · w[i · acc.Length + o]</c> for each i in order, in float: one multiply, then one
    /// add, per product, so each accumulator sums exactly as a plain loop over <paramref name="x"/> would.
    /// </summary>
    public static void AddRun(Span<float> acc, ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        int n = acc.Length, length = x.Length;
        w = w.Slice(0, length * n);
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        int o = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; o <= n - 32; o += 32)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref a, (nuint)o), a1 = Vector256.LoadUnsafe(ref a, (nuint)o + 8);
                Vector256<float> a2 = Vector256.LoadUnsafe(ref a, (nuint)o + 16), a3 = Vector256.LoadUnsafe(ref a, (nuint)o + 24);
                ref float row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    Vector256<float> xv = Vector256.Create(Unsafe.Add(ref xs, i));
                    a0 += xv * Vector256.LoadUnsafe(ref row);
                    a1 += xv * Vector256.LoadUnsafe(ref row, 8);
                    a2 += xv * Vector256.LoadUnsafe(ref row, 16);
                    a3 += xv * Vector256.LoadUnsafe(ref row, 24);
                }
                a0.StoreUnsafe(ref a, (nuint)o);
                a1.StoreUnsafe(ref a, (nuint)o + 8);
                a2.StoreUnsafe(ref a, (nuint)o + 16);
                a3.StoreUnsafe(ref a, (nuint)o + 24);
            }
            for (; o <= n - 8; o += 8)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref a, (nuint)o);
                ref float row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    a0 += Vector256.Create(Unsafe.Add(ref xs, i)) * Vector256.LoadUnsafe(ref row);
                }
                a0.StoreUnsafe(ref a, (nuint)o);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; o <= n - 16; o += 16)
            {
                Vector128<float> a0 = Vector128.LoadUnsafe(ref a, (nuint)o), a1 = Vector128.LoadUnsafe(ref a, (nuint)o + 4);
                Vector128<float> a2 = Vector128.LoadUnsafe(ref a, (nuint)o + 8), a3 = Vector128.LoadUnsafe(ref a, (nuint)o + 12);
                ref float row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    Vector128<float> xv = Vector128.Create(Unsafe.Add(ref xs, i));
                    a0 += xv * Vector128.LoadUnsafe(ref row);
                    a1 += xv * Vector128.LoadUnsafe(ref row, 4);
                    a2 += xv * Vector128.LoadUnsafe(ref row, 8);
                    a3 += xv * Vector128.LoadUnsafe(ref row, 12);
                }
                a0.StoreUnsafe(ref a, (nuint)o);
                a1.StoreUnsafe(ref a, (nuint)o + 4);
                a2.StoreUnsafe(ref a, (nuint)o + 8);
                a3.StoreUnsafe(ref a, (nuint)o + 12);
            }
            for (; o <= n - 4; o += 4)
            {
                Vector128<float> a0 = Vector128.LoadUnsafe(ref a, (nuint)o);
                ref float row = ref Unsafe.Add(ref ws, o);
                for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
                {
                    a0 += Vector128.Create(Unsafe.Add(ref xs, i)) * Vector128.LoadUnsafe(ref row);
                }
                a0.StoreUnsafe(ref a, (nuint)o);
            }
        }
        for (; o < n; o++)
        {
            float sum = Unsafe.Add(ref a, o);
            for (int i = 0; i < length; i++)
            {
                float product = Unsafe.Add(ref xs, i) * Unsafe.Add(ref ws, i * n + o);
                sum += product;
            }
            Unsafe.Add(ref a, o) = sum;
        }
    }

    /// <summary>
    /// <c>acc[c] += Σ_k (x[k · xStride + c] + xOffset) · w[k · acc.Length + c]</c> for k below <paramref name="taps"/>:
    /// the taps of one depthwise filter row, channel by channel, with the accumulators in registers
    /// across the taps and each receiving its products in tap order.
    /// </summary>
    public static void AddTapProducts(Span<int> acc, ReadOnlySpan<sbyte> x, int xStride, int taps, int xOffset, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length;
        if (taps <= 0)
        {
            return;
        }
        x = x.Slice(0, (taps - 1) * xStride + n);
        w = w.Slice(0, taps * n);
        ref int a = ref MemoryMarshal.GetReference(acc);
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int c = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> offset = Vector256.Create(xOffset);
            for (; c <= n - 8; c += 8)
            {
                Vector256<int> sum = Vector256.LoadUnsafe(ref a, (nuint)c);
                for (int k = 0; k < taps; k++)
                {
                    Vector256<int> xv = Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref xs, k * xStride + c))) + offset;
                    sum += xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref ws, k * n + c)));
                }
                sum.StoreUnsafe(ref a, (nuint)c);
            }
        }
        if (Sse41.IsSupported)
        {
            c = AddTapProducts<Sse41Lanes>(ref a, ref xs, xStride, taps, xOffset, ref ws, n, c);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            c = AddTapProducts<PortableLanes>(ref a, ref xs, xStride, taps, xOffset, ref ws, n, c);
        }
        for (; c < n; c++)
        {
            int sum = Unsafe.Add(ref a, c);
            for (int k = 0; k < taps; k++)
            {
                sum += (Unsafe.Add(ref xs, k * xStride + c) + xOffset) * Unsafe.Add(ref ws, k * n + c);
            }
            Unsafe.Add(ref a, c) = sum;
        }
    }

    /// <summary>The taps of one depthwise filter row for int16 inputs, int8 weights and 64-bit accumulators; each product is formed in 32 bits.</summary>
    public static void AddTapProducts(Span<long> acc, ReadOnlySpan<short> x, int xStride, int taps, ReadOnlySpan<sbyte> w)
    {
        int n = acc.Length;
        if (taps <= 0)
        {
            return;
        }
        x = x.Slice(0, (taps - 1) * xStride + n);
        w = w.Slice(0, taps * n);
        ref long a = ref MemoryMarshal.GetReference(acc);
        ref short xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        int c = 0;
        if (Avx2.IsSupported)
        {
            for (; c <= n - 8; c += 8)
            {
                Vector256<long> low = Vector256.LoadUnsafe(ref a, (nuint)c), high = Vector256.LoadUnsafe(ref a, (nuint)c + 4);
                for (int k = 0; k < taps; k++)
                {
                    Vector256<int> xv = Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref xs, (nuint)(k * xStride + c)));
                    Vector256<int> products = xv * Avx2.ConvertToVector256Int32(Load8(ref Unsafe.Add(ref ws, k * n + c)));
                    low += Avx2.ConvertToVector256Int64(products.GetLower());
                    high += Avx2.ConvertToVector256Int64(products.GetUpper());
                }
                low.StoreUnsafe(ref a, (nuint)c);
                high.StoreUnsafe(ref a, (nuint)c + 4);
            }
        }
        if (Sse41.IsSupported)
        {
            c = AddTapProducts<Sse41Lanes>(ref a, ref xs, xStride, taps, ref ws, n, c);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            c = AddTapProducts<PortableLanes>(ref a, ref xs, xStride, taps, ref ws, n, c);
        }
        for (; c < n; c++)
        {
            long sum = Unsafe.Add(ref a, c);
            for (int k = 0; k < taps; k++)
            {
                sum += Unsafe.Add(ref xs, k * xStride + c) * Unsafe.Add(ref ws, k * n + c);
            }
            Unsafe.Add(ref a, c) = sum;
        }
    }

    /// <summary>The taps of one depthwise filter row in float: one multiply, then one add, per product, in tap order.</summary>
    public static void AddTapProducts(Span<float> acc, ReadOnlySpan<float> x, int xStride, int taps, ReadOnlySpan<float> w)
    {
        int n = acc.Length;
        if (taps <= 0)
        {
            return;
        }
        x = x.Slice(0, (taps - 1) * xStride + n);
        w = w.Slice(0, taps * n);
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c <= n - 8; c += 8)
            {
                Vector256<float> sum = Vector256.LoadUnsafe(ref a, (nuint)c);
                for (int k = 0; k < taps; k++)
                {
                    sum += Vector256.LoadUnsafe(ref xs, (nuint)(k * xStride + c)) * Vector256.LoadUnsafe(ref ws, (nuint)(k * n + c));
                }
                sum.StoreUnsafe(ref a, (nuint)c);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; c <= n - 4; c += 4)
            {
                Vector128<float> sum = Vector128.LoadUnsafe(ref a, (nuint)c);
                for (int k = 0; k < taps; k++)
                {
                    sum += Vector128.LoadUnsafe(ref xs, (nuint)(k * xStride + c)) * Vector128.LoadUnsafe(ref ws, (nuint)(k * n + c));
                }
                sum.StoreUnsafe(ref a, (nuint)c);
            }
        }
        for (; c < n; c++)
        {
            float sum = Unsafe.Add(ref a, c);
            for (int k = 0; k < taps; k++)
            {
                float product = Unsafe.Add(ref xs, k * xStride + c) * Unsafe.Add(ref ws, k * n + c);
                sum += product;
            }
            Unsafe.Add(ref a, c) = sum;
        }
    }

    // The Vector128 paths of the integer kernels, instantiated per IVector128Lanes (see there why); each
    // starts at the given index, returns where it stopped, and leaves the rest to the scalar tail.

    /// <summary>The Vector128 path of <see cref="Add(Span{int}, int, ReadOnlySpan{sbyte})"/>.</summary>
    private static int Add<TLanes>(ref int a, int x, ref sbyte b, int n, int i) where TLanes : struct, IVector128Lanes
    {
        Vector128<int> xv = Vector128.Create(x);
        for (; i <= n - 4; i += 4)
        {
            (Vector128.LoadUnsafe(ref a, (nuint)i) + TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref b, i)))).StoreUnsafe(ref a, (nuint)i);
        }
        return i;
    }

    /// <summary>The Vector128 path of <see cref="Add(Span{long}, int, ReadOnlySpan{sbyte})"/>.</summary>
    private static int Add<TLanes>(ref long a, int x, ref sbyte b, int n, int i) where TLanes : struct, IVector128Lanes
    {
        Vector128<int> xv = Vector128.Create(x);
        for (; i <= n - 4; i += 4)
        {
            AddWidened(ref Unsafe.Add(ref a, i), TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref b, i))));
        }
        return i;
    }

    /// <summary>The Vector128 path of <see cref="AddRun(Span{int}, ReadOnlySpan{sbyte}, int, ReadOnlySpan{sbyte})"/>.</summary>
    private static int AddRun<TLanes>(ref int a, ref sbyte xs, int length, int xOffset, ref sbyte ws, int n, int o) where TLanes : struct, IVector128Lanes
    {
        for (; o <= n - 16; o += 16)
        {
            Vector128<int> a0 = Vector128.LoadUnsafe(ref a, (nuint)o), a1 = Vector128.LoadUnsafe(ref a, (nuint)o + 4);
            Vector128<int> a2 = Vector128.LoadUnsafe(ref a, (nuint)o + 8), a3 = Vector128.LoadUnsafe(ref a, (nuint)o + 12);
            ref sbyte row = ref Unsafe.Add(ref ws, o);
            for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
            {
                Vector128<int> xv = Vector128.Create(Unsafe.Add(ref xs, i) + xOffset);
                a0 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref row));
                a1 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref row, 4)));
                a2 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref row, 8)));
                a3 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref row, 12)));
            }
            a0.StoreUnsafe(ref a, (nuint)o);
            a1.StoreUnsafe(ref a, (nuint)o + 4);
            a2.StoreUnsafe(ref a, (nuint)o + 8);
            a3.StoreUnsafe(ref a, (nuint)o + 12);
        }
        for (; o <= n - 4; o += 4)
        {
            Vector128<int> a0 = Vector128.LoadUnsafe(ref a, (nuint)o);
            ref sbyte row = ref Unsafe.Add(ref ws, o);
            for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
            {
                a0 += TLanes.MultiplyLow(Vector128.Create(Unsafe.Add(ref xs, i) + xOffset), TLanes.SignExtend4(ref row));
            }
            a0.StoreUnsafe(ref a, (nuint)o);
        }
        return o;
    }

    /// <summary>The Vector128 path of <see cref="AddRun(Span{int}, ReadOnlySpan{short}, ReadOnlySpan{sbyte})"/>.</summary>
    private static int AddRun<TLanes>(ref int a, ref short xs, int length, ref sbyte ws, int n, int o) where TLanes : struct, IVector128Lanes
    {
        for (; o <= n - 8; o += 8)
        {
            Vector128<int> a0 = Vector128.LoadUnsafe(ref a, (nuint)o), a1 = Vector128.LoadUnsafe(ref a, (nuint)o + 4);
            ref sbyte row = ref Unsafe.Add(ref ws, o);
            for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
            {
                Vector128<int> xv = Vector128.Create((int)Unsafe.Add(ref xs, i));
                a0 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref row));
                a1 += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref row, 4)));
            }
            a0.StoreUnsafe(ref a, (nuint)o);
            a1.StoreUnsafe(ref a, (nuint)o + 4);
        }
        for (; o <= n - 4; o += 4)
        {
            Vector128<int> a0 = Vector128.LoadUnsafe(ref a, (nuint)o);
            ref sbyte row = ref Unsafe.Add(ref ws, o);
            for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
            {
                a0 += TLanes.MultiplyLow(Vector128.Create((int)Unsafe.Add(ref xs, i)), TLanes.SignExtend4(ref row));
            }
            a0.StoreUnsafe(ref a, (nuint)o);
        }
        return o;
    }

    /// <summary>The Vector128 path of <see cref="AddRun(Span{long}, ReadOnlySpan{short}, ReadOnlySpan{sbyte})"/>.</summary>
    private static int AddRun<TLanes>(ref long a, ref short xs, int length, ref sbyte ws, int n, int o) where TLanes : struct, IVector128Lanes
    {
        for (; o <= n - 4; o += 4)
        {
            Vector128<long> low = Vector128.LoadUnsafe(ref a, (nuint)o), high = Vector128.LoadUnsafe(ref a, (nuint)o + 2);
            ref sbyte row = ref Unsafe.Add(ref ws, o);
            for (int i = 0; i < length; i++, row = ref Unsafe.Add(ref row, n))
            {
                Vector128<int> products = TLanes.MultiplyLow(Vector128.Create((int)Unsafe.Add(ref xs, i)), TLanes.SignExtend4(ref row));
                low += Vector128.WidenLower(products);
                high += Vector128.WidenUpper(products);
            }
            low.StoreUnsafe(ref a, (nuint)o);
            high.StoreUnsafe(ref a, (nuint)o + 2);
        }
        return o;
    }

    /// <summary>The Vector128 path of <see cref="AddTapProducts(Span{int}, ReadOnlySpan{sbyte}, int, int, int, ReadOnlySpan{sbyte})"/>.</summary>
    private static int AddTapProducts<TLanes>(ref int a, ref sbyte xs, int xStride, int taps, int xOffset, ref sbyte ws, int n, int c) where TLanes : struct, IVector128Lanes
    {
        Vector128<int> offset = Vector128.Create(xOffset);
        for (; c <= n - 4; c += 4)
        {
            Vector128<int> sum = Vector128.LoadUnsafe(ref a, (nuint)c);
            for (int k = 0; k < taps; k++)
            {
                Vector128<int> xv = TLanes.SignExtend4(ref Unsafe.Add(ref xs, k * xStride + c)) + offset;
                sum += TLanes.MultiplyLow(xv, TLanes.SignExtend4(ref Unsafe.Add(ref ws, k * n + c)));
            }
            sum.StoreUnsafe(ref a, (nuint)c);
        }
        return c;
    }

    /// <summary>The Vector128 path of <see cref="AddTapProducts(Span{long}, ReadOnlySpan{short}, int, int, ReadOnlySpan{sbyte})"/>.</summary>
    private static int AddTapProducts<TLanes>(ref long a, ref short xs, int xStride, int taps, ref sbyte ws, int n, int c) where TLanes : struct, IVector128Lanes
    {
        for (; c <= n - 4; c += 4)
        {
            Vector128<long> low = Vector128.LoadUnsafe(ref a, (nuint)c), high = Vector128.LoadUnsafe(ref a, (nuint)c + 2);
            for (int k = 0; k < taps; k++)
            {
                Vector128<int> products = TLanes.MultiplyLow(TLanes.SignExtend4(ref Unsafe.Add(ref xs, k * xStride + c)), TLanes.SignExtend4(ref Unsafe.Add(ref ws, k * n + c)));
                low += Vector128.WidenLower(products);
                high += Vector128.WidenUpper(products);
            }
            low.StoreUnsafe(ref a, (nuint)c);
            high.StoreUnsafe(ref a, (nuint)c + 2);
        }
        return c;
    }

    /// <summary>Eight int8 values as the low half of a vector (one 64-bit load).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Load8(ref sbyte source) =>
        Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();

    /// <summary>Adds four 32-bit values, sign-extended, to four 64-bit accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(ref long accumulators, Vector128<int> values)
    {
        (Vector128.LoadUnsafe(ref accumulators) + Vector128.WidenLower(values)).StoreUnsafe(ref accumulators);
        (Vector128.LoadUnsafe(ref accumulators, 2) + Vector128.WidenUpper(values)).StoreUnsafe(ref accumulators, 2);
    }

    /// <summary>Adds eight 32-bit values, sign-extended, to eight 64-bit accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened(ref long accumulators, Vector256<int> values)
    {
        Vector256<long> low = Avx2.ConvertToVector256Int64(values.GetLower());
        Vector256<long> high = Avx2.ConvertToVector256Int64(values.GetUpper());
        (Vector256.LoadUnsafe(ref accumulators) + low).StoreUnsafe(ref accumulators);
        (Vector256.LoadUnsafe(ref accumulators, 4) + high).StoreUnsafe(ref accumulators, 4);
    }
}
