using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the two-input element-wise operators.</summary>
internal static class ElementwiseBinaryExamples
{
    /// <summary>Two run-time inputs, the second broadcast along the first's rows, so both loop shapes are compiled.</summary>
    [OperatorExample(BuiltinOperator.Add)]
    [OperatorExample(BuiltinOperator.Sub)]
    [OperatorExample(BuiltinOperator.Mul)]
    [OperatorExample(BuiltinOperator.Maximum)]
    [OperatorExample(BuiltinOperator.Minimum)]
    [OperatorExample(BuiltinOperator.SquaredDifference)]
    public static TfliteModelBuilder Binary(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int left = OperatorExamples.Tensor(b, "a", types.Inputs[0]!.Value, new[] { 2, 3 });
        int right = OperatorExamples.Tensor(b, "b", types.Inputs[1]!.Value, new[] { 1, 3 });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { left, right }, new[] { output }).Inputs(left, right).Outputs(output);
    }
}
