using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the normalization operators.</summary>
internal static class NormalizationExamples
{
    /// <summary>
    /// One row of four values, beta 1. Quantized outputs span [0, 1) as TFLM requires: int8 with scale
    /// 1/256 and zero point -128; int16 with 1/65536 and -32768 from an int8 input, 1/32768 and 0 from an int16 one.
    /// </summary>
    [OperatorExample(BuiltinOperator.Softmax)]
    public static TfliteModelBuilder Softmax(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType inputType = types.Inputs[0]!.Value, outputType = types.Outputs[0];
        int[] shape = { 1, 4 };
        int input = OperatorExamples.Tensor(b, "x", inputType, shape);
        (float? scale, long zeroPoint) = (inputType, outputType) switch
        {
            (ElementType.Int8, ElementType.Int8) => (1f / 256, -128L),
            (ElementType.Int8, ElementType.Int16) => (1f / 65536, -32768L),
            (ElementType.Int16, ElementType.Int16) => (1f / 32768, 0L),
            _ => ((float?)null, 0L),
        };
        int output = b.Tensor("y", OperatorExamples.Tflite(outputType), shape, scale, zeroPoint);
        return b.Operator(code, new[] { input }, new[] { output }, SoftmaxOptions, null, TfliteModelBuilder.Option.Float(0, 1f))
            .Inputs(input).Outputs(output);
    }

    /// <summary>
    /// Two rows of four; int8 outputs quantized as TFLM's kernels produce them: LOG_SOFTMAX requires scale 16/256 and
    /// zero point 127, L2_NORMALIZATION writes steps of 1/128 around 0.
    /// </summary>
    [OperatorExample(BuiltinOperator.LogSoftmax)]
    [OperatorExample(BuiltinOperator.L2Normalization)]
    public static TfliteModelBuilder Rows(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int[] shape = { 2, 4 };
        bool int8 = types.Inputs[0] == ElementType.Int8;
        bool logSoftmax = code == BuiltinOperator.LogSoftmax;
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, shape);
        int output = b.Tensor("y", OperatorExamples.Tflite(types.Outputs[0]), shape, int8 ? (logSoftmax ? 16f / 256 : 1f / 128) : null, int8 && logSoftmax ? 127 : 0);
        return b.Operator(code, new[] { input }, new[] { output }).Inputs(input).Outputs(output);
    }
}
