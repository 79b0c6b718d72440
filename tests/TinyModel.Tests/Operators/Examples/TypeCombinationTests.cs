using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>
/// A model the generator accepts must compile. For every operator in the catalog and every type
/// combination its definition claims (the README's table), a small model of that operator is built,
/// compiled the way a user's build compiles it, and run once; an operator without an example builder
/// fails here, so a new operator cannot claim types nobody tried.
/// </summary>
public class TypeCombinationTests
{
    public static TheoryData<string, int> Combinations()
    {
        var data = new TheoryData<string, int>();
        foreach (OperatorDefinition definition in OperatorCatalog.Definitions.OrderBy(d => d.Name, System.StringComparer.Ordinal))
        {
            for (int i = 0; i < definition.Types.Combinations.Count; i++)
            {
                data.Add(definition.Name, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void EveryClaimedTypeCombinationCompilesAndRuns(string operatorName, int combination)
    {
        OperatorDefinition definition = OperatorCatalog.Definitions.Single(d => d.Name == operatorName);
        TypeCombination types = definition.Types.Combinations[combination];
        byte[]? model = OperatorExamples.Build(definition.Name, types);
        Assert.True(model is not null, $"No example model for {operatorName}: add an [OperatorExample({(definition.CustomCode is null ? definition.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"{definition.CustomCode}\"")})] builder in tests/TinyModel.Tests/Operators/Examples.");

        ITinyModel instance = InMemoryModel.Compile(model!, $"/examples/{operatorName.ToLowerInvariant()}_{combination}.tflite").Create();
        byte[] inputs = new byte[instance.Inputs.Sum(t => t.ByteCount)];
        byte[] outputs = new byte[instance.Outputs.Sum(t => t.ByteCount)];
        instance.InvokeRaw(inputs, outputs);
        if (definition.Types.HasVariadicOutputs)
        {
            Assert.All(instance.Outputs, o => Assert.Equal(types.Outputs[0].ModelName(), o.ElementType.ToString().ToLowerInvariant()));
        }
        else
        {
            Assert.Equal(types.Outputs.Count, instance.Outputs.Count);
        }
    }
}
