using TinyModel.Generator.Common;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Model.Layers;

/// <summary>
/// TRANSPOSE_CONV: each input pixel <c>(iy, ix)</c> spreads <c>input[b, iy, ix, ic] · weights[oc, fy, fx, ic]</c>
/// onto output pixel <c>(iy·StrideHeight − PadHeight + fy, ix·StrideWidth − PadWidth + fx)</c>; then the bias is
/// added, the sum requantized (integer layers) and the fused activation applied. Weights stay in TFLite's
/// <c>[out_ch, h, w, in_ch]</c> layout: the kernel gathers, for each output element, the input pixels that reach
/// it, and reads a contiguous run of <c>InputDepth</c> weights for each.
/// </summary>
/// <param name="Type">The activation type: float32, int8 (int8 weights, int32 bias) or int16 (int8 weights, int64 bias).</param>
/// <param name="Padding">The model's padding, for the generated comment; the kernel uses <paramref name="PadHeight"/> and <paramref name="PadWidth"/>.</param>
/// <param name="PadHeight">Rows of padding before the first output row, as TFLM computes it.</param>
/// <param name="PadWidth">Columns of padding before the first output column, as TFLM computes it.</param>
/// <param name="Weights">The weights constant, <c>[OutputDepth, FilterHeight, FilterWidth, InputDepth]</c>.</param>
/// <param name="Bias">The bias constant (float, int32 or int64 by <paramref name="Type"/>), or null.</param>
/// <param name="InputOffset">Minus the input zero point, added to every input value (int8 only: TFLM's 16-bit kernel has none).</param>
/// <param name="OutputZeroPoint">Added after requantizing (int8 only: TFLM's 16-bit kernel adds none).</param>
/// <param name="Multiplier">The requantization multiplier (Q0.31) shared by every channel, when <paramref name="PerChannelMultipliers"/> is null.</param>
/// <param name="Shift">The requantization exponent shared by every channel.</param>
/// <param name="PerChannelMultipliers">The per-output-channel multiplier constant, for per-channel weights.</param>
/// <param name="PerChannelShifts">The per-output-channel exponent constant, for per-channel weights.</param>
/// <param name="RealMultiplier">The real multiplier the shared fixed-point one encodes, for the generated comment.</param>
internal sealed record TransposeConvLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int Batches,
    int InputHeight,
    int InputWidth,
    int InputDepth,
    int FilterHeight,
    int FilterWidth,
    int OutputHeight,
    int OutputWidth,
    int OutputDepth,
    int StrideHeight,
    int StrideWidth,
    PaddingKind Padding,
    int PadHeight,
    int PadWidth,
    string Weights,
    string? Bias,
    int InputOffset,
    int OutputZeroPoint,
    int Multiplier,
    int Shift,
    string? PerChannelMultipliers,
    string? PerChannelShifts,
    double RealMultiplier,
    ActivationRange Activation)
    : LayerSpec(NodeIndex, "TRANSPOSE_CONV", Inputs, Outputs)
{
    /// <summary>The products that land inside the output (TFLM skips the others too).</summary>
    public override long MacCount =>
        (long)Batches * Taps(InputHeight, FilterHeight, StrideHeight, PadHeight, OutputHeight)
        * Taps(InputWidth, FilterWidth, StrideWidth, PadWidth, OutputWidth) * InputDepth * OutputDepth;

    /// <summary>The (input, filter) index pairs along one axis whose output index is inside the output.</summary>
    private static long Taps(int inputSize, int filterSize, int stride, int pad, int outputSize)
    {
        long count = 0;
        for (int i = 0; i < inputSize; i++)
        {
            for (int f = 0; f < filterSize; f++)
            {
                int o = i * stride - pad + f;
                if (o >= 0 && o < outputSize)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
