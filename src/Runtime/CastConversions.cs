using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// Float-to-integer conversions as TensorFlow Lite Micro's CAST computes them on x86-64, where C++'s
/// <c>static_cast</c> compiles to a truncating conversion (<c>cvttss2si</c>): values are truncated toward
/// zero, and a value out of the converted register's range (or NaN) gives its "integer indefinite" value
/// (the smallest integer of that width) instead of saturating as .NET 9 and later do.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CastConversions
{
    /// <summary><c>static_cast&lt;int32_t&gt;(value)</c>: truncation, <see cref="int.MinValue"/> out of range or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FloatToInt32(float value) =>
        value >= -2147483648f && value < 2147483648f ? (int)value : int.MinValue;

    /// <summary>
    /// <c>static_cast&lt;uint32_t&gt;(value)</c>: converted through a 64-bit signed register and truncated to
    /// its low 32 bits, so negative values wrap and values beyond the int64 range (or NaN) give 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint FloatToUInt32(float value) =>
        value >= -9223372036854775808f && value < 9223372036854775808f ? unchecked((uint)(long)value) : 0u;
}
