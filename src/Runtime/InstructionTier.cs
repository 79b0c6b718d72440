using System.ComponentModel;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// The instruction set a kernel's code path uses on the machine it runs on. Each kernel class exposes a
/// <c>Tier</c> property (or one per kernel family, such as <c>Int8Tier</c>) that its dispatch reads, so
/// that what a program reports is what the kernel runs; the properties fold to constants when the JIT (or
/// NativeAOT) compiles, as the <c>IsSupported</c> checks they are made of do.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum InstructionTier
{
    /// <summary>One value at a time.</summary>
    Scalar,

    /// <summary>Portable 128-bit vectors (<c>Vector128&lt;T&gt;</c>), which the JIT compiles to SSE or AdvSimd.</summary>
    Vector128,

    /// <summary>x86 SSE2 to SSE4.1 intrinsics (x86-64-v2, NativeAOT's default for x64).</summary>
    Sse,

    /// <summary>ARM64 AdvSimd (NEON) intrinsics.</summary>
    AdvSimd,

    /// <summary>ARM64 AdvSimd with the dot-product extension (<c>SDOT</c>: four int8 products summed per 32-bit lane).</summary>
    Dp,

    /// <summary>Portable 256-bit vectors (<c>Vector256&lt;T&gt;</c>), compiled to AVX.</summary>
    Vector256,

    /// <summary>x86 AVX2 intrinsics (256-bit).</summary>
    Avx2,

    /// <summary>Portable 512-bit vectors (<c>Vector512&lt;T&gt;</c>), compiled to AVX-512.</summary>
    Vector512,

    /// <summary>x86 AVX-512 (F and BW) intrinsics.</summary>
    Avx512,
}

/// <summary>The tiers that several kernels share, one definition each (their dispatch and their report read these).</summary>
internal static class InstructionTiers
{
    /// <summary>Portable vectors: the widest the JIT accelerates.</summary>
    public static InstructionTier Portable =>
        Vector512.IsHardwareAccelerated ? InstructionTier.Vector512
        : Vector256.IsHardwareAccelerated ? InstructionTier.Vector256
        : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128
        : InstructionTier.Scalar;

    /// <summary>
    /// The int8 convolution kernels' tiers (pairwise int16 products): AVX-512BW, AVX2, then the 128-bit path on
    /// SSE4.1 or ARM64's AdvSimd, else scalar.
    /// </summary>
    public static InstructionTier Int16Pairs =>
        Avx512BW.IsSupported ? InstructionTier.Avx512
        : Avx2.IsSupported ? InstructionTier.Avx2
        : Sse41.IsSupported ? InstructionTier.Sse
        : AdvSimd.Arm64.IsSupported ? InstructionTier.AdvSimd
        : InstructionTier.Scalar;

    /// <summary>Portable vectors up to 256 bits, for loops with no 512-bit form: <c>Vector256</c>, else <c>Vector128</c>, else scalar.</summary>
    public static InstructionTier Portable256 =>
        Vector256.IsHardwareAccelerated ? InstructionTier.Vector256
        : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128
        : InstructionTier.Scalar;

    /// <summary>
    /// The fixed-point lanes of <see cref="FixedPointLanes"/> (TFLM's rounding doubling high multiply and rounding shift):
    /// eight lanes with AVX2, four with SSE4.1 or ARM64's AdvSimd, else scalar.
    /// </summary>
    public static InstructionTier FixedPoint =>
        Avx2.IsSupported ? InstructionTier.Avx2
        : Sse41.IsSupported ? InstructionTier.Sse
        : AdvSimd.IsSupported ? InstructionTier.AdvSimd
        : InstructionTier.Scalar;

    /// <summary>Whether a <see cref="Portable"/> tier has 256-bit vectors (it is <c>Vector256</c> or <c>Vector512</c>, which implies them).</summary>
    public static bool Has256(InstructionTier portable) => portable is InstructionTier.Vector512 or InstructionTier.Vector256;

    /// <summary>Whether ARM64's <c>SDOT</c> (and the AdvSimd it builds on) is there.</summary>
    public static bool DotProduct => Dp.IsSupported && AdvSimd.Arm64.IsSupported;
}
