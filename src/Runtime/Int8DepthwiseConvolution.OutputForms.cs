using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>The requantization forms of <see cref="Int8DepthwiseConvolution"/>'s AVX-512 tiles, as types.</summary>
public static partial class Int8DepthwiseConvolution
{
    /// <summary>
    /// Whether a tile requantizes in the bounded form (<see cref="Int8DepthwiseShape.BoundedAccumulators"/>) or the general
    /// one. A type argument rather than a test of the shape, so that the JIT compiles each form's tile on its own: with
    /// both forms in one method, the general form's layers ran 12–25% slower than with it alone (the bounded form's rows
    /// and constants took registers and reshaped the loop around both).
    /// </summary>
    private interface IOutputForm
    {
        /// <summary>Whether the form is the bounded one.</summary>
        static abstract bool Bounded { get; }
    }

    private struct BoundedForm : IOutputForm
    {
        public static bool Bounded
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => true;
        }
    }

    private struct GeneralForm : IOutputForm
    {
        public static bool Bounded
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => false;
        }
    }
}
