using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// A model whose arena exceeds the largest object nanoFramework allocates gets a paged arena (NanoArenaLayout):
/// every array within the limit, the tensors larger than a page seen through views, and weights larger than an
/// object read from the model file in pages. mobilenet_v2 runs that way on nanoCLR (NanoFrameworkGoldenTests).
/// </summary>
public class NanoArenaPagesTests
{
    private const int LeakyRelu = 98, Add = 0, Conv2D = 3;
    private const byte Conv2DOptionsType = 1, Valid = 1;

    [Fact]
    public void MobilenetArenaIsPagesWithinTheObjectLimit()
    {
        string source = string.Concat(NanoFrameworkBuild.Generate(SharedData.ModelPath("mobilenet_v2_quantized_1x3x224x224"), "M"));

        var pages = Regex.Matches(source, @"private readonly sbyte\[\] (_arenaInt8Page\d+) = new sbyte\[(\d+)\];").Select(m => int.Parse(m.Groups[2].Value)).ToList();
        Assert.True(pages.Count >= 2, "expected the arena split into pages");
        Assert.All(pages, bytes => Assert.InRange(bytes, 1, NanoModelEmitter.LargestArrayBytes));
        Assert.DoesNotContain("private readonly sbyte[] _arenaInt8 =", source, StringComparison.Ordinal);
        // The 112×112×96 and 114×114×96 tensors (over a page each) are passed as views over two pages.
        Assert.Contains("private sealed class Int8Pages", source, StringComparison.Ordinal);
        Assert.Matches(@"new Int8Pages\(new sbyte\[\]\[\] \{ _arenaInt8Page\d+, _arenaInt8Page\d+ \}, " + NanoArenaLayout.PageBytes + @"\)", source);
        // ArenaBytes counts every page.
        Assert.Contains($"public const int ArenaBytes = {pages.Sum()};", source, StringComparison.Ordinal);
        // The classifier's 1,280,000 bytes of weights are read from flash 51 rows of 1,280 bytes at a time.
        Assert.Contains($"for (int u0 = 0; u0 < 1000; u0 += {NanoEmitContext.WeightRowsReadBytes / 1280})", source, StringComparison.Ordinal);
        Assert.Contains("byte[] weights = WeightsResource.Read(2053252 + u0 * 1280, (u1 - u0) * 1280);", source, StringComparison.Ordinal);
        Assert.DoesNotContain("WeightsResource.Read(2053252, 1280000)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterOverAnObjectIsReadAsPagesAndMatchesTheNetFlavor()
    {
        // A 1×1 CONV_2D, 1024 → 1024 channels: its int8 filter (1,048,576 bytes) exceeds one nanoFramework object.
        const int channels = 1024;
        var random = new Random(9);
        byte[] filterData = new byte[channels * channels];
        random.NextBytes(filterData);
        byte[] biasData = new byte[4 * channels];
        for (int c = 0; c < channels; c++)
        {
            BitConverter.GetBytes(random.Next(-5000, 5000)).CopyTo(biasData, 4 * c);
        }
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 1, 1, 1, channels }, 0.05f, -3);
        int filter = b.Constant("filter", TfliteType.Int8, new[] { channels, 1, 1, channels }, filterData, new[] { 0.002f }, new[] { 0L });
        int bias = b.Constant("bias", TfliteType.Int32, new[] { channels }, biasData, new[] { 0.05f * 0.002f }, new[] { 0L });
        int y = b.Tensor("y", TfliteType.Int8, new[] { 1, 1, 1, channels }, 0.5f, 2);
        b.Operator(Conv2D, new[] { x, filter, bias }, new[] { y }, Conv2DOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, Valid), TfliteModelBuilder.Option.Int(1, 1), TfliteModelBuilder.Option.Int(2, 1))
            .Inputs(x).Outputs(y);
        byte[] model = b.Build();
        const string path = "/models/wide_conv.tflite";

        IReadOnlyList<string> sources = NanoFrameworkBuild.TryGenerate(model, path, "M").Sources;
        Assert.Contains($"byte[][] filter = WeightsResource.ReadPages(", string.Concat(sources), StringComparison.Ordinal);
        byte[] input = new byte[channels];
        random.NextBytes(input);
        var entries = new[] { ("TinyModel.wide_conv.tflite", model) };
        var assembly = NanoFrameworkBuild.CompileForNet(sources.Append("public static class Program { public static void Main() { } }"), "WideConv", new[] { NanoFrameworkBuild.Resource(entries) });
        object nano = Activator.CreateInstance(assembly.GetType($"{NanoFrameworkBuild.Namespace}.M", throwOnError: true)!)!;
        sbyte[] nanoOutput = new sbyte[channels];
        nano.GetType().GetMethod("Invoke")!.Invoke(nano, new object[] { (sbyte[])(Array)input, nanoOutput });

        byte[] expected = new byte[channels];
        InMemoryModel.Compile(model, path).Create().InvokeRaw(input, expected);
        Assert.Equal(expected, (byte[])(Array)nanoOutput);
        Assert.Contains(expected, v => v != expected[0]); // not all clamped to one value
    }

    [Fact]
    public void TensorOverAPageInAKernelWithoutPagesIsTm0022()
    {
        // x -> LEAKY_RELU -> h -> LEAKY_RELU -> a; ADD(h, a) -> y: h or a (1,000,000 bytes each) lives in the arena.
        var b = new TfliteModelBuilder();
        int[] shape = { 1, 250_000 };
        int x = b.Tensor("x", TfliteType.Float32, shape);
        int h = b.Tensor("h", TfliteType.Float32, shape);
        int a = b.Tensor("a", TfliteType.Float32, shape);
        int y = b.Tensor("y", TfliteType.Float32, shape);
        b.Operator(LeakyRelu, new[] { x }, new[] { h })
            .Operator(LeakyRelu, new[] { h }, new[] { a })
            .Operator(Add, new[] { h, a }, new[] { y })
            .Inputs(x).Outputs(y);

        (var sources, var diagnostics) = NanoFrameworkBuild.TryGenerate(b.Build(), "/models/large.tflite", "M");

        Assert.Empty(sources);
        Diagnostic limit = Assert.Single(diagnostics, d => d.Id == "TM0022" && d.GetMessage().Contains("LEAKY_RELU node", StringComparison.Ordinal));
        string message = limit.GetMessage();
        Assert.Contains("takes 1000000 bytes", message, StringComparison.Ordinal);
        Assert.Contains(NanoModelEmitter.LargestArrayBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Contains("CONV_2D, DEPTHWISE_CONV_2D, PAD", message, StringComparison.Ordinal);
        Assert.All(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.True(d.Id is "TM0021" or "TM0022", d.ToString()));
    }
}
