using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// Element-wise kernels of the generated integer layers without quantization (ABS of int16): the widest vectors the
/// machine has, then a scalar tail, each lane with the scalar operation's bits. Input and output may be the same memory.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class IntegerElementwise
{
    /// <summary>The widest vectors the kernels use on this machine (narrower ones take the elements left over, then one at a time).</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }

    /// <summary>
    /// ABS of unquantized int16, as TFLM's <c>std::abs</c> narrowed to int16: <c>x &lt; 0 ? −x : x</c> with −x wrapping,
    /// so −32768 stays −32768 (what <c>pabsw</c> and AdvSimd's <c>abs</c> give in every lane).
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="output">The result, at least as long as the input; it may be the input.</param>
    public static void Abs(ReadOnlySpan<short> input, Span<short> output)
    {
        int n = input.Length;
        output = output.Slice(0, n);
        ref short x = ref MemoryMarshal.GetReference(input);
        ref short y = ref MemoryMarshal.GetReference(output);
        nuint i = 0;
        InstructionTier tier = Tier;
        if (tier == InstructionTier.Vector512)
        {
            for (; (int)i <= n - Vector512<short>.Count; i += (nuint)Vector512<short>.Count)
            {
                Vector512.Abs(Vector512.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
            }
        }
        if (InstructionTiers.Has256(tier))
        {
            for (; (int)i <= n - Vector256<short>.Count; i += (nuint)Vector256<short>.Count)
            {
                Vector256.Abs(Vector256.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
            }
        }
        if (tier != InstructionTier.Scalar)
        {
            for (; (int)i <= n - Vector128<short>.Count; i += (nuint)Vector128<short>.Count)
            {
                Vector128.Abs(Vector128.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
            }
        }
        for (; (int)i < n; i++)
        {
            short v = Unsafe.Add(ref x, i);
            Unsafe.Add(ref y, i) = (short)(v < 0 ? -v : v);
        }
    }
}
