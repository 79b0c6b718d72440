using System;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Helpers of the convolution tests: TFLite's arithmetic written out independently of the generator, from TFLM's sources (quantization_util.cc QuantizeMultiplier,
/// common.h/common.cc MultiplyByQuantizedMultiplier, kernel_util.cc CalculateActivationRangeQuantized,
/// padding.h ComputePaddingHeightWidth), for the naive reference kernels in the tests.
/// </summary>
internal static class ConvolutionTestSupport
{
    /// <summary>TFLite's <c>ComputeOutSize</c> and <c>ComputePaddingWithOffset</c> for one axis (padding 0 = SAME, 1 = VALID).</summary>
    public static (int OutSize, int Pad) Window(int padding, int inSize, int filterSize, int stride, int dilation)
    {
        int effective = (filterSize - 1) * dilation + 1;
        int outSize = padding == 0 ? (inSize + stride - 1) / stride : (inSize + stride - effective) / stride;
        int total = Math.Max(0, (outSize - 1) * stride + effective - inSize);
        return (outSize, total / 2);
    }

    /// <summary>TFLite's <c>QuantizeMultiplier</c>: a Q0.31 significand and a power-of-two exponent.</summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double real)
    {
        if (real == 0)
        {
            return (0, 0);
        }
        int shift = Math.ILogB(real) + 1;
        double fraction = Math.ScaleB(real, -shift);
        long q = (long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31)
        {
            q /= 2;
            shift++;
        }
        if (shift < -31)
        {
            return (0, 0);
        }
        return ((int)q, shift);
    }

    /// <summary>TFLite's 32-bit <c>MultiplyByQuantizedMultiplier</c> (double rounding, as TFLM's reference kernels).</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        long ab = (long)unchecked(x * (1 << left)) * multiplier;
        int high;
        if (unchecked(x * (1 << left)) == int.MinValue && multiplier == int.MinValue)
        {
            high = int.MaxValue;
        }
        else
        {
            long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
            high = (int)((ab + nudge) / (1L << 31));
        }
        int mask = (1 << right) - 1;
        int remainder = high & mask;
        int threshold = (mask >> 1) + (high < 0 ? 1 : 0);
        return (high >> right) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>TFLite's 64-bit <c>MultiplyByQuantizedMultiplier</c> (16-bit activation kernels).</summary>
    public static int MultiplyByQuantizedMultiplier(long x, int multiplier, int shift)
    {
        long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        return (int)((x * reduced + (1L << (total - 1))) >> total);
    }

    /// <summary>TFLite's <c>CalculateActivationRangeQuantized</c> for activations NONE, RELU, RELU_N1_TO_1, RELU6.</summary>
    public static (int Min, int Max) QuantizedRange(int activation, float scale, int zeroPoint, int qmin, int qmax)
    {
        int Quantize(float f) => zeroPoint + (int)MathF.Round(f / scale, MidpointRounding.AwayFromZero);
        return activation switch
        {
            1 => (Math.Max(qmin, Quantize(0f)), qmax),
            2 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            3 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            _ => (qmin, qmax),
        };
    }

    /// <summary>TFLite's <c>CalculateActivationRange</c> for float outputs.</summary>
    public static (float Min, float Max) FloatRange(int activation) => activation switch
    {
        1 => (0f, float.MaxValue),
        2 => (-1f, 1f),
        3 => (0f, 6f),
        _ => (float.MinValue, float.MaxValue),
    };

    public static byte[] Bytes<T>(T[] values) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
