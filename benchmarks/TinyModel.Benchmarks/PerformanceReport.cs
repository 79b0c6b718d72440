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
/// Writes docs/performance.md: each model's Invoke median next to TFLM's (../shared/golden/*/meta.json)
/// and ONNX Runtime's (../shared/peers/README.md), as ratios, since the machine is shared and noisy.
/// </summary>
internal static class PerformanceReport
{
    public static void Write(IReadOnlyList<Summary> summaries)
    {
        WriteInvoke(summaries);
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
        text.AppendLine("and the program reads in place (no copy at start-up).");
        text.AppendLine();
        text.AppendLine("| Compilation | Median (ms) | Allocated (MB) |");
        text.AppendLine("|---|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine($"| {row.Name} | {row.Milliseconds.ToString("0.0", CultureInfo.InvariantCulture)} | {row.Megabytes.ToString("0.0", CultureInfo.InvariantCulture)} |");
        }
        string path = Path.Combine(Paths.RepositoryRoot, "docs", "build-time.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    private static void WriteInvoke(IEnumerable<Summary> summaries)
    {
        var medians = new SortedDictionary<string, (double Median, double Allocated)>(StringComparer.Ordinal);
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            if (report.BenchmarkCase.Descriptor.Type == typeof(InvokeBenchmarks) && report.ResultStatistics is { } statistics)
            {
                string model = (string)report.BenchmarkCase.Parameters["Model"];
                medians[model] = (statistics.Median / 1000.0, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0);
            }
        }
        if (medians.Count == 0)
        {
            Console.WriteLine("No Invoke results to report.");
            return;
        }

        Dictionary<string, double> onnx = OnnxRuntimeMedians();
        var text = new StringBuilder();
        text.AppendLine("# Invoke latency");
        text.AppendLine();
        text.AppendLine($"Measured by `eng/benchmarks.sh` (BenchmarkDotNet, .NET {Environment.Version}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}):");
        text.AppendLine("one call of each compiled model on TFLM's golden case-0 input, one thread. TFLM: its reference");
        text.AppendLine("interpreter on this kind of machine (`tflm_invoke_us` in ../shared/golden/<model>/meta.json);");
        text.AppendLine("ONNX Runtime: ../shared/peers/README.md (single-threaded CPU provider). These are not same-run");
        text.AppendLine("figures on a quiet machine, so read the ratios, not the digits. A ratio above 1 means TinyModel is faster.");
        text.AppendLine();
        text.AppendLine("| Model | TinyModel µs | TFLM µs | TFLM / TinyModel | ONNX Runtime µs | ONNX Runtime / TinyModel | Allocated B/call |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach ((string model, (double median, double allocated)) in medians)
        {
            double? tflm = TflmMedian(model);
            double? ort = onnx.TryGetValue(model, out double o) ? o : null;
            text.AppendLine($"| {model} | {F(median)} | {F(tflm)} | {Ratio(tflm, median)} | {F(ort)} | {Ratio(ort, median)} | {allocated:0} |");
        }

        string path = Path.Combine(Paths.RepositoryRoot, "docs", "performance.md");
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"Wrote {path}");
    }

    private static string F(double? value) => value is double v ? v.ToString(v < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? peer, double ours) => peer is double p ? (p / ours).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static double? TflmMedian(string model)
    {
        string meta = Path.Combine(Paths.SharedDir, "golden", model, "meta.json");
        if (!File.Exists(meta))
        {
            return null;
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(meta));
        return document.RootElement.TryGetProperty("tflm_invoke_us", out JsonElement invoke) && invoke.TryGetProperty("median", out JsonElement median)
            ? median.GetDouble()
            : null;
    }

    /// <summary>The peers README's table rows: <c>| model | ORT µs | TFLM µs | ...</c>.</summary>
    private static Dictionary<string, double> OnnxRuntimeMedians()
    {
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        string readme = Path.Combine(Paths.SharedDir, "peers", "README.md");
        if (!File.Exists(readme))
        {
            return medians;
        }
        foreach (string line in File.ReadLines(readme))
        {
            string[] cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 3 && double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double us))
            {
                medians[cells[1]] = us;
            }
        }
        return medians;
    }
}
