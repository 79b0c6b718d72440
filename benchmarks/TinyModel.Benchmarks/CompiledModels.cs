using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TinyModel.Generator;

namespace TinyModel.Benchmarks;

/// <summary>The model classes the generator compiled into this assembly, found by the naming contract.</summary>
internal static class CompiledModels
{
    public static IReadOnlyList<string> Names { get; } = Directory.GetFiles(Path.Combine(Paths.SharedDir, "models"), "*.tflite")
        .Select(Path.GetFileNameWithoutExtension)
        .Where(name => Find(name!) is not null)
        .Order(StringComparer.Ordinal)
        .ToList()!;

    public static ITinyModel Create(string name) =>
        (ITinyModel)Activator.CreateInstance(Find(name) ?? throw new ArgumentException($"No class was compiled for {name}.tflite.", nameof(name)))!;

    /// <summary>The model's multiply-accumulates per call (the generated <c>MacCount</c> constant), or 0 if the class has none.</summary>
    public static long MacCount(string name) =>
        Find(name)?.GetField("MacCount", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is long macs ? macs : 0;

    /// <summary>Whether the model computes in float (its first input holds real values, not quantized ones).</summary>
    public static bool IsFloat(string name) =>
        Create(name).Inputs[0] is { ElementType: TensorElementType.Float32, IsQuantized: false };

    private static Type? Find(string name)
    {
        string className = TinyModelGenerator.DefaultClassName(name + ".tflite");
        return typeof(CompiledModels).Assembly.GetTypes().FirstOrDefault(t => t.Name == className && typeof(ITinyModel).IsAssignableFrom(t));
    }
}
