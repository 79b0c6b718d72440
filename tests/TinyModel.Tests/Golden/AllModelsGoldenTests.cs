using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace TinyModel.Tests.Golden;

/// <summary>
/// Every model in ../shared/models and ../shared/ops, found by listing the folders (a model added
/// there with its golden data is tested without code changes), compiled by the generator, run on
/// every golden case on a fresh instance, and compared with TensorFlow Lite Micro: integer outputs
/// bit for bit, float outputs within <see cref="OutputComparison.FloatTolerance"/>. When case 0
/// differs, the failure names the first layer whose tensor differs from TFLM's dump. Each model's
/// arena must also be no larger than TFLM's, and Invoke must allocate nothing.
/// </summary>
public class AllModelsGoldenTests
{
    /// <summary>Each real model, as <c>models/&lt;name&gt;</c>.</summary>
    public static TheoryData<string> Models() => List(SharedData.ModelsDir, "models/");

    /// <summary>Each single-layer model, as <c>ops/&lt;name&gt;</c>.</summary>
    public static TheoryData<string> Ops() => List(SharedData.OpsDir, "ops/");

    [Theory]
    [MemberData(nameof(Models))]
    public void RealModelMatchesTflm(string model) => AssertMatchesTflm(model);

    /// <summary>
    /// A user's Debug build: the generated code compiled without optimizations and run by the JIT without
    /// them gives the same results and still allocates nothing per call.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void RealModelMatchesTflmInDebugBuild(string model) => AssertMatchesTflm(model, OptimizationLevel.Debug);

