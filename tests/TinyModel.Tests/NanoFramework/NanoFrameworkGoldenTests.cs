using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// The NanoFramework flavor, run: each model the flavor compiles is generated, compiled against
/// nanoFramework's mscorlib alone, converted by its metadata processor and run on nanoCLR on golden
/// cases, and the same source is compiled and run on .NET; both must match TensorFlow Lite Micro (integer
/// outputs bit for bit, float within <see cref="OutputComparison.FloatTolerance"/>). nanoCLR interprets IL,
/// so the large models run case 0 only.
/// </summary>
public class NanoFrameworkGoldenTests
{
    private readonly ITestOutputHelper _output;

    public NanoFrameworkGoldenTests(ITestOutputHelper output) => _output = output;

    /// <summary>The real models the flavor compiles, and how many of their golden cases run on nanoCLR (all run on .NET).</summary>
    public static readonly IReadOnlyDictionary<string, int> RealModels = new Dictionary<string, int>
    {
        ["hello_world_int8"] = int.MaxValue,
        ["hello_world_float"] = int.MaxValue,
        ["micro_speech_quantized"] = int.MaxValue,
        ["kws_ref_model"] = 1,
        ["simple_add_model"] = int.MaxValue,
        ["ad01_int8"] = int.MaxValue,
        ["ad01_fp32"] = 1,
        ["keyword_scrambled"] = int.MaxValue,
        ["keyword_scrambled_8bit"] = int.MaxValue,
        ["pretrainedResnet"] = 1,
        ["vww_96_float"] = 1,
        ["person_detect"] = 1,
        ["vww_96_int8"] = 1,
        ["pretrainedResnet_quant"] = 1,
        ["trained_lstm"] = int.MaxValue,
        ["trained_lstm_int8"] = int.MaxValue,
        ["dtln_noise_suppression"] = int.MaxValue,
        ["mobilenet_v2_quantized_1x3x224x224"] = 1,
    };

