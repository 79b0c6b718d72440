using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace TinyModel.Benchmarks;

/// <summary>
/// Writes docs/performance.md: each model's fastest Invoke beside ONNX Runtime's on the same model in the same
/// BenchmarkDotNet run, the NativeAOT figures eng/benchmarks.sh measured before it, and TFLM's
/// (../shared/golden/*/meta.json), as ratios. The machine is shared: other processes only ever add time, so the
/// fastest iteration is the closest estimate of a call's cost with the machine to itself, and every column
/// takes that same statistic.
/// </summary>
internal static class PerformanceReport
{
    /// <summary>Writes the reports; <paramref name="nativeAotResults"/> is eng/benchmarks.sh's NativeAOT measurements, if it made them.</summary>
    public static void Write(IReadOnlyList<Summary> summaries, string? nativeAotResults)
    {
        WriteInvoke(summaries, nativeAotResults);
        WriteBuildCost(summaries);
    }

    /// <summary>docs/build-time.md: the generator and compiler on a 5 MB model, against the same compilation without it.</summary>
    private static void WriteBuildCost(IEnumerable<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(GeneratorBenchmarks) && r.ResultStatistics is not null)
            .Select(r => (Name: r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                Milliseconds: r.ResultStatistics!.Median / 1e6,
                Megabytes: (r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0) / 1048576.0))
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }
        var text = new StringBuilder();
        text.AppendLine("# Build cost of a large model");
        text.AppendLine();
        text.AppendLine($"Measured by `eng/benchmarks.sh` (BenchmarkDotNet, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}): the generator and the C#");
        text.AppendLine("compiler, in one process, emitting an assembly from a FULLY_CONNECTED float32 1280 → 1024 model");
        text.AppendLine("(5,242,880 bytes of weights), against the same compilation without the model. Weights are written as");
        text.AppendLine("64-bit words in a `ReadOnlySpan<ulong>` initializer, which the compiler stores as data in the assembly");
        text.AppendLine("and the program reads in place (no copy at start-up): the form every model takes in a compilation without");
        text.AppendLine("TinyModel's build targets, and in a build with them, models up to `TinyModelResourceMinBytes` (1 MiB).");
        text.AppendLine();
        text.AppendLine("| Compilation | Median (ms) | Allocated (MB) |");
        text.AppendLine("|---|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine($"| {row.Name} | {row.Milliseconds.ToString("0.0", CultureInfo.InvariantCulture)} | {row.Megabytes.ToString("0.0", CultureInfo.InvariantCulture)} |");
        }
        string path = Path.Combine(Paths.RepositoryRoot, "docs", "build-time.md");
        // The sections from eng/build-time.sh's whole-build figures on are written by hand: kept as they are.
        const string HandWritten = "## A whole build";
        string previous = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        int kept = previous.IndexOf(HandWritten, StringComparison.Ordinal);
        if (kept >= 0)
        {
            text.AppendLine().Append(previous, kept, previous.Length - kept);
        }
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    private static void WriteInvoke(IReadOnlyList<Summary> summaries, string? nativeAotResults)
    {
        Dictionary<string, (double Fastest, double Allocated)> tinyModel = Fastest(summaries, nameof(InvokeBenchmarks.Invoke));
        if (tinyModel.Count == 0)
        {
            Console.WriteLine("No Invoke results to report.");
            return;
        }
        Dictionary<string, (double Fastest, double Allocated)> onnx = Fastest(summaries, nameof(InvokeBenchmarks.OnnxRuntime));
        NativeAotResults? aot = nativeAotResults is null ? null : NativeAotResults.Read(nativeAotResults);
        MachinePeak? peak = MachinePeak.Read(summaries);

        var text = new StringBuilder();
        text.AppendLine("# Invoke latency");
        text.AppendLine();
        text.AppendLine($"Measured by `eng/benchmarks.sh` on {DateTime.UtcNow:yyyy-MM-dd}: {Environment.ProcessorCount} cores ({CpuName()}), .NET {Environment.Version},");
        text.AppendLine("one thread, one call of each model on TFLM's golden case-0 input. The machine is shared and noisy: other");
        text.AppendLine("processes only ever add time, so every figure is the **fastest** observed (the mean of the fastest");
        text.AppendLine("iteration or batch), the closest estimate of a call's cost with the machine to itself; read the ratios,");
        text.AppendLine("which compare figures taken side by side, rather than the digits.");
        text.AppendLine();
        text.AppendLine("- **TinyModel** and **ONNX Runtime**: one BenchmarkDotNet run (its Min), each model's two figures taken one");
        text.AppendLine("  after the other. ONNX Runtime (`Microsoft.ML.OnnxRuntime`");
        text.AppendLine("  1.31.1) runs the same model converted to ONNX (../shared/peers) with the CPU provider, one intra-op and one");
        text.AppendLine("  inter-op thread, all graph optimizations, inputs and outputs bound once (`RunWithBinding`).");
        text.AppendLine("  **ORT ÷ TinyModel** above 1 means TinyModel is faster. **GMAC/s**: the model's multiply-accumulates");
        text.AppendLine("  (`MacCount`) per second of TinyModel's figure.");
        if (peak is not null)
        {
            text.AppendLine("- **% of peak**: GMAC/s over this machine's peak for the instruction mix the model's convolutions run, measured");
            text.AppendLine("  in the same run (`PeakBenchmarks`: independent accumulators in registers, no memory traffic): int8 models");
            text.AppendLine("  multiply int16 pairs into int32 sums (`vpmaddwd` + `vpaddd`), float models multiply, then add (no fused");
            text.AppendLine("  multiply-add, to keep TFLM's rounding); the peak is the best of the vector widths. " + peak.Describe() + ".");
            text.AppendLine("  `MacCount` counts a direct convolution's MACs, and a Winograd layer (3×3 int8 CONV_2D) does fewer");
            text.AppendLine("  multiplications for the same outputs, so a model with such layers can pass 100%; a figure near 100% is a");
            text.AppendLine("  model that runs at the peak loop's rate (both are measurements on a shared machine).");
        }
        text.AppendLine("- **ORT GMAC/s**: the same multiply-accumulates per second of ONNX Runtime's figure.");
        if (CpuFlags().Contains("avx512_vnni"))
        {
            text.AppendLine("  This CPU has AVX-512 VNNI, and ONNX Runtime's int8 GEMM (MLAS) runs on it: its hot loop is `vpdpbusds`, 64");
            text.AppendLine("  u8 × s8 multiply-accumulates into int32 per 512-bit instruction, where `vpmaddwd` + `vpaddd` do 32. .NET 10");
            text.AppendLine("  has no intrinsic for it (`AvxVnni` is the VEX-encoded AVX-VNNI, which this CPU lacks; `Avx10v1` needs AVX10;");
            text.AppendLine("  AVX-512 VNNI arrives in .NET 11), so an int8 model that is mostly 1×1 convolution (mobilenet_v2) runs");
            text.AppendLine("  against twice TinyModel's multiply rate: ORT runs the whole model, depthwise layers included, near the");
            text.AppendLine("  int16-pair peak, the rate at which TinyModel's widest pointwise layers already run.");
        }
        if (aot is not null)
        {
            text.AppendLine("- **NativeAOT**: benchmarks/TinyModel.NativeAotBenchmarks, published with NativeAOT's default instruction set");
            text.AppendLine("  (the x64 baseline, SSE2, with SSE4.1 used where the kernels check for it at run time) and with");
            text.AppendLine("  `IlcInstructionSet` x86-64-v3 (AVX2) and `native` (every instruction set this CPU has, as the JIT uses), and the");
            text.AppendLine("  same program under the JIT, run model by model and");
            text.AppendLine($"  interleaved, {aot.Rounds} rounds of 21 batches of at least 5 ms; each figure is the fastest batch. **÷ JIT** is the");
            text.AppendLine("  binary's time over the JIT's in that harness: 1.00× is as fast as the JIT, above is slower.");
            text.AppendLine($"  Every NativeAOT output equals TFLM's golden bytes: {(aot.Mismatches.Count == 0 ? "yes" : "**no**: " + string.Join(", ", aot.Mismatches))}.");
        }
        text.AppendLine("- **TFLM**: its reference interpreter on this kind of machine, not in this run (`tflm_invoke_us.min` in");
        text.AppendLine("  ../shared/golden/<model>/meta.json, pinned to one core).");
        text.AppendLine();
        text.AppendLine("| Model | TinyModel µs | ONNX Runtime µs | ORT ÷ TinyModel | GMAC/s | % of peak | ORT GMAC/s | NativeAOT µs | ÷ JIT | NativeAOT x86-64-v3 µs | ÷ JIT | NativeAOT native µs | ÷ JIT | TFLM µs | TFLM ÷ TinyModel | Allocated B/call (TinyModel, ORT) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string model, (double fastest, double allocated)) in tinyModel.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            double? tflm = TflmFastest(model);
            double? ort = onnx.TryGetValue(model, out var o) ? o.Fastest : null;
            string ortAllocated = onnx.TryGetValue(model, out o) ? o.Allocated.ToString("0", CultureInfo.InvariantCulture) : "–";
            long macs = CompiledModels.MacCount(model);
            string gmacs = Gmacs(macs, fastest);
            string ortGmacs = Gmacs(macs, ort);
            string ofPeak = macs > 0 && peak is not null
                ? (100 * macs / (fastest * 1e3) / peak.For(CompiledModels.IsFloat(model))).ToString("0", CultureInfo.InvariantCulture) + "%"
                : "–";
            double? jit = aot?.Fastest("jit", model), aotDefault = aot?.Fastest("aot-default", model), aotV3 = aot?.Fastest("aot-x86-64-v3", model),
                aotNative = aot?.Fastest("aot-native", model);
            text.AppendLine($"| {model} | {F(fastest)} | {F(ort)} | {Ratio(ort, fastest)} | {gmacs} | {ofPeak} | {ortGmacs} | {F(aotDefault)} | {Ratio(aotDefault, jit)} | {F(aotV3)} | {Ratio(aotV3, jit)} | {F(aotNative)} | {Ratio(aotNative, jit)} | {F(tflm)} | {Ratio(tflm, fastest)} | {allocated:0}, {ortAllocated} |");
        }

        string path = Path.Combine(Paths.RepositoryRoot, "docs", "performance.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    /// <summary>Each model's fastest iteration (µs per call) and allocated bytes per call, for one method of <see cref="InvokeBenchmarks"/>.</summary>
    private static Dictionary<string, (double Fastest, double Allocated)> Fastest(IEnumerable<Summary> summaries, string method)
    {
        var fastest = new Dictionary<string, (double Fastest, double Allocated)>(StringComparer.Ordinal);
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            if (report.BenchmarkCase.Descriptor.Type == typeof(InvokeBenchmarks) && report.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                && report.ResultStatistics is { } statistics)
            {
                string model = (string)report.BenchmarkCase.Parameters["Model"];
                fastest[model] = (statistics.Min / 1000.0, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0);
            }
        }
        return fastest;
    }

    /// <summary><paramref name="macs"/> per <paramref name="microseconds"/> in GMAC/s, or a dash when either is missing.</summary>
    private static string Gmacs(long macs, double? microseconds) =>
        macs > 0 && microseconds is double us ? (macs / (us * 1e3)).ToString("0.00", CultureInfo.InvariantCulture) : "–";

    /// <summary>The CPU's feature flags, as Linux reports them (none elsewhere).</summary>
    private static string[] CpuFlags() => (CpuInfo("flags") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The CPU's model name, as Linux reports it.</summary>
    private static string CpuName() => CpuInfo("model name") ?? "CPU unknown";

    /// <summary>The value of the first line of /proc/cpuinfo that starts with <paramref name="field"/>, if any.</summary>
    private static string? CpuInfo(string field)
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuInfo) ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) : null;
        return line?.Substring(line.IndexOf(':') + 1).Trim();
    }

    private static string F(double? value) => value is double v ? v.ToString(v < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture) : "–";

    /// <summary><paramref name="numerator"/> ÷ <paramref name="denominator"/>, or a dash when either is missing.</summary>
    private static string Ratio(double? numerator, double? denominator) =>
        numerator is double n && denominator is double d ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static double? TflmFastest(string model)
    {
        string meta = Path.Combine(Paths.SharedDir, "golden", model, "meta.json");
        if (!File.Exists(meta))
        {
            return null;
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(meta));
        return document.RootElement.TryGetProperty("tflm_invoke_us", out JsonElement invoke) && invoke.TryGetProperty("min", out JsonElement min)
            ? min.GetDouble()
            : null;
    }
}
