using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>The pixel counts of <see cref="Int8DepthwiseConvolution"/>'s tiles, as types: each count's tile is its own specialization.</summary>
public static partial class Int8DepthwiseConvolution
{
    /// <summary>
    /// How many pixels a tile computes. A type argument rather than a parameter, so that the JIT compiles each count's
    /// tile on its own, without the unused pixels' work: a short row's tail costs its pixels, not a whole tile's.
    /// </summary>
    private interface ITilePixels
    {
        /// <summary>The tile's pixels.</summary>
        static abstract int Count { get; }
    }

    private struct OnePixel : ITilePixels
    {
        public static int Count
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 1;
        }
    }

    private struct TwoPixels : ITilePixels
    {
        public static int Count
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 2;
        }
    }

    private struct ThreePixels : ITilePixels
    {
        public static int Count
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 3;
        }
    }

    private struct FourPixels : ITilePixels
    {
        public static int Count
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => 4;
        }
    }
}
