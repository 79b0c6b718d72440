using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// Builds a model in the NanoFramework flavor and runs the program of <see cref="NanoFrameworkProgram"/>
/// two ways: compiled against nanoFramework's mscorlib alone, converted by its metadata processor and run
/// on nanoCLR (../shared/nanoframework/run-nano), and compiled for .NET and run in this process. A result
/// that differs only on nanoCLR is nanoFramework's behaviour; one that differs on both is the generator's.
/// </summary>
internal static class NanoFrameworkBuild
{
    public const string Namespace = "NanoModels";

    private static readonly CSharpParseOptions CSharp10 = new(LanguageVersion.CSharp10);

    public static string NanoDir => Path.Combine(SharedData.Root, "nanoframework");

    /// <summary>The generated sources of a model in the NanoFramework flavor; throws with the diagnostics if the generator rejects it.</summary>
    public static IReadOnlyList<string> Generate(string modelPath, string className)
    {
        (IReadOnlyList<string> sources, IReadOnlyList<Diagnostic> diagnostics) = TryGenerate(File.ReadAllBytes(modelPath), modelPath, className);
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException($"The generator rejected {Path.GetFileName(modelPath)} in the NanoFramework flavor:{Environment.NewLine}"
                + string.Join(Environment.NewLine, diagnostics));
        }
        return sources;
    }

    /// <summary>The generated sources and the generator's diagnostics.</summary>
    public static (IReadOnlyList<string> Sources, IReadOnlyList<Diagnostic> Diagnostics) TryGenerate(byte[] model, string modelPath, string className, string flavor = "NanoFramework")
    {
        var harness = new GeneratorHarness(new ModelInput(modelPath, model, className, Namespace, Flavor: flavor));
        harness.AddReference(ResourceManagerReference);
        (GeneratorDriverRunResult result, _) = harness.Run();
        if (result.Results.Single().Exception is Exception crash)
        {
            throw new InvalidOperationException($"The generator threw on {Path.GetFileName(modelPath)}: {crash}");
        }
        return (result.GeneratedTrees.Select(t => t.ToString()).ToList(), result.Diagnostics);
    }

    public static string ResourceManagerPath => Path.Combine(NanoDir, "assemblies", "nanoFramework.ResourceManager.dll");

    private static MetadataReference ResourceManagerReference => MetadataReference.CreateFromFile(ResourceManagerPath);

    /// <summary>A model's entry in the resource, as TinyModel's build targets write it: the file, named after it.</summary>
    public static (string Name, byte[] Content) ModelEntry(string modelPath) =>
        ("TinyModel." + Path.GetFileName(modelPath), File.ReadAllBytes(modelPath));

    /// <summary>
    /// The binary resource TinyModel's build targets embed for NanoFramework-flavor models whose layers read their
    /// weights from the model file: one <c>.resources</c> file of byte-array entries, <c>TinyModel.Models.resources</c>.
    /// </summary>
    public static ResourceDescription Resource(IEnumerable<(string Name, byte[] Content)> entries)
    {
        var data = new MemoryStream();
        using (var writer = new System.Resources.ResourceWriter(data))
        {
            foreach ((string name, byte[] content) in entries)
            {
                writer.AddResource(name, content);
            }
            writer.Generate();
        }
        byte[] bytes = data.ToArray();
        return new ResourceDescription(global::TinyModel.Generator.Emitting.NanoFramework.NanoWeightsResource.ResourceName + ".resources", () => new MemoryStream(bytes), isPublic: true);
    }

    /// <summary>Compiles for nanoFramework: C# 10, nanoFramework's mscorlib (and ResourceManager) and nothing else; returns the assembly's bytes.</summary>
    public static byte[] CompileForNano(IEnumerable<string> sources, string assemblyName, IReadOnlyList<ResourceDescription> resources)
    {
        MetadataReference mscorlib = MetadataReference.CreateFromFile(Path.Combine(NanoDir, "assemblies", "mscorlib.dll"));
        return Compile(sources, assemblyName, new[] { mscorlib, ResourceManagerReference }, "nanoFramework", resources);
    }

    /// <summary>
    /// Compiles the same sources for .NET and loads them, with .NET's own ResourceManager and a stand-in for
    /// nanoFramework's <c>ResourceUtility.GetObject</c> that reads the chunk from the same resource.
    /// </summary>
    public static Assembly CompileForNet(IEnumerable<string> sources, string assemblyName, IReadOnlyList<ResourceDescription> resources)
    {
        IEnumerable<MetadataReference> references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        byte[] image = Compile(sources.Append(ResourceUtilityStandIn), assemblyName, references, ".NET", resources);
        return new AssemblyLoadContext(assemblyName, isCollectible: true).LoadFromStream(new MemoryStream(image));
    }

    private const string ResourceUtilityStandIn = """
        namespace nanoFramework.Runtime.Native
        {
            public static class ResourceUtility
            {
                public static object GetObject(System.Resources.ResourceManager rm, System.Enum id, int offset, int length)
                {
                    // nanoFramework finds the entry by the id its metadata processor derives from the name; .NET by name.
                    byte[] all = null!;
                    foreach (System.Collections.DictionaryEntry entry in rm.GetResourceSet(System.Globalization.CultureInfo.InvariantCulture, true, true)!)
                    {
                        if (Id((string)entry.Key) == System.Convert.ToInt16(id))
                        {
                            all = (byte[])entry.Value!;
                        }
                    }
                    byte[] chunk = new byte[length];
                    System.Array.Copy(all, offset, chunk, 0, length);
                    return chunk;
                }

                private static short Id(string name)
                {
                    unchecked
                    {
                        int hash1 = (5381 << 16) + 5381;
                        int hash2 = hash1;
                        for (int i = 0; i < name.Length; i++)
                        {
                            if (i % 2 == 0) hash1 = ((hash1 << 5) + hash1) ^ name[i];
                            else hash2 = ((hash2 << 5) + hash2) ^ name[i];
                        }
                        int hash = hash1 + (hash2 * 1566083941);
                        return (short)((short)(hash >> 16) ^ (short)hash);
                    }
                }
            }
        }
        """;

    private static byte[] Compile(IEnumerable<string> sources, string assemblyName, IEnumerable<MetadataReference> references, string target, IReadOnlyList<ResourceDescription> resources)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, CSharp10, path: $"Source{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        EmitResult emitted = compilation.Emit(image, manifestResources: resources);
        List<Diagnostic> problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!emitted.Success || problems.Count > 0)
        {
            throw new InvalidOperationException($"{assemblyName} does not compile cleanly for {target}:{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems.Take(20)));
        }
        return image.ToArray();
    }

    /// <summary>
    /// Converts and runs a nanoFramework program with run-nano; returns its console output. Throws when the
    /// program did not print <see cref="NanoFrameworkProgram.DoneLine"/> (nanoCLR exits 0 even after errors).
    /// </summary>
    public static string RunOnNanoClr(byte[] assembly, string assemblyName, TimeSpan timeout)
    {
        string runNano = Path.Combine(NanoDir, "run-nano");
        if (!File.Exists(runNano))
        {
            throw new FileNotFoundException($"nanoFramework's run-nano was not found at {runNano} (../shared/nanoframework); it is required to test the NanoFramework flavor.");
        }
        string directory = Directory.CreateTempSubdirectory("tinymodel-nano-").FullName;
        try
        {
            string dll = Path.Combine(directory, assemblyName + ".dll");
            File.WriteAllBytes(dll, assembly);
            var start = new ProcessStartInfo(runNano, new[] { "--ref", ResourceManagerPath, dll }) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{assemblyName} did not finish on nanoCLR within {timeout.TotalSeconds} s.");
            }
            process.WaitForExit();
            string output = stdout.Result;
            if (!output.Contains(NanoFrameworkProgram.DoneLine, StringComparison.Ordinal))
            {
                // The host prints its load report first; the lines that say what went wrong come after it.
                string problems = string.Join(Environment.NewLine, output.Split('\n').Where(l => l.Contains("xception", StringComparison.Ordinal) || l.Contains("rror", StringComparison.Ordinal)).Take(20));
                throw new InvalidOperationException($"{assemblyName} did not finish on nanoCLR (exit code {process.ExitCode}):{Environment.NewLine}"
                    + problems + Environment.NewLine + Tail(output) + Environment.NewLine + Tail(stderr.Result));
            }
            return output;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
