using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using TinyModel.Generator;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The generator must cost nothing on an ordinary edit: its pipeline steps stay cached when a user
/// edits C#, rerun only for the model that changed, never hold compiler objects (which would pin
/// old compilations in memory and defeat caching), and write the same text on every build.
/// </summary>
public class IncrementalityTests
{
    private static readonly string[] Steps = { TinyModelGenerator.TrackingNames.ModelFiles, TinyModelGenerator.TrackingNames.ModelSpecs, TinyModelGenerator.TrackingNames.EmitRequests };

    [Fact]
    public void EditingUnrelatedCodeLeavesEveryStepCached()
    {
        var harness = new GeneratorHarness(
            new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")),
            new ModelInput("/project/hello_world_float.tflite", SharedData.ModelBytes("hello_world_float")));
        harness.Run();
        harness.AddUnrelatedSource("namespace Consumer { internal static class Edited { } }");
        GeneratorRunResult second = harness.Run().Result.Results.Single();

        foreach (string step in Steps)
        {
            IncrementalGeneratorRunStep[] runs = second.TrackedSteps[step].ToArray();
            Assert.Equal(2, runs.Length);
            Assert.All(runs.SelectMany(r => r.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void ChangingOneModelReparsesOnlyThatModel()
    {
        var int8 = new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8"));
        var harness = new GeneratorHarness(int8, new ModelInput("/project/hello_world_float.tflite", SharedData.ModelBytes("hello_world_float")));
        harness.Run();

        // The same path with other bytes: the float model's weights under the int8 model's name.
        harness.ReplaceModel(int8, int8 with { Bytes = SharedData.ModelBytes("hello_world_float") });
        GeneratorRunResult second = harness.Run().Result.Results.Single();

        IncrementalStepRunReason[] reasons = second.TrackedSteps[TinyModelGenerator.TrackingNames.ModelSpecs]
            .SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains(second.GeneratedSources, s => s.HintName.EndsWith("HelloWorldInt8.g.cs", StringComparison.Ordinal) && s.SourceText.ToString().Contains("float"));
    }

    [Fact]
    public void AddingAModelEmitsOnlyThatModel()
    {
        var harness = new GeneratorHarness(
            new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")),
            new ModelInput("/project/hello_world_float.tflite", SharedData.ModelBytes("hello_world_float")));
        harness.Run();
        harness.AddModel(new ModelInput("/project/micro_speech_quantized.tflite", SharedData.ModelBytes("micro_speech_quantized")));
        GeneratorRunResult second = harness.Run().Result.Results.Single();

        // The set of class names changed, but the two existing models' emit requests did not: their outputs stay cached.
        IncrementalStepRunReason[] requests = second.TrackedSteps[TinyModelGenerator.TrackingNames.EmitRequests]
            .SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(2, requests.Count(r => r == IncrementalStepRunReason.Unchanged));
        Assert.Equal(1, requests.Count(r => r == IncrementalStepRunReason.New));
        IncrementalStepRunReason[] outputs = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(2, outputs.Count(r => r == IncrementalStepRunReason.Cached));
        Assert.Equal(3, second.GeneratedSources.Count(s => s.HintName.EndsWith(".Constants.g.cs", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoStepOutputHoldsCompilerObjects()
    {
        var harness = new GeneratorHarness(new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")));
        GeneratorRunResult result = harness.Run().Result.Results.Single();
        foreach (string step in Steps)
        {
            foreach (object value in result.TrackedSteps[step].SelectMany(r => r.Outputs).Select(o => o.Value))
            {
                AssertNoCompilerObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
            }
        }
    }

    [Fact]
    public void OutputIsTheSameOnEveryBuild()
    {
        string[] First() => new GeneratorHarness(new ModelInput("/project/hello_world_int8.tflite", SharedData.ModelBytes("hello_world_int8")))
            .Run().Result.GeneratedTrees.Select(t => t.ToString()).ToArray();
        Assert.Equal(First(), First());
    }

    /// <summary>Walks an object graph; fails on a Compilation, symbol, syntax node or semantic model.</summary>
    private static void AssertNoCompilerObjects(object? value, HashSet<object> seen, string step)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }
        Type type = value.GetType();
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel or SyntaxTree,
            $"Step {step} holds a {type.Name}, which keeps a compilation alive.");
        if (type.IsArray && type.GetElementType()!.IsPrimitive)
        {
            return;
        }
        if (value is IEnumerable items && value is not AdditionalText)
        {
            foreach (object? item in items)
            {
                AssertNoCompilerObjects(item, seen, step);
            }
        }
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                {
                    continue;
                }
                // An additional file is the one input the pipeline is meant to hold; its text is the model itself.
                if (value is AdditionalText)
                {
                    continue;
                }
                AssertNoCompilerObjects(field.GetValue(value), seen, step);
            }
        }
    }
}
