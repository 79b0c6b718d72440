using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// The generator's build-time estimate of a NanoFramework-flavor class's IL (nanoFramework's metadata processor
/// rejects an assembly with more than 64 KiB of IL) is checked against the IL the C# compiler emits for it: it
/// must never be below it, and not wildly above it.
/// </summary>
public class NanoFrameworkIlSizeTests
{
    private readonly ITestOutputHelper _output;

    public NanoFrameworkIlSizeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void IlEstimateBoundsTheCompiledIl()
    {
        var models = NanoFrameworkGoldenTests.RealModels.Keys.Select(m => (m, SharedData.ModelPath(m)))
            .Concat(new[] { "add0", "conv0", "strided_slice0", "pad0", "transpose_conv0", "leaky_relu0", "sub0" }.Select(m => (m, Path.Combine(SharedData.OpsDir, m + ".tflite"))));
        foreach ((string name, string path) in models.OrderBy(m => m.Item1, StringComparer.Ordinal))
        {
            IReadOnlyList<string> sources = NanoFrameworkBuild.Generate(path, "M");
            string main = "namespace NanoTest { public static class Program { public static void Main() { } } }";
            byte[] image = NanoFrameworkBuild.CompileForNano(sources.Append(main), "IlSize", Array.Empty<Microsoft.CodeAnalysis.ResourceDescription>());
            int actual = IlBytes(image);
            string classSource = sources.Single(s => !s.Contains("private static class Constants", StringComparison.Ordinal));
            int constants = sources.Sum(s => s.Split("public static readonly ").Length - 1) - classSource.Split("public static readonly ").Length + 1;
            int estimate = global::TinyModel.Generator.Emitting.NanoFramework.NanoModelEmitter.EstimateIlBytes(classSource, constants);
            string Constant(string field) => System.Text.RegularExpressions.Regex.Match(classSource, $"public const int {field} = (\\d+);").Groups[1].Value;
            _output.WriteLine($"{name}: IL {actual} bytes, estimate {estimate} ({(double)estimate / actual:F2}×); arena {Constant("ArenaBytes")} bytes, constants in arrays {Constant("WeightBytes")} bytes, weights from the resource: {classSource.Contains("WeightsResource.Read(", StringComparison.Ordinal)}");
            Assert.True(estimate >= actual, $"{name}: the estimate {estimate} is below the compiled IL {actual}");
            Assert.True(estimate <= 2 * actual + 2048, $"{name}: the estimate {estimate} is far above the compiled IL {actual}");
        }
    }

    private static int IlBytes(byte[] image)
    {
        using var pe = new PEReader(new MemoryStream(image));
        MetadataReader metadata = pe.GetMetadataReader();
        int total = 0;
        foreach (MethodDefinitionHandle handle in metadata.MethodDefinitions)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress != 0)
            {
                total += pe.GetMethodBody(method.RelativeVirtualAddress).Size;
            }
        }
        return total;
    }
}
