using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the one-input, one-output element-wise operators.</summary>
internal static class ElementwiseUnaryExamples
{
    [OperatorExample(BuiltinOperator.LeakyRelu)]
    [OperatorExample(BuiltinOperator.Relu)]
    [OperatorExample(BuiltinOperator.Relu6)]
    public static TfliteModelBuilder Unary(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int[] shape = { 1, 2, 3, 4 };
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, shape);
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], shape);
        return b.Operator(code, new[] { input }, new[] { output }).Inputs(input).Outputs(output);
    }
}
