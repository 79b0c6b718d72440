using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The 128-bit building blocks of the int8 convolution kernels' pairwise products, one definition per instruction set:
/// SSE (x86) or AdvSimd (ARM64).
/// </summary>
internal static class Int16Pairs
{
    /// <summary><c>x[2i]·w[2i] + x[2i+1]·w[2i+1]</c> per 32-bit lane, exact: <c>pmaddwd</c>, or on ARM64 two widening multiplies and a pairwise add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<short> x, Vector128<short> w) =>
        Sse2.IsSupported
            ? Sse2.MultiplyAddAdjacent(x, w)
            : AdvSimd.Arm64.AddPairwise(AdvSimd.MultiplyWideningLower(x.GetLower(), w.GetLower()), AdvSimd.MultiplyWideningUpper(x, w));

    /// <summary>A pair of int16 values (one 32-bit load) in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Broadcast(ref byte pair) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref pair)).AsInt16();

    /// <summary>Eight int8 values sign-extended to int16 (one 64-bit load).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Widen8(ref byte source) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref source)).AsSByte());

    /// <summary>Lanes 0-3 of <paramref name="a"/> and <paramref name="b"/>, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> InterleaveLower(Vector128<short> a, Vector128<short> b) =>
        Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

    /// <summary>Lanes 4-7 of <paramref name="a"/> and <paramref name="b"/>, interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> InterleaveUpper(Vector128<short> a, Vector128<short> b) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);

    /// <summary>Sixteen int16 values narrowed to int8 with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> NarrowSaturate(Vector128<short> low, Vector128<short> high) =>
        Sse2.IsSupported ? Sse2.PackSignedSaturate(low, high) : AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(low), high);

    /// <summary>Eight int32 values narrowed to int16 with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> NarrowSaturate(Vector128<int> low, Vector128<int> high) =>
        Sse2.IsSupported ? Sse2.PackSignedSaturate(low, high) : AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(low), high);
}
