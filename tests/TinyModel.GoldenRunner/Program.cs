using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TinyModel;
using TinyModel.Tests.Infrastructure;

// Runs every compiled model on every golden case of ../shared and prints one line per failure and a
// final "N passed, N failed" line. Usage: TinyModel.GoldenRunner <shared folder>
string shared = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../../shared");
if (!Directory.Exists(Path.Combine(shared, "golden")))
{
    Console.Error.WriteLine($"error: '{shared}' has no golden folder; pass the path of ../shared.");
    return 2;
}

Console.WriteLine($"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}: " + string.Join(", ", new[]
{
    ("Vector512", Vector512.IsHardwareAccelerated), ("Vector256", Vector256.IsHardwareAccelerated), ("Vector128", Vector128.IsHardwareAccelerated),
    ("Avx2", Avx2.IsSupported), ("Sse41", Sse41.IsSupported), ("AdvSimd", AdvSimd.IsSupported), ("Dp", Dp.IsSupported),
}.Select(t => $"{t.Item1} {(t.Item2 ? "yes" : "no")}")));

int passed = 0, failed = 0;
foreach (Type type in typeof(Program).Assembly.GetTypes().Where(t => typeof(ITinyModel).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
{
    string name = type.Name["Model_".Length..];
    string golden = type.Namespace!.EndsWith(".Ops", StringComparison.Ordinal)
        ? Path.Combine(shared, "ops", "golden", name)
        : Path.Combine(shared, "golden", name);
    GoldenModel model = GoldenModel.Load(golden);
    for (int testCase = 0; testCase < model.CaseCount; testCase++)
    {
        // A fresh instance per case, as TFLM made each case from a fresh interpreter.
        var instance = (ITinyModel)Activator.CreateInstance(type)!;
        byte[] outputs = new byte[model.Outputs.Sum(o => o.Bytes)];
        instance.InvokeRaw(model.ConcatenatedInputs(testCase), outputs);
        var problems = new List<string>();
        int offset = 0;
        for (int o = 0; o < model.Outputs.Count; o++)
        {
            if (OutputComparison.Difference($"{name} case {testCase} output {o}", model.Outputs[o].DType, model.Output(testCase, o), outputs.AsSpan(offset, model.Outputs[o].Bytes)) is string problem)
            {
                problems.Add(problem);
            }
            offset += model.Outputs[o].Bytes;
        }
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
}
Console.WriteLine($"{passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

/// <summary>The program's entry type, named so that its assembly can be found.</summary>
internal partial class Program;
