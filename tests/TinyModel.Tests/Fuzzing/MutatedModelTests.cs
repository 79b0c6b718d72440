using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace TinyModel.Tests.Fuzzing;

/// <summary>
/// Hostile files: mutants of the shared models (see <see cref="ModelMutator"/>) run through the generator
/// in memory. Each must end in a TM diagnostic or in code that compiles cleanly and runs without reading
/// out of bounds; never an exception out of the generator, never TM0010, never a hang, never text on the
/// compiler's console. CI runs a few thousand; the long run is
/// <c>TINYMODEL_FUZZ_MUTANTS=100000 dotnet test tests/TinyModel.Tests -c Release --filter MutatedModelTests</c>
/// (<c>TINYMODEL_FUZZ_SEED</c> picks another sequence). Every distinct generated class is compiled;
/// <c>TINYMODEL_FUZZ_RUN</c> says how many are also loaded and run (all of them in the long run).
/// <c>TINYMODEL_FUZZ_ONLY=6199,8498</c> replays just those mutants of the sequence and keeps them as files
/// under the temporary folder's tinymodel-fuzz/, to reproduce a failure.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class MutatedModelTests
{
    private const int DefaultMutants = 3000;
    private const int DefaultRun = 60;
    private const int DefaultSeed = 20261129;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;

    public MutatedModelTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void MutantsEndInADiagnosticOrInCodeThatCompilesAndRuns()
    {
        int mutants = Setting("TINYMODEL_FUZZ_MUTANTS", DefaultMutants);
        int compileLimit = Setting("TINYMODEL_FUZZ_RUN", mutants > DefaultMutants ? int.MaxValue : DefaultRun);
        HashSet<int>? only = Environment.GetEnvironmentVariable("TINYMODEL_FUZZ_ONLY") is { Length: > 0 } list
            ? list.Split(',').Select(int.Parse).ToHashSet()
            : null;
        Run(mutants, Setting("TINYMODEL_FUZZ_SEED", DefaultSeed), compileLimit, only, SmallModels());
    }

    /// <summary>
    /// Mutants of the multi-subgraph models of ../shared/opsets (IF, WHILE, CALL_ONCE, resource variables), whose
    /// subgraph indices, handles and loop variables the main run's models do not have.
    /// </summary>
    [Fact]
    public void ControlFlowMutantsEndInADiagnosticOrInCodeThatCompilesAndRuns()
    {
        HashSet<int>? only = Environment.GetEnvironmentVariable("TINYMODEL_FUZZ_ONLY") is { Length: > 0 } list
            ? list.Split(',').Select(int.Parse).ToHashSet()
            : null;
        Run(Setting("TINYMODEL_FUZZ_MUTANTS", DefaultMutants) / 3, Setting("TINYMODEL_FUZZ_SEED", DefaultSeed), DefaultRun, only, ControlFlowModels());
    }

    /// <summary>
    /// The control-flow mutants that failed a 5,000-mutant run (ADD of two constants in a WHILE body; an input and an
    /// output of one name): replayed in every run.
    /// </summary>
    [Fact]
    public void ControlFlowMutantsThatFailedStayFixed() =>
        Run(1812, DefaultSeed, int.MaxValue, new HashSet<int> { 859, 1811 }, ControlFlowModels());

    private static string[] ControlFlowModels() =>
        new[] { "if_float32", "if_int32", "while_float32", "var_accumulator_float32", "var_accumulator_int32" }
            .Select(name => Path.Combine(SharedData.OpsetsDir, name + ".tflite")).ToArray();

    /// <summary>
    /// The mutants of the default sequence that failed the 100,000-mutant run of 2026-11-30 (an options table
    /// read past the end of the file, a graph output that is also an input, a FULLY_CONNECTED bias of the
    /// wrong length, a stride of 2^31 − 1): replayed in every run, so that they stay fixed.
    /// </summary>
    [Fact]
    public void MutantsThatFailedTheLongRunStayFixed() =>
        Run(59624, DefaultSeed, int.MaxValue, new HashSet<int> { 6199, 8498, 10780, 16326, 27699, 56377, 59623 }, SmallModels());

    /// <summary>
    /// Models small enough to generate in milliseconds: every real model under 60 KB and every single-layer
    /// model, so that all operator kinds are mutated.
    /// </summary>
    private static string[] SmallModels() =>
        Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Where(p => new FileInfo(p).Length < 60_000)
            .Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite"))
            .Order(StringComparer.Ordinal).ToArray();

    private void Run(int mutants, int seed, int compileLimit, HashSet<int>? only, string[] paths)
    {
        byte[][] models = paths.Select(File.ReadAllBytes).ToArray();
        IReadOnlyList<ModelField>[] fields = models.Select(ModelFields.Find).ToArray();

        var mutator = new ModelMutator(seed);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var compiledSources = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(seed);
        TextWriter console = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        try
        {
            for (int i = 0; i < mutants && failures.Count < 20; i++)
            {
                int m = random.Next(models.Length);
                (byte[] mutant, string how) = mutator.Mutate(models[m], fields[m], models[random.Next(models.Length)]);
                if (only is not null && !only.Contains(i))
                {
                    continue; // mutated all the same, so that the sequence stays the one the seed gives
                }
                string name = $"mutant {i} of {Path.GetFileName(paths[m])} ({how})";
                if (only is not null)
                {
                    // Replayed mutants are kept for a closer look (the generated code, a debugger).
                    string kept = Path.Combine(Path.GetTempPath(), "tinymodel-fuzz", $"mutant-{seed}-{i}.tflite");
                    Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
                    File.WriteAllBytes(kept, mutant);
                    name += $" [{kept}]";
                }
                string? outcome = Check(mutant, name, compiledSources, compileLimit, failures);
                if (printed.GetStringBuilder().Length > 0)
                {
                    failures.Add($"{name}: the generator wrote to the console: {printed.ToString()[..Math.Min(200, printed.ToString().Length)]}");
                    printed.GetStringBuilder().Clear();
                }
                if (outcome is not null)
                {
                    outcomes[outcome] = outcomes.TryGetValue(outcome, out int n) ? n + 1 : 1;
                }
            }
        }
        finally
        {
            Console.SetOut(console);
        }

        _output.WriteLine($"{mutants} mutants (seed {seed}) of {models.Length} models; {compiledSources.Count} distinct generated classes compiled, {Math.Min(compiledSources.Count, compileLimit)} of them run.");
        foreach ((string outcome, int count) in outcomes)
        {
            _output.WriteLine($"  {outcome}: {count}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Runs one mutant; returns its outcome (a TM id, or "compiled"), or null after recording a failure.</summary>
    private static string? Check(byte[] mutant, string name, HashSet<string> compiledSources, int compileLimit, List<string> failures)
    {
        Task<(GeneratorDriverRunResult, Compilation)> run = Task.Run(() => new GeneratorHarness(new ModelInput("/fuzz/model.tflite", mutant)).Run());
        if (!run.Wait(Timeout))
        {
            failures.Add($"{name}: the generator ran past {Timeout.TotalSeconds} s");
            return null;
        }
        (GeneratorDriverRunResult result, Compilation output) = run.Result;
        GeneratorRunResult generator = result.Results.Single();
        if (generator.Exception is Exception crash)
        {
            failures.Add($"{name}: the generator threw {crash.GetType().Name}: {crash.Message}");
            return null;
        }
        Diagnostic[] errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            if (errors.FirstOrDefault(d => !d.Id.StartsWith("TM", StringComparison.Ordinal) || d.Id == "TM0010") is Diagnostic bad)
            {
                failures.Add($"{name}: {bad}");
                return null;
            }
            if (generator.GeneratedSources.Length > 0)
            {
                failures.Add($"{name}: the generator reported {errors[0].Id} and still wrote code");
                return null;
            }
            return errors[0].Id;
        }

        // Every distinct generated class must compile; the first few are also run.
        string source = string.Join("\n", generator.GeneratedSources.Select(s => s.SourceText.ToString()));
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
        if (!compiledSources.Add(hash))
        {
            return "code generated (seen before)";
        }
        if (output.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is Diagnostic compileError)
        {
            failures.Add($"{name}: the generated code does not compile: {compileError}");
            return null;
        }
        if (compiledSources.Count > compileLimit)
        {
            return "code generated and compiled";
        }
        if (source.Contains("while (true)", StringComparison.Ordinal))
        {
            // A WHILE loop runs as long as the model says: a mutated condition may never turn false, in TFLM too.
            return "code generated and compiled (a WHILE loop: not run)";
        }
        try
        {
            ITinyModel model = InMemoryModel.Compile(mutant, "/fuzz/model.tflite").CreateWithoutRecording();
            byte[] inputs = new byte[model.Inputs.Sum(t => t.ByteCount)];
            byte[] outputs = new byte[model.Outputs.Sum(t => t.ByteCount)];
            model.InvokeRaw(inputs, outputs);
            new Random(hash.GetHashCode()).NextBytes(inputs);
            model.InvokeRaw(inputs, outputs);
            return "code generated, compiled and run";
        }
        catch (Exception e)
        {
            failures.Add($"{name}: the generated class failed: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return null;
        }
    }

    private static int Setting(string name, int defaultValue) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int value) ? value : defaultValue;
}

/// <summary>Tests that redirect <see cref="Console.Out"/> run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
