using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TinyModel.Generator;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The generator under Roslyn's own source-generator test driver (Microsoft.CodeAnalysis.Testing):
/// a model and its item metadata go in exactly as the build targets pass them (an encoded additional
/// file, metadata in an .editorconfig), and the driver checks the diagnostics, their locations and
/// that the output compiles with no diagnostics of its own.
/// </summary>
public class VerifierTests
{
    private const string ModelPath = "/project/models/model.tflite";
    private const string EncodedPath = "/project/obj/tinymodel/model.tflite.b64";

    [Fact]
    public async Task HelloWorldCompilesCleanly()
    {
        Test test = Create(SharedData.ModelBytes("hello_world_int8"));
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        test.TestState.Sources.Add(("/project/Use.cs", """
            namespace Consumer;
            public static class Use
            {
                public static sbyte Sine(sbyte x)
                {
                    System.Span<sbyte> y = stackalloc sbyte[1];
                    new Model().Invoke(new[] { x }, y);
                    return y[0];
                }
            }
            """));
        await test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task UnsupportedOperatorIsReportedOnTheModelFile()
    {
        // FULLY_CONNECTED then an operator TinyModel does not compile (HASHTABLE_LOOKUP, code 10).
        TfliteModelBuilder builder = SyntheticModels.FullyConnectedInt8();
        builder.Operator(10, new[] { 3 }, new[] { 3 });
        Test test = Create(builder.Build());
        test.TestState.Sources.Add(("/project/Empty.cs", "namespace Consumer { }"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("TM0003", DiagnosticSeverity.Error)
            .WithSpan(ModelPath, 1, 1, 1, 1)
            .WithMessage($"'model.tflite' uses an operator that TinyModel cannot compile: HASHTABLE_LOOKUP (node 1). Supported operators: {TinyModel.Generator.Operators.OperatorCatalog.SupportedNames}."));
        await test.RunAsync(CancellationToken.None);
    }

    private static Test Create(byte[] model)
    {
        var test = new Test();
        test.TestState.AdditionalFiles.Add((EncodedPath, Convert.ToBase64String(model)));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"""
            root = true

            [{EncodedPath}]
            build_metadata.AdditionalFiles.TinyModelSourceFile = {ModelPath}
            build_metadata.AdditionalFiles.TinyModelClass = Model
            build_metadata.AdditionalFiles.TinyModelNamespace = Consumer
            """));
        return test;
    }

    /// <summary>The driver, compiling against this process's framework and TinyModel.Runtime (no reference pack download).</summary>
    private sealed class Test : CSharpSourceGeneratorTest<TinyModelGenerator, DefaultVerifier>
    {
        public Test()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            string[] framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            foreach (string assembly in framework.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll"))
            {
                TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(assembly));
            }
            TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(TensorInfo).Assembly.Location));
        }
    }
}
