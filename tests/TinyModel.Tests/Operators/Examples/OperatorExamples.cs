using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>
/// Finds the <see cref="OperatorExampleAttribute"/> builders, and gives them the quantization and tensor
/// types a small example model uses.
/// </summary>
internal static class OperatorExamples
{
    private static readonly Lazy<Dictionary<string, (int Code, MethodInfo Method)>> Builders = new(() =>
        typeof(OperatorExamples).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .SelectMany(m => m.GetCustomAttributes<OperatorExampleAttribute>().Select(a => (a.Name, a.Code, Method: m)))
            .ToDictionary(x => x.Name, x => (x.Code, x.Method), StringComparer.Ordinal));

    /// <summary>The example model of an operator (by name) for a combination, or null when no builder exists for the operator.</summary>
    public static byte[]? Build(string name, TypeCombination types) =>
        Builders.Value.TryGetValue(name, out var builder) ? ((TfliteModelBuilder)builder.Method.Invoke(null, new object[] { builder.Code, types })!).Build() : null;

    /// <summary>The tensor type of the builder for a generator element type.</summary>
    public static TfliteType Tflite(ElementType type) => type switch
    {
        ElementType.Float32 => TfliteType.Float32,
        ElementType.Int8 => TfliteType.Int8,
        ElementType.UInt8 => TfliteType.UInt8,
        ElementType.Int16 => TfliteType.Int16,
        ElementType.Int32 => TfliteType.Int32,
        ElementType.Int64 => TfliteType.Int64,
        ElementType.UInt32 => TfliteType.UInt32,
        ElementType.UInt64 => TfliteType.UInt64,
        _ => TfliteType.Bool,
    };

    /// <summary>
    /// Per-tensor quantization typical of the type: none for float32, bool and index types; zero point 0 for
    /// int16 (TFLM's symmetric int16); a non-zero zero point for int8 and uint8 so that offsets are exercised.
    /// </summary>
    public static Quant? ActivationQuant(ElementType type) => type switch
    {
        ElementType.Int8 => new Quant(0.05f, -3),
        ElementType.UInt8 => new Quant(0.05f, 128),
        ElementType.Int16 => new Quant(1f / 4096, 0),
        _ => null,
    };

    /// <summary>Adds a run-time tensor of the type, quantized as <see cref="ActivationQuant"/> says.</summary>
    public static int Tensor(TfliteModelBuilder builder, string name, ElementType type, int[] shape)
    {
        Quant? quant = ActivationQuant(type);
        return builder.Tensor(name, Tflite(type), shape, quant?.Scale, quant?.ZeroPoint ?? 0);
    }
}