    public static TheoryData<string> RealModelNames() => new(RealModels.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(RealModelNames))]
    public void RealModelMatchesTflmOnNanoClr(string model)
    {
        string modelPath = SharedData.ModelPath(model);
        GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.GoldenDir, model));
        var entry = new NanoEntry(model, modelPath, golden, Math.Min(RealModels[model], golden.CaseCount));
        RunAndCompare(new[] { entry }, "Nano" + global::TinyModel.Generator.TinyModelGenerator.DefaultClassName(model + ".tflite"));
    }

    /// <summary>A model, the class it compiles to and the golden cases nanoCLR runs.</summary>
    internal sealed record NanoEntry(string Key, string ModelPath, GoldenModel Golden, int NanoCases)
    {
        public string ClassName => "M" + global::TinyModel.Generator.TinyModelGenerator.DefaultClassName(Path.GetFileName(ModelPath));
    }

    /// <summary>Builds the models into one program; runs every case on .NET and the first cases on nanoCLR; compares each with TFLM.</summary>
    internal void RunAndCompare(IReadOnlyList<NanoEntry> entries, string assemblyName)
    {
        var sources = new List<string>();
        var modelEntries = new List<(string Name, byte[] Content)>();
        foreach (NanoEntry entry in entries)
        {
            IReadOnlyList<string> generated = NanoFrameworkBuild.Generate(entry.ModelPath, entry.ClassName);
            sources.AddRange(generated);
            if (generated.Any(s => s.Contains("WeightsResource.Read(", StringComparison.Ordinal)))
            {
                modelEntries.Add(NanoFrameworkBuild.ModelEntry(entry.ModelPath));
            }
        }
        string FullClass(NanoEntry e) => $"global::{NanoFrameworkBuild.Namespace}.{e.ClassName}";

        // .NET: every case; a difference here is the generator's.
        var netEntries = new List<(string Name, byte[] Content)>(modelEntries);
        string netProgram = NanoFrameworkProgram.Source(entries.Select(e => (e.Key, FullClass(e), e.Golden, (IReadOnlyList<int>)Enumerable.Range(0, e.Golden.CaseCount).ToList())), netEntries);
        Assembly net = NanoFrameworkBuild.CompileForNet(sources.Append(netProgram), assemblyName, Resources(netEntries));
        string netText = (string)net.GetType(NanoFrameworkProgram.ClassName, throwOnError: true)!.GetMethod("Run")!.Invoke(null, null)!;
        Compare(entries, netText, e => e.Golden.CaseCount, ".NET");

        // nanoCLR: the chosen cases; a difference only here is nanoFramework's behaviour.
        var nanoEntries = new List<(string Name, byte[] Content)>(modelEntries);
        string nanoProgram = NanoFrameworkProgram.Source(entries.Select(e => (e.Key, FullClass(e), e.Golden, (IReadOnlyList<int>)Enumerable.Range(0, e.NanoCases).ToList())), nanoEntries);
        byte[] nano = NanoFrameworkBuild.CompileForNano(sources.Append(nanoProgram), assemblyName, Resources(nanoEntries));
        // mobilenet_v2's case 0 alone takes about two minutes on nanoCLR here.
        string nanoText = NanoFrameworkBuild.RunOnNanoClr(nano, assemblyName, TimeSpan.FromMinutes(10));
        Compare(entries, nanoText, e => e.NanoCases, "nanoCLR");
    }

    /// <summary>The assembly's one resource, when it has entries.</summary>
    private static IReadOnlyList<Microsoft.CodeAnalysis.ResourceDescription> Resources(List<(string Name, byte[] Content)> entries) =>
        entries.Count == 0 ? Array.Empty<Microsoft.CodeAnalysis.ResourceDescription>() : new[] { NanoFrameworkBuild.Resource(entries) };

    private void Compare(IReadOnlyList<NanoEntry> entries, string text, Func<NanoEntry, int> cases, string runtime)
    {
        var (outputs, ticks) = NanoFrameworkProgram.Parse(text);
        var failures = new List<string>();
        foreach (NanoEntry entry in entries)
        {
            for (int c = 0; c < cases(entry); c++)
            {
                for (int o = 0; o < entry.Golden.Outputs.Count; o++)
                {
                    if (!outputs.TryGetValue((entry.Key, c, o), out byte[]? actual))
                    {
                        failures.Add($"{entry.Key} case {c} output {o}: the program printed no result on {runtime}.");
                        continue;
                    }
                    string? difference = OutputComparison.Difference($"{entry.Key} case {c} output {o} on {runtime}", entry.Golden.Outputs[o].DType, entry.Golden.Output(c, o), actual);
                    if (difference is not null)
                    {
                        failures.Add(difference);
                    }
                }
            }
            if (ticks.TryGetValue((entry.Key, 0), out long t))
            {
                _output.WriteLine($"{entry.Key} on {runtime}: case 0 Invoke took {t / 10.0:F0} µs");
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }
}

/// <summary>
/// The single-layer models of ../shared/ops that the NanoFramework flavor compiles, built into a few
/// programs (one nanoCLR start each, within nanoFramework's per-assembly limits): every case on .NET, case 0 on nanoCLR.
/// </summary>
public class NanoFrameworkOpsTests
{
    private readonly ITestOutputHelper _output;

    public NanoFrameworkOpsTests(ITestOutputHelper output) => _output = output;

    /// <summary>Bytes of weights and embedded inputs per test program, under the initializer table's 64 KiB.</summary>
    private const int ProgramBudgetBytes = 48_000;

    [Fact]
    public void CompiledOpsModelsMatchTflmOnNanoClr()
    {
        var batches = new List<List<NanoFrameworkGoldenTests.NanoEntry>> { new() };
        long used = 0;
        foreach (string model in NanoFrameworkCoverage.CompiledModels().Where(m => m.StartsWith("ops/", StringComparison.Ordinal)))
        {
            string name = model["ops/".Length..];
            string path = Path.Combine(SharedData.OpsDir, name + ".tflite");
            GoldenModel golden = GoldenModel.Load(Path.Combine(SharedData.OpsDir, "golden", name));
            // nanoCLR runs case 0 (all cases run on .NET); its inputs are embedded beside the weights.
            long size = new FileInfo(path).Length + golden.Inputs.Sum(i => (long)i.Bytes);
            if (used + size > ProgramBudgetBytes && batches[^1].Count > 0)
            {
                batches.Add(new());
                used = 0;
            }
            batches[^1].Add(new NanoFrameworkGoldenTests.NanoEntry(name, path, golden, NanoCases: 1));
            used += size;
        }
        Assert.True(batches[0].Count > 0, "The NanoFramework flavor compiles none of the ops models.");
        var runner = new NanoFrameworkGoldenTests(_output);
        for (int b = 0; b < batches.Count; b++)
        {
            runner.RunAndCompare(batches[b], $"NanoOps{b}");
        }
        _output.WriteLine($"{batches.Sum(b => b.Count)} ops models in {batches.Count} programs.");
    }
}
