using System;
using System.Linq;
using TinyModel.Generator;

namespace TinyModel.Tests.Infrastructure;

/// <summary>Finds the class the generator compiled for a model in this test assembly, by the naming contract.</summary>
public static class CompiledModel
{
    /// <summary>The generated class for <c>models/&lt;name&gt;.tflite</c>, or null if this project did not compile it.</summary>
    public static Type? FindType(string modelName)
    {
        string className = TinyModelGenerator.DefaultClassName(modelName + ".tflite");
        return typeof(CompiledModel).Assembly.GetTypes()
            .FirstOrDefault(t => t.Name == className && typeof(ITinyModel).IsAssignableFrom(t));
    }

    public static ITinyModel Create(string modelName)
    {
        Type type = FindType(modelName) ?? throw new InvalidOperationException($"No class was generated for {modelName}.tflite in the test project.");
        return (ITinyModel)Activator.CreateInstance(type)!;
    }
}
