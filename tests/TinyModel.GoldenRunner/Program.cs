using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TinyModel;
using TinyModel.GoldenRunner;
using TinyModel.Tests.Infrastructure;

// Runs every compiled model on every golden case of ../shared (and every sequence case, on one instance) and
// prints the instruction tier each kernel takes here, one line per failure and a final "N passed, N failed" line.
// Usage: TinyModel.GoldenRunner <shared folder>
string shared = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../../shared");
if (!Directory.Exists(Path.Combine(shared, "golden")))
{
    Console.Error.WriteLine($"error: '{shared}' has no golden folder; pass the path of ../shared.");
    return 2;
}

Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}: " + string.Join(", ", new[]
{
    ("Vector512", Vector512.IsHardwareAccelerated), ("Vector256", Vector256.IsHardwareAccelerated), ("Vector128", Vector128.IsHardwareAccelerated),
    ("Avx512BW", Avx512BW.IsSupported), ("Avx2", Avx2.IsSupported), ("Sse41", Sse41.IsSupported), ("AdvSimd", AdvSimd.IsSupported), ("Dp", Dp.IsSupported),
}.Select(t => $"{t.Item1} {(t.Item2 ? "yes" : "no")}")));
Console.Write(KernelTiers.Table());

// Each namespace of compiled models reads the golden folder of its own folder of ../shared.
var goldenFolders = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["TinyModel.GoldenRunner.Models"] = Path.Combine(shared, "golden"),
    ["TinyModel.GoldenRunner.Ops"] = Path.Combine(shared, "ops", "golden"),
    ["TinyModel.GoldenRunner.Signal"] = Path.Combine(shared, "signal", "golden"),
};
int passed = 0, failed = 0;
foreach (Type type in typeof(Program).Assembly.GetTypes().Where(t => typeof(ITinyModel).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
{
    string name = type.Name["Model_".Length..];
    GoldenModel model = GoldenModel.Load(Path.Combine(goldenFolders[type.Namespace!], name));
    for (int testCase = 0; testCase < model.CaseCount; testCase++)
    {
        // A fresh instance per case, as TFLM made each case from a fresh interpreter.
        var instance = (ITinyModel)Activator.CreateInstance(type)!;
        byte[] outputs = new byte[model.Outputs.Sum(o => o.Bytes)];
        instance.InvokeRaw(model.ConcatenatedInputs(testCase), outputs);
        Count(Compare($"{name} case {testCase}", model, o => model.Output(testCase, o), o => outputs.AsSpan(OutputOffset(model, o), model.Outputs[o].Bytes).ToArray()));
    }
    foreach (GoldenSequence sequence in model.Sequences)
    {
        // One instance for every step, as TFLM ran the sequence: stateful models carry their state across.
        var instance = (ITinyModel)Activator.CreateInstance(type)!;
        byte[][] actual = model.Outputs.Select(o => new byte[sequence.Steps * o.Bytes]).ToArray();
        byte[] outputs = new byte[model.Outputs.Sum(o => o.Bytes)];
        for (int step = 0; step < sequence.Steps; step++)
        {
            instance.InvokeRaw(model.SequenceInputs(sequence, step), outputs);
            for (int o = 0; o < model.Outputs.Count; o++)
            {
                outputs.AsSpan(OutputOffset(model, o), model.Outputs[o].Bytes).CopyTo(actual[o].AsSpan(step * model.Outputs[o].Bytes));
            }
        }
        Count(Compare($"{name} {sequence.Name} ({sequence.Steps} steps)", model, o => model.SequenceOutput(sequence, o), o => actual[o]));
    }
}
Console.WriteLine($"{passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

void Count(List<string> problems)
{
    if (problems.Count == 0)
    {
        passed++;
    }
    else
    {
        failed++;
        problems.ForEach(p => Console.WriteLine("FAIL " + p));
    }
}

static List<string> Compare(string label, GoldenModel model, Func<int, byte[]> expected, Func<int, byte[]> actual)
{
    var problems = new List<string>();
    for (int o = 0; o < model.Outputs.Count; o++)
    {
        if (OutputComparison.Difference($"{label} output {o}", model.Outputs[o].DType, expected(o), actual(o)) is string problem)
        {
            problems.Add(problem);
        }
    }
    return problems;
}

static int OutputOffset(GoldenModel model, int output) => model.Outputs.Take(output).Sum(o => o.Bytes);

/// <summary>The program's entry type, named so that its assembly can be found.</summary>
internal partial class Program;
