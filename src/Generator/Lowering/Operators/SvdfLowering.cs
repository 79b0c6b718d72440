using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// SVDF (TFLM svdf.cc, PrepareSvdf in svdf_common.cc): float32, or int8 input and output with int8
/// feature weights, int32 bias and int16 or int8 time weights and state (TFLM's
/// <c>EvalIntegerSvdfReference</c>), any rank; the state must be a variable tensor.
/// </summary>
internal static class SvdfLowering
{
    private const int OptionRank = 0, OptionActivation = 1;
    private const int InputIndex = 0, WeightsFeatureIndex = 1, WeightsTimeIndex = 2, BiasIndex = 3, StateIndex = 4;

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 5 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (input, weights_feature, weights_time, bias or none, state) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int inputIndex = op.Inputs[InputIndex], featureIndex = op.Inputs[WeightsFeatureIndex], timeIndex = op.Inputs[WeightsTimeIndex];
        int biasIndex = op.Inputs[BiasIndex], stateIndex = op.Inputs[StateIndex], outputIndex = op.Outputs[0];
        if (inputIndex < 0 || featureIndex < 0 || timeIndex < 0 || stateIndex < 0)
        {
            context.ReportUnsupported(op, "the input, both weights and the state are required");
            return null;
        }
        if (!context.IsConstant(featureIndex) || !context.IsConstant(timeIndex) || (biasIndex >= 0 && !context.IsConstant(biasIndex)))
        {
            context.ReportUnsupported(op, "the weights or the bias are computed at run time; TinyModel compiles SVDF with constant weights and bias");
            return null;
        }
        if (!context.Tensor(stateIndex).IsVariable)
        {
            context.ReportUnsupported(op, "the state (input 4) is not a variable tensor; SVDF keeps its memory in a variable tensor, as TFLM requires");
            return null;
        }

        int rank = op.BuiltinOptions?.GetInt(OptionRank) ?? 0;
        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (activation > FusedActivation.SignBit)
        {
            context.ReportUnsupported(op, $"fused activation {(int)activation} is not a TFLite activation; supported: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT");
            return null;
        }

        ValueSpec input = context.Value(inputIndex);
        ValueSpec state = context.Value(stateIndex);
        ValueSpec output = context.Value(outputIndex);
        TfliteTensor featureWeights = context.Tensor(featureIndex);
        TfliteTensor timeWeights = context.Tensor(timeIndex);
        ElementType? featureType = context.ElementTypeOf(featureIndex);
        ElementType? timeType = context.ElementTypeOf(timeIndex);
        ElementType? biasType = biasIndex >= 0 ? context.ElementTypeOf(biasIndex) : null;

