using System;
using TinyModel.Generator.Lowering;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>
/// The build-time half of TFLM's quantized SOFTMAX: the input scaling (<c>PreprocessSoftmaxScaling</c>),
/// gemmlowp's fixed-point <c>exp_on_negative_values</c> (<see cref="GemmlowpMath"/>, evaluated here
/// for every input difference an int8 row can hold), and the int16 kernel's look-up tables
/// (<c>gen_lut</c>, computed in float as TFLM computes them when it prepares the kernel).
/// </summary>
internal static class SoftmaxMath
{
    /// <summary>Integer bits of the scaled input difference (Q5.26), TFLM's <c>kScaledDiffIntegerBits</c>.</summary>
    public const int ScaledDiffIntegerBits = 5;

    /// <summary>Integer bits of the sum of exponentials (Q12.19), TFLM's <c>kAccumulationIntegerBits</c>.</summary>
    public const int AccumulationIntegerBits = 12;

    /// <summary>Entries of an int16 look-up table: 512 segments and the end point of the last.</summary>
    public const int Int16LutSize = 513;

    /// <summary>
    /// TFLite's <c>PreprocessSoftmaxScaling</c> (double rounding build: the multiplier is capped at
    /// 2^31 - 1) followed by <c>QuantizeMultiplierGreaterThanOne</c>.
    /// </summary>
    public static (int Multiplier, int LeftShift) PreprocessSoftmaxScaling(double beta, double inputScale, int inputIntegerBits)
    {
        double real = Math.Min(beta * inputScale * (1 << (31 - inputIntegerBits)), (1L << 31) - 1.0);
        return QuantizationMath.QuantizeMultiplier(real);
    }

    /// <summary>
    /// exp(diff · beta · scale) in Q0.31 for every int8 input difference 0, -1, ..., -255 (index = -diff),
    /// as TFLM's int8 kernel computes it; 0 where the difference is below <paramref name="diffMin"/>,
    /// which TFLM skips (its output there is the type's minimum, and so is the table's).
    /// </summary>
    public static int[] Int8ExpTable(int inputMultiplier, int inputLeftShift, int diffMin)
    {
        var table = new int[256];
        for (int k = 0; k < 256; k++)
        {
            int diff = -k;
            if (diff < diffMin)
            {
                continue;
            }
            // MultiplyByQuantizedMultiplierGreaterThanOne; diff_min guarantees the shift does not overflow.
            int rescaled = FixedPoint.SaturatingRoundingDoublingHighMul(unchecked(diff * (1 << inputLeftShift)), inputMultiplier);
            table[k] = GemmlowpMath.ExpOnNegativeValues(rescaled, ScaledDiffIntegerBits);
        }
        return table;
    }

    /// <summary>gemmlowp's <c>Rescale&lt;12&gt;</c> of a Q0.31 value: the term added to the sum of exponentials.</summary>
    public static int RescaleToAccumulator(int q031) => FixedPoint.RoundingDivideByPOT(q031, AccumulationIntegerBits);

    /// <summary>TFLM's int16 SOFTMAX table of exp(x) for x in [-10, 0], output in [-1, 1] (Q0.15).</summary>
    public static short[] Int16ExpLut() => GenerateLut(x => (float)Math.Exp(x), -10.0f, 0.0f, -1.0f, 1.0f);

    /// <summary>TFLM's int16 SOFTMAX table of 1 / (1 + x) for x in [0, 1], output in [-1, 1] (Q0.15).</summary>
    public static short[] Int16OneOverOnePlusXLut() => GenerateLut(x => 1.0f / (1.0f + x), 0.0f, 1.0f, -1.0f, 1.0f);

    /// <summary>
    /// TFLite's <c>gen_lut&lt;float, int16_t, int16_t&gt;</c>: 512 samples of <paramref name="func"/> with
    /// their midpoint error halved into the sample, then the end point, every step in float.
    /// </summary>
    private static short[] GenerateLut(Func<float, float> func, float inputMin, float inputMax, float outputMin, float outputMax)
    {
        const int steps = 512;
        float step = (inputMax - inputMin) / steps;
        float halfStep = step / 2;
        float outputScalingInv = (float)(short.MaxValue - short.MinValue + 1) / (outputMax - outputMin);
        float tableMin = short.MinValue, tableMax = short.MaxValue;
        var lut = new short[Int16LutSize];
        for (int i = 0; i < steps; i++)
        {
            float val = func(inputMin + i * step);
            float valMidpoint = func(inputMin + i * step + halfStep);
            float valNext = func(inputMin + (i + 1) * step);
            float sample = Round(val * outputScalingInv);
            float midpointInterp = Round((valNext * outputScalingInv + Round(val * outputScalingInv)) / 2);
            float midpoint = Round(valMidpoint * outputScalingInv);
            float midpointError = midpointInterp - midpoint;
            float bias = Round(midpointError / 2);
            lut[i] = (short)Math.Min(Math.Max(sample - bias, tableMin), tableMax);
        }
        lut[steps] = (short)Math.Min(Math.Max(Round(func(inputMax) * outputScalingInv), tableMin), tableMax);
        return lut;
    }

    /// <summary>TFLite's <c>TfLiteRound</c> on a float: to nearest, halves away from zero.</summary>
    private static float Round(float value) => (float)Math.Round(value, MidpointRounding.AwayFromZero);
}
