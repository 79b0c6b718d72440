using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the 2-D pooling operators.</summary>
internal static class PoolingExamples
{
    // Pool2DOptions field ids (schema.fbs) and VALID padding.
    private const int OptionPadding = 0, OptionStrideWidth = 1, OptionStrideHeight = 2, OptionFilterWidth = 3, OptionFilterHeight = 4;
    private const byte Valid = 1;

    /// <summary>A 4×4 single-channel image pooled in 2×2 windows with stride 2.</summary>
    [OperatorExample(BuiltinOperator.AveragePool2D)]
    [OperatorExample(BuiltinOperator.MaxPool2D)]
    [OperatorExample(TinyModel.Generator.Operators.Pooling.L2Pool2D.BuiltinCode)]
    public static TfliteModelBuilder Pool(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, new[] { 1, 4, 4, 1 });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 1, 2, 2, 1 });
        return b.Operator(code, new[] { input }, new[] { output }, Pool2DOptions, null,
                TfliteModelBuilder.Option.Byte(OptionPadding, Valid),
                TfliteModelBuilder.Option.Int(OptionStrideWidth, 2), TfliteModelBuilder.Option.Int(OptionStrideHeight, 2),
                TfliteModelBuilder.Option.Int(OptionFilterWidth, 2), TfliteModelBuilder.Option.Int(OptionFilterHeight, 2))
            .Inputs(input).Outputs(output);
    }
}