    private static TheoryData<string> List(string directory, string prefix)
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(directory, "*.tflite").Order(StringComparer.Ordinal))
        {
            data.Add(prefix + Path.GetFileNameWithoutExtension(path));
        }
        return data;
    }

    /// <summary>Compiles <paramref name="model"/> and checks every golden case; see the class remarks.</summary>
    internal static void AssertMatchesTflm(string model, OptimizationLevel optimization = OptimizationLevel.Release)
    {
        (string modelPath, string goldenDir) = Locate(model);
        AssertMatchesTflm(model, modelPath, goldenDir, optimization);
    }

    /// <summary>The same check on a model file and a golden folder given directly.</summary>
    internal static void AssertMatchesTflm(string model, string modelPath, string goldenDir, OptimizationLevel optimization = OptimizationLevel.Release)
    {
        if (!File.Exists(Path.Combine(goldenDir, "meta.json")))
        {
            throw new XunitException($"{model} has no golden data: expected {goldenDir}/meta.json (see ../shared/golden/README.md). Add TFLM's outputs to test it.");
        }
        GoldenModel golden = GoldenModel.Load(goldenDir);
        Assert.True(golden.CaseCount >= 1, $"{model}: the golden folder has no cases.");
        InMemoryModel compiled = InMemoryModel.Compile(modelPath, optimization);

        for (int testCase = 0; testCase < golden.CaseCount; testCase++)
        {
            // A fresh instance per case: TFLM made each case from a fresh interpreter.
            ITinyModel instance = compiled.Create();
            Assert.Equal(golden.Inputs.Count, instance.Inputs.Count);
            Assert.Equal(golden.Outputs.Count, instance.Outputs.Count);
            byte[] outputs = new byte[golden.Outputs.Sum(o => o.Bytes)];
            instance.InvokeRaw(golden.ConcatenatedInputs(testCase), outputs);

            int offset = 0;
            for (int o = 0; o < golden.Outputs.Count; o++)
            {
                GoldenTensor meta = golden.Outputs[o];
                try
                {
                    OutputComparison.AssertMatches($"{model} case {testCase} output {o}", meta.DType,
                        golden.Output(testCase, o), outputs.AsSpan(offset, meta.Bytes));
                }
                catch (XunitException e) when (testCase == 0)
                {
                    throw new XunitException(e.Message + Environment.NewLine + FirstDifferingTensor(modelPath, goldenDir, instance));
                }
                offset += meta.Bytes;
            }
        }

        foreach (GoldenSequence sequence in golden.Sequences)
        {
            AssertSequenceMatchesTflm(model, golden, compiled, sequence);
        }

        AssertFootprint(model, golden, compiled);
    }

    /// <summary>
    /// A sequence case: one fresh instance invoked <see cref="GoldenSequence.Steps"/> times over consecutive
    /// slices, state carried from step to step, the concatenated outputs compared with TFLM's.
    /// </summary>
    private static void AssertSequenceMatchesTflm(string model, GoldenModel golden, InMemoryModel compiled, GoldenSequence sequence)
    {
        ITinyModel instance = compiled.Create();
        int outputBytes = golden.Outputs.Sum(o => o.Bytes);
        var actual = golden.Outputs.Select(o => new byte[sequence.Steps * o.Bytes]).ToArray();
        byte[] outputs = new byte[outputBytes];
        for (int step = 0; step < sequence.Steps; step++)
        {
            instance.InvokeRaw(golden.SequenceInputs(sequence, step), outputs);
            int offset = 0;
            for (int o = 0; o < golden.Outputs.Count; o++)
            {
                outputs.AsSpan(offset, golden.Outputs[o].Bytes).CopyTo(actual[o].AsSpan(step * golden.Outputs[o].Bytes));
                offset += golden.Outputs[o].Bytes;
            }
        }
        for (int o = 0; o < golden.Outputs.Count; o++)
        {
            OutputComparison.AssertMatches($"{model} {sequence.Name} ({sequence.Steps} steps) output {o}", golden.Outputs[o].DType,
                golden.SequenceOutput(sequence, o), actual[o]);
        }
    }

    /// <summary>The arena is no larger than TFLM's, and Invoke allocates nothing, however often it runs.</summary>
    private static void AssertFootprint(string model, GoldenModel golden, InMemoryModel compiled)
    {
        ITinyModel instance = compiled.CreateWithoutRecording();
        if (golden.TflmArenaBytes > 0)
        {
            Assert.True(instance.ArenaBytes <= golden.TflmArenaBytes,
                $"{model}: the arena takes {instance.ArenaBytes} bytes, more than TFLM's {golden.TflmArenaBytes}.");
        }

        byte[] inputs = golden.ConcatenatedInputs(0);
        byte[] outputs = new byte[golden.Outputs.Sum(o => o.Bytes)];
        instance.InvokeRaw(inputs, outputs); // first call: type initializers, JIT

        // The runtime may still allocate once on this thread while it re-compiles hot methods (tiering,
        // on-stack replacement); an allocation of Invoke's own happens in every round, so one clean round of
        // five calls out of three proves there is none.
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                instance.InvokeRaw(inputs, outputs);
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0)
            {
                break;
            }
        }
        Assert.True(allocated == 0, $"{model}: every round of 5 calls of Invoke allocated, the last {allocated} bytes.");
    }

    private static (string ModelPath, string GoldenDir) Locate(string model)
    {
        string[] parts = model.Split('/');
        return parts[0] switch
        {
            "ops" => (Path.Combine(SharedData.OpsDir, parts[1] + ".tflite"), Path.Combine(SharedData.OpsDir, "golden", parts[1])),
            "opsets" => (Path.Combine(SharedData.OpsetsDir, parts[1] + ".tflite"), Path.Combine(SharedData.OpsetsDir, "golden", parts[1])),
            "signal" => (Path.Combine(SharedData.SignalDir, parts[1] + ".tflite"), Path.Combine(SharedData.SignalDir, "golden", parts[1])),
            _ => (Path.Combine(SharedData.ModelsDir, parts[1] + ".tflite"), Path.Combine(SharedData.GoldenDir, parts[1])),
        };
    }

    /// <summary>Walks the layers in execution order and names the first whose output differs from TFLM's case-0 dump.</summary>
    private static string FirstDifferingTensor(string modelPath, string goldenDir, ITinyModel instance)
    {
        using JsonDocument meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(goldenDir, "meta.json")));
        if (!meta.RootElement.TryGetProperty("case0_tensors", out JsonElement dumped))
        {
            return "(TFLM's intermediate tensors were not dumped for this model.)";
        }
        var dumpedIndices = new HashSet<int>(dumped.EnumerateArray().Select(t => t.GetProperty("index").GetInt32()));
        TfliteSubgraph graph = TfliteReader.Read(File.ReadAllBytes(modelPath)).Subgraphs[0];
        foreach ((int index, byte[] actual) in InMemoryModel.RecordedTensors(instance))
        {
            string file = Path.Combine(goldenDir, $"case0.tensor{index}.bin");
            if (!dumpedIndices.Contains(index) || !File.Exists(file))
            {
                continue;
            }
            TfliteTensor tensor = graph.Tensors[index];
            try
            {
                OutputComparison.AssertMatches($"tensor {index} '{tensor.Name}'", tensor.Type.ToString().ToLowerInvariant(), File.ReadAllBytes(file), actual);
            }
            catch (XunitException e)
            {
                return $"First tensor that differs from TFLM's, in execution order: {e.Message}";
            }
        }
        return "Every intermediate tensor matches TFLM's dump; only the output differs.";
    }
}

