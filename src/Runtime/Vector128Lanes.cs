using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The 128-bit integer operations of the multiply-accumulate kernels that x86 has as one instruction only
/// since SSE4.1 (<c>pmovsx</c>, <c>pmulld</c>). A kernel's Vector128 path is written once, generic over this
/// interface, and instantiated for <see cref="Sse41Lanes"/> or <see cref="PortableLanes"/> by one check at
/// its entry.
/// </summary>
/// <remarks>
/// Why not just the cross-platform operators: a NativeAOT binary published without <c>IlcInstructionSet</c>
/// targets the x64 baseline, SSE2. Its cross-platform <see cref="Vector128"/> operations compile to SSE2
/// sequences (an int32 multiply becomes two <c>pmuludq</c> and three shuffles), and an
/// <c>Sse41.IsSupported</c> check becomes a test at run time. A method instantiated for
/// <see cref="Sse41Lanes"/> is compiled with SSE4.1 instructions throughout and entered only after one
/// such test; the JIT, and NativeAOT with x86-64-v2 or above, fold the test away.
/// </remarks>
internal interface IVector128Lanes
{
    /// <summary>Four int8 values sign-extended to 32-bit lanes (one 32-bit load).</summary>
    static abstract Vector128<int> SignExtend4(ref sbyte source);

    /// <summary>Four int16 values sign-extended to 32-bit lanes (one 64-bit load).</summary>
    static abstract Vector128<int> SignExtend4(ref short source);

    /// <summary>The low 32 bits of each lane's product, wrapping as int32 arithmetic does.</summary>
    static abstract Vector128<int> MultiplyLow(Vector128<int> left, Vector128<int> right);
}

/// <summary><see cref="IVector128Lanes"/> as SSE4.1 instructions; use only where <c>Sse41.IsSupported</c>.</summary>
internal readonly struct Sse41Lanes : IVector128Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SignExtend4(ref sbyte source) =>
        Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SignExtend4(ref short source) =>
        Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<short, byte>(ref source))).AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyLow(Vector128<int> left, Vector128<int> right) => Sse41.MultiplyLow(left, right);
}

/// <summary>
/// <see cref="IVector128Lanes"/> as cross-platform operations: ARM64's AdvSimd (one instruction each there),
/// and any other platform where <see cref="Vector128.IsHardwareAccelerated"/>.
/// </summary>
internal readonly struct PortableLanes : IVector128Lanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SignExtend4(ref sbyte source) =>
        Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> SignExtend4(ref short source) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<short, byte>(ref source))).AsInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyLow(Vector128<int> left, Vector128<int> right) => left * right;
}
