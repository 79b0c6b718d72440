using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// A graph that cannot be a valid TFLite model (found by mutating real models one field at a time) is
/// TM0011 naming the node and tensor, never code that fails to compile or an internal error (TM0010).
/// </summary>
public class GraphValidationTests
{
    private static readonly int[] Shape = { 1, 4 };

    [Fact]
    public void LayerWritingAGraphInputIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y"), z = Int8(b, "z");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Operator(BuiltinOperator.Relu, new[] { y }, new[] { x })
            .Operator(BuiltinOperator.Relu, new[] { y }, new[] { z }).Inputs(x).Outputs(z);
        AssertInvalid(b, "node 1 (RELU) writes tensor 0 'x', but it is a graph input");
    }

    [Fact]
    public void SameTensorTwiceAmongOutputsIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y, y);
        AssertInvalid(b, "tensor 1 'y' is listed 2 times among the graph's outputs");
    }

    [Fact]
    public void SameTensorTwiceAmongInputsIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x, x).Outputs(y);
        AssertInvalid(b, "tensor 0 'x' is listed 2 times among the graph's inputs");
    }

    [Fact]
    public void TensorWrittenTwiceIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y);
        AssertInvalid(b, "node 1 (RELU) writes tensor 1 'y', but node 0 writes it already");
    }

    [Fact]
    public void ReadingATensorBeforeItIsWrittenIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), t = Int8(b, "t"), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { t }, new[] { y }).Operator(BuiltinOperator.Relu, new[] { x }, new[] { t }).Inputs(x).Outputs(y);
        AssertInvalid(b, "node 0 (RELU) reads tensor 1 't', but only node 1, which runs later, writes it");
    }

    [Fact]
    public void OutputNoLayerComputesIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y"), lost = Int8(b, "lost");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y, lost);
        AssertInvalid(b, "graph output 2 'lost' is never computed");
    }

    [Fact]
    public void GraphInputThatIsAlsoAnOutputIsTM0011()
    {
        // Found by the long fuzz run: Invoke got two parameters of one name (CS0100).
        var b = new TfliteModelBuilder();
        int x = Int8(b, "x"), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y, x);
        AssertInvalid(b, "graph output 0 'x' is also a graph input");
    }

    [Fact]
    public void StateAsAGraphInputIsTM0011()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("state", TfliteType.Int8, Shape, 0.05f, 0, isVariable: true), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y);
        AssertInvalid(b, "tensor 0 'state' is a graph input and also state");
    }

    [Theory]
    [InlineData(300L, "zero point 300, outside the range of its type [-128, 127]")]
    [InlineData(1L << 40, "zero point 1099511627776, outside the range of its type")]
    public void ZeroPointOutOfRangeIsTM0011(long zeroPoint, string message)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, Shape, 0.05f, zeroPoint), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y);
        AssertInvalid(b, "tensor 0 'x' has " + message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(0f, "0")]
    [InlineData(-0.5f, "-0.5")]
    [InlineData(1e-40f, "1E-40")]
    public void ScaleThatIsNotAPositiveNormalNumberIsTM0011(float scale, string printed)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, Shape, scale, 0), y = Int8(b, "y");
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { y }).Inputs(x).Outputs(y);
        AssertInvalid(b, $"tensor 0 'x' has quantization scale {printed}; a scale must be a finite positive normal number");
    }

    private static int Int8(TfliteModelBuilder b, string name) => b.Tensor(name, TfliteType.Int8, Shape, 0.05f, 0);

    private static void AssertInvalid(TfliteModelBuilder builder, string message)
    {
        var harness = new GeneratorHarness(new ModelInput("/project/bad.tflite", builder.Build()));
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.All(result.Diagnostics, d => Assert.Equal("TM0011", d.Id));
        Assert.Contains(result.Diagnostics, d => d.GetMessage().Contains(message, StringComparison.Ordinal));
        Assert.All(result.Diagnostics, d => Assert.StartsWith("'bad.tflite' is not a consistent TensorFlow Lite graph: ", d.GetMessage(), StringComparison.Ordinal));
    }
}
