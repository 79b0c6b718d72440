using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;

namespace TinyModel.Benchmarks;

/// <summary>
/// One call of a compiled model on TFLM's golden case-0 input, per model in ../shared/models, and, where
/// ../shared/peers has the model as ONNX, one call of ONNX Runtime on the same input (<see cref="OnnxRuntimePeer"/>),
/// measured right after it so that the two figures share the machine's state. TFLM's figure to compare
/// with is <c>tflm_invoke_us</c> in ../shared/golden/&lt;model&gt;/meta.json.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PeersOnly))]
public class InvokeBenchmarks
{
    private ITinyModel _model = null!;
    private byte[] _input = null!;
    private byte[] _output = null!;
    private OnnxRuntimePeer? _peer;

    /// <summary>Every model this assembly compiled, by its file name.</summary>
    public static IEnumerable<string> Models() => CompiledModels.Names;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup(Target = nameof(Invoke))]
    public void Setup()
    {
        _model = CompiledModels.Create(Model);
        string golden = Path.Combine(Paths.SharedDir, "golden", Model);
        _input = Enumerable.Range(0, _model.Inputs.Count).SelectMany(i => File.ReadAllBytes(Path.Combine(golden, $"case0.input{i}.bin"))).ToArray();
        _output = new byte[_model.Outputs.Sum(o => o.ByteCount)];
    }

    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => _peer = new OnnxRuntimePeer(Model);

    [GlobalCleanup(Target = nameof(OnnxRuntime))]
    public void CleanupOnnxRuntime() => _peer?.Dispose();

    [Benchmark(Baseline = true, Description = "TinyModel")]
    public void Invoke() => _model.InvokeRaw(_input, _output);

    [Benchmark(Description = "ONNX Runtime")]
    public void OnnxRuntime() => _peer!.Run();

    /// <summary>Drops the ONNX Runtime case of a model that has no ONNX peer.</summary>
    private sealed class PeersOnly : ManualConfig
    {
        public PeersOnly() =>
            AddFilter(new SimpleFilter(c => c.Descriptor.WorkloadMethod.Name != nameof(OnnxRuntime) || OnnxRuntimePeer.Exists((string)c.Parameters["Model"])));
    }
}
