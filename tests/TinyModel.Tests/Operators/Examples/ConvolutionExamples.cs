using System;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>
/// Example models of the weighted kernels: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV,
/// each with a constant filter (int8 for the integer kernels, per-tensor, zero point 0 as TFLite's spec
/// requires) and the bias the combination names, or none.
/// </summary>
internal static class ConvolutionExamples
{
    private const byte Conv2DOptionsType = 1, DepthwiseConv2DOptionsType = 2, FullyConnectedOptionsType = 8, TransposeConvOptionsType = 49;
    private const byte Same = 0, Valid = 1;
    private const float WeightScale = 0.02f;

    /// <summary>A 2×2 VALID convolution from [1, 3, 3, 2] to [1, 2, 2, 3].</summary>
    [OperatorExample(BuiltinOperator.Conv2D)]
    public static TfliteModelBuilder Conv2D(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 3, 3, 2 });
        int filter = Weights(b, types.Inputs[1]!.Value, new[] { 3, 2, 2, 2 });
        int bias = Bias(b, types.Inputs[2], type, 3);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 1, 2, 2, 3 });
        return b.Operator(code, new[] { input, filter, bias }, new[] { output }, Conv2DOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, Valid), TfliteModelBuilder.Option.Int(1, 1), TfliteModelBuilder.Option.Int(2, 1))
            .Inputs(input).Outputs(output);
    }

    /// <summary>A 2×2 VALID depthwise convolution (depth multiplier 1) from [1, 3, 3, 2] to [1, 2, 2, 2].</summary>
    [OperatorExample(BuiltinOperator.DepthwiseConv2D)]
    public static TfliteModelBuilder DepthwiseConv2D(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 3, 3, 2 });
        int filter = Weights(b, types.Inputs[1]!.Value, new[] { 1, 2, 2, 2 });
        int bias = Bias(b, types.Inputs[2], type, 2);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 1, 2, 2, 2 });
        return b.Operator(code, new[] { input, filter, bias }, new[] { output }, DepthwiseConv2DOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, Valid), TfliteModelBuilder.Option.Int(1, 1), TfliteModelBuilder.Option.Int(2, 1),
                TfliteModelBuilder.Option.Int(3, 1))
            .Inputs(input).Outputs(output);
    }

    /// <summary>Four inputs to three units.</summary>
    [OperatorExample(BuiltinOperator.FullyConnected)]
    public static TfliteModelBuilder FullyConnected(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 4 });
        int weights = Weights(b, types.Inputs[1]!.Value, new[] { 3, 4 });
        int bias = Bias(b, types.Inputs[2], type, 3);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 1, 3 });
        return b.Operator(code, new[] { input, weights, bias }, new[] { output }, FullyConnectedOptionsType, null, TfliteModelBuilder.Option.Byte(0, 0))
            .Inputs(input).Outputs(output);
    }

    /// <summary>A 2×2 filter, stride 2, SAME padding, from [1, 2, 2, 3] to [1, 4, 4, 2]; output_shape a constant.</summary>
    [OperatorExample(BuiltinOperator.TransposeConv)]
    public static TfliteModelBuilder TransposeConv(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[2]!.Value;
        int[] outputShape = { 1, 4, 4, 2 };
        int shape = b.Constant("output_shape", OperatorExamples.Tflite(types.Inputs[0]!.Value), new[] { 4 }, ConvolutionTestSupport.Bytes(outputShape));
        int weights = Weights(b, types.Inputs[1]!.Value, new[] { 2, 2, 2, 3 });
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 2, 2, 3 });
        int bias = Bias(b, types.Inputs.Count > 3 ? types.Inputs[3] : null, type, 2);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], outputShape);
        return b.Operator(code, new[] { shape, weights, input, bias }, new[] { output }, TransposeConvOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, Same), TfliteModelBuilder.Option.Int(1, 2), TfliteModelBuilder.Option.Int(2, 2))
            .Inputs(input).Outputs(output);
    }

    /// <summary>Constant weights of small values: float32, or int8 quantized per tensor with zero point 0.</summary>
    private static int Weights(TfliteModelBuilder b, ElementType type, int[] shape)
    {
        int count = shape.Aggregate(1, (n, d) => n * d);
        return type == ElementType.Float32
            ? b.Constant("weights", TfliteType.Float32, shape, ConvolutionTestSupport.Bytes(Enumerable.Range(0, count).Select(i => (i % 7 - 3) * 0.1f).ToArray()))
            : b.Constant("weights", TfliteType.Int8, shape, Enumerable.Range(0, count).Select(i => (byte)(sbyte)(i * 5 % 11 - 5)).ToArray(), scales: new[] { WeightScale });
    }

    /// <summary>A constant bias of <paramref name="type"/> (scaled input × weights, as TFLite quantizes it), or -1 when the combination has none.</summary>
    private static int Bias(TfliteModelBuilder b, ElementType? type, ElementType activation, int count)
    {
        if (type is not ElementType biasType)
        {
            return -1;
        }
        int[] values = Enumerable.Range(0, count).Select(i => i * 3 - 2).ToArray();
        byte[] data = biasType switch
        {
            ElementType.Float32 => ConvolutionTestSupport.Bytes(values.Select(v => v * 0.05f).ToArray()),
            ElementType.Int64 => ConvolutionTestSupport.Bytes(values.Select(v => (long)v).ToArray()),
            ElementType.Int16 => ConvolutionTestSupport.Bytes(values.Select(v => (short)v).ToArray()),
            ElementType.Int32 => ConvolutionTestSupport.Bytes(values),
            _ => throw new ArgumentOutOfRangeException(nameof(type), biasType, "no example bias of this type"),
        };
        float[]? scales = OperatorExamples.ActivationQuant(activation) is Quant q ? new[] { q.Scale * WeightScale } : null;
        return b.Constant("bias", OperatorExamples.Tflite(biasType), new[] { count }, data, scales);
    }
}
