using System;
using System.IO;
using System.Linq;
using Xunit;

namespace TinyModel.Tests.Infrastructure;

/// <summary>
/// Checks one layer of a real model against TensorFlow Lite Micro: the layer is cut out with
/// <see cref="LayerExtractor"/>, compiled, fed TFLM's case-0 dump of its input tensors and compared
/// with TFLM's dump of its output (bit for bit for integers, within the float tolerance for float32).
/// Stateful layers start from the reset state, as each golden case did in TFLM.
/// </summary>
public static class LayerGolden
{
    /// <summary>Theory data: every node of <paramref name="models"/> that runs <paramref name="builtinCode"/>, as (model, node).</summary>
    public static TheoryData<string, int> Nodes(int builtinCode, params string[] models)
    {
        var data = new TheoryData<string, int>();
        foreach (string model in models)
        {
            foreach (int node in LayerExtractor.Nodes(SharedData.ModelPath(model), builtinCode))
            {
                data.Add(model, node);
            }
        }
        return data;
    }

    public static void AssertMatchesTflm(string model, int node)
    {
        LayerExtractor.Layer layer = LayerExtractor.Extract(SharedData.ModelPath(model), node);
        string golden = Path.Combine(SharedData.GoldenDir, model);
        byte[] inputs = layer.Inputs.SelectMany(i => File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{i}.bin"))).ToArray();
        byte[][] expected = layer.Outputs.Select(o => File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{o}.bin"))).ToArray();

        InMemoryModel compiled = InMemoryModel.Compile(layer.Model, $"/tests/{model}_node{node}.tflite");
        ITinyModel instance = compiled.Create();
        byte[] outputs = new byte[expected.Sum(e => e.Length)];
        instance.InvokeRaw(inputs, outputs);

        int offset = 0;
        for (int o = 0; o < expected.Length; o++)
        {
            string dtype = instance.Outputs[o].ElementType.ToString().ToLowerInvariant();
            OutputComparison.AssertMatches($"{model} node {node} output tensor {layer.Outputs[o]}", dtype, expected[o], outputs.AsSpan(offset, expected[o].Length));
            offset += expected[o].Length;
        }
    }
}
