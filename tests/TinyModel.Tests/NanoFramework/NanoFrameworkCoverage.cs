using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// Which models of ../shared the NanoFramework flavor compiles today. Every other model must be refused with
/// the flavor's own diagnostics only (TM0021: an operator without a nanoFramework emitter yet; TM0022: over
/// a limit of one nanoFramework assembly), never with a crash or a compile error, and every model the flavor
/// compiles must be run on nanoCLR by <see cref="NanoFrameworkGoldenTests"/> or <see cref="NanoFrameworkOpsTests"/>:
/// nothing is skipped silently.
/// </summary>
public class NanoFrameworkCoverage
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public NanoFrameworkCoverage(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<Diagnostic>>> Results = new(() =>
        AllModels().ToDictionary(m => m.Key, m => NanoFrameworkBuild.TryGenerate(File.ReadAllBytes(m.Path), m.Path, "M").Diagnostics));

    /// <summary>The models (<c>models/name</c>, <c>ops/name</c>) the flavor compiles.</summary>
    public static IEnumerable<string> CompiledModels() =>
        Results.Value.Where(r => r.Value.All(d => d.Severity != DiagnosticSeverity.Error)).Select(r => r.Key).Order(StringComparer.Ordinal);

    private static IEnumerable<(string Key, string Path)> AllModels() =>
        Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Select(p => ("models/" + Path.GetFileNameWithoutExtension(p), p))
            .Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite").Select(p => ("ops/" + Path.GetFileNameWithoutExtension(p), p)));

    [Fact]
    public void EveryModelCompilesOrGetsTheFlavorsDiagnostics()
    {
        var unexpected = Results.Value
            .SelectMany(r => r.Value.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is not ("TM0021" or "TM0022")).Select(d => $"{r.Key}: {d}"))
            .ToList();
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected.Take(20)));
    }

    [Fact]
    public void EveryRealModelTheFlavorCompilesRunsOnNanoClr()
    {
        var compiled = CompiledModels().Where(m => m.StartsWith("models/", StringComparison.Ordinal)).Select(m => m["models/".Length..]).ToList();
        Assert.Equal(compiled, NanoFrameworkGoldenTests.RealModels.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void UnknownFlavorIsReported()
    {
        string path = SharedData.ModelPath("hello_world_int8");
        var (sources, diagnostics) = NanoFrameworkBuild.TryGenerate(File.ReadAllBytes(path), path, "M", flavor: "Micro");
        Assert.Empty(sources);
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("TM0020", d.Id);
        Assert.Contains("'Micro'", d.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>What is left, for the report: each refused model and why.</summary>
    [Fact]
    public void RefusedModelsNameTheirReason()
    {
        foreach ((string model, IReadOnlyList<Diagnostic> diagnostics) in Results.Value)
        {
            foreach (Diagnostic d in diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()), model);
                _output.WriteLine($"{model}: {d.Id} {d.GetMessage()}");
            }
        }
    }
}

/// <summary>
/// samples/NanoFramework, built as a user builds it (the .NET SDK, the package's build targets, which embed
/// person_detect's file as a binary resource) and run on nanoCLR by its script: TFLM's two test photos get
/// TFLM's scores.
/// </summary>
public class NanoFrameworkSampleTests
{
    [Fact]
    public async System.Threading.Tasks.Task SampleDetectsThePersonOnNanoClr()
    {
        string script = Path.Combine(SharedData.RepositoryRoot, "samples", "NanoFramework", "run.sh");
        var start = new System.Diagnostics.ProcessStartInfo("bash", new[] { script }) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "The sample did not finish within 5 minutes.");
        string all = output + await error;
        // TFLM's outputs for the photos: ../shared/golden/person_detect case3 and case4.
        Assert.Contains("person.bmp: person 113, no person -113 -> person", all, StringComparison.Ordinal);
        Assert.Contains("no_person.bmp: person -57, no person 57 -> no person", all, StringComparison.Ordinal);
        Assert.Contains("done", all, StringComparison.Ordinal);
    }
}
