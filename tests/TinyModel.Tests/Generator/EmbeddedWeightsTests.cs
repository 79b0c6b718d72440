using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// Large models read their large constants from the model file, embedded as a manifest resource (the build targets
/// do it above TinyModelResourceMinBytes): the class must compute exactly what the same model with inline weights
/// computes, pack what its kernels read in another layout, allocate nothing per call, and refuse a stale or missing resource.
/// </summary>
public class EmbeddedWeightsTests
{
    private const string Resource = "TinyModel.model.tflite.0123abcd";

    /// <summary>FULLY_CONNECTED float (weights packed at run time) and int8 (packed in panels); both against TFLM's goldens too.</summary>
    [Theory]
    [InlineData("ad01_fp32", OptimizationLevel.Release)]
    [InlineData("ad01_int8", OptimizationLevel.Release)]
    [InlineData("ad01_fp32", OptimizationLevel.Debug)]
    public void SharedModelComputesTheGoldenOutputsFromTheResource(string name, OptimizationLevel optimization)
    {
        byte[] file = SharedData.ModelBytes(name);
        InMemoryModel embedded = InMemoryModel.Compile(file, SharedData.ModelPath(name), optimization, resource: Resource);
        Assert.Contains("Constants.Load();", embedded.GeneratedSource, StringComparison.Ordinal);
        Assert.Contains("global::TinyModel.FullyConnectedPacking.Pack", embedded.ConstantsSource, StringComparison.Ordinal);
        Assert.DoesNotContain("Weights => global::System.Runtime.InteropServices.MemoryMarshal.Cast<ulong", embedded.ConstantsSource, StringComparison.Ordinal);

        GoldenModel golden = GoldenModel.Load(System.IO.Path.Combine(SharedData.GoldenDir, name));
        ITinyModel model = embedded.CreateWithoutRecording();
        var outputs = new byte[golden.Outputs.Sum(o => o.Bytes)];
        for (int c = 0; c < golden.CaseCount; c++)
        {
            model.InvokeRaw(golden.ConcatenatedInputs(c), outputs);
            int at = 0;
            for (int o = 0; o < golden.Outputs.Count; o++)
            {
                OutputComparison.AssertMatches($"{name} case {c} output {o}", golden.Outputs[o].DType, golden.Output(c, o), outputs.AsSpan(at, golden.Outputs[o].Bytes));
                at += golden.Outputs[o].Bytes;
            }
        }

        // Allocation-free once constructed: the packing happened in the constructor.
        byte[] inputs = golden.ConcatenatedInputs(0);
        model.InvokeRaw(inputs, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            model.InvokeRaw(inputs, outputs);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Weights the kernel reads as they lie in the file (int8 rows) are a span over the resource itself, and compute what inline weights do.</summary>
    [Fact]
    public void WeightsInTheFileLayoutAreReadInPlace()
    {
        byte[] file = SmallUnitsInt8Model();
        InMemoryModel inline = InMemoryModel.Compile(file);
        InMemoryModel embedded = InMemoryModel.Compile(file, resource: Resource);
        Assert.Contains("=> _resource.Span<sbyte>(", embedded.ConstantsSource, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelResource", inline.ConstantsSource, StringComparison.Ordinal);

        var random = new Random(12);
        var input = new byte[256];
        var expected = new byte[8];
        var actual = new byte[8];
        ITinyModel a = inline.CreateWithoutRecording(), b = embedded.CreateWithoutRecording();
        for (int round = 0; round < 20; round++)
        {
            random.NextBytes(input);
            a.InvokeRaw(input, expected);
            b.InvokeRaw(input, actual);
            Assert.Equal(expected, actual);
        }
        object resource = embedded.Assembly.GetType("TinyModel.Compiled.Model+Constants", throwOnError: true)!
            .GetField("_resource", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        Assert.True(((ModelResource)resource).IsInPlace, "An assembly loaded from bytes maps its resources: no copy.");
    }

    [Fact]
    public void StaleResourceIsRefusedByName()
    {
        byte[] file = SmallUnitsInt8Model();
        byte[] stale = (byte[])file.Clone();
        stale[^5] ^= 1;
        InMemoryModel changed = InMemoryModel.Compile(file, resource: Resource, resourceBytes: stale);
        var e = Assert.Throws<InvalidOperationException>(() => Unwrap(changed.Create));
        Assert.Contains(Resource, e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);

        InMemoryModel shorter = InMemoryModel.Compile(file, resource: Resource, resourceBytes: file[..^8]);
        e = Assert.Throws<InvalidOperationException>(() => Unwrap(shorter.Create));
        Assert.Contains($"{file.Length - 8} bytes where the generated code expects {file.Length}", e.Message, StringComparison.Ordinal);

        InMemoryModel missing = InMemoryModel.Compile(file, resource: Resource, resourceBytes: Array.Empty<byte>());
        e = Assert.Throws<InvalidOperationException>(() => Unwrap(missing.Create));
        Assert.Contains($"no manifest resource '{Resource}'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>The run-time checksum is the generator's (one source compiled into both).</summary>
    [Fact]
    public void ChecksumDetectsAnyOneWordChange()
    {
        var bytes = new byte[1003];
        new Random(3).NextBytes(bytes);
        long original = ResourceChecksum.Compute(bytes);
        Assert.Equal(original, TinyModel.Generator.Emitting.ResourceChecksum.Compute(bytes));
        for (int i = 0; i < bytes.Length; i += 97)
        {
            bytes[i] ^= 0x80;
            Assert.NotEqual(original, ResourceChecksum.Compute(bytes));
            bytes[i] ^= 0x80;
        }
        Assert.NotEqual(original, ResourceChecksum.Compute(bytes.AsSpan(0, 1002)));
    }

    private static ITinyModel Unwrap(Func<ITinyModel> create)
    {
        try
        {
            return create();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>int8 FULLY_CONNECTED 256 → 8: fewer units than a panel, so the kernel reads TFLite's own [units, depth] rows.</summary>
    private static byte[] SmallUnitsInt8Model()
    {
        var random = new Random(8);
        var weights = new byte[8 * 256];
        random.NextBytes(weights);
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Int8, new[] { 1, 256 }, scale: 0.1f);
        int w = b.Constant("weights", TfliteType.Int8, new[] { 8, 256 }, weights, scales: new[] { 0.01f }, zeroPoints: new[] { 0L });
        int output = b.Tensor("output", TfliteType.Int8, new[] { 1, 8 }, scale: 0.5f);
        return b.Operator(9, new[] { input, w, -1 }, new[] { output }).Inputs(input).Outputs(output).Build();
    }
}
