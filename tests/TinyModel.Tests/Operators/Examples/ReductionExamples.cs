using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Operators.Reduction;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the reduction operators.</summary>
internal static class ReductionExamples
{
    /// <summary>The reduction of a 1×2×2×3 tensor over its two middle axes, without keep_dims.</summary>
    [OperatorExample(BuiltinOperator.Mean)]
    [OperatorExample(BuiltinOperator.Sum)]
    [OperatorExample(BuiltinOperator.ReduceMax)]
    [OperatorExample(BuiltinOperator.ReduceMin)]
    [OperatorExample(BuiltinOperator.ReduceAll)]
    public static TfliteModelBuilder Reduce(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 2, 2, 3 });
        int axes = b.Constant("axes", OperatorExamples.Tflite(types.Inputs[1]!.Value), new[] { 2 }, Bytes(new[] { 1, 2 }));
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 1, 3 });
        return b.Operator(code, new[] { input, axes }, new[] { output }, ReducerOptions, null, TfliteModelBuilder.Option.Bool(0, false))
            .Inputs(input).Outputs(output);
    }

    /// <summary>The index of the largest (smallest) value of a 2×4×3 tensor along its middle axis.</summary>
    [OperatorExample(ArgMinMax.ArgMaxCode)]
    [OperatorExample(ArgMinMax.ArgMinCode)]
    public static TfliteModelBuilder ArgMinOrMax(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, new[] { 2, 4, 3 });
        int axis = b.Constant("axis", OperatorExamples.Tflite(types.Inputs[1]!.Value), new[] { 1 }, Bytes(new[] { 1 }));
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { input, axis }, new[] { output }).Inputs(input).Outputs(output);
    }

    /// <summary>Exclusive, reverse running sums of a 2×4×3 tensor along its middle axis.</summary>
    [OperatorExample(CumSum.BuiltinCode)]
    public static TfliteModelBuilder CumulativeSum(int code, TypeCombination types)
    {
        const byte cumsumOptions = 99; // BuiltinOptions.CumsumOptions in schema.fbs
        var b = new TfliteModelBuilder();
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, new[] { 2, 4, 3 });
        int axis = b.Constant("axis", OperatorExamples.Tflite(types.Inputs[1]!.Value), new[] { 1 }, Bytes(new[] { 1 }));
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 4, 3 });
        return b.Operator(code, new[] { input, axis }, new[] { output }, cumsumOptions, null, TfliteModelBuilder.Option.Bool(0, true), TfliteModelBuilder.Option.Bool(1, true))
            .Inputs(input).Outputs(output);
    }
}
