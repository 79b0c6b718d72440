using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Benchmarks;

/// <summary>
/// What a 5 MB model costs the build: the generator plus the C# compiler emitting the assembly, in
/// memory, against the same compilation without the model. A million byte literals alone cost the
/// compiler about 14 s here; TinyModel writes weights as 64-bit words.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    /// <summary>FULLY_CONNECTED float32 1280 → 1024: 5,242,880 bytes of weights.</summary>
    private const int Depth = 1280, Units = 1024;

    private byte[] _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var weights = new float[Units * Depth];
        var random = new Random(5);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5);
        }
        byte[] weightBytes = new byte[weights.Length * 4];
        Buffer.BlockCopy(weights, 0, weightBytes, 0, weightBytes.Length);

        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 1, Depth });
        int w = b.Constant("weights", TfliteType.Float32, new[] { Units, Depth }, weightBytes);
        int output = b.Tensor("output", TfliteType.Float32, new[] { 1, Units });
        _model = b.Operator(9, new[] { input, w, -1 }, new[] { output }).Inputs(input).Outputs(output).Build();
    }

    [Benchmark(Baseline = true, Description = "compile without a model")]
    public long CompileWithoutModel() => Compile(new GeneratorHarness());

    [Benchmark(Description = "generate and compile a 5 MB model")]
    public long CompileWith5MBModel() => Compile(new GeneratorHarness(new ModelInput("/bench/big_model.tflite", _model)));

    private static long Compile(GeneratorHarness harness)
    {
        (GeneratorDriverRunResult result, Compilation output) = harness.Run();
        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, result.Diagnostics));
        }
        using var image = new MemoryStream();
        var emitted = output.WithOptions(output.Options.WithOutputKind(OutputKind.DynamicallyLinkedLibrary).WithOptimizationLevel(OptimizationLevel.Release)).Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, emitted.Diagnostics.Take(10)));
        }
        return image.Length;
    }
}
