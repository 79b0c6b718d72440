using System;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TinyModel.Generator.Diagnostics;

namespace TinyModel.Generator;

/// <summary>
/// Compiles every TensorFlow Lite model added as an <c>AdditionalFiles</c> item into a C# class.
/// </summary>
/// <remarks>
/// Roslyn passes additional files to generators only as text, so TinyModel's build targets encode each
/// <c>.tflite</c> item as base64 under <c>obj/</c> and pass that instead, with the item's metadata and
/// the original path (<c>TinyModelSourceFile</c>). The pipeline: pick the model files (cheap, equatable),
/// then parse each (read, lower, plan) into an equatable <see cref="Model.ModelSpec"/>, then emit.
/// An unrelated edit leaves every step cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class TinyModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental-generation tests.</summary>
    public static class TrackingNames
    {
        public const string ModelFiles = nameof(ModelFiles);
        public const string ModelSpecs = nameof(ModelSpecs);
        public const string EmitRequests = nameof(EmitRequests);
    }

    private const string MetadataPrefix = "build_metadata.AdditionalFiles.";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ModelFile> files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => SelectModelFile(pair.Left, pair.Right))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .WithTrackingName(TrackingNames.ModelFiles);

        IncrementalValuesProvider<ParseResult> specs = files
            .Select(static (file, cancellationToken) => Parser.Parse(file, cancellationToken))
            .WithTrackingName(TrackingNames.ModelSpecs);

        // Two models that map to one class: the first by path compiles, the others report TM0009. Only
        // the (class, path) pairs are collected, so a change inside one model leaves the others cached.
        IncrementalValueProvider<Common.EquatableArray<GeneratedClass>> classes = specs
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => new GeneratedClass(result.Spec!.FullName, result.SourcePath))
            .Collect()
            .Select(static (all, _) => new Common.EquatableArray<GeneratedClass>(all.Sort()));

        // Debug builds keep wide constants in static arrays (see ConstantStorage); only this one option of
        // the compilation is taken, so an edit elsewhere leaves it unchanged and the outputs cached.
        IncrementalValueProvider<Emitting.ConstantStorage> storage = context.CompilationProvider
            .Select(static (compilation, _) => compilation.Options.OptimizationLevel == OptimizationLevel.Release
                ? Emitting.ConstantStorage.DataSection
                : Emitting.ConstantStorage.StaticArrays);

        // Each model's emit request carries only whether another model took its class name, so adding or
        // removing one model leaves the requests of the others equal, and their outputs cached.
        IncrementalValuesProvider<EmitRequest> requests = specs.Combine(classes)
            .Select(static (pair, _) => EmitRequest.For(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.EmitRequests);

        IncrementalValueProvider<RuntimeReference> runtime = context.CompilationProvider
            .Select(static (compilation, _) => RuntimeReference.Check(compilation));

        context.RegisterSourceOutput(requests.Combine(storage).Combine(runtime),
            static (output, input) => Emitter.Emit(output, input.Left.Left, input.Left.Right, input.Right));
    }

    private static ModelFile? SelectModelFile(AdditionalText text, AnalyzerConfigOptionsProvider options)
    {
        AnalyzerConfigOptions fileOptions = options.GetOptions(text);
        string? source = Metadata(fileOptions, "TinyModelSourceFile");
        bool isEncoded = source is not null;
        if (!isEncoded && !text.Path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        options.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? rootNamespace);
        // The item's TinyModelFlavor wins over the project-wide property.
        options.GlobalOptions.TryGetValue("build_property.TinyModelFlavor", out string? projectFlavor);
        return new ModelFile(text, source ?? text.Path, isEncoded,
            Metadata(fileOptions, "TinyModelClass"), Metadata(fileOptions, "TinyModelNamespace"),
            string.IsNullOrWhiteSpace(rootNamespace) ? null : rootNamespace!.Trim(),
            Metadata(fileOptions, "TinyModelFlavor") ?? (string.IsNullOrWhiteSpace(projectFlavor) ? null : projectFlavor!.Trim()),
            Metadata(fileOptions, "TinyModelResource"));
    }

    private static string? Metadata(AnalyzerConfigOptions options, string name) =>
        options.TryGetValue(MetadataPrefix + name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The result of parsing one model: a spec to emit, and diagnostics to report.</summary>
    internal sealed record ParseResult(Model.ModelSpec? Spec, Common.EquatableArray<DiagnosticInfo> Diagnostics, string SourcePath);

    /// <summary>A parsed model to emit, and the model that already compiles to its class, if another one does (TM0009).</summary>
    internal sealed record EmitRequest(ParseResult Result, string? ClassTakenBy)
    {
        /// <summary>Classes are sorted by name then path, so the first with the model's class name keeps it.</summary>
        public static EmitRequest For(ParseResult result, Common.EquatableArray<GeneratedClass> classes)
        {
            if (result.Spec is { } spec)
            {
                foreach (GeneratedClass c in classes)
                {
                    if (c.FullName == spec.FullName)
                    {
                        return new EmitRequest(result, c.SourcePath == result.SourcePath ? null : c.SourcePath);
                    }
                }
            }
            return new EmitRequest(result, null);
        }
    }

    /// <summary>A class some model compiles to, for finding two models that compile to one class.</summary>
    internal readonly record struct GeneratedClass(string FullName, string SourcePath) : IComparable<GeneratedClass>
    {
        public int CompareTo(GeneratedClass other)
        {
            int byName = string.CompareOrdinal(FullName, other.FullName);
            return byName != 0 ? byName : string.CompareOrdinal(SourcePath, other.SourcePath);
        }
    }

    internal static string DefaultClassName(string sourcePath) =>
        Common.Identifiers.ToPascalCase(Path.GetFileNameWithoutExtension(sourcePath));
}
