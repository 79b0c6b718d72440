using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The generated code of a few models, kept in tests/TinyModel.Tests/Baselines (as the
/// Microsoft.Extensions.Logging generator's tests keep theirs), so that every change to generated code
/// shows in review. After an intended change, regenerate them:
/// <c>TINYMODEL_UPDATE_BASELINES=1 dotnet test tests/TinyModel.Tests -c Release --filter BaselineTests</c>.
/// </summary>
public class BaselineTests
{
    /// <summary>Models whose class file is kept (their constants are too large to review, except hello_world_int8's).</summary>
    public static TheoryData<string> Models() => new()
    {
        "models/hello_world_int8",
        "models/hello_world_float",
        "models/micro_speech_quantized",
        "models/keyword_scrambled_8bit",
        "models/trained_lstm_int8",
        "models/simple_add_model",
        "ops/conv0",
        "ops/transpose_conv0",
        "ops/pad0",
        "ops/strided_slice0",
        "ops/leaky_relu0",
        "ops/quantize0",
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedCodeMatchesItsBaseline(string model)
    {
        string[] parts = model.Split('/');
        string path = parts[0] == "ops" ? Path.Combine(SharedData.OpsDir, parts[1] + ".tflite") : SharedData.ModelPath(parts[1]);
        var harness = new GeneratorHarness(new ModelInput($"/project/{parts[1]}.tflite", File.ReadAllBytes(path)));
        GeneratorDriverRunResult result = harness.Run().Result;
        Assert.Empty(result.Diagnostics);
        foreach (GeneratedSourceResult source in result.Results.Single().GeneratedSources)
        {
            bool constants = source.HintName.EndsWith(".Constants.g.cs", StringComparison.Ordinal);
            if (constants && parts[1] != "hello_world_int8")
            {
                continue;
            }
            AssertMatches(source.HintName.Replace("Consumer.", string.Empty) + ".txt", source.SourceText.ToString());
        }
    }

    private static void AssertMatches(string fileName, string actual)
    {
        string file = Path.Combine(SharedData.RepositoryRoot, "tests", "TinyModel.Tests", "Baselines", fileName);
        if (Environment.GetEnvironmentVariable("TINYMODEL_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }
        Assert.True(File.Exists(file), $"No baseline {file}; create it with TINYMODEL_UPDATE_BASELINES=1 (see {nameof(BaselineTests)}).");
        string expected = File.ReadAllText(file).Replace("\r\n", "\n");
        if (expected != actual)
        {
            string[] e = expected.Split('\n'), a = actual.Split('\n');
            int line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
            Assert.Fail($"{fileName} differs from its baseline at line {line + 1}:\n  baseline: {(line < e.Length ? e[line] : "(end)")}\n  now:      {(line < a.Length ? a[line] : "(end)")}\n"
                + "If the change is intended, regenerate the baselines with TINYMODEL_UPDATE_BASELINES=1 and review the diff.");
        }
    }
}
