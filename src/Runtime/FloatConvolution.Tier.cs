using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>What <see cref="FloatConvolution"/> runs on this machine.</summary>
public static partial class FloatConvolution
{
    /// <summary>The instruction set <see cref="ConvolveRow"/> uses on this machine: the widest portable vectors, as its dispatch picks them.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Portable;
    }
}