        bool supported = (input.Type, featureType, timeType, biasType, state.Type, output.Type) switch
        {
            (ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32 or null, ElementType.Float32, ElementType.Float32) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int16, ElementType.Int32 or null, ElementType.Int16, ElementType.Int8) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int8, ElementType.Int32 or null, ElementType.Int8, ElementType.Int8) => true,
            _ => false,
        };
        if (!supported)
        {
            context.ReportUnsupported(op,
                $"the type combination input {input.Type.ModelName()}, weights_feature {featureType?.ModelName() ?? "?"}, weights_time {timeType?.ModelName() ?? "?"}, " +
                $"bias {biasType?.ModelName() ?? "none"}, state {state.Type.ModelName()}, output {output.Type.ModelName()} is not supported; supported: all float32; " +
                "int8 input and output with int8 weights_feature, int32 bias and int16 (or int8) weights_time and state");
            return null;
        }

        // Shapes, as PrepareSvdf checks them.
        if (input.Shape.Count != 2 || featureWeights.Shape.Count != 2 || timeWeights.Shape.Count != 2 || state.Shape.Count != 2 || output.Shape.Count != 2)
        {
            context.ReportUnsupported(op, $"input, weights, state and output must be 2-D; found input {input.ShapeText}, weights_feature [{string.Join(",", featureWeights.Shape)}], weights_time [{string.Join(",", timeWeights.Shape)}], state {state.ShapeText}, output {output.ShapeText}");
            return null;
        }
        int batches = input.Shape[0], inputSize = input.Shape[1];
        int filters = featureWeights.Shape[0], memory = timeWeights.Shape[1];
        if (rank <= 0 || filters % rank != 0)
        {
            context.ReportUnsupported(op, $"rank {rank} does not divide the {filters} filters");
            return null;
        }
        int units = filters / rank;
        int biasCount = biasIndex >= 0 ? context.Tensor(biasIndex).Shape.Aggregate(1, (a, d) => a * d) : units;
        if (featureWeights.Shape[1] != inputSize || timeWeights.Shape[0] != filters || memory <= 0
            || state.Shape[0] != batches || state.Shape[1] != memory * filters
            || output.Shape[0] != batches || output.Shape[1] != units || biasCount != units)
        {
            context.ReportUnsupported(op,
                $"the shapes do not fit: input {input.ShapeText}, weights_feature [{string.Join(",", featureWeights.Shape)}], weights_time [{string.Join(",", timeWeights.Shape)}], " +
                $"state {state.ShapeText} (expected [{batches},{memory * filters}]), output {output.ShapeText} (expected [{batches},{units}]), rank {rank}");
            return null;
        }

        string prefix = $"Layer{op.Index}";
        var inputs = new EquatableArray<int>(new[] { inputIndex, stateIndex });
        var outputs = new EquatableArray<int>(new[] { outputIndex });

        if (input.Type == ElementType.Float32)
        {
            string feature = context.AddConstant(prefix + "WeightsFeature", ElementType.Float32, context.ConstantBytes(featureIndex).ToArray(), $"feature weights, float32[{filters},{inputSize}]");
            string time = context.AddConstant(prefix + "WeightsTime", ElementType.Float32, context.ConstantBytes(timeIndex).ToArray(), $"time weights, float32[{filters},{memory}]");
            string? bias = biasIndex >= 0
                ? context.AddConstant(prefix + "Bias", ElementType.Float32, context.ConstantBytes(biasIndex).ToArray(), $"bias, float32[{units}]")
                : null;
            return new SvdfLayer(op.Index, inputs, outputs, ElementType.Float32, ElementType.Float32, batches, inputSize, filters, rank, memory,
                feature, time, bias, null, null, 0, 0, 0, 0, 0, 0, activation);
        }

        if (input.Quantization is null || state.Quantization is null || output.Quantization is null
            || context.QuantizationOf(featureIndex) is not { } featureQuantization || context.QuantizationOf(timeIndex) is not { } timeQuantization)
        {
            context.ReportUnsupported(op, "an integer SVDF needs quantization parameters on its input, weights, state and output");
            return null;
        }
        if (featureWeights.Quantization!.IsPerChannel || timeWeights.Quantization!.IsPerChannel)
        {
            context.ReportUnsupported(op, "per-channel weights are not supported; TFLM's SVDF quantizes its weights per tensor");
            return null;
        }

        // TFLM: effective scales are float products and quotients, widened to double afterwards.
        float featureProduct = input.Quantization.Scale * featureQuantization.Scale;
        float featureScale = featureProduct / state.Quantization.Scale;
        float outputProduct = state.Quantization.Scale * timeQuantization.Scale;
        float outputScale = outputProduct / output.Quantization.Scale;
        (int featureMultiplier, int featureShift) = QuantizationMath.QuantizeMultiplier(featureScale);
        (int outputMultiplier, int outputShift) = QuantizationMath.QuantizeMultiplier(outputScale);

        sbyte[] featureValues = ConstantData.As<sbyte>(context.ConstantBytes(featureIndex));
        string featureName = context.AddConstant(prefix + "WeightsFeature", ElementType.Int8, ConstantData.ToBytes(featureValues), $"feature weights, int8[{filters},{inputSize}]");
        string timeName = context.AddConstant(prefix + "WeightsTime", state.Type, context.ConstantBytes(timeIndex).ToArray(), $"time weights, {state.Type.ModelName()}[{filters},{memory}]");
        string? biasName = biasIndex >= 0
            ? context.AddConstant(prefix + "Bias", ElementType.Int32, context.ConstantBytes(biasIndex).ToArray(), $"bias, int32[{units}]")
            : null;

        // Zero points folded out of the two dot products: Σ w·(x − zp) = Σ w·x − zp·Σ w, exact in wrapping int32.
        string? featureOffsets = null;
        int inputZeroPoint = input.Quantization.ZeroPoint;
        if (inputZeroPoint != 0)
        {
            int[] offsets = new int[filters];
            for (int f = 0; f < filters; f++)
            {
                int sum = 0;
                for (int i = 0; i < inputSize; i++)
                {
                    sum += featureValues[f * inputSize + i];
                }
                offsets[f] = unchecked(-inputZeroPoint * sum);
            }
            featureOffsets = context.AddConstant(prefix + "FeatureOffsets", ElementType.Int32, ConstantData.ToBytes(offsets), $"−(input zero point {inputZeroPoint}) · Σ feature weights, per filter, int32[{filters}]");
        }
        string? timeOffsets = null;
        int stateZeroPoint = state.Quantization.ZeroPoint;
        if (stateZeroPoint != 0)
        {
            int[] timeValues = state.Type == ElementType.Int16
                ? ConstantData.As<short>(context.ConstantBytes(timeIndex)).Select(v => (int)v).ToArray()
                : ConstantData.As<sbyte>(context.ConstantBytes(timeIndex)).Select(v => (int)v).ToArray();
            int[] offsets = new int[filters];
            for (int f = 0; f < filters; f++)
            {
                int sum = 0;
                for (int m = 0; m < memory; m++)
                {
                    sum += timeValues[f * memory + m];
                }
                offsets[f] = unchecked(-stateZeroPoint * sum);
            }
            timeOffsets = context.AddConstant(prefix + "TimeOffsets", ElementType.Int32, ConstantData.ToBytes(offsets), $"−(state zero point {stateZeroPoint}) · Σ time weights, per filter, int32[{filters}]");
        }

        return new SvdfLayer(op.Index, inputs, outputs, ElementType.Int8, state.Type, batches, inputSize, filters, rank, memory,
            featureName, timeName, biasName, featureOffsets, timeOffsets,
            featureMultiplier, featureShift, outputMultiplier, outputShift, stateZeroPoint, output.Quantization.ZeroPoint, activation);
    }
}
