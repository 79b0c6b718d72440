using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace TinyModel.Benchmarks;

/// <summary>
/// The peer a .NET developer would otherwise pick: ONNX Runtime running a model converted to ONNX
/// (../shared/peers/&lt;model&gt;.onnx) on the same golden case-0 input, set up as ../shared/peers/README.md
/// measured it: CPU provider, one intra-op and one inter-op thread, all graph optimizations, inputs and
/// outputs bound once (OrtIoBinding), so that <see cref="Run"/> is <c>RunWithBinding</c> alone and allocates
/// no managed memory.
/// </summary>
internal sealed class OnnxRuntimePeer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly List<OrtValue> _values = new();

    public OnnxRuntimePeer(string model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(PeerPath(model), options);
        _binding = _session.CreateIoBinding();

        // The peers keep TFLite's tensor names, shapes and element types: bind by the compiled model's names.
        ITinyModel compiled = CompiledModels.Create(model);
        string golden = Path.Combine(Paths.SharedDir, "golden", model);
        for (int i = 0; i < compiled.Inputs.Count; i++)
        {
            OrtValue value = Allocate(_session.InputMetadata[compiled.Inputs[i].Name]);
            File.ReadAllBytes(Path.Combine(golden, $"case0.input{i}.bin")).AsSpan().CopyTo(value.GetTensorMutableRawData());
            _binding.BindInput(compiled.Inputs[i].Name, value);
        }
        foreach (TensorInfo output in compiled.Outputs)
        {
            _binding.BindOutput(output.Name, Allocate(_session.OutputMetadata[output.Name]));
        }
        Run();
    }

    /// <summary>Whether ../shared/peers has <paramref name="model"/> as ONNX.</summary>
    public static bool Exists(string model) => File.Exists(PeerPath(model));

    /// <summary>One inference on the bound input into the bound outputs.</summary>
    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _values.ForEach(v => v.Dispose());
        _runOptions.Dispose();
        _session.Dispose();
    }

    private static string PeerPath(string model) => Path.Combine(Paths.SharedDir, "peers", model + ".onnx");

    /// <summary>A tensor ONNX Runtime allocates for one graph input or output, kept until disposal.</summary>
    private OrtValue Allocate(NodeMetadata metadata)
    {
        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray());
        _values.Add(value);
        return value;
    }
}
