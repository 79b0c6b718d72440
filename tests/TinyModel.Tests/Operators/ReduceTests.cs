using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// What the opsets models of SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_ALL (checked bit-exact against TFLM there)
/// leave out: an int8 REDUCE_MAX/MIN whose input and output quantization differ, which TFLM refuses, must be
/// a clear diagnostic rather than a silently wrong kernel.
/// </summary>
public class ReduceTests
{
    [Theory]
    [InlineData(BuiltinOperator.ReduceMax)]
    [InlineData(BuiltinOperator.ReduceMin)]
    public void Int8MaxMinWithDifferentQuantizationIsADiagnostic(int code)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 2, 3 }, 0.05f, 1);
        int axes = b.Constant("axes", TfliteType.Int32, new[] { 1 }, Bytes(new[] { 1 }));
        int y = b.Tensor("y", TfliteType.Int8, new[] { 2 }, 0.1f, 1);
        b.Operator(code, new[] { x, axes }, new[] { y }, ReducerOptions).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("same scale and zero point", error);
    }
}
