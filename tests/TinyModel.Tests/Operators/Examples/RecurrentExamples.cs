using System;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the recurrent operators, SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM, whose state lives in variable tensors.</summary>
internal static class RecurrentExamples
{
    private const byte SvdfOptionsType = 6; // BuiltinOptions.SVDFOptions
    private const byte LstmOptionsType = 71; // BuiltinOptions.UnidirectionalSequenceLSTMOptions
    private const byte TanhActivation = 4;

    /// <summary>Per-tensor quantization of int8 weights (symmetric, as TFLite writes them).</summary>
    private const float WeightScale = 0.01f;

    /// <summary>
    /// One batch of 3 inputs through 2 filters of rank 1 remembering 2 steps: the types of input, feature
    /// weights, time weights, bias (or none) and state come from the combination.
    /// </summary>
    [OperatorExample(BuiltinOperator.Svdf)]
    public static TfliteModelBuilder Svdf(int code, TypeCombination types)
    {
        const int inputSize = 3, filters = 2, memory = 2, units = filters;
        var b = new TfliteModelBuilder();
        ElementType inputType = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "input", inputType, new[] { 1, inputSize });
        int feature = Weights(b, "weights_feature", types.Inputs[1]!.Value, new[] { filters, inputSize });
        int time = Weights(b, "weights_time", types.Inputs[2]!.Value, new[] { filters, memory });
        int bias = types.Inputs[3] is ElementType biasType ? Weights(b, "bias", biasType, new[] { units }) : -1;
        int state = State(b, "state", types.Inputs[4]!.Value, new[] { 1, filters * memory });
        int output = OperatorExamples.Tensor(b, "output", types.Outputs[0], new[] { 1, units });
        return b.Operator(code, new[] { input, feature, time, bias, state }, new[] { output }, SvdfOptionsType, null,
                TfliteModelBuilder.Option.Int(0, 1), TfliteModelBuilder.Option.Byte(1, 0))
            .Inputs(input)
            .Outputs(output);
    }

    /// <summary>
    /// One batch-major sequence of 2 steps of 3 inputs through 2 units: the standard LSTM, every tensor of
    /// TFLite's 24 inputs present or omitted as the combination says.
    /// </summary>
    [OperatorExample(BuiltinOperator.UnidirectionalSequenceLstm)]
    public static TfliteModelBuilder UnidirectionalSequenceLstm(int code, TypeCombination types)
    {
        const int timeSteps = 2, inputSize = 3, units = 2;
        var b = new TfliteModelBuilder();
        int[] inputs = new int[types.Inputs.Count];
        for (int position = 0; position < inputs.Length; position++)
        {
            inputs[position] = types.Inputs[position] is not ElementType type ? -1 : position switch
            {
                0 => OperatorExamples.Tensor(b, "input", type, new[] { 1, timeSteps, inputSize }),
                >= 1 and <= 4 => Weights(b, $"input_weights{position}", type, new[] { units, inputSize }),
                >= 5 and <= 8 => Weights(b, $"recurrent_weights{position}", type, new[] { units, units }),
                >= 12 and <= 15 => Weights(b, $"bias{position}", type, new[] { units }),
                18 => State(b, "hidden_state", type, new[] { 1, units }),
                19 => State(b, "cell_state", type, new[] { 1, units }),
                _ => throw new ArgumentOutOfRangeException(nameof(types), $"no example tensor for LSTM input {position}"),
            };
        }
        int output = OperatorExamples.Tensor(b, "output", types.Outputs[0], new[] { 1, timeSteps, units });
        return b.Operator(code, inputs, new[] { output }, LstmOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, TanhActivation),
                TfliteModelBuilder.Option.Float(1, 0f),
                TfliteModelBuilder.Option.Float(2, 0f),
                TfliteModelBuilder.Option.Bool(3, false))
            .Inputs(inputs[0])
            .Outputs(output);
    }

    /// <summary>A constant of small varied values: float32 as is, integer types quantized per tensor.</summary>
    private static int Weights(TfliteModelBuilder b, string name, ElementType type, int[] shape)
    {
        int count = shape.Aggregate(1, (a, d) => a * d);
        int[] values = Enumerable.Range(0, count).Select(k => (k * 37 % 19) - 9).ToArray();
        byte[] data = type switch
        {
            ElementType.Float32 => values.SelectMany(v => BitConverter.GetBytes(v / 10f)).ToArray(),
            ElementType.Int8 => values.Select(v => unchecked((byte)(sbyte)(v * 11))).ToArray(),
            ElementType.Int16 => values.SelectMany(v => BitConverter.GetBytes((short)(v * 300))).ToArray(),
            ElementType.Int32 => values.SelectMany(v => BitConverter.GetBytes(v * 100)).ToArray(),
            ElementType.Int64 => values.SelectMany(v => BitConverter.GetBytes((long)v * 100)).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(type), $"no example weights of {type}"),
        };
        float[]? scales = type == ElementType.Float32 ? null : new[] { WeightScale };
        return b.Constant(name, OperatorExamples.Tflite(type), shape, data, scales);
    }

    /// <summary>A variable tensor (layer state), quantized as <see cref="OperatorExamples.ActivationQuant"/> says.</summary>
    private static int State(TfliteModelBuilder b, string name, ElementType type, int[] shape)
    {
        Quant? quant = OperatorExamples.ActivationQuant(type);
        return b.Tensor(name, OperatorExamples.Tflite(type), shape, quant?.Scale, quant?.ZeroPoint ?? 0, isVariable: true);
    }
}
