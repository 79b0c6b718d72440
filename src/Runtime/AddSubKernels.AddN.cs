using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

// int8 ADD_N's step per input: the same input rescaling as ADD's, added to a running int32 sum.
public static partial class AddSubKernels
{
    /// <summary>
    /// One input of a quantized int8 ADD_N (TFLM add_n.cc): <c>sums[i] += input.Scale(x[i])</c>, the rescaling of
    /// ADD (offset, shift left, Q0.31 multiplier and right shift, <see cref="AddSubQuantization.Input.Scale"/>),
    /// the int32 sum wrapping as TFLM's does. The generated layer starts the sums from TFLM's initial value, adds
    /// every input in turn, then requantizes them (<see cref="Requantization.ToInt8(ReadOnlySpan{int}, int, int, int, int, int, Span{sbyte})"/>).
    /// Sixteen, eight or four lanes (AVX-512, AVX2, SSE4.1 or AdvSimd) where the vector form of the rescaling
    /// equals TFLM's on every int8 value, which TFLM's parameters give; else one by one.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="input">The input's offset, multiplier and shift.</param>
    /// <param name="sums">The running sums, as long as the input.</param>
    public static void AddScaled(ReadOnlySpan<sbyte> x, in AddSubQuantization.Input input, Span<int> sums)
    {
        int n = x.Length;
        BinaryKernels.Check(sums.Length, n, nameof(sums));
        ref sbyte a = ref MemoryMarshal.GetReference(x);
        ref int s = ref MemoryMarshal.GetReference(sums);
        int i = 0;
        if (input.Vectorizes)
        {
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                var c = new InputScale512(input);
                for (; i <= n - 16; i += 16)
                {
                    (Vector512.LoadUnsafe(ref s, (nuint)i) + ScaleInput(Load16(ref a, i), c)).StoreUnsafe(ref s, (nuint)i);
                }
            }
            if (Avx2.IsSupported)
            {
                var c = new InputScale256(input);
                for (; i <= n - 8; i += 8)
                {
                    (Vector256.LoadUnsafe(ref s, (nuint)i) + ScaleInput(Load8(ref a, i), c)).StoreUnsafe(ref s, (nuint)i);
                }
            }
            if (Vector128.IsHardwareAccelerated && (Sse41.IsSupported || AdvSimd.IsSupported))
            {
                var c = new InputScale128(input);
                for (; i <= n - 4; i += 4)
                {
                    ref sbyte q = ref Unsafe.Add(ref a, i);
                    Vector128<int> v = Sse41.IsSupported ? Sse41Lanes.SignExtend4(ref q) : PortableLanes.SignExtend4(ref q);
                    (Vector128.LoadUnsafe(ref s, (nuint)i) + ScaleInput(v, c)).StoreUnsafe(ref s, (nuint)i);
                }
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref s, i) = unchecked(Unsafe.Add(ref s, i) + input.Scale(Unsafe.Add(ref a, i)));
        }
    }
}
