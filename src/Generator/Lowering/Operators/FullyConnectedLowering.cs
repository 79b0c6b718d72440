using System;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// FULLY_CONNECTED (TFLM fully_connected.cc): float32, int8 (int32 bias) and int16 (int64 bias)
/// activations with constant int8 or float32 weights, per-tensor or per-channel quantization,
/// any fused activation but TANH and SIGN_BIT.
/// </summary>
internal static class FullyConnectedLowering
{
    private const int OptionActivation = 0, OptionWeightsFormat = 1;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, weights[, bias]) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int inputIndex = op.Inputs[0], weightsIndex = op.Inputs[1], outputIndex = op.Outputs[0];
        int biasIndex = op.Inputs.Count > 2 ? op.Inputs[2] : -1;
        if (!context.IsConstant(weightsIndex))
        {
            context.ReportUnsupported(op, "the weights are computed at run time; TinyModel compiles FULLY_CONNECTED with constant weights");
            return null;
        }
        if (biasIndex >= 0 && !context.IsConstant(biasIndex))
        {
            context.ReportUnsupported(op, "the bias is computed at run time; TinyModel compiles FULLY_CONNECTED with a constant bias");
            return null;
        }

        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }
        if ((op.BuiltinOptions?.GetByte(OptionWeightsFormat) ?? 0) != 0)
        {
            context.ReportUnsupported(op, "shuffled weights (SHUFFLED4x16INT8) are not supported; supported weights format: DEFAULT");
            return null;
        }

        ValueSpec input = context.Value(inputIndex);
        ValueSpec output = context.Value(outputIndex);
        TfliteTensor weights = context.Tensor(weightsIndex);
        ElementType? weightsType = context.ElementTypeOf(weightsIndex);
        ElementType? biasType = biasIndex >= 0 ? context.ElementTypeOf(biasIndex) : null;

        bool supported = (input.Type, weightsType, output.Type, biasType) switch
        {
            (ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32 or null) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int8, ElementType.Int32 or null) => true,
            (ElementType.Int16, ElementType.Int8, ElementType.Int16, ElementType.Int64 or null) => true,
            _ => false,
        };
        if (!supported)
        {
            context.ReportUnsupported(op,
                $"the type combination input {input.Type.ModelName()}, weights {weightsType?.ModelName() ?? weights.Type.ToString()}, bias {biasType?.ModelName() ?? "none"}, output {output.Type.ModelName()} is not supported; " +
                "supported: float32 (float32 weights and bias), int8 (int8 weights, int32 bias), int16 (int8 weights, int64 bias)");
            return null;
        }

        if (weights.Shape.Count != 2)
        {
            context.ReportUnsupported(op, $"the weights have shape [{string.Join(",", weights.Shape)}]; FULLY_CONNECTED weights are [units, depth]");
            return null;
        }
        int units = weights.Shape[0], depth = weights.Shape[1];
        if (units <= 0 || depth <= 0 || output.ElementCount % units != 0 || input.ElementCount != output.ElementCount / units * depth)
        {
            context.ReportUnsupported(op, $"the shapes do not fit: input {input.ShapeText}, weights [{units},{depth}], output {output.ShapeText}");
            return null;
        }
        int batches = output.ElementCount / units;
        string prefix = $"Layer{op.Index}";
        ActivationRange range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
        var inputs = new EquatableArray<int>(new[] { inputIndex });
        var outputs = new EquatableArray<int>(new[] { outputIndex });

        if (input.Type == ElementType.Float32)
        {
            string floatWeights = context.AddConstant(prefix + "Weights", ElementType.Float32, context.ConstantBytes(weightsIndex).ToArray(), $"weights, float32[{units},{depth}]");
            string? floatBias = biasIndex >= 0
                ? context.AddConstant(prefix + "Bias", ElementType.Float32, context.ConstantBytes(biasIndex).ToArray(), $"bias, float32[{units}]")
                : null;
            return new FullyConnectedLayer(op.Index, inputs, outputs, ElementType.Float32, batches, depth, units,
                floatWeights, floatBias, 0, 0, 0, 0, null, null, 0, range);
        }

        if (input.Quantization is null || output.Quantization is null || weights.Quantization is null || weights.Quantization.Scale.Count == 0)
        {
            context.ReportUnsupported(op, "an integer FULLY_CONNECTED needs quantization parameters on its input, weights and output");
            return null;
        }

        TfliteQuantization weightsQuantization = weights.Quantization;
        int weightsZeroPoint = weightsQuantization.ZeroPoint.Count > 0 ? (int)weightsQuantization.ZeroPoint[0] : 0;
        int weightsOffset = -weightsZeroPoint;
        int inputOffset = -input.Quantization.ZeroPoint;
        sbyte[] weightValues = ConstantData.As<sbyte>(context.ConstantBytes(weightsIndex));

        // Fold the input zero point into the bias: Σ(x + in)(w + wo) = Σ x(w + wo) + in·Σ(w + wo).
        // int32 wraps the same way in either order, so this is exact for TFLM's int32 accumulators too.
        long[] folded = new long[units];
        long[]? bias = biasIndex < 0 ? null
            : input.Type == ElementType.Int8 ? ConstantData.As<int>(context.ConstantBytes(biasIndex)).Select(b => (long)b).ToArray()
            : ConstantData.As<long>(context.ConstantBytes(biasIndex));
        for (int u = 0; u < units; u++)
        {
            long rowSum = 0;
            for (int d = 0; d < depth; d++)
            {
                rowSum += weightValues[u * depth + d] + weightsOffset;
            }
            folded[u] = (bias?[u] ?? 0) + inputOffset * rowSum;
        }
        bool needsBias = bias is not null || inputOffset != 0;
        string? biasName = null;
        if (needsBias)
        {
            string description = inputOffset != 0 ? $"bias folded with the input zero point {input.Quantization.ZeroPoint}" : "bias";
            biasName = input.Type == ElementType.Int8
                ? context.AddConstant(prefix + "Bias", ElementType.Int32, ConstantData.ToBytes(folded.Select(v => unchecked((int)v)).ToArray()), $"{description}, int32[{units}]")
                : context.AddConstant(prefix + "Bias", ElementType.Int64, ConstantData.ToBytes(folded), $"{description}, int64[{units}]");
        }
        string weightsName = context.AddConstant(prefix + "Weights", ElementType.Int8, ConstantData.ToBytes(weightValues), $"weights, int8[{units},{depth}]");

        float inputScale = input.Quantization.Scale, outputScale = output.Quantization.Scale;
        if (weightsQuantization.IsPerChannel)
        {
            if (weightsQuantization.Scale.Count != units)
            {
                context.ReportUnsupported(op, $"the weights have {weightsQuantization.Scale.Count} per-channel scales for {units} units");
                return null;
            }
            (int[] multipliers, int[] shifts) = QuantizationMath.PerChannelMultipliers(inputScale, weightsQuantization.Scale, outputScale, units);
            return new FullyConnectedLayer(op.Index, inputs, outputs, input.Type, batches, depth, units, weightsName, biasName,
                weightsOffset, output.Quantization.ZeroPoint, 0, 0,
                context.AddConstant(prefix + "Multipliers", ElementType.Int32, ConstantData.ToBytes(multipliers), $"per-unit requantization multipliers, int32[{units}]"),
                context.AddConstant(prefix + "Shifts", ElementType.Int32, ConstantData.ToBytes(shifts), $"per-unit requantization exponents, int32[{units}]"),
                0, range);
        }

        double real = QuantizationMath.PerTensorConvolutionMultiplier(inputScale, weightsQuantization.Scale[0], outputScale);
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return new FullyConnectedLayer(op.Index, inputs, outputs, input.Type, batches, depth, units, weightsName, biasName,
            weightsOffset, output.Quantization.ZeroPoint, multiplier, shift, null, null, real, range);
    }
}
