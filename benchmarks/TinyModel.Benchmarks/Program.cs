using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TinyModel.Benchmarks;

// BenchmarkDotNet's own command line (--filter, --job, ...), plus two options of ours: with --report, the
// results are also written to docs/performance.md (Invoke beside ONNX Runtime and TFLM) and docs/build-time.md;
// --nativeaot <file> adds the NativeAOT measurements eng/benchmarks.sh made to that report.
var benchmarkArgs = new List<string>();
bool report = false;
string? nativeAot = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--report":
            report = true;
            break;
        case "--nativeaot" when i + 1 < args.Length:
            nativeAot = args[++i];
            break;
        default:
            benchmarkArgs.Add(args[i]);
            break;
    }
}
Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(InvokeBenchmarks).Assembly).Run(benchmarkArgs.ToArray()).ToArray();
if (report)
{
    PerformanceReport.Write(summaries, nativeAot);
}
