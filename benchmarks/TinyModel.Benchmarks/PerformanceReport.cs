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
    public static void Write(IEnumerable<Summary> summaries)
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
