using System;
using System.Collections.Generic;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// TensorFlow Lite's compile-time quantization arithmetic (quantization_util.cc, kernel_util.cc),
/// reproduced exactly, float and double roundings included, so that the constants the generator
/// bakes in equal the ones TFLM computes when it prepares a kernel.
/// </summary>
internal static class QuantizationMath
{
    /// <summary>
    /// Splits a real multiplier into a Q0.31 fixed-point significand and a power-of-two exponent:
    /// TFLite's <c>QuantizeMultiplier</c>.
    /// </summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double realMultiplier)
    {
        if (realMultiplier == 0.0)
        {
            return (0, 0);
        }
        (double fraction, int shift) = Frexp(realMultiplier);
        long fixedPoint = (long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero);
        if (fixedPoint == 1L << 31)
        {
            fixedPoint /= 2;
            shift++;
        }
        if (shift < -31)
        {
            shift = 0;
            fixedPoint = 0;
        }
        return ((int)fixedPoint, shift);
    }

    /// <summary>C's <c>frexp</c>: <c>value = fraction * 2^exponent</c> with |fraction| in [0.5, 1).</summary>
    public static (double Fraction, int Exponent) Frexp(double value)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return (value, 0);
        }
        long bits = BitConverter.DoubleToInt64Bits(value);
        int exponentField = (int)((bits >> 52) & 0x7FF);
        int adjust = 0;
        if (exponentField == 0)
        {
            // Subnormal: scale into the normal range first.
            value *= 18014398509481984.0; // 2^54
            bits = BitConverter.DoubleToInt64Bits(value);
            exponentField = (int)((bits >> 52) & 0x7FF);
            adjust = -54;
        }
        int exponent = exponentField - 1022 + adjust;
        long fractionBits = (bits & unchecked((long)0x800FFFFFFFFFFFFFUL)) | (1022L << 52);
        return (BitConverter.Int64BitsToDouble(fractionBits), exponent);
    }

    /// <summary>
    /// The effective output multiplier of a convolution-like op with per-tensor filter quantization:
    /// TFLite's <c>GetQuantizedConvolutionMultipler</c>, whose input*filter product is a float.
    /// </summary>
    public static double PerTensorConvolutionMultiplier(float inputScale, float filterScale, float outputScale) =>
        (double)(inputScale * filterScale) / outputScale;

    /// <summary>The per-channel multiplier, computed in double throughout as TFLM's per-channel path does.</summary>
    public static double PerChannelConvolutionMultiplier(float inputScale, float filterScale, float outputScale) =>
        (double)inputScale * filterScale / outputScale;

    /// <summary>
    /// One quantized multiplier and exponent per output channel (TFLM's <c>PopulateConvolutionQuantizationParams</c>),
    /// each from <see cref="PerChannelConvolutionMultiplier"/>; a single (per-tensor) filter scale is broadcast to every channel.
    /// </summary>
    public static (int[] Multipliers, int[] Shifts) PerChannelMultipliers(float inputScale, IReadOnlyList<float> filterScales, float outputScale, int channels)
    {
        var multipliers = new int[channels];
        var shifts = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            float filterScale = filterScales.Count > 1 ? filterScales[c] : filterScales[0];
            (multipliers[c], shifts[c]) = QuantizeMultiplier(PerChannelConvolutionMultiplier(inputScale, filterScale, outputScale));
        }
        return (multipliers, shifts);
    }

    /// <summary>TFLite's <c>Quantize</c> helper: <c>zero_point + round(f / scale)</c>, in float.</summary>
    public static int QuantizeValue(float scale, int zeroPoint, float value)
    {
        float scaled = value / scale;
        float rounded = (float)Math.Round((double)scaled, MidpointRounding.AwayFromZero);
        return zeroPoint + (int)rounded;
    }

    /// <summary>
    /// The output clamp of a fused activation: integer bounds (TFLite's
    /// <c>CalculateActivationRangeQuantized</c>) for quantized outputs, float bounds otherwise.
    /// </summary>
    public static ActivationRange ActivationRange(FusedActivation activation, ElementType outputType, QuantizationSpec? output)
    {
        (float floatMin, float floatMax) = activation switch
        {
            FusedActivation.Relu => (0f, float.MaxValue),
            FusedActivation.Relu6 => (0f, 6f),
            FusedActivation.ReluN1To1 => (-1f, 1f),
            _ => (float.MinValue, float.MaxValue),
        };
        if (outputType == ElementType.Float32 || output is null)
        {
            return new ActivationRange(activation, 0, 0, floatMin, floatMax);
        }

        int qmin = outputType.MinValue();
        int qmax = outputType.MaxValue();
        int min = qmin, max = qmax;
        switch (activation)
        {
            case FusedActivation.Relu:
                min = Math.Max(qmin, QuantizeValue(output.Scale, output.ZeroPoint, 0f));
                break;
            case FusedActivation.Relu6:
                min = Math.Max(qmin, QuantizeValue(output.Scale, output.ZeroPoint, 0f));
                max = Math.Min(qmax, QuantizeValue(output.Scale, output.ZeroPoint, 6f));
                break;
            case FusedActivation.ReluN1To1:
                min = Math.Max(qmin, QuantizeValue(output.Scale, output.ZeroPoint, -1f));
                max = Math.Min(qmax, QuantizeValue(output.Scale, output.ZeroPoint, 1f));
                break;
        }
        return new ActivationRange(activation, min, max, floatMin, floatMax);
    }

    /// <summary>
    /// The clamp of a fused activation on an int32 output without quantization: TFLite's
    /// <c>CalculateActivationRange</c> for integers (RELU6 clamps to [0, 6], RELU_N1_TO_1 to [-1, 1]).
    /// </summary>
    public static ActivationRange Int32ActivationRange(FusedActivation activation)
    {
        (int min, int max) = activation switch
        {
            FusedActivation.Relu => (0, int.MaxValue),
            FusedActivation.Relu6 => (0, 6),
            FusedActivation.ReluN1To1 => (-1, 1),
            _ => (int.MinValue, int.MaxValue),
        };
        return new ActivationRange(activation, min, max, 0, 0);
    }
}
