using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Builds, compiles and runs the small single-operator models of the elementwise operator tests, and
/// holds the TFLite builtin codes and option-table types they use (schema.fbs).
/// </summary>
internal static class ElementwiseTestModels
{
    public const int Add = 0, Dequantize = 6, Logistic = 14, Relu = 19, Relu6 = 21, Tanh = 28, Sub = 41, LeakyRelu = 98, Quantize = 114;
    public const byte AddOptions = 11, SubOptions = 28, LeakyReluOptions = 75;

    /// <summary>Compiles a model the way a user's build does and returns a fresh instance.</summary>
    public static ITinyModel Compile(TfliteModelBuilder builder) => Compile(builder.Build());

    public static ITinyModel Compile(byte[] model) => InMemoryModel.Compile(model).Create();

    /// <summary>Runs a model on raw input bytes and returns all outputs' bytes, back to back.</summary>
    public static byte[] Run(ITinyModel model, params byte[][] inputs)
    {
        byte[] outputs = new byte[model.Outputs.Sum(o => o.ByteCount)];
        model.InvokeRaw(inputs.SelectMany(i => i).ToArray(), outputs);
        return outputs;
    }

    /// <summary>The generator's diagnostics for a model (none when it compiles).</summary>
    public static Diagnostic[] Diagnostics(TfliteModelBuilder builder)
    {
        var harness = new GeneratorHarness(new ModelInput("/models/op.tflite", builder.Build()));
        return harness.Run().Result.Diagnostics.ToArray();
    }

    /// <summary>Asserts that the generator rejects a model with one TM0007 whose message contains every part.</summary>
    public static void AssertUnsupported(TfliteModelBuilder builder, params string[] messageParts)
    {
        Diagnostic diagnostic = Assert.Single(Diagnostics(builder));
        Assert.Equal("TM0007", diagnostic.Id);
        foreach (string part in messageParts)
        {
            Assert.Contains(part, diagnostic.GetMessage());
        }
    }

    public static byte[] Bytes<T>(T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static T[] Values<T>(byte[] bytes) where T : struct => MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    /// <summary>Deterministic pseudo-random integers in [min, max].</summary>
    public static int[] RandomInts(int count, int min, int max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(min, max + 1)).ToArray();
    }

    /// <summary>Deterministic pseudo-random floats in [min, max).</summary>
    public static float[] RandomFloats(int count, float min, float max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => min + (float)random.NextDouble() * (max - min)).ToArray();
    }

    /// <summary>Asserts float outputs within the golden tests' tolerance.</summary>
    public static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float range = Math.Max(1f, expected.Max(v => Math.Abs(v)));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= OutputComparison.FloatTolerance * range,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>Asserts integer outputs equal, naming the first element that differs.</summary>
    public static void AssertEqual<T>(T[] expected, T[] actual) where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Equals(actual[i]), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
