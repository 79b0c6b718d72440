using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace TinyModel.Benchmarks;

/// <summary>
/// One call of a compiled model on TFLM's golden case-0 input, per model in ../shared/models: the
/// figure to compare with TFLM's <c>tflm_invoke_us</c> (meta.json) and ONNX Runtime's (../shared/peers).
/// </summary>
[MemoryDiagnoser]
public class InvokeBenchmarks
{
    private ITinyModel _model = null!;
    private byte[] _input = null!;
    private byte[] _output = null!;

    /// <summary>Every model this assembly compiled, by its file name.</summary>
    public static IEnumerable<string> Models() => CompiledModels.Names;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _model = CompiledModels.Create(Model);
        string golden = Path.Combine(Paths.SharedDir, "golden", Model);
        _input = Enumerable.Range(0, _model.Inputs.Count).SelectMany(i => File.ReadAllBytes(Path.Combine(golden, $"case0.input{i}.bin"))).ToArray();
        _output = new byte[_model.Outputs.Sum(o => o.ByteCount)];
    }

    [Benchmark]
    public void Invoke() => _model.InvokeRaw(_input, _output);
}
