using System;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Naive transcriptions of TFLM's int16 LOGISTIC and TANH: the Prepare that picks the input multiplier
/// and shift (logistic_common.cc, tanh.cc) and the Eval that interpolates in TFLite's sigmoid table
/// (reference/integer_ops/logistic.h, tanh.h).
/// </summary>
internal static class LogisticTanhReference
{
    public static (int Multiplier, int Shift) Int16Prepare(bool logistic, float inputScale)
    {
        float log2 = MathF.Log(inputScale) * (1.0f / MathF.Log(2.0f));
        float rounded = MathF.Round(log2, MidpointRounding.AwayFromZero);
        bool pot = MathF.Abs(log2 - rounded) < 1e-3f;
        int leftShift = 12 + (int)rounded;
        pot &= logistic ? leftShift == 0 : leftShift == 0 || leftShift == 1;
        if (pot)
        {
            return (3 << leftShift, 0);
        }
        double multiplier = inputScale * 4096.0 * 3.0;
        int shift = 0;
        while (multiplier <= 32767.0 / 2.0 && shift <= 30)
        {
            shift++;
            multiplier *= 2.0;
        }
        return ((int)multiplier, shift);
    }

    public static short Int16Logistic(short value, int multiplier, int shift)
    {
        ushort[] table = ActivationMath.SigmoidTable.ToArray();
        int round = shift > 0 ? 1 << (shift - 1) : 0;
        int input = (value * multiplier + round) >> shift;
        uint abs = (uint)Math.Abs(input);
        uint uh = abs >> 9;
        uint result;
        if (uh >= 255)
        {
            result = 0x7FFF << 10;
        }
        else
        {
            uint ua = table[uh], ub = table[uh + 1], ut = abs & 0x1ff;
            result = (ua << 9) + ut * (ub - ua);
        }
        result = input >= 0 ? result + (1 << 9) : (1 << (16 + 9)) - result + (1 << 9) - 1;
        return (short)(result >> 10);
    }

    public static short Int16Tanh(short value, int multiplier, int shift)
    {
        ushort[] table = ActivationMath.SigmoidTable.ToArray();
        int round = shift > 0 ? 1 << (shift - 1) : 0;
        int input = (value * multiplier + round) >> shift;
        uint abs = (uint)Math.Abs(input);
        uint uh = abs >> 8;
        int result;
        if (uh >= 255)
        {
            result = 0xFFFF << 8;
        }
        else
        {
            uint ua = table[uh], ub = table[uh + 1];
            byte ut = (byte)(abs & 0xFF);
            result = (int)((ua << 8) + ut * (ub - ua));
        }
        result = input >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return (short)(result >> (9 - 1));
    }
}
