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

    private static readonly ushort[] s_sigmoidTable =
    {
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
        40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
        46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
        52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
        56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
        59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
        61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
        62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
        63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
        64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
        64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
        65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
        65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
        65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
        65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
        65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
        65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
        65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
        65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
        65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
        65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65535,
    };

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
