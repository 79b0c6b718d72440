using System;
using System.IO;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Sdk;

namespace TinyModel.Tests.Golden;

/// <summary>
/// The golden tests' failure reports, on golden data altered on purpose: a copy of hello_world_int8's
/// folder in which the second layer's dumped tensor (index 8) and the output disagree with what TFLM
/// computed, as they would if that layer's kernel were wrong. The report must name tensor 8, not the
/// first layer's tensor 7, which still matches, nor only the output.
/// </summary>
public class MismatchReportTests
{
    [Fact]
    public void FailureNamesTheFirstTensorThatDiffers()
    {
        string golden = Path.Combine(SharedData.GoldenDir, "hello_world_int8");
        string copy = Path.Combine(Path.GetTempPath(), "tinymodel-mismatch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (string file in Directory.GetFiles(golden))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
            Flip(Path.Combine(copy, "case0.tensor8.bin"), 3);
            Flip(Path.Combine(copy, "case0.output0.bin"), 0);

            var failure = Assert.Throws<XunitException>(() =>
                AllModelsGoldenTests.AssertMatchesTflm("altered hello_world_int8", SharedData.ModelPath("hello_world_int8"), copy));
            Assert.Contains("case 0 output 0", failure.Message);
            Assert.Contains("First tensor that differs from TFLM's, in execution order: tensor 8 ", failure.Message);
            Assert.Contains("element 3", failure.Message);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void ModelWithoutGoldenDataIsReportedNotSkipped()
    {
        string empty = Path.Combine(Path.GetTempPath(), "tinymodel-no-golden-" + Guid.NewGuid().ToString("N"));
        var failure = Assert.Throws<XunitException>(() =>
            AllModelsGoldenTests.AssertMatchesTflm("models/new_model", SharedData.ModelPath("hello_world_int8"), empty));
        Assert.Contains("models/new_model has no golden data", failure.Message);
        Assert.Contains("meta.json", failure.Message);
    }

    [Fact]
    public void GoldenFolderMissingACaseIsReportedNotPassed()
    {
        string golden = Path.Combine(SharedData.GoldenDir, "hello_world_int8");
        string copy = Path.Combine(Path.GetTempPath(), "tinymodel-missing-case-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        try
        {
            foreach (string file in Directory.GetFiles(golden))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
            File.Delete(Path.Combine(copy, "case2.input0.bin"));
            var failure = Assert.Throws<InvalidDataException>(() =>
                AllModelsGoldenTests.AssertMatchesTflm("hello_world_int8 without case 2", SharedData.ModelPath("hello_world_int8"), copy));
            Assert.Contains("meta.json lists 3 golden cases, but 2 have input files", failure.Message);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void Flip(string path, int index)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[index] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }
}
