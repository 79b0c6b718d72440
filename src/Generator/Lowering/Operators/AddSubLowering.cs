using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// ADD and SUB (TFLM add.cc/add_common.cc, sub.cc/sub_common.cc): float32; int32 without quantization;
/// int8 and int16 with TFLM's general rescaling; NumPy broadcasting over at most 6 dimensions; any input
/// may be constant. TFLM's int16 kernels use the general rescaling whatever <c>pot_scale_int16</c> says
/// (its power-of-two path belongs to TFLite's own kernels), and so does TinyModel.
/// </summary>
internal static class AddSubLowering
{
    private const int OptionActivation = 0;

    /// <summary>Quantized constant inputs up to this many elements are stored rescaled, as int32; larger ones as they are.</summary>
    public const int MaxPrescaledElements = 16384;

    public static LayerSpec? LowerAdd(LoweringContext context, TfliteOperator op) => Lower(context, op, BinaryOperation.Add);

    public static LayerSpec? LowerSub(LoweringContext context, TfliteOperator op) => Lower(context, op, BinaryOperation.Sub);

    private static LayerSpec? Lower(LoweringContext context, TfliteOperator op, BinaryOperation operation)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1 || op.Inputs[0] < 0 || op.Inputs[1] < 0)
        {
            context.ReportUnsupported(op, $"expected two inputs and one output, found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int leftIndex = op.Inputs[0], rightIndex = op.Inputs[1], outputIndex = op.Outputs[0];

        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }

        ValueSpec output = context.Value(outputIndex);
        ElementType? leftType = context.ElementTypeOf(leftIndex), rightType = context.ElementTypeOf(rightIndex);
        if (leftType != output.Type || rightType != output.Type)
        {
            context.ReportUnsupported(op, $"the inputs are {leftType?.ModelName()} and {rightType?.ModelName()} and the output {output.Type.ModelName()}; all three must have the same type");
            return null;
        }
        if (output.Type is not (ElementType.Float32 or ElementType.Int32 or ElementType.Int8 or ElementType.Int16))
        {
            context.ReportUnsupported(op, $"type {output.Type.ModelName()} is not supported; supported: float32, int32, int8, int16");
            return null;
        }

        TfliteTensor left = context.Tensor(leftIndex), right = context.Tensor(rightIndex);
        (BroadcastPlan? plan, string? problem) = BroadcastShapes.Plan(left.Shape, right.Shape, output.Shape);
        if (plan is null)
        {
            context.ReportUnsupported(op, problem!);
            return null;
        }

        AddSubRequantization? requantization = null;
        ActivationRange range;
        switch (output.Type)
        {
            case ElementType.Float32:
                range = QuantizationMath.ActivationRange(activation, ElementType.Float32, null);
                break;
            case ElementType.Int32:
                if (context.QuantizationOf(leftIndex) is not null || context.QuantizationOf(rightIndex) is not null)
                {
                    context.ReportUnsupported(op, "quantized int32 inputs are not supported; TFLM computes int32 ADD and SUB without quantization");
                    return null;
                }
                range = Int32Range(activation, operation);
                break;
            default:
                QuantizationSpec? q1 = context.QuantizationOf(leftIndex), q2 = context.QuantizationOf(rightIndex);
                if (q1 is null || q2 is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, $"a {output.Type.ModelName()} {(operation == BinaryOperation.Add ? "ADD" : "SUB")} needs quantization parameters on both inputs and the output");
                    return null;
                }
                requantization = Requantization(operation, output.Type, q1, q2, output.Quantization);
                if (requantization.Input1Shift > 0 || requantization.Input2Shift > 0 || requantization.OutputShift > 0)
                {
                    context.ReportUnsupported(op, $"the output scale {output.Quantization.Scale:R} is too small for the input scales {q1.Scale:R} and {q2.Scale:R}: TFLM's rescaling needs multipliers below one");
                    return null;
                }
                range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
                break;
        }

        string prefix = $"Layer{op.Index}";
        var runTimeInputs = new List<int>();
        ElementwiseOperand leftOperand = Operand(context, leftIndex, plan.LeftStrides, output.Type, requantization, 1, prefix + "Input1", runTimeInputs);
        ElementwiseOperand rightOperand = Operand(context, rightIndex, plan.RightStrides, output.Type, requantization, 2, prefix + "Input2", runTimeInputs);

        return new AddSubLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { outputIndex }.ToEquatableArray(), operation, output.Type,
            plan.Dims.ToEquatableArray(), leftOperand, rightOperand, requantization, range);
    }

    /// <summary>
    /// TFLM's <c>CalculateOpDataAdd</c> / <c>CalculateOpDataSub</c>. Both bring the inputs to twice the larger
    /// input scale, after a left shift of 20 bits (int8) or 15 (int16). ADD derives the multipliers in double;
    /// SUB divides in float and converts each quotient to double, so the two may differ in the last bit.
    /// </summary>
    private static AddSubRequantization Requantization(BinaryOperation operation, ElementType type, QuantizationSpec input1, QuantizationSpec input2, QuantizationSpec output)
    {
        int leftShift = type == ElementType.Int16 ? 15 : 20;
        double real1, real2, realOutput;
        if (operation == BinaryOperation.Add)
        {
            double twiceMaxInputScale = 2 * (double)Math.Max(input1.Scale, input2.Scale);
            real1 = input1.Scale / twiceMaxInputScale;
            real2 = input2.Scale / twiceMaxInputScale;
            realOutput = twiceMaxInputScale / ((1 << leftShift) * (double)output.Scale);
        }
        else
        {
            float twiceMaxInputScale = 2 * Math.Max(input1.Scale, input2.Scale);
            real1 = (double)(float)(input1.Scale / twiceMaxInputScale);
            real2 = (double)(float)(input2.Scale / twiceMaxInputScale);
            realOutput = (double)(float)(twiceMaxInputScale / (float)((1 << leftShift) * output.Scale));
        }
        (int m1, int s1) = QuantizationMath.QuantizeMultiplier(real1);
        (int m2, int s2) = QuantizationMath.QuantizeMultiplier(real2);
        (int mo, int so) = QuantizationMath.QuantizeMultiplier(realOutput);
        return new AddSubRequantization(leftShift, -input1.ZeroPoint, m1, s1, -input2.ZeroPoint, m2, s2, output.ZeroPoint, mo, so);
    }

    /// <summary>
    /// TFLM clamps int32 SUB to <c>CalculateActivationRange</c>'s bounds and int32 ADD to the full int32
    /// range (its int32 ADD ignores the fused activation).
    /// </summary>
    private static ActivationRange Int32Range(FusedActivation activation, BinaryOperation operation)
    {
        if (operation == BinaryOperation.Add)
        {
            return new ActivationRange(activation, int.MinValue, int.MaxValue, 0, 0);
        }
        (int min, int max) = activation switch
        {
            FusedActivation.Relu => (0, int.MaxValue),
            FusedActivation.Relu6 => (0, 6),
            FusedActivation.ReluN1To1 => (-1, 1),
            _ => (int.MinValue, int.MaxValue),
        };
        return new ActivationRange(activation, min, max, 0, 0);
    }

    /// <summary>
    /// A run-time input becomes a parameter of the layer's method; a constant input becomes a constant
    /// (a literal when it has one element), already rescaled for quantized layers.
    /// </summary>
    private static ElementwiseOperand Operand(LoweringContext context, int tensorIndex, int[] strides, ElementType type,
        AddSubRequantization? requantization, int which, string constantName, List<int> runTimeInputs)
    {
        var strideArray = strides.ToEquatableArray();
        if (!context.IsConstant(tensorIndex))
        {
            context.Value(tensorIndex);
            runTimeInputs.Add(tensorIndex);
            if (type == ElementType.Int8 && requantization is { } rescale)
            {
                // An int8 input has 256 possible values: rescale each at build time, so the kernel looks it up.
                (int offset, int multiplier, int shift) = which == 1
                    ? (rescale.Input1Offset, rescale.Input1Multiplier, rescale.Input1Shift)
                    : (rescale.Input2Offset, rescale.Input2Multiplier, rescale.Input2Shift);
                int[] table = Enumerable.Range(sbyte.MinValue, 256).Select(v => ScaleInput(v, offset, rescale.LeftShift, multiplier, shift)).ToArray();
                string tableName = context.AddConstant(constantName + "Rescaled", ElementType.Int32, ConstantData.ToBytes(table),
                    $"input {which} rescaled for every int8 value (index: q + 128): ((q + {offset}) << {rescale.LeftShift}) · {multiplier} · 2^{shift}, as TFLM computes it");
                return new ElementwiseOperand(runTimeInputs.Count - 1, null, null, strideArray, RescaleTable: tableName);
            }
            return new ElementwiseOperand(runTimeInputs.Count - 1, null, null, strideArray);
        }

        ReadOnlyMemory<byte> bytes = context.ConstantBytes(tensorIndex);
        string shape = "[" + string.Join(",", context.Tensor(tensorIndex).Shape) + "]";
        switch (type)
        {
            case ElementType.Float32:
            {
                float[] values = ConstantData.As<float>(bytes);
                return values.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Float(values[0]), strideArray)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Float32, ConstantData.ToBytes(values), $"constant input {which}, float32{shape}"), null, strideArray);
            }
            case ElementType.Int32:
            {
                int[] values = ConstantData.As<int>(bytes);
                return values.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Int(values[0]), strideArray)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Int32, ConstantData.ToBytes(values), $"constant input {which}, int32{shape}"), null, strideArray);
            }
            default:
            {
                AddSubRequantization r = requantization!;
                int[] raw = type == ElementType.Int8
                    ? ConstantData.As<sbyte>(bytes).Select(v => (int)v).ToArray()
                    : ConstantData.As<short>(bytes).Select(v => (int)v).ToArray();
                (int offset, int multiplier, int shift) = which == 1
                    ? (r.Input1Offset, r.Input1Multiplier, r.Input1Shift)
                    : (r.Input2Offset, r.Input2Multiplier, r.Input2Shift);
                if (raw.Length > MaxPrescaledElements)
                {
                    // Large constants stay in their own type (a quarter or half the size) and are rescaled as they are read.
                    return new ElementwiseOperand(-1, context.AddConstant(constantName, type, bytes.ToArray(), $"constant input {which}, {type.ModelName()}{shape}"), null, strideArray);
                }
                int[] scaled = raw.Select(v => ScaleInput(v, offset, r.LeftShift, multiplier, shift)).ToArray();
                return scaled.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Int(scaled[0]), strideArray, Prescaled: true)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Int32, ConstantData.ToBytes(scaled),
                        $"constant input {which}, {type.ModelName()}{shape}, rescaled at build time: ((q + {offset}) << {r.LeftShift}) · {multiplier} · 2^{shift}, as int32"), null, strideArray, Prescaled: true);
            }
        }
    }

    /// <summary>The rescaling TFLM applies to each quantized input element (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>).</summary>
    public static int ScaleInput(int value, int offset, int leftShift, int multiplier, int shift) =>
        GemmlowpMath.RoundingDivideByPOT(GemmlowpMath.SaturatingRoundingDoublingHighMul(unchecked((value + offset) * (1 << leftShift)), multiplier), -shift);
}
