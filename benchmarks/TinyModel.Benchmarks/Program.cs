using System.Linq;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TinyModel.Benchmarks;

// BenchmarkDotNet's own command line (--filter, --job, ...). With --report, the Invoke results are
// also written to docs/performance.md beside TFLM's and ONNX Runtime's figures.
bool report = args.Contains("--report");
Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(InvokeBenchmarks).Assembly)
    .Run(args.Where(a => a != "--report").ToArray())
    .ToArray();
if (report)
{
    PerformanceReport.Write(summaries);
}
