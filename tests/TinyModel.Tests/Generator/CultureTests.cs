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
/// exactly the text an invariant-culture build writes, for every real model and a few single-layer ones
/// (int16, per-channel, negative zero points and shifts), and leaves the caller's culture as it was.
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
            .Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite").Order(StringComparer.Ordinal).Take(12))
            .Order(StringComparer.Ordinal).ToArray();
        foreach (string path in models)
        {
            string invariant = Generate(path, CultureInfo.InvariantCulture);
            string local = Generate(path, culture);
            Assert.True(invariant == local, $"{Path.GetFileName(path)}: the code generated under {cultureName} differs from the invariant culture's at character {FirstDifference(invariant, local)}.");
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

    private static string Generate(string modelPath, CultureInfo culture)
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            var harness = new GeneratorHarness(new ModelInput(modelPath, File.ReadAllBytes(modelPath)));
            GeneratorDriverRunResult result = harness.Run().Result;
            Assert.Equal(culture.Name, CultureInfo.CurrentCulture.Name);
            Assert.Empty(result.Diagnostics);
            return string.Join("\n", result.GeneratedTrees.OrderBy(t => t.FilePath, StringComparer.Ordinal).Select(t => t.ToString()));
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
