using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// Planes of one-byte values interleaved: the TRANSPOSE that turns a channels-first image (NCHW, such as
/// mobilenet_v2's 3 × 224 × 224 input) into the channels-last one (NHWC) the other layers read.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InterleaveKernels
{
    /// <summary><c>output[p · planes + c] = input[c · n + p]</c> for every plane <c>c</c> and position <c>p</c>, with <c>n</c> the length of a plane.</summary>
    /// <param name="input">The planes, one after the other, each <c>input.Length / planes</c> values long.</param>
    /// <param name="planes">How many planes; positive and dividing the input's length.</param>
    /// <param name="output">As long as the input; it must not overlap it.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the planes do not divide the input.</exception>
    public static void Interleave(ReadOnlySpan<byte> input, int planes, Span<byte> output)
    {
        if (planes <= 0 || input.Length % planes != 0)
        {
            throw new ArgumentException($"{planes} planes do not divide {input.Length} values.", nameof(planes));
        }
        if (output.Length != input.Length)
        {
            ThrowHelper.ThrowWrongLength(nameof(output), "output", input.Length, output.Length);
        }
        int n = input.Length / planes;
        ref byte source = ref MemoryMarshal.GetReference(input);
        ref byte target = ref MemoryMarshal.GetReference(output);
        int p = 0;
        if (planes == 3 && (Ssse3.IsSupported || AdvSimd.Arm64.IsSupported))
        {
            // 16 positions at a time: each of the three output vectors takes its bytes from the three planes'
            // vectors by a table lookup (an index of 0x80 selects zero), and the three lookups are or-ed.
            ref byte second = ref Unsafe.Add(ref source, n), third = ref Unsafe.Add(ref source, 2 * n);
            for (; p <= n - 16; p += 16)
            {
                Vector128<byte> a = Vector128.LoadUnsafe(ref source, (nuint)p);
                Vector128<byte> b = Vector128.LoadUnsafe(ref second, (nuint)p);
                Vector128<byte> c = Vector128.LoadUnsafe(ref third, (nuint)p);
                ref byte at = ref Unsafe.Add(ref target, 3 * p);
                (Lookup(a, Vector128.Create(0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80, 0x80, 5))
                    | Lookup(b, Vector128.Create(0x80, 0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80, 0x80))
                    | Lookup(c, Vector128.Create(0x80, 0x80, 0, 0x80, 0x80, 1, 0x80, 0x80, 2, 0x80, 0x80, 3, 0x80, 0x80, 4, 0x80))).StoreUnsafe(ref at);
                (Lookup(a, Vector128.Create(0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80, 10, 0x80))
                    | Lookup(b, Vector128.Create(5, 0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80, 10))
                    | Lookup(c, Vector128.Create(0x80, 5, 0x80, 0x80, 6, 0x80, 0x80, 7, 0x80, 0x80, 8, 0x80, 0x80, 9, 0x80, 0x80))).StoreUnsafe(ref at, 16);
                (Lookup(a, Vector128.Create(0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15, 0x80, 0x80))
                    | Lookup(b, Vector128.Create(0x80, 0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15, 0x80))
                    | Lookup(c, Vector128.Create(10, 0x80, 0x80, 11, 0x80, 0x80, 12, 0x80, 0x80, 13, 0x80, 0x80, 14, 0x80, 0x80, 15))).StoreUnsafe(ref at, 32);
            }
        }
        for (; p < n; p++)
        {
            ref byte at = ref Unsafe.Add(ref target, p * planes);
            for (int c = 0; c < planes; c++)
            {
                Unsafe.Add(ref at, c) = Unsafe.Add(ref source, c * n + p);
            }
        }
    }

    /// <summary>The bytes of <paramref name="values"/> at <paramref name="indices"/>, zero where an index is 0x80.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lookup(Vector128<byte> values, Vector128<byte> indices) =>
        Ssse3.IsSupported ? Ssse3.Shuffle(values, indices) : AdvSimd.Arm64.VectorTableLookup(values, indices);
}
