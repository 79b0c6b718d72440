using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TinyModel.Generator;

namespace TinyModel.Tests.Infrastructure;

/// <summary>A model file as the build targets hand it to the generator.</summary>
/// <param name="SourcePath">The .tflite path the user added (where diagnostics point).</param>
/// <param name="Bytes">The model's bytes.</param>
/// <param name="ClassName">The TinyModelClass metadata, if any.</param>
/// <param name="Namespace">The TinyModelNamespace metadata, if any.</param>
/// <param name="Encoded">False to pass the raw file as text, as happens without the build targets.</param>
/// <param name="EncodedTextOverride">Text to hand over as the encoded copy instead of the real base64 (a damaged obj/ file).</param>
/// <param name="Flavor">The TinyModelFlavor metadata, if any.</param>
/// <param name="Resource">The TinyModelResource metadata (the build targets set it on large models, embedded as this manifest resource), if any.</param>
public sealed record ModelInput(string SourcePath, byte[] Bytes, string? ClassName = null, string? Namespace = null, bool Encoded = true, string? EncodedTextOverride = null, string? Flavor = null, string? Resource = null);

/// <summary>Runs the generator in memory, the way the compiler does, for diagnostics and incrementality tests.</summary>
public sealed class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(TensorInfo).Assembly.Location))
            .ToImmutableArray());

    public GeneratorHarness(params ModelInput[] models)
        : this(OptimizationLevel.Release, models)
    {
    }

    /// <summary>A harness for a project built with the given optimization level (Debug or Release configuration).</summary>
    public GeneratorHarness(OptimizationLevel optimization, params ModelInput[] models)
    {
        Models = models;
        Compilation = CSharpCompilation.Create(
            "Consumer",
            new[] { CSharpSyntaxTree.ParseText("namespace Consumer { public static class Program { public static void Main() { } } }", path: "Program.cs") },
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: optimization));
        Driver = CSharpGeneratorDriver.Create(
            new[] { new TinyModelGenerator().AsSourceGenerator() },
            models.Select(ToAdditionalText),
            (CSharpParseOptions)Compilation.SyntaxTrees.First().Options,
            new TestOptionsProvider(_metadata = models.ToDictionary(m => EncodedPath(m), m => Metadata(m)), rootNamespace: "Consumer"),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    private readonly Dictionary<string, AdditionalText> _texts = new();
    private readonly Dictionary<string, Dictionary<string, string>> _metadata;

    public IReadOnlyList<ModelInput> Models { get; }

    public CSharpCompilation Compilation { get; private set; }

    public GeneratorDriver Driver { get; private set; }

    /// <summary>Runs the generator; returns its result and the compilation with the generated sources added.</summary>
    public (GeneratorDriverRunResult Result, Compilation Output) Run()
    {
        Driver = Driver.RunGeneratorsAndUpdateCompilation(Compilation, out Compilation output, out _, CancellationToken.None);
        return (Driver.GetRunResult(), output);
    }

    /// <summary>Replaces the TinyModel.Runtime reference (none: <paramref name="replacement"/> null), as a project that lacks it or pins another version would.</summary>
    public void ReplaceRuntimeReference(MetadataReference? replacement)
    {
        Compilation = Compilation.RemoveReferences(Compilation.References.Where(r => r.Display?.EndsWith("TinyModel.Runtime.dll", StringComparison.Ordinal) == true));
        if (replacement is not null)
        {
            Compilation = Compilation.AddReferences(replacement);
        }
    }

    /// <summary>Adds a reference to the project, as a PackageReference would.</summary>
    public void AddReference(MetadataReference reference) => Compilation = Compilation.AddReferences(reference);

    /// <summary>Adds an unrelated C# file, as a user editing their code would.</summary>
    public void AddUnrelatedSource(string code) =>
        Compilation = Compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(code, (CSharpParseOptions)Compilation.SyntaxTrees.First().Options, path: $"Edit{Compilation.SyntaxTrees.Count()}.cs"));

    /// <summary>Adds a model to the project, as adding an AdditionalFiles item and rebuilding would.</summary>
    public void AddModel(ModelInput model)
    {
        _metadata[EncodedPath(model)] = Metadata(model);
        Driver = Driver.AddAdditionalTexts(ImmutableArray.Create(ToAdditionalText(model)));
    }

    /// <summary>Replaces a model's bytes, as rebuilding after the .tflite changed would.</summary>
    public void ReplaceModel(ModelInput old, ModelInput replacement)
    {
        AdditionalText previous = _texts[EncodedPath(old)];
        Driver = Driver.ReplaceAdditionalText(previous, ToAdditionalText(replacement));
    }

    private AdditionalText ToAdditionalText(ModelInput model)
    {
        string content = !model.Encoded ? Encoding.UTF8.GetString(model.Bytes)
            : model.EncodedTextOverride ?? Convert.ToBase64String(model.Bytes, Base64FormattingOptions.InsertLineBreaks);
        var text = new InMemoryAdditionalText(EncodedPath(model), content);
        _texts[EncodedPath(model)] = text;
        return text;
    }

    // As the build targets do (they hash the full path with MSBuild's StableStringHash): one encoded copy per source path.
    private static string EncodedPath(ModelInput model) =>
        model.Encoded
            ? $"/obj/tinymodel/{Path.GetFileName(model.SourcePath)}.{(uint)StringComparer.Ordinal.GetHashCode(model.SourcePath):x8}.b64"
            : model.SourcePath;

    private static Dictionary<string, string> Metadata(ModelInput model)
    {
        var metadata = new Dictionary<string, string>();
        if (model.Encoded)
        {
            metadata["build_metadata.AdditionalFiles.TinyModelSourceFile"] = model.SourcePath;
        }
        if (model.ClassName is not null)
        {
            metadata["build_metadata.AdditionalFiles.TinyModelClass"] = model.ClassName;
        }
        if (model.Namespace is not null)
        {
            metadata["build_metadata.AdditionalFiles.TinyModelNamespace"] = model.Namespace;
        }
        if (model.Flavor is not null)
        {
            metadata["build_metadata.AdditionalFiles.TinyModelFlavor"] = model.Flavor;
        }
        if (model.Resource is not null)
        {
            metadata["build_metadata.AdditionalFiles.TinyModelResource"] = model.Resource;
        }
        return metadata;
    }

    private sealed class InMemoryAdditionalText : AdditionalText
    {
        private readonly SourceText _text;

        public InMemoryAdditionalText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text, Encoding.UTF8);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<string, Dictionary<string, string>> _perFile;
        private readonly Options _global;

        public TestOptionsProvider(Dictionary<string, Dictionary<string, string>> perFile, string rootNamespace)
        {
            _perFile = perFile;
            _global = new Options(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });
        }

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            _perFile.TryGetValue(textFile.Path, out var values) ? new Options(values) : Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());
            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
        }
    }
}
