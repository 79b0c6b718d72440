using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>
/// TensorFlow Lite Micro's nonlinearities, bit for bit: the int16 sigmoid and tanh of
/// <c>reference_integer_ops</c> (a 256-entry table of sigmoid(i/24) with linear interpolation), the
/// float sigmoid of <c>reference_ops::Logistic</c>, and the saturation of its LSTM kernels. Generated
/// int16 LOGISTIC and TANH layers and LSTM gates call these with rescaling constants the generator computed.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationMath
{
    /// <summary>
    /// sigmoid(i / 24) for i in [0, 256) in unsigned Q0.16 (TensorFlow Lite's <c>sigmoid_table_uint16</c>).
    /// tanh(x) = 2·sigmoid(2x) − 1, so both functions read it; both are symmetric, so it covers |x| only.
    /// </summary>
    /// <remarks>
    /// A static array rather than <c>new ushort[] { ... }</c> read as a span: that form allocates on every read
    /// in unoptimized (Debug) code (dotnet/runtime#122336), and LSTM cells read the table per element.
    /// </remarks>
    public static ReadOnlySpan<ushort> SigmoidTable => s_sigmoidTable;

    private static readonly ushort[] s_sigmoidTable = SigmoidTableData.Q016;

    /// <summary>
    /// The int16 logistic of <c>reference_integer_ops::Logistic</c>: <paramref name="input"/> is scaled by
    /// <paramref name="inputMultiplier"/> and <paramref name="inputShift"/> (multiplier 0 means the
    /// power-of-two case, 3 · 2^shift; the LSTM gates pass 0 and 0, a Q3.12 input), the output is Q0.15.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Logistic(short input, int inputMultiplier, int inputShift)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputShift;
            inputShift = 0;
        }
        int round = inputShift > 0 ? 1 << (inputShift - 1) : 0;
        int value = (input * inputMultiplier + round) >> inputShift;

        // Interpolate on the magnitude: 9 fraction bits (7 for the Q3.12 -> table step, 2 for the 3/4 scaling).
        uint magnitude = (uint)Math.Abs(value);
        uint high = magnitude >> 9;
        uint result;
        if (high >= 255)
        {
            result = 0x7FFFu << 10;
        }
        else
        {
            ReadOnlySpan<ushort> table = SigmoidTable;
            uint a = table[(int)high];
            uint b = table[(int)high + 1];
            uint fraction = magnitude & 0x1FF;
            result = (a << 9) + fraction * (b - a);
        }
        result = value >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
        return unchecked((short)(result >> 10));
    }

    /// <summary>
    /// The int16 tanh of <c>reference_integer_ops::Tanh</c>: input scaled as in <see cref="Logistic(short, int, int)"/>,
    /// output Q0.15. LSTM gates pass 0 and 0 (Q3.12 input); the cell state's tanh passes the shift
    /// derived from the cell state's power-of-two scale.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Tanh(short input, int inputMultiplier, int inputShift)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputShift;
            inputShift = 0;
        }
        int round = inputShift > 0 ? 1 << (inputShift - 1) : 0;
        int value = (input * inputMultiplier + round) >> inputShift;

        uint magnitude = (uint)Math.Abs(value);
        uint high = magnitude >> 8;
        int result;
        if (high >= 255)
        {
            result = 0xFFFF << 8;
        }
        else
        {
            ReadOnlySpan<ushort> table = SigmoidTable;
            uint a = table[(int)high];
            uint b = table[(int)high + 1];
            uint fraction = magnitude & 0xFF;
            result = unchecked((int)((a << 8) + fraction * (b - a)));
        }
        result = value >= 0
            ? result - (1 << (14 + 9)) + (1 << (9 - 2))
            : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return unchecked((short)(result >> (9 - 1)));
    }

    /// <summary>An int32 value saturated to int16, as TFLM clamps gate sums and int16 products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SaturateToInt16(int value) => (short)Math.Min(Math.Max(value, short.MinValue), short.MaxValue);

    /// <summary>
    /// The float logistic of <c>reference_ops::Logistic</c>: 1 above 16.619..., exp(x) below −9, and
    /// 1 / (1 + exp(−x)) between.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Logistic(float value)
    {
        const float CutoffUpper = 16.619047164916992188f;
        const float CutoffLower = -9f;
        if (value > CutoffUpper)
        {
            return 1f;
        }
        if (value < CutoffLower)
        {
            return MathF.Exp(value);
        }
        return 1f / (1f + MathF.Exp(-value));
    }
}
