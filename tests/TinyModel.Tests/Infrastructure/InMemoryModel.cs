using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace TinyModel.Tests.Infrastructure;

/// <summary>
/// A model compiled at test time, the way a user's build compiles it (the generator, then the C#
/// compiler with optimizations), and loaded into its own assembly. Lets the golden tests run over
/// every file in a folder without listing them in the project, and record each layer's output
/// through the generated <c>OnTensorComputed</c> hook.
/// </summary>
public sealed class InMemoryModel
{
    private const string Namespace = "TinyModel.Compiled";
    private const string ClassName = "Model";

    // Implements the generated partial hook: records every tensor a layer computes, by model index.
    private const string TensorRecorder = $$"""
        namespace {{Namespace}}
        {
            public sealed partial class {{ClassName}}
            {
                public global::System.Collections.Generic.Dictionary<int, byte[]> Tensors { get; } = new();

                public bool RecordTensors { get; set; } = true;

                public global::System.Action<int>? AfterTensor { get; set; }

                partial void OnTensorComputed(int tensorIndex, global::System.ReadOnlySpan<byte> data)
                {
                    if (RecordTensors)
                    {
                        Tensors[tensorIndex] = data.ToArray();
                    }
                    AfterTensor?.Invoke(tensorIndex);
                }
            }
        }
        """;

    private readonly Type _type;

    private InMemoryModel(Type type, string generatedSource, string constantsSource)
    {
        _type = type;
        GeneratedSource = generatedSource;
        ConstantsSource = constantsSource;
    }

    /// <summary>The assembly the model was compiled into (with any extra source).</summary>
    public Assembly Assembly => _type.Assembly;

    /// <summary>The C# the generator wrote for the model's class.</summary>
    public string GeneratedSource { get; }

    /// <summary>The C# the generator wrote for the model's constants.</summary>
    public string ConstantsSource { get; }

    /// <summary>A fresh instance (state starts from zeros, as in a fresh TFLM interpreter).</summary>
    public ITinyModel Create() => (ITinyModel)Activator.CreateInstance(_type)!;

    /// <summary>A fresh instance that records nothing: it runs exactly the code a user's build runs.</summary>
    public ITinyModel CreateWithoutRecording()
    {
        ITinyModel instance = Create();
        instance.GetType().GetProperty("RecordTensors")!.SetValue(instance, false);
        return instance;
    }

    /// <summary>Sets a callback the instance's tensor hook calls after each layer (to act in the middle of a call).</summary>
    public static void SetAfterTensor(ITinyModel instance, Action<int> callback) =>
        instance.GetType().GetProperty("AfterTensor")!.SetValue(instance, callback);

    /// <summary>The tensors an instance recorded in its last call, by their index in the model.</summary>
    public static IReadOnlyDictionary<int, byte[]> RecordedTensors(ITinyModel instance) =>
        (IReadOnlyDictionary<int, byte[]>)instance.GetType().GetProperty("Tensors")!.GetValue(instance)!;

    /// <summary>Compiles a .tflite file; throws with the diagnostics if the generator or the compiler reports an error.</summary>
    /// <param name="tflitePath">The model file.</param>
    /// <param name="optimization">The consuming project's configuration: Release (optimized) or Debug.</param>
    public static InMemoryModel Compile(string tflitePath, OptimizationLevel optimization = OptimizationLevel.Release) =>
        Compile(File.ReadAllBytes(tflitePath), tflitePath, optimization);

    /// <summary>Compiles a model's bytes (such as one built with <see cref="TfliteModelBuilder"/>), reported under <paramref name="tflitePath"/>.</summary>
    /// <param name="model">The model's bytes.</param>
    /// <param name="tflitePath">The path diagnostics name.</param>
    /// <param name="optimization">The consuming project's configuration.</param>
    /// <param name="extraSource">More C# compiled with the model, such as code that calls its typed <c>Invoke</c> (reach it through <see cref="Assembly"/>).</param>
    /// <param name="resource">As the build targets do for large models: the logical name under which the model file is
    /// embedded as a manifest resource, named to the generator (its large weights then come from there).</param>
    /// <param name="resourceBytes">The bytes embedded under <paramref name="resource"/> (default: the model's; others to test a stale resource, null and no resource: none).</param>
    public static InMemoryModel Compile(byte[] model, string tflitePath = "/tests/synthetic.tflite", OptimizationLevel optimization = OptimizationLevel.Release, string? extraSource = null,
        string? resource = null, byte[]? resourceBytes = null)
    {
        var harness = new GeneratorHarness(optimization, new ModelInput(tflitePath, model, ClassName, Namespace, Resource: resource));
        harness.AddUnrelatedSource(TensorRecorder);
        if (extraSource is not null)
        {
            harness.AddUnrelatedSource(extraSource);
        }
        (GeneratorDriverRunResult result, Compilation output) = harness.Run();
        if (result.Results.Single().Exception is Exception crash)
        {
            throw new InvalidOperationException($"The generator threw on {Path.GetFileName(tflitePath)}: {crash}");
        }
        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException($"The generator rejected {Path.GetFileName(tflitePath)}:{Environment.NewLine}"
                + string.Join(Environment.NewLine, result.Diagnostics));
        }

        Compilation library = output.WithOptions(((CSharpCompilationOptions)output.Options)
            .WithOutputKind(OutputKind.DynamicallyLinkedLibrary)
            .WithOptimizationLevel(optimization)
            .WithAllowUnsafe(true));
        using var image = new MemoryStream();
        byte[] embedded = resourceBytes ?? model;
        EmitResult emitted = resource is null
            ? library.Emit(image)
            : library.Emit(image, manifestResources: embedded.Length == 0 ? null : new[] { new ResourceDescription(resource, () => new MemoryStream(embedded), isPublic: true) });
        List<Diagnostic> problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!emitted.Success || problems.Count > 0)
        {
            throw new InvalidOperationException($"The code generated for {Path.GetFileName(tflitePath)} does not compile cleanly:{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems.Take(20)));
        }

        image.Position = 0;
        Assembly assembly = new AssemblyLoadContext(Path.GetFileName(tflitePath), isCollectible: true).LoadFromStream(image);
        string source = result.GeneratedTrees.First(t => t.FilePath.EndsWith($"{Namespace}.{ClassName}.g.cs", StringComparison.Ordinal)).ToString();
        string constants = result.GeneratedTrees.First(t => t.FilePath.EndsWith($"{Namespace}.{ClassName}.Constants.g.cs", StringComparison.Ordinal)).ToString();
        return new InMemoryModel(assembly.GetType($"{Namespace}.{ClassName}", throwOnError: true)!, source, constants);
    }
}
