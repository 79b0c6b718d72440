using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>
/// FULLY_CONNECTED kernels that compute a row of output units at once, over weights the generator packed
/// at build time in panels of <see cref="PanelUnits"/> units, so that one vector holds the accumulators of
/// a panel and each input value is broadcast once for all of them.
/// </summary>
/// <remarks>
/// <para>
/// Vectorizing across units, not along the depth, keeps each unit's own sum sequential: a float unit
/// receives <c>x[0]·w[0]</c>, then <c>x[1]·w[1]</c>, and so on, one multiply and one add each (never a
/// fused multiply-add), then its bias, exactly as TensorFlow Lite Micro's reference kernel sums it, so
/// results are bit-identical on every instruction set. Integer sums wrap modulo 2^32 in any order.
/// The 16x8 kernel (int16 inputs, int8 weights) sums each unit's row of the model's own layout exactly in
/// 64 bits, as TFLM's int64 accumulator does.
/// </para>
/// <para>
/// Weight layouts (TinyModel's generator packs them at build time). Units past the last are zero weights
/// padding the last panel. Float: <c>packed[(p · depth + d) · 16 + j] = w[16p + j, d]</c>. Int8: by groups
/// of <see cref="Int8GroupDepth"/> inputs, padded with zero weights; each unit's four weights of a group form
/// one 32-bit lane, offset by 128 to unsigned bytes and in the order (4g, 4g + 2, 4g + 1, 4g + 3):
/// <c>packed[((p · groups + g) · 16 + j) · 4 + k] = w[16p + j, 4g + order[k]] + 128</c> with
/// <c>order = {0, 2, 1, 3}</c>. The low bytes of the lane's 16-bit halves then hold the weights of inputs
/// 4g and 4g + 1, the high bytes those of 4g + 2 and 4g + 3: one AND and one shift give two vectors of
/// 16-bit weights that <c>pmaddwd</c> multiplies with consecutive 16-bit inputs, and the offset comes back
/// out as <c>128 · Σ input</c>, once per call.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class FullyConnectedKernels
{
    /// <summary>The instruction set the int8 kernels use on this machine.</summary>
    public static InstructionTier Int8Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported ? InstructionTier.Avx512
            : Avx2.IsSupported ? InstructionTier.Avx2
            : Sse2.IsSupported ? InstructionTier.Sse
            : Dp.IsSupported ? InstructionTier.Dp
            : Vector128.IsHardwareAccelerated ? InstructionTier.Vector128
            : InstructionTier.Scalar;
    }

    /// <summary>The instruction set the int16 kernels use on this machine.</summary>
    public static InstructionTier Int16Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported ? InstructionTier.Avx512
            : Avx2.IsSupported ? InstructionTier.Avx2
            : Vector128.IsHardwareAccelerated ? (Sse2.IsSupported ? InstructionTier.Sse : InstructionTier.Vector128)
            : InstructionTier.Scalar;
    }

    /// <summary>The instruction set the float kernels use on this machine: the widest portable vectors.</summary>
    public static InstructionTier FloatTier => InstructionTiers.Portable;

    /// <summary>Output units per panel of packed weights: one 512-bit vector of float or int32 accumulators.</summary>
    public const int PanelUnits = FullyConnectedPacking.PanelUnits;

    /// <summary>Consecutive input positions whose int8 weights share one 32-bit lane in the packed layout.</summary>
    public const int Int8GroupDepth = FullyConnectedPacking.Int8GroupDepth;

    /// <summary>Panels whose accumulators one pass keeps in registers (several independent add chains hide the add latency).</summary>
    private const int MaxPanelsPerPass = 4;

    /// <summary>The number of panels that hold <paramref name="units"/> output units.</summary>
    public static int Panels(int units) => (units + PanelUnits - 1) / PanelUnits;

    /// <summary>The length of the packed float weights of <paramref name="units"/> units of <paramref name="depth"/> inputs.</summary>
    public static int PackedFloatLength(int units, int depth) => Panels(units) * depth * PanelUnits;

    /// <summary>The length of the packed int8 weights of <paramref name="units"/> units of <paramref name="depth"/> inputs.</summary>
    public static int PackedInt8Length(int units, int depth) => Panels(units) * Groups(depth) * PanelUnits * Int8GroupDepth;

    private static int Groups(int depth) => (depth + Int8GroupDepth - 1) / Int8GroupDepth;

    private static void CheckOperands(int weightsLength, int expectedWeights, int biasLength, int units)
    {
        if (weightsLength < expectedWeights)
        {
            ThrowHelper.ThrowWrongLength("packedWeights", "packed weights", expectedWeights, weightsLength);
        }
        if (biasLength != 0 && biasLength < units)
        {
            ThrowHelper.ThrowWrongLength("bias", "bias", units, biasLength);
        }
    }
}
