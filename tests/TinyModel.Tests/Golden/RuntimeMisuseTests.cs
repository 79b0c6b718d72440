using System;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Golden;

/// <summary>
/// Misusing a generated class fails with an exception that says what is wrong, before any layer runs:
/// spans of the wrong length, an output span that overlaps another span of the call, and a second call
/// on an instance while one is running.
/// </summary>
public class RuntimeMisuseTests
{
    [Fact]
    public void WrongLengthNamesTheTensorAndTheLength()
    {
        ITinyModel model = InMemoryModel.Compile(SharedData.ModelPath("hello_world_int8")).Create();
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.InvokeRaw(new byte[1], new byte[3]));
        Assert.Contains("has 1 elements, but the span passed for it has 3", e.Message);
    }

    [Fact]
    public void OutputOverlappingTheInputIsRefused()
    {
        ITinyModel model = InMemoryModel.Compile(SharedData.ModelPath("hello_world_int8")).Create();
        byte[] shared = new byte[1];
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.InvokeRaw(shared, shared));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("overlaps the one passed as 'input'", e.Message);
    }

    [Fact]
    public void TwoOutputsSharingMemoryAreRefused()
    {
        var b = new TfliteModelBuilder();
        int[] shape = { 1, 8 };
        int x = b.Tensor("x", TfliteType.Float32, shape), relu = b.Tensor("relu", TfliteType.Float32, shape), relu6 = b.Tensor("relu6", TfliteType.Float32, shape);
        b.Operator(BuiltinOperator.Relu, new[] { x }, new[] { relu }).Operator(BuiltinOperator.Relu6, new[] { x }, new[] { relu6 }).Inputs(x).Outputs(relu, relu6);
        const string Probe = """
            namespace TinyModel.Compiled
            {
                public static class Probe
                {
                    public static void HalvesOfOneBuffer() { float[] b = new float[16]; new Model().Invoke(new float[8], b.AsSpan(0, 8), b.AsSpan(8, 8)); }
                    public static void OneBufferTwice() { float[] b = new float[8]; new Model().Invoke(new float[8], b, b); }
                    private static global::System.Span<float> AsSpan(this float[] a, int start, int length) => new global::System.Span<float>(a, start, length);
                }
            }
            """;
        System.Reflection.Assembly assembly = InMemoryModel.Compile(b.Build(), extraSource: Probe).Assembly;
        Type probe = assembly.GetType("TinyModel.Compiled.Probe", throwOnError: true)!;

        probe.GetMethod("HalvesOfOneBuffer")!.Invoke(null, null);
        var e = Assert.Throws<System.Reflection.TargetInvocationException>(() => probe.GetMethod("OneBufferTwice")!.Invoke(null, null));
        ArgumentException inner = Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Equal("relu6", inner.ParamName);
        Assert.Contains("overlaps the one passed as 'relu'", inner.Message);
    }

    [Fact]
    public void SecondCallWhileOneRunsIsRefusedAndTheInstanceStaysUsable()
    {
        InMemoryModel compiled = InMemoryModel.Compile(SharedData.ModelPath("hello_world_int8"));
        ITinyModel model = compiled.Create();
        byte[] input = new byte[1], output = new byte[1];
        InMemoryModel.SetAfterTensor(model, _ => model.InvokeRaw(input, new byte[1]));
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => model.InvokeRaw(input, output));
        Assert.Contains("give each thread its own instance", e.Message);

        InMemoryModel.SetAfterTensor(model, _ => { });
        model.InvokeRaw(input, output); // the failed call released the instance
    }
}
