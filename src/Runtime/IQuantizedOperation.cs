using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The arithmetic of one quantized layer on inputs widened to int32, before its output offset and clamp: one
/// element, four lanes (SSE4.1 or AdvSimd: <see cref="FixedPointLanes.IsVector128Supported"/>), eight (AVX2) and sixteen (AVX-512F),
/// all giving the same bits. The vector forms are called only where those instruction sets are present.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IQuantizedOperation
{
    /// <summary>Added to the result before the clamp.</summary>
    int OutputOffset { get; }

    /// <summary>The clamp's lower bound (within the output type).</summary>
    int Min { get; }

    /// <summary>The clamp's upper bound (within the output type).</summary>
    int Max { get; }

    /// <summary>One element.</summary>
    int Invoke(int x, int y);

    /// <summary>Four lanes.</summary>
    Vector128<int> Invoke(Vector128<int> x, Vector128<int> y);

    /// <summary>Eight lanes (AVX2 only).</summary>
    Vector256<int> Invoke(Vector256<int> x, Vector256<int> y);

    /// <summary>Sixteen lanes (AVX-512F only).</summary>
    Vector512<int> Invoke(Vector512<int> x, Vector512<int> y);
}
