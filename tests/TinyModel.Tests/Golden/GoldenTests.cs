using System;
using System.IO;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Golden;

/// <summary>
/// Models compiled by the generator in this very project (AdditionalFiles from ../shared/models),
/// run on every golden case and compared with TensorFlow Lite Micro's outputs.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> CompiledModels => new() { "hello_world_float", "hello_world_int8" };

    [Theory]
    [MemberData(nameof(CompiledModels))]
    public void EveryGoldenCaseMatchesTflm(string modelName)
    {
        GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.GoldenDir, modelName));
        Assert.True(golden.CaseCount >= 3, $"{modelName}: expected at least 3 golden cases, found {golden.CaseCount}.");

        for (int testCase = 0; testCase < golden.CaseCount; testCase++)
        {
            // A fresh instance per case: TFLM produced each case from a fresh interpreter.
            ITinyModel model = CompiledModel.Create(modelName);
            Assert.Equal(golden.Inputs.Count, model.Inputs.Count);
            Assert.Equal(golden.Outputs.Count, model.Outputs.Count);
            byte[] outputs = new byte[golden.Outputs.Sum(o => o.Bytes)];
            model.InvokeRaw(golden.ConcatenatedInputs(testCase), outputs);

            int offset = 0;
            for (int o = 0; o < golden.Outputs.Count; o++)
            {
                GoldenTensor meta = golden.Outputs[o];
                OutputComparison.AssertMatches($"{modelName} case {testCase} output {o}", meta.DType,
                    golden.Output(testCase, o), outputs.AsSpan(offset, meta.Bytes));
                offset += meta.Bytes;
            }
        }
    }

    [Theory]
    [MemberData(nameof(CompiledModels))]
    public void MetadataMatchesTheModel(string modelName)
    {
        GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.GoldenDir, modelName));
        ITinyModel model = CompiledModel.Create(modelName);
        for (int i = 0; i < golden.Inputs.Count; i++)
        {
            AssertSameTensor(golden.Inputs[i], model.Inputs[i]);
        }
        for (int i = 0; i < golden.Outputs.Count; i++)
        {
            AssertSameTensor(golden.Outputs[i], model.Outputs[i]);
        }
    }

    /// <summary>The typed API a user calls, on hello_world_int8's case 0, byte for byte.</summary>
    [Fact]
    public void TypedInvokeOfTheInt8ModelMatchesTflm()
    {
        GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.GoldenDir, "hello_world_int8"));
        var model = new HelloWorldInt8();
        for (int testCase = 0; testCase < golden.CaseCount; testCase++)
        {
            sbyte[] input = golden.Input(testCase, 0).Select(b => (sbyte)b).ToArray();
            sbyte[] output = new sbyte[1];
            model.Invoke(input, output);
            Assert.Equal((sbyte)golden.Output(testCase, 0)[0], output[0]);
        }
    }

    /// <summary>The typed API on the float model: sin(x) on its golden inputs, and TFLM's answers.</summary>
    [Fact]
    public void TypedInvokeOfTheFloatModelMatchesTflm()
    {
        GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.GoldenDir, "hello_world_float"));
        var model = new HelloWorldFloat();
        for (int testCase = 0; testCase < golden.CaseCount; testCase++)
        {
            float x = BitConverter.ToSingle(golden.Input(testCase, 0));
            float expected = BitConverter.ToSingle(golden.Output(testCase, 0));
            float[] y = new float[1];
            model.Invoke(new[] { x }, y);
            Assert.InRange(Math.Abs(y[0] - expected), 0f, OutputComparison.FloatTolerance);
            // The model learned sine; a sanity bound that would catch a wrong layer order or weights.
            Assert.InRange(Math.Abs(y[0] - MathF.Sin(x)), 0f, 0.2f);
        }
    }

    /// <summary>The costs a user sees on hover are public constants too, and agree with each other.</summary>
    [Fact]
    public void CostsArePublicConstants()
    {
        Assert.Equal("FULLY_CONNECTED x3", HelloWorldInt8.Operators);
        Assert.Equal(new long[] { 16, 256, 16 }, HelloWorldInt8.LayerMacCounts.ToArray()); // 1→16→16→1 units
        Assert.Equal(HelloWorldInt8.MacCount, HelloWorldInt8.LayerMacCounts.ToArray().Sum());
        // int8 weights, int32 biases; the first layer's 16×1 weights are packed for the panel kernel, by groups of
        // 4 inputs (padded with zero weights): 16 units × 4 bytes.
        Assert.Equal(16 * 4 + 256 + 16 + 4 * (16 + 16 + 1), HelloWorldInt8.WeightBytes);
        Assert.InRange(HelloWorldInt8.ArenaLowerBoundBytes, 1, HelloWorldInt8.ArenaBytes);
    }

    private static void AssertSameTensor(GoldenTensor expected, TensorInfo actual)
    {
        Assert.Equal(expected.DType, actual.ElementType.ToString().ToLowerInvariant());
        Assert.Equal(expected.Shape, actual.Shape.ToArray());
        Assert.Equal(expected.Bytes, actual.ByteCount);
        Assert.Equal(expected.Scale, actual.Scale);
        Assert.Equal(expected.ZeroPoint, actual.ZeroPoint);
    }
}
