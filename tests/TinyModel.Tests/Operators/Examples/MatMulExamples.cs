using TinyModel.Generator.Operators;
using TinyModel.Generator.Operators.Convolution;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of BATCH_MATMUL.</summary>
internal static class MatMulExamples
{
    private const byte BatchMatMulOptions = 98; // BuiltinOptions.BatchMatMulOptions in schema.fbs

    /// <summary>A 2×3×4 run-time lhs times a broadcast 4×5 run-time rhs given transposed (adj_y).</summary>
    [OperatorExample(BatchMatMul.BuiltinCode)]
    public static TfliteModelBuilder BatchMatMulExample(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int lhs = OperatorExamples.Tensor(b, "lhs", types.Inputs[0]!.Value, new[] { 2, 3, 4 });
        int rhs = OperatorExamples.Tensor(b, "rhs", types.Inputs[1]!.Value, new[] { 1, 5, 4 });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3, 5 });
        return b.Operator(code, new[] { lhs, rhs }, new[] { output }, BatchMatMulOptions, null, TfliteModelBuilder.Option.Bool(1, true))
            .Inputs(lhs, rhs).Outputs(output);
    }
}