/// <summary>
/// TFLM's audio front ends in ../shared/signal (signal-library custom operators): random windows on fresh
/// instances, and the sequence cases (49 consecutive windows of a recording on one instance).
/// </summary>
public class SignalGoldenTests
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(SharedData.SignalDir, "*.tflite").Order(StringComparer.Ordinal))
        {
            data.Add("signal/" + Path.GetFileNameWithoutExtension(path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void AudioPreprocessorMatchesTflm(string model) => AllModelsGoldenTests.AssertMatchesTflm(model);

    [Theory]
    [MemberData(nameof(Models))]
    public void AudioPreprocessorMatchesTflmInDebugBuild(string model) => AllModelsGoldenTests.AssertMatchesTflm(model, OptimizationLevel.Debug);

    /// <summary>
    /// The state matters, and ResetState clears it: windows run on fresh instances differ from TFLM's sequence
    /// after the first, and one instance reset between two runs of a recording gives TFLM's sequence both times.
    /// </summary>
    [Fact]
    public void NoiseEstimateCarriesAcrossInvokesAndResets()
    {
        string directory = Path.Combine(SharedData.SignalDir, "golden", "audio_preprocessor_int8");
        GoldenModel golden = GoldenModel.Load(directory);
        GoldenSequence yes = golden.Sequences.Single(q => q.Name == "seq3");
        byte[] expected = golden.SequenceOutput(yes, 0);
        InMemoryModel compiled = InMemoryModel.Compile(Path.Combine(SharedData.SignalDir, "audio_preprocessor_int8.tflite"));
        int bytes = golden.Outputs[0].Bytes;

        int freshDiffering = 0;
        var output = new byte[bytes];
        for (int step = 0; step < yes.Steps; step++)
        {
            compiled.Create().InvokeRaw(golden.SequenceInputs(yes, step), output);
            freshDiffering += output.AsSpan().SequenceEqual(expected.AsSpan(step * bytes, bytes)) ? 0 : 1;
        }
        Assert.True(freshDiffering >= 40, $"only {freshDiffering} of {yes.Steps} windows differ when each runs on a fresh instance");

        ITinyModel instance = compiled.Create();
        for (int run = 0; run < 2; run++)
        {
            instance.ResetState();
            var actual = new byte[yes.Steps * bytes];
            for (int step = 0; step < yes.Steps; step++)
            {
                instance.InvokeRaw(golden.SequenceInputs(yes, step), actual.AsSpan(step * bytes, bytes));
            }
            Assert.Equal(expected, actual);
        }
    }
}

/// <summary>The single-layer models, in a class of their own so that xunit runs them beside the real models.</summary>
public class OpsGoldenTests
{
    [Theory]
    [MemberData(nameof(AllModelsGoldenTests.Ops), MemberType = typeof(AllModelsGoldenTests))]
    public void SingleLayerModelMatchesTflm(string model) => AllModelsGoldenTests.AssertMatchesTflm(model);
}

/// <summary>
/// The single-operator models of ../shared/opsets (TFLM's catalog beyond the real models) whose operators
/// TinyModel compiles; the rest are listed in docs/coverage.md until their operators land (issue 11).
/// </summary>
public class OpsetsGoldenTests
{
    public static TheoryData<string> CompiledOpsets()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(SharedData.OpsetsDir, "*.tflite").Order(StringComparer.Ordinal))
        {
            TfliteModel model = TfliteReader.Read(File.ReadAllBytes(path));
            if (model.OperatorCodes.All(c => TinyModel.Generator.Operators.OperatorCatalog.Find(c) is not null))
            {
                data.Add("opsets/" + Path.GetFileNameWithoutExtension(path));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CompiledOpsets))]
    public void CatalogModelMatchesTflm(string model) => AllModelsGoldenTests.AssertMatchesTflm(model);
}
