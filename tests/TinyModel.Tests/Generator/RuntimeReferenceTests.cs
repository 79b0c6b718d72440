using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// Generated code needs the TinyModel.Runtime of the generator's own version. Without it, or with another
/// version, each model gets one TM0012 that says what to reference, and no code (which would fail with
/// hundreds of compile errors instead).
/// </summary>
public class RuntimeReferenceTests
{
    [Fact]
    public void MissingRuntimeIsTM0012()
    {
        var harness = new GeneratorHarness(new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")));
        harness.ReplaceRuntimeReference(null);
        Diagnostic d = AssertTM0012(harness);
        Assert.Contains("does not reference TinyModel.Runtime 0.1.0", d.GetMessage());
    }

    [Fact]
    public void RuntimeOfAnotherVersionIsTM0012()
    {
        var harness = new GeneratorHarness(new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")));
        harness.ReplaceRuntimeReference(FakeRuntime("9.9.9.0"));
        Diagnostic d = AssertTM0012(harness);
        Assert.Contains("references TinyModel.Runtime 9.9.9, but this TinyModel.Generator is 0.1.0", d.GetMessage());
    }

    private static Diagnostic AssertTM0012(GeneratorHarness harness)
    {
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Empty(result.GeneratedTrees);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("TM0012", d.Id);
        Assert.Equal("/project/hello_world_int8.tflite", d.Location.GetLineSpan().Path);
        return d;
    }

    /// <summary>An empty assembly named TinyModel.Runtime with the given version.</summary>
    private static MetadataReference FakeRuntime(string version)
    {
        CSharpCompilation fake = CSharpCompilation.Create("TinyModel.Runtime",
            new[] { CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]") },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        Assert.True(fake.Emit(image).Success);
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
