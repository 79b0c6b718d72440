using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// Every diagnostic, raised by real bytes: each names the model file as its location, says what is
/// wrong and what is supported, and the generator never throws and never emits code for a bad model.
/// </summary>
public class DiagnosticTests
{
    private const string ModelPath = "/project/models/model.tflite";

    [Fact]
    public void RawModelWithoutTheBuildTargetsIsTM0001()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SharedData.ModelBytes("hello_world_int8"), Encoded: false));
        AssertDiagnostic(d, "TM0001", "reached the compiler as text", "TinyModel.Generator package");
    }

    [Fact]
    public void EmptyFileIsTM0002()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, Array.Empty<byte>()));
        AssertDiagnostic(d, "TM0002", "is empty");
    }

    [Fact]
    public void TruncatedRealModelIsTM0002()
    {
        byte[] model = SharedData.ModelBytes("hello_world_int8");
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, model.AsSpan(0, model.Length / 2).ToArray()));
        AssertDiagnostic(d, "TM0002", "corrupt", "truncated");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(3000)]
    public void RealModelCutShortAnywhereIsTM0002(int length)
    {
        byte[] model = SharedData.ModelBytes("hello_world_float");
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, model.AsSpan(0, length).ToArray()));
        Assert.Equal("TM0002", d.Id);
    }

    [Fact]
    public void RandomBytesAreTM0002()
    {
        byte[] noise = new byte[4096];
        new Random(1234).NextBytes(noise);
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, noise));
        AssertDiagnostic(d, "TM0002", "not a TensorFlow Lite flatbuffer", "TFL3");
    }

    [Fact]
    public void RandomBytesWithTheTfliteIdentifierAreTM0002()
    {
        byte[] noise = new byte[4096];
        for (int seed = 0; seed < 50; seed++)
        {
            new Random(seed).NextBytes(noise);
            "TFL3"u8.CopyTo(noise.AsSpan(4));
            Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, noise));
            Assert.Equal("TM0002", d.Id);
        }
    }

    [Fact]
    public void InvalidBase64IsTM0002()
    {
        // A corrupted encoded copy under obj/ (for example, edited by hand) is reported, not thrown.
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SharedData.ModelBytes("hello_world_int8"), EncodedTextOverride: "not base64 at all!"));
        AssertDiagnostic(d, "TM0002", "not valid base64", "rebuild");
    }

    [Fact]
    public void UnsupportedOperatorsAreListedTogetherInTM0003()
    {
        var b = SyntheticModels.FullyConnectedInt8();
        // Two operators TinyModel does not compile, after a supported one: both are named, with their nodes.
        b.Operator(15, new[] { 0 }, new[] { 0 })                         // LSH_PROJECTION
         .Operator(32, new[] { 0 }, new[] { 0 }, customCode: "MyCustomOp") // CUSTOM
         .Operator(15, new[] { 0 }, new[] { 0 });                        // LSH_PROJECTION again
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, b.Build()));
        AssertDiagnostic(d, "TM0003", "2 operators", "LSH_PROJECTION (nodes 1, 3)", "CUSTOM(MyCustomOp) (node 2)", "Supported operators:", "FULLY_CONNECTED");
    }

    [Fact]
    public void UnsupportedTensorTypeIsTM0004()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SyntheticModels.FullyConnectedInt8(inputType: TfliteType.String).Build()));
        AssertDiagnostic(d, "TM0004", "tensor 0 'input'", "element type string", "int8");
    }

    [Fact]
    public void DynamicShapeIsTM0005()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SyntheticModels.FullyConnectedInt8(inputShape: new[] { -1, 4 }).Build()));
        AssertDiagnostic(d, "TM0005", "tensor 0 'input'", "[-1,4]", "known at build time");
    }

    [Fact]
    public void RecursiveSubgraphCallsAreTM0006()
    {
        // CALL_ONCE's options default to subgraph 0: the main graph calls itself.
        var model = SyntheticModels.FullyConnectedInt8();
        model.Operator(TinyModel.Generator.Reading.BuiltinOperator.CallOnce, Array.Empty<int>(), Array.Empty<int>());
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, model.Build()));
        AssertDiagnostic(d, "TM0006", "calls subgraph 0, which is already running", "recurse", "do not recurse");
    }

    [Fact]
    public void UnsupportedFusedActivationIsTM0007()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SyntheticModels.FullyConnectedInt8(activation: 4).Build()));
        AssertDiagnostic(d, "TM0007", "FULLY_CONNECTED at node 0", "Tanh", "supported: NONE, RELU, RELU_N1_TO_1, RELU6");
    }

    [Fact]
    public void WeightsComputedAtRunTimeAreTM0007()
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SyntheticModels.FullyConnectedInt8(constantWeights: false).Build()));
        AssertDiagnostic(d, "TM0007", "weights are computed at run time");
    }

    [Theory]
    [InlineData("Not A Name", null, "the class name")]
    [InlineData("class", null, "the class name")]
    [InlineData(null, "My..Namespace", "the namespace")]
    public void InvalidNamesAreTM0008(string? className, string? ns, string what)
    {
        Diagnostic d = SingleDiagnostic(new ModelInput(ModelPath, SharedData.ModelBytes("hello_world_int8"), className, ns));
        AssertDiagnostic(d, "TM0008", what, "TinyModelClass");
    }

    [Fact]
    public void TwoModelsWithOneClassNameAreTM0009()
    {
        var harness = new GeneratorHarness(
            new ModelInput("/project/a/sine.tflite", SharedData.ModelBytes("hello_world_int8")),
            new ModelInput("/project/b/sine.tflite", SharedData.ModelBytes("hello_world_float")));
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Null(result.Results.Single().Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        AssertDiagnostic(d, "TM0009", "Consumer.Sine", "/project/a/sine.tflite", "TinyModelClass");
        Assert.Equal("/project/b/sine.tflite", d.Location.GetLineSpan().Path);
        Assert.Equal(2, result.GeneratedTrees.Length); // the first model by path still compiles
    }

    [Fact]
    public void ClassAndNamespaceFollowTheItemMetadata()
    {
        var harness = new GeneratorHarness(new ModelInput(ModelPath, SharedData.ModelBytes("hello_world_int8"), "SineModel", "My.Models"));
        (GeneratorDriverRunResult result, Compilation output) = harness.Run();
        Assert.Empty(result.Diagnostics);
        Assert.NotNull(output.GetTypeByMetadataName("My.Models.SineModel"));
    }

    private static Diagnostic SingleDiagnostic(ModelInput model)
    {
        var harness = new GeneratorHarness(model);
        GeneratorDriverRunResult result = harness.Run().Result;
        GeneratorRunResult run = result.Results.Single();
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratedSources);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(model.SourcePath, diagnostic.Location.GetLineSpan().Path);
        return diagnostic;
    }

    private static void AssertDiagnostic(Diagnostic diagnostic, string id, params string[] messageParts)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        string message = diagnostic.GetMessage();
        Assert.Contains(System.IO.Path.GetFileName(diagnostic.Location.GetLineSpan().Path), message);
        foreach (string part in messageParts)
        {
            Assert.Contains(part, message);
        }
    }
}
