using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Reports;

namespace TinyModel.Benchmarks;

/// <summary>
/// The peak MAC rates <see cref="PeakBenchmarks"/> measured in this run (GMAC/s), widest vectors first, for the
/// instruction mixes of int8 and float layers.
/// </summary>
internal sealed class MachinePeak
{
    private readonly List<(string Mix, int Bits, bool Int16Pairs, double Gmacs)> _rates;

    private MachinePeak(List<(string Mix, int Bits, bool Int16Pairs, double Gmacs)> rates) => _rates = rates;

    /// <summary>The peaks this run measured on vectors this machine has, or null if it ran no <see cref="PeakBenchmarks"/>.</summary>
    public static MachinePeak? Read(IEnumerable<Summary> summaries)
    {
        var rates = new List<(string Mix, int Bits, bool Int16Pairs, double Gmacs)>();
        foreach (BenchmarkReport report in summaries.SelectMany(s => s.Reports))
        {
            if (report.BenchmarkCase.Descriptor.Type != typeof(PeakBenchmarks) || report.ResultStatistics is not { } statistics)
            {
                continue;
            }
            (bool int16Pairs, int bits, bool supported) = report.BenchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(PeakBenchmarks.Int16Pairs512) => (true, 512, Avx512BW.IsSupported),
                nameof(PeakBenchmarks.Int16Pairs256) => (true, 256, Avx2.IsSupported),
                nameof(PeakBenchmarks.Float512) => (false, 512, Vector512.IsHardwareAccelerated),
                nameof(PeakBenchmarks.Float256) => (false, 256, Vector256.IsHardwareAccelerated),
                _ => (false, 0, false),
            };
            if (supported)
            {
                double gmacs = PeakBenchmarks.MacsPerCall(bits / 8, int16Pairs) / statistics.Min;
                rates.Add((int16Pairs ? "int16 pairs" : "float mul+add", bits, int16Pairs, gmacs));
            }
        }
        return rates.Any(r => r.Int16Pairs) && rates.Any(r => !r.Int16Pairs)
            ? new MachinePeak(rates.OrderByDescending(r => r.Bits).ToList())
            : null;
    }

    /// <summary>The highest measured rate, at any vector width, of float layers' mix or of int8 layers'.</summary>
    public double For(bool isFloat) => _rates.Where(r => r.Int16Pairs != isFloat).Max(r => r.Gmacs);

    /// <summary>The peaks, for the report's text.</summary>
    public string Describe() => "Measured peaks: " + string.Join(", ",
        _rates.Select(r => $"{r.Mix} {r.Bits}-bit {r.Gmacs.ToString("0.0", CultureInfo.InvariantCulture)} GMAC/s"));
}
