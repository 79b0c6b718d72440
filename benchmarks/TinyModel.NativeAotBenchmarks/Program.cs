using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TinyModel;

// Times Invoke of the models compiled into this assembly (those named on the command line, or all) on
// TFLM's golden case-0 input, one thread, and prints one tab-separated line per model: name, µs per call in
// the fastest of 21 batches of calls (a batch lasting at least 5 ms; on a shared machine other processes
// only ever add time), and whether the outputs equal TFLM's
// golden bytes. Before measuring, each model runs for half a second and at least 60 calls, so that under
// the JIT its code has reached the optimized tier. eng/benchmarks.sh runs it as a NativeAOT binary (default
// instruction set and x86-64-v3) and, as the reference, under the JIT, interleaved, and merges the lines
// into docs/performance.md.
string shared = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "SharedDir").Value!;
Console.Error.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, AVX2 {Avx2.IsSupported}, SSE4.1 {Sse41.IsSupported}, Vector128 {Vector128.IsHardwareAccelerated}");
foreach ((string name, Func<ITinyModel> create) in Models.All(shared).Where(m => args.Length == 0 || args.Contains(m.Name)))
{
    ITinyModel model = create();
    string golden = Path.Combine(shared, "golden", name);
    byte[] input = Enumerable.Range(0, model.Inputs.Count).SelectMany(i => File.ReadAllBytes(Path.Combine(golden, $"case0.input{i}.bin"))).ToArray();
    byte[] expected = Enumerable.Range(0, model.Outputs.Count).SelectMany(i => File.ReadAllBytes(Path.Combine(golden, $"case0.output{i}.bin"))).ToArray();
    byte[] output = new byte[expected.Length];
    model.InvokeRaw(input, output);
    bool matches = output.AsSpan().SequenceEqual(expected);

    long start = Stopwatch.GetTimestamp();
    int calls = 0;
    while (calls < 60 || Stopwatch.GetElapsedTime(start).TotalSeconds < 0.5)
    {
        model.InvokeRaw(input, output);
        calls++;
    }
    int batch = Math.Max(1, (int)(calls * 0.005 / Stopwatch.GetElapsedTime(start).TotalSeconds));
    var perCall = new double[21];
    for (int b = 0; b < perCall.Length; b++)
    {
        start = Stopwatch.GetTimestamp();
        for (int i = 0; i < batch; i++)
        {
            model.InvokeRaw(input, output);
        }
        perCall[b] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{perCall.Min():0.###}\t{(matches ? "yes" : "no")}"));
}

/// <summary>The model classes the generator compiled into this assembly, matched to ../shared/models by the naming contract.</summary>
internal static class Models
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The project roots this whole assembly (TrimmerRootAssembly): every generated class and its constructor is kept.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The project roots this whole assembly (TrimmerRootAssembly): every generated class and its constructor is kept.")]
    public static IEnumerable<(string Name, Func<ITinyModel> Create)> All(string shared)
    {
        Type[] types = typeof(Models).Assembly.GetTypes().Where(t => typeof(ITinyModel).IsAssignableFrom(t) && !t.IsInterface).ToArray();
        foreach (string path in Directory.GetFiles(Path.Combine(shared, "models"), "*.tflite").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            // The default class name is the file name in PascalCase: compare without underscores and case.
            Type? type = types.FirstOrDefault(t => string.Equals(t.Name, name.Replace("_", ""), StringComparison.OrdinalIgnoreCase));
            if (type is not null)
            {
                yield return (name, () => (ITinyModel)Activator.CreateInstance(type)!);
            }
        }
    }
}
