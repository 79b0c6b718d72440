using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace TinyModel.Benchmarks;

/// <summary>
/// The NativeAOT measurements eng/benchmarks.sh makes before BenchmarkDotNet runs: one tab-separated line per
/// variant (<c>jit</c>, <c>aot-default</c>, <c>aot-x86-64-v3</c>, <c>aot-native</c>), round and model, with the round's fastest µs
/// per call and whether the outputs equalled TFLM's golden bytes.
/// </summary>
internal sealed class NativeAotResults
{
    private readonly Dictionary<(string Variant, string Model), List<double>> _fastest = new();

    /// <summary>How many rounds the file holds (the most any variant and model has).</summary>
    public int Rounds => _fastest.Count == 0 ? 0 : _fastest.Values.Max(m => m.Count);

    /// <summary>The NativeAOT runs whose outputs differed from TFLM's, as <c>variant/model</c>.</summary>
    public IReadOnlyList<string> Mismatches { get; private set; } = Array.Empty<string>();

    public static NativeAotResults Read(string path)
    {
        var results = new NativeAotResults();
        var mismatches = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            // variant, round, model, fastest µs, matches TFLM
            string[] cells = line.Split('\t');
            if (cells.Length < 5 || !double.TryParse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double fastest))
            {
                continue;
            }
            (string variant, string model) = (cells[0], cells[2]);
            if (!results._fastest.TryGetValue((variant, model), out List<double>? rounds))
            {
                results._fastest[(variant, model)] = rounds = new List<double>();
            }
            rounds.Add(fastest);
            if (variant.StartsWith("aot", StringComparison.Ordinal) && cells[4] != "yes")
            {
                mismatches.Add($"{variant}/{model}");
            }
        }
        results.Mismatches = mismatches.ToList();
        return results;
    }

    /// <summary>The fastest of one variant's per-round figures for a model, or null if it was not measured.</summary>
    public double? Fastest(string variant, string model) =>
        _fastest.TryGetValue((variant, model), out List<double>? rounds) && rounds.Count > 0 ? rounds.Min() : null;
}
