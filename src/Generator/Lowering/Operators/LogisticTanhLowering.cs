using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// LOGISTIC and TANH (TFLM logistic.cc/logistic_common.cc, tanh.cc): float32; int8 with TFLM's fixed-point
/// kernel, evaluated at build time into a table of the 256 possible outputs; int16 with zero points 0 and
/// an output scale of 2^-15, using TFLM's interpolated lookup in <c>sigmoid_table_uint16</c>.
/// </summary>
internal static class LogisticTanhLowering
{
    public static LayerSpec? LowerLogistic(LoweringContext context, TfliteOperator op) => Lower(context, op, SigmoidFunction.Logistic);

    public static LayerSpec? LowerTanh(LoweringContext context, TfliteOperator op) => Lower(context, op, SigmoidFunction.Tanh);

    private static LayerSpec? Lower(LoweringContext context, TfliteOperator op, SigmoidFunction function)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        string name = function == SigmoidFunction.Logistic ? "LOGISTIC" : "TANH";
        if (input.Type != output.Type || input.Type is not (ElementType.Float32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"input {input.Type.ModelName()} and output {output.Type.ModelName()} are not supported; supported: float32, int8, int16 (the same for both)");
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new LogisticTanhLayer(op.Index, inputs, outputs, function, ElementType.Float32, input.ElementCount, null, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} {name} needs quantization parameters on its input and output");
            return null;
        }

        if (input.Type == ElementType.Int8)
        {
            if (function == SigmoidFunction.Logistic && qo.ZeroPoint != -128)
            {
                context.ReportUnsupported(op, $"the output zero point is {qo.ZeroPoint}; TFLM's int8 LOGISTIC requires -128");
                return null;
            }
            (int multiplier, int leftShift, int radius) = GemmlowpMath.Int8InputRescaling(qi.Scale);
            if (leftShift < 0)
            {
                context.ReportUnsupported(op, $"the input scale {qi.Scale:R} is too small for TFLM's int8 {name} (below 2^-28)");
                return null;
            }
            sbyte[] table = Int8Table(function, qi.ZeroPoint, multiplier, leftShift, radius);
            string tableName = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
                $"{name} of every int8 input (index: input + 128), computed with TFLM's fixed-point kernel: input zero point {qi.ZeroPoint}, multiplier {multiplier} · 2^{leftShift - 31}, radius {radius}");
            return new LogisticTanhLayer(op.Index, inputs, outputs, function, ElementType.Int8, input.ElementCount, tableName, multiplier, leftShift);
        }

        // int16: TFLM's Prepare accepts only symmetric tensors and an output scale of 2^-15.
        if (qi.ZeroPoint != 0 || qo.ZeroPoint != 0)
        {
            context.ReportUnsupported(op, $"the zero points are {qi.ZeroPoint} (input) and {qo.ZeroPoint} (output); TFLM's int16 {name} requires 0 for both");
            return null;
        }
        if (!GemmlowpMath.CheckedLog2(qo.Scale, out int outputLog2) || outputLog2 != -15)
        {
            context.ReportUnsupported(op, $"the output scale is {qo.Scale:R}; TFLM's int16 {name} requires 2^-15");
            return null;
        }
        (int inputMultiplier, int inputShift) = Int16InputRescaling(function, qi.Scale);
        return new LogisticTanhLayer(op.Index, inputs, outputs, function, ElementType.Int16, input.ElementCount, null, inputMultiplier, inputShift);
    }

    /// <summary>
    /// TFLM's int16 Prepare: a power-of-two input scale of 2^-12 (LOGISTIC) or 2^-12 or 2^-11 (TANH) keeps
    /// the multiplier 3 · 2^shift with no shift; any other scale gets <c>scale · 3 · 4096</c> doubled until
    /// it exceeds 32767/2, truncated to an integer, with as many right shifts.
    /// </summary>
    private static (int Multiplier, int Shift) Int16InputRescaling(SigmoidFunction function, float inputScale)
    {
        const int inputIntegerBits = 3;
        bool powerOfTwo = GemmlowpMath.CheckedLog2(inputScale, out int inputLog2);
        int leftShift = 15 - inputIntegerBits + inputLog2;
        powerOfTwo &= function == SigmoidFunction.Logistic ? leftShift == 0 : leftShift is 0 or 1;
        if (powerOfTwo)
        {
            // Eval's power-of-two case: multiplier 3 << input_left_shift, no shift.
            return (3 << leftShift, 0);
        }
        double multiplier = inputScale * 4096.0 * 3.0;
        int shift = 0;
        while (multiplier <= 32767.0 / 2.0 && shift <= 30)
        {
            shift++;
            multiplier *= 2.0;
        }
        return (unchecked((int)multiplier), shift);
    }

    /// <summary>TFLM's int8 kernel (reference_integer_ops::Logistic / Tanh) on each of the 256 inputs.</summary>
    private static sbyte[] Int8Table(SigmoidFunction function, int inputZeroPoint, int multiplier, int leftShift, int radius)
    {
        var table = new sbyte[256];
        for (int q = -128; q <= 127; q++)
        {
            int input = q - inputZeroPoint;
            int output;
            if (input <= -radius)
            {
                output = sbyte.MinValue;
            }
            else if (input >= radius)
            {
                output = sbyte.MaxValue;
            }
            else
            {
                // MultiplyByQuantizedMultiplier with a left shift: shift, then a rounding doubling high multiply.
                int inputInQ4 = GemmlowpMath.SaturatingRoundingDoublingHighMul(unchecked(input * (1 << leftShift)), multiplier);
                if (function == SigmoidFunction.Logistic)
                {
                    int outputInQ0 = GemmlowpMath.Logistic(inputInQ4, 4);
                    output = System.Math.Min(System.Math.Max(GemmlowpMath.RoundingDivideByPOT(outputInQ0, 31 - 8) - 128, sbyte.MinValue), sbyte.MaxValue);
                }
                else
                {
                    int outputInQ0 = GemmlowpMath.Tanh(inputInQ4, 4);
                    output = System.Math.Min(System.Math.Max(GemmlowpMath.RoundingDivideByPOT(outputInQ0, 31 - 7), sbyte.MinValue), sbyte.MaxValue);
                }
            }
            table[q + 128] = (sbyte)output;
        }
        return table;
    }
}
