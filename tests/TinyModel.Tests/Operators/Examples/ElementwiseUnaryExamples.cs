using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the one-input, one-output element-wise operators.</summary>
internal static class ElementwiseUnaryExamples
{
    private static readonly int[] Shape = { 1, 2, 3, 4 };

    [OperatorExample(BuiltinOperator.LeakyRelu)]
    [OperatorExample(BuiltinOperator.Relu)]
    [OperatorExample(BuiltinOperator.Relu6)]
    [OperatorExample(BuiltinOperator.Abs)]
    [OperatorExample(BuiltinOperator.Neg)]
    [OperatorExample(BuiltinOperator.Square)]
    [OperatorExample(BuiltinOperator.Sqrt)]
    [OperatorExample(BuiltinOperator.Rsqrt)]
    [OperatorExample(BuiltinOperator.Exp)]
    [OperatorExample(BuiltinOperator.Log)]
    [OperatorExample(BuiltinOperator.Sin)]
    [OperatorExample(BuiltinOperator.Cos)]
    [OperatorExample(BuiltinOperator.Floor)]
    [OperatorExample(BuiltinOperator.Ceil)]
    [OperatorExample(BuiltinOperator.Round)]
    [OperatorExample(BuiltinOperator.LogicalNot)]
    [OperatorExample(BuiltinOperator.HardSwish)]
    [OperatorExample(BuiltinOperator.Elu)]
    [OperatorExample(BuiltinOperator.Cast)]
    public static TfliteModelBuilder Unary(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, Shape);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], Shape);
        return b.Operator(code, new[] { input }, new[] { output }).Inputs(input).Outputs(output);
    }

    /// <summary>
    /// TFLM's quantized LOGISTIC and TANH fix the output quantization: int8 LOGISTIC needs an output zero
    /// point of -128 (outputs in [0, 1) at 1/256), int8 TANH outputs [-1, 1) at 1/128, and int16 both need
    /// zero points 0 and an output scale of 2^-15.
    /// </summary>
    [OperatorExample(BuiltinOperator.Logistic)]
    [OperatorExample(BuiltinOperator.Tanh)]
    public static TfliteModelBuilder Sigmoid(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, Shape);
        Quant? outputQuant = type switch
        {
            ElementType.Int8 => code == BuiltinOperator.Logistic ? new Quant(1f / 256, -128) : new Quant(1f / 128, 0),
            ElementType.Int16 => new Quant(1f / 32768, 0),
            _ => null,
        };
        int output = b.Tensor("y", OperatorExamples.Tflite(types.Outputs[0]), Shape, outputQuant?.Scale, outputQuant?.ZeroPoint ?? 0);
        return b.Operator(code, new[] { input }, new[] { output }).Inputs(input).Outputs(output);
    }

    /// <summary>QUANTIZE and DEQUANTIZE: every integer operand is quantized, int32 too (QUANTIZE requantizes int32 to and from it).</summary>
    [OperatorExample(BuiltinOperator.Quantize)]
    [OperatorExample(BuiltinOperator.Dequantize)]
    public static TfliteModelBuilder Conversion(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = QuantizedTensor(b, "x", types.Inputs[0]!.Value);
        int output = QuantizedTensor(b, "y", types.Outputs[0]);
        return b.Operator(code, new[] { input }, new[] { output }).Inputs(input).Outputs(output);
    }

    private static int QuantizedTensor(TfliteModelBuilder b, string name, ElementType type)
    {
        Quant? quant = type == ElementType.Int32 ? new Quant(1f / 65536, 0) : OperatorExamples.ActivationQuant(type);
        return b.Tensor(name, OperatorExamples.Tflite(type), Shape, quant?.Scale, quant?.ZeroPoint ?? 0);
    }
}
