using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Every CONV_2D and DEPTHWISE_CONV_2D layer of the real models, cut out of its model as a one-layer
/// model (same tensors, quantization and options), run on the tensor TFLM fed it in golden case 0 and
/// compared with the tensor TFLM computed (../shared/golden/&lt;model&gt;/case0.tensor&lt;T&gt;.bin).
/// Checks the convolutions of models whose other operators may not compile yet. Layers of models
/// without a dump (mobilenet_v2, too large to dump) are compiled and run, which checks that TinyModel
/// accepts their options and quantization.
/// </summary>
public class RealModelConvolutionLayerTests
{
    private const byte Conv2DOptionsType = 1, DepthwiseConv2DOptionsType = 2;

    public static TheoryData<string, int> Layers() => Find(dumped: true);

    public static TheoryData<string, int> LayersWithoutDump() => Find(dumped: false);

    private static TheoryData<string, int> Find(bool dumped)
    {
        var data = new TheoryData<string, int>();
        foreach (string path in Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            HashSet<int> tensors = DumpedTensors(name);
            TfliteModel model = TfliteReader.Read(File.ReadAllBytes(path));
            TfliteSubgraph graph = model.Subgraphs[0];
            foreach (TfliteOperator op in graph.Operators)
            {
                int code = model.OperatorCodes[op.OpcodeIndex].BuiltinCode;
                if ((code == BuiltinOperator.Conv2D || code == BuiltinOperator.DepthwiseConv2D)
                    && dumped == (tensors.Contains(op.Inputs[0]) && tensors.Contains(op.Outputs[0])))
                {
                    data.Add(name, op.Index);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void LayerMatchesTflm(string modelName, int node)
    {
        (ITinyModel instance, TfliteSubgraph graph, TfliteOperator op, string opName) = CutOut(modelName, node);
        string golden = Path.Combine(SharedData.GoldenDir, modelName);
        byte[] input = File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{op.Inputs[0]}.bin"));
        byte[] expected = File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{op.Outputs[0]}.bin"));
        byte[] actual = new byte[expected.Length];
        instance.InvokeRaw(input, actual);
        OutputComparison.AssertMatches($"{modelName} node {node} ({opName}) tensor {op.Outputs[0]}",
            graph.Tensors[op.Outputs[0]].Type.ToString().ToLowerInvariant(), expected, actual);
    }

    [Theory]
    [MemberData(nameof(LayersWithoutDump))]
    public void LayerCompilesAndRuns(string modelName, int node)
    {
        (ITinyModel instance, _, _, _) = CutOut(modelName, node);
        var input = new byte[instance.Inputs.Sum(t => t.ByteCount)];
        new Random(node).NextBytes(input);
        instance.InvokeRaw(input, new byte[instance.Outputs.Sum(t => t.ByteCount)]);
    }

    /// <summary>Builds and compiles a model of the one operator <paramref name="node"/>, with copies of its tensors and options.</summary>
    private static (ITinyModel Instance, TfliteSubgraph Graph, TfliteOperator Op, string OpName) CutOut(string modelName, int node)
    {
        TfliteModel model = TfliteReader.Read(SharedData.ModelBytes(modelName));
        TfliteSubgraph graph = model.Subgraphs[0];
        TfliteOperator op = graph.Operators[node];
        int code = model.OperatorCodes[op.OpcodeIndex].BuiltinCode;

        var builder = new TfliteModelBuilder();
        var map = new Dictionary<int, int>();
        int Copy(int index)
        {
            if (index < 0)
            {
                return -1;
            }
            if (map.TryGetValue(index, out int copied))
            {
                return copied;
            }
            TfliteTensor tensor = graph.Tensors[index];
            TfliteQuantization? q = tensor.Quantization;
            bool constant = tensor.Buffer != 0 && model.Buffers[tensor.Buffer].Length > 0;
            copied = constant
                ? builder.Constant(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(), model.Buffers[tensor.Buffer].ToArray(),
                    q is { Scale.Count: > 0 } ? q.Scale.ToArray() : null,
                    q is { Scale.Count: > 0 } ? q.ZeroPoint.ToArray() : null,
                    q?.QuantizedDimension ?? 0)
                : builder.Tensor(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(),
                    q is { Scale.Count: > 0 } ? q.Scale[0] : null, q is { ZeroPoint.Count: > 0 } ? q.ZeroPoint[0] : 0);
            map.Add(index, copied);
            return copied;
        }
        int[] inputs = op.Inputs.Select(Copy).ToArray();
        int[] outputs = op.Outputs.Select(Copy).ToArray();
        FlatTable options = op.BuiltinOptions!.Value;
        TfliteModelBuilder.Option[] copiedOptions = code == BuiltinOperator.Conv2D
            ? new[]
            {
                TfliteModelBuilder.Option.Byte(0, options.GetByte(0)),
                TfliteModelBuilder.Option.Int(1, options.GetInt(1)),
                TfliteModelBuilder.Option.Int(2, options.GetInt(2)),
                TfliteModelBuilder.Option.Byte(3, options.GetByte(3)),
                TfliteModelBuilder.Option.Int(4, options.GetInt(4, 1)),
                TfliteModelBuilder.Option.Int(5, options.GetInt(5, 1)),
            }
            : new[]
            {
                TfliteModelBuilder.Option.Byte(0, options.GetByte(0)),
                TfliteModelBuilder.Option.Int(1, options.GetInt(1)),
                TfliteModelBuilder.Option.Int(2, options.GetInt(2)),
                TfliteModelBuilder.Option.Int(3, options.GetInt(3)),
                TfliteModelBuilder.Option.Byte(4, options.GetByte(4)),
                TfliteModelBuilder.Option.Int(5, options.GetInt(5, 1)),
                TfliteModelBuilder.Option.Int(6, options.GetInt(6, 1)),
            };
        builder.Operator(code, inputs, outputs, code == BuiltinOperator.Conv2D ? Conv2DOptionsType : DepthwiseConv2DOptionsType, null, copiedOptions)
            .Inputs(inputs[0])
            .Outputs(outputs[0]);

        ITinyModel instance = InMemoryModel.Compile(builder.Build(), $"/tests/{modelName}_node{node}.tflite").Create();
        return (instance, graph, op, BuiltinOperatorNames.Get(code));
    }

    private static HashSet<int> DumpedTensors(string model)
    {
        string meta = Path.Combine(SharedData.GoldenDir, model, "meta.json");
        if (!File.Exists(meta))
        {
            return new HashSet<int>();
        }
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(meta));
        return document.RootElement.TryGetProperty("case0_tensors", out JsonElement tensors)
            ? new HashSet<int>(tensors.EnumerateArray().Select(t => t.GetProperty("index").GetInt32()))
            : new HashSet<int>();
    }
}
