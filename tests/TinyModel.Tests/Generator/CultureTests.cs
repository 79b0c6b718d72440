using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// Generated code is the same on every machine: a build on a machine whose culture prints numbers
/// differently (fi-FI and sv-SE write U+2212 for minus, ar-SA a right-to-left mark and a minus) writes
/// exactly the text (and the diagnostics) an invariant-culture build writes, and leaves the caller's culture
/// as it was: for every real model, the audio front ends, a few single-layer ones (int16, per-channel,
/// negative zero points and shifts), every operator of the catalog (every ../shared/opsets model) and the
/// nanoFramework flavor of the real models.
/// </summary>
public class CultureTests
{
    public static TheoryData<string> Cultures() => new() { "fi-FI", "sv-SE", "ar-SA" };

    [Theory]
    [MemberData(nameof(Cultures))]
    public void EveryModelGeneratesTheSameTextInAnyCulture(string cultureName)
    {
        var culture = new CultureInfo(cultureName);
        Assert.NotEqual("-", (-1).ToString(culture)[..1]); // the culture really prints minus another way

        string[] models = Directory.GetFiles(SharedData.ModelsDir, "*.tflite")
            .Concat(Directory.GetFiles(SharedData.SignalDir, "*.tflite"))
            .Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite").Order(StringComparer.Ordinal).Take(12))
            .Concat(Directory.GetFiles(SharedData.OpsetsDir, "*.tflite"))
            .Order(StringComparer.Ordinal).ToArray();
        foreach (string path in models)
        {
            bool clean = AssertSameInBothCultures(path, flavor: null, culture);
            // The golden tests say which opsets models compile; every other model here must.
            Assert.True(clean || path.StartsWith(SharedData.OpsetsDir, StringComparison.Ordinal), $"{Path.GetFileName(path)} gave a diagnostic");
        }
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void TheNanoFrameworkFlavorGeneratesTheSameTextInAnyCulture(string cultureName)
    {
        var culture = new CultureInfo(cultureName);
        foreach (string path in Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Order(StringComparer.Ordinal))
        {
            AssertSameInBothCultures(path, flavor: "NanoFramework", culture);
        }
    }

    [Fact]
    public void PersonDetectCompilesWhenBuiltUnderFinnishCulture()
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fi-FI");
            InMemoryModel compiled = InMemoryModel.Compile(SharedData.ModelPath("person_detect"));
            Assert.Equal("fi-FI", CultureInfo.CurrentCulture.Name);
            Assert.Contains("-128", compiled.GeneratedSource, StringComparison.Ordinal);
            Assert.DoesNotContain("\u2212", compiled.GeneratedSource, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    /// <summary>Whether the model generated code without diagnostics (in both cultures, as they agree).</summary>
    private static bool AssertSameInBothCultures(string path, string? flavor, CultureInfo culture)
    {
        (string invariant, bool clean) = Generate(path, flavor, CultureInfo.InvariantCulture);
        (string local, _) = Generate(path, flavor, culture);
        Assert.True(invariant == local, $"{Path.GetFileName(path)} ({flavor ?? "Net"}): the code and diagnostics generated under {culture.Name} differ from the invariant culture's at character {FirstDifference(invariant, local)}.");
        return clean;
    }

    /// <summary>The generated files and the diagnostics' text: a model the generator refuses must be refused in the same words.</summary>
    private static (string Text, bool Clean) Generate(string modelPath, string? flavor, CultureInfo culture)
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            var harness = new GeneratorHarness(new ModelInput(modelPath, File.ReadAllBytes(modelPath), Flavor: flavor));
            GeneratorDriverRunResult result = harness.Run().Result;
            Assert.Equal(culture.Name, CultureInfo.CurrentCulture.Name);
            string text = string.Join("\n", result.Diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan()}: {d.GetMessage(CultureInfo.InvariantCulture)}")
                .Concat(result.GeneratedTrees.OrderBy(t => t.FilePath, StringComparer.Ordinal).Select(t => t.ToString())));
            return (text, result.Diagnostics.IsEmpty);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static int FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }
        return i;
    }
}
