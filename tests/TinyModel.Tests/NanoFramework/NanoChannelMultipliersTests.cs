using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace TinyModel.Tests.NanoFramework;

/// <summary>
/// The integer QuantizeMultiplier the NanoFramework flavor writes into models that derive their per-channel
/// multipliers and exponents on the device (its source, compiled for .NET) must give the generator's
/// double-precision pairs (<see cref="QuantizationMath"/>) bit for bit: on every channel of every shared model, and
/// on millions of random scales across the whole float32 range, subnormals and TFLite's two edge cases included.
/// </summary>
public class NanoChannelMultipliersTests
{
    private delegate void QuantizeMultiplier(int inputBits, int filterBits, int outputBits, int[] multipliers, int[] shifts, int index);

    private static readonly Lazy<QuantizeMultiplier> Device = new(() =>
    {
        string source = "namespace NanoCheck { public static class NanoMath {" + NanoHelpers.ChannelMultipliersSource + "} public static class Program { public static void Main() { } } }";
        Assembly assembly = NanoFrameworkBuild.CompileForNet(new[] { source }, "NanoChannelMultipliers", Array.Empty<Microsoft.CodeAnalysis.ResourceDescription>());
        MethodInfo method = assembly.GetType("NanoCheck.NanoMath", throwOnError: true)!.GetMethod("QuantizeMultiplier")!;
        return method.CreateDelegate<QuantizeMultiplier>();
    });

    private readonly ITestOutputHelper _output;

    public NanoChannelMultipliersTests(ITestOutputHelper output) => _output = output;

    /// <summary>The first difference from the generator, or null.</summary>
    private static string? Check(float input, float filter, float output, int[] multipliers, int[] shifts)
    {
        (int m, int s) = QuantizationMath.QuantizeMultiplier(QuantizationMath.PerChannelConvolutionMultiplier(input, filter, output));
        Device.Value(Bits(input), Bits(filter), Bits(output), multipliers, shifts, 0);
        return multipliers[0] == m && shifts[0] == s ? null
            : $"input {input:R}, filter {filter:R}, output {output:R}: the generator gives ({m}, {s}), the device code ({multipliers[0]}, {shifts[0]})";
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    [Fact]
    public void EveryChannelOfTheSharedModelsMatchesTheGenerator()
    {
        var multipliers = new int[1];
        var shifts = new int[1];
        var failures = new List<string>();
        long channels = 0;
        IEnumerable<string> files = Directory.GetFiles(SharedData.ModelsDir, "*.tflite")
            .Concat(Directory.GetFiles(SharedData.OpsDir, "*.tflite"))
            .Concat(Directory.GetFiles(SharedData.OpsetsDir, "*.tflite", SearchOption.AllDirectories));
        foreach (string path in files)
        {
            byte[] file = File.ReadAllBytes(path);
            TfliteModel model;
            try
            {
                model = TfliteReader.Read(file);
            }
            catch (ModelFormatException)
            {
                continue;
            }
            foreach (TfliteSubgraph graph in model.Subgraphs)
            {
                foreach (TfliteTensor tensor in graph.Tensors.Where(t => t.Quantization is { Scale.Count: > 0 }))
                {
                    // The reader's offset of each scale vector is where the device reads it.
                    TfliteQuantization q = tensor.Quantization!;
                    for (int c = 0; c < q.Scale.Count; c++)
                    {
                        Assert.Equal(q.Scale[c], BitConverter.ToSingle(file, q.ScaleOffset + 4 * c));
                    }
                }
                foreach (TfliteOperator op in graph.Operators.Where(o => o.Inputs.Count >= 2 && o.Inputs[0] >= 0 && o.Inputs[1] >= 0 && o.Outputs.Count > 0))
                {
                    TfliteQuantization? input = graph.Tensors[op.Inputs[0]].Quantization;
                    TfliteQuantization? filter = graph.Tensors[op.Inputs[1]].Quantization;
                    TfliteQuantization? output = graph.Tensors[op.Outputs[0]].Quantization;
                    if (input is not { Scale.Count: 1 } || filter is not { Scale.Count: > 0 } || output is not { Scale.Count: 1 } || output.Scale[0] == 0)
                    {
                        continue;
                    }
                    foreach (float scale in filter.Scale)
                    {
                        channels++;
                        if (Check(input.Scale[0], scale, output.Scale[0], multipliers, shifts) is string failure)
                        {
                            failures.Add($"{Path.GetFileName(path)} node {op.Index}: {failure}");
                        }
                    }
                }
            }
        }
        _output.WriteLine($"{channels} channels checked");
        Assert.True(channels > 17_000, $"only {channels} channels found");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    [Fact]
    public void RandomScalesMatchTheGenerator()
    {
        var random = new Random(20261130);
        var multipliers = new int[1];
        var shifts = new int[1];
        var failures = new List<string>();
        int checkedCount = 0;
        void Run(float input, float filter, float output)
        {
            checkedCount++;
            if (failures.Count < 20 && Check(input, filter, output, multipliers, shifts) is string failure)
            {
                failures.Add(failure);
            }
        }
        float AnyFinite()
        {
            // Any finite nonzero float32, subnormals included, either sign.
            while (true)
            {
                float f = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
                if (float.IsFinite(f) && f != 0)
                {
                    return f;
                }
            }
        }
        float Typical() => (float)Math.Pow(10, -7 + 7 * random.NextDouble());
        for (int i = 0; i < 1_500_000; i++)
        {
            Run(AnyFinite(), AnyFinite(), AnyFinite());
            Run(Typical(), Typical(), Typical());
        }
        // Quotients next to a power of two: round(fraction · 2^31) reaches 2^31 (TFLite halves it), or just misses it.
        for (int i = 0; i < 200_000; i++)
        {
            float input = Typical();
            float output = BitConverter.Int32BitsToSingle(Bits(input) + random.Next(-4, 5));
            Run(input, MathF.ScaleB(1f, random.Next(-20, 20)), output);
        }
        // Exponents below -31 (zero) and around it.
        for (int i = 0; i < 200_000; i++)
        {
            Run(Typical() * 1e-5f, Typical() * 1e-5f, Typical());
        }
        _output.WriteLine($"{checkedCount} triples checked");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
