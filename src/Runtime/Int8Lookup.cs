using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The kernel of every int8 element-wise layer whose output depends on its input value alone (ABS, RSQRT, ELU,
/// HARD_SWISH, LOGISTIC, TANH, ... of int8): the generator computes the 256 possible outputs with TFLM's
/// arithmetic, and each element is looked up, many at a time, so every tier gives the table's bits.
/// </summary>
/// <remarks>
/// ARM64 looks sixteen bytes up in 64-byte quarters (<c>tbl</c>, then <c>tbx</c> for the other three);
/// AVX-512 VBMI in two 128-byte halves (<c>vpermi2b</c>); AVX2 in sixteen 16-byte rows (<c>vpshufb</c>), each
/// kept where the high nibble selects its row. Below AVX2, x64 looks up one byte at a time: the sixteen-row form
/// on 128-bit vectors measured 0.75× the scalar loop (sixteen shuffles for sixteen bytes).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Int8Lookup
{
    /// <summary><c>output[i] = table[input[i] + 128]</c>.</summary>
    /// <param name="input">The input.</param>
    /// <param name="table">The 256 outputs, indexed by input + 128.</param>
    /// <param name="output">The result, at least as long as the input; it may be the input.</param>
    public static void Apply(ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> table, Span<sbyte> output)
    {
        if (table.Length != 256)
        {
            ThrowHelper.ThrowWrongLength(nameof(table), "lookup table", 256, table.Length);
        }
        int n = input.Length;
        output = output.Slice(0, n);
        ref byte x = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(input));
        ref byte t = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(table));
        ref byte y = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output));
        int i = 0;
        if (Avx512Vbmi.IsSupported)
        {
            i = Vbmi(ref x, ref t, ref y, n);
        }
        if (Avx2.IsSupported)
        {
            i = Rows256(ref x, ref t, ref y, i, n);
        }
        if (AdvSimd.Arm64.IsSupported)
        {
            i = Quarters128(ref x, ref t, ref y, i, n);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = Unsafe.Add(ref t, (sbyte)Unsafe.Add(ref x, i) + 128);
        }
    }

    /// <summary>
    /// 64 bytes per step: <c>vpermi2b</c> indexes 128 bytes with the low seven bits, which are the same in the input
    /// and in the index (input + 128 flips bit 7 only); bit 7 then picks the half: negative inputs read the first.
    /// </summary>
    private static int Vbmi(ref byte x, ref byte t, ref byte y, int n)
    {
        Vector512<byte> t0 = Vector512.LoadUnsafe(ref t), t1 = Vector512.LoadUnsafe(ref t, 64);
        Vector512<byte> t2 = Vector512.LoadUnsafe(ref t, 128), t3 = Vector512.LoadUnsafe(ref t, 192);
        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref x, (nuint)i);
            Vector512<byte> negative = Vector512.LessThan(v.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            Vector512.ConditionalSelect(negative, Avx512Vbmi.PermuteVar64x8x2(t0, v, t1), Avx512Vbmi.PermuteVar64x8x2(t2, v, t3))
                .StoreUnsafe(ref y, (nuint)i);
        }
        return i;
    }

    /// <summary>32 bytes per step: each 16-byte row of the table shuffled by the low nibbles, kept where the high nibble (of input + 128) is the row's.</summary>
    private static int Rows256(ref byte x, ref byte t, ref byte y, int i, int n)
    {
        Vector256<byte> nibble = Vector256.Create((byte)0x0F), bias = Vector256.Create((byte)0x80);
        for (; i <= n - 32; i += 32)
        {
            Vector256<byte> u = Vector256.LoadUnsafe(ref x, (nuint)i) ^ bias;
            Vector256<byte> low = u & nibble, high = Vector256.ShiftRightLogical(u.AsUInt16(), 4).AsByte() & nibble;
            Vector256<byte> result = Vector256<byte>.Zero;
            for (int row = 0; row < 16; row++)
            {
                Vector128<byte> row16 = Vector128.LoadUnsafe(ref t, (nuint)(16 * row));
                Vector256<byte> entries = Vector256.Create(row16, row16);
                result |= Avx2.Shuffle(entries, low) & Vector256.Equals(high, Vector256.Create((byte)row));
            }
            result.StoreUnsafe(ref y, (nuint)i);
        }
        return i;
    }

    /// <summary>
    /// 16 bytes per step on ARM64: <c>tbl</c> on the first 64 entries (zero beyond), then <c>tbx</c> on each next 64
    /// with the index lowered by 64 (out of range, so kept, below and above).
    /// </summary>
    private static int Quarters128(ref byte x, ref byte t, ref byte y, int i, int n)
    {
        var q0 = (Vector128.LoadUnsafe(ref t, 0), Vector128.LoadUnsafe(ref t, 16), Vector128.LoadUnsafe(ref t, 32), Vector128.LoadUnsafe(ref t, 48));
        var q1 = (Vector128.LoadUnsafe(ref t, 64), Vector128.LoadUnsafe(ref t, 80), Vector128.LoadUnsafe(ref t, 96), Vector128.LoadUnsafe(ref t, 112));
        var q2 = (Vector128.LoadUnsafe(ref t, 128), Vector128.LoadUnsafe(ref t, 144), Vector128.LoadUnsafe(ref t, 160), Vector128.LoadUnsafe(ref t, 176));
        var q3 = (Vector128.LoadUnsafe(ref t, 192), Vector128.LoadUnsafe(ref t, 208), Vector128.LoadUnsafe(ref t, 224), Vector128.LoadUnsafe(ref t, 240));
        Vector128<byte> bias = Vector128.Create((byte)0x80), quarter = Vector128.Create((byte)64);
        for (; i <= n - 16; i += 16)
        {
            Vector128<byte> u = Vector128.LoadUnsafe(ref x, (nuint)i) ^ bias;
            Vector128<byte> result = AdvSimd.Arm64.VectorTableLookup(q0, u);
            u -= quarter;
            result = AdvSimd.Arm64.VectorTableLookupExtension(result, q1, u);
            u -= quarter;
            result = AdvSimd.Arm64.VectorTableLookupExtension(result, q2, u);
            u -= quarter;
            AdvSimd.Arm64.VectorTableLookupExtension(result, q3, u).StoreUnsafe(ref y, (nuint)i);
        }
        return i;
    }
}
