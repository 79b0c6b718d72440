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
/// Each SOFTMAX, pooling, MEAN, PAD, TRANSPOSE, STRIDED_SLICE and CONCATENATION layer of the real models,
/// cut out into a one-layer model (same tensors, quantization, constants and options), run on the
/// input TFLM dumped for case 0 and compared with the output TFLM dumped: checks these layers in
/// models whose other operators are compiled elsewhere.
/// </summary>
public class RealModelLayerTests
{
    private static readonly Dictionary<string, int> Codes = new()
    {
        ["SOFTMAX"] = 25, ["AVERAGE_POOL_2D"] = 1, ["MAX_POOL_2D"] = 17, ["MEAN"] = 40, ["PAD"] = 34, ["PADV2"] = 60,
        ["TRANSPOSE"] = 39, ["STRIDED_SLICE"] = 45, ["CONCATENATION"] = 2,
    };

    /// <summary>Every such layer whose input and output TFLM dumped, as <c>model#node</c>.</summary>
    public static TheoryData<string> Layers()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            HashSet<int> dumped = DumpedTensors(name);
            TfliteModel model = TfliteReader.Read(File.ReadAllBytes(path));
            foreach (TfliteOperator op in model.Subgraphs[0].Operators)
            {
                if (Codes.ContainsKey(model.OperatorCodes[op.OpcodeIndex].Name)
                    && dumped.Contains(op.Inputs[0]) && dumped.Contains(op.Outputs[0]))
                {
                    data.Add($"{name}#{op.Index}");
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void LayerMatchesTflmDump(string layer)
    {
        string name = layer.Split('#')[0];
        int node = int.Parse(layer.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture);
        TfliteModel model = TfliteReader.Read(File.ReadAllBytes(SharedData.ModelPath(name)));
        TfliteSubgraph graph = model.Subgraphs[0];
        TfliteOperator op = graph.Operators[node];
        string goldenDir = Path.Combine(SharedData.GoldenDir, name);

        var b = new TfliteModelBuilder();
        var map = new Dictionary<int, int>();
        var runtimeInputs = new List<int>();
        int[] newInputs = op.Inputs.Select(t =>
        {
            if (t < 0)
            {
                return -1;
            }
            if (!map.TryGetValue(t, out int mapped))
            {
                TfliteTensor tensor = graph.Tensors[t];
                bool constant = tensor.Buffer != 0 && model.Buffers[tensor.Buffer].Length > 0;
                mapped = constant
                    ? b.Constant(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(), model.Buffers[tensor.Buffer].ToArray(),
                        tensor.Quantization?.Scale.ToArray(), tensor.Quantization?.ZeroPoint.ToArray())
                    : AddRuntime(b, tensor);
                map[t] = mapped;
                if (!constant)
                {
                    runtimeInputs.Add(t);
                }
            }
            return mapped;
        }).ToArray();
        int output = AddRuntime(b, graph.Tensors[op.Outputs[0]]);
        string opName = model.OperatorCodes[op.OpcodeIndex].Name;
        b.Operator(Codes[opName], newInputs, new[] { output }, op.BuiltinOptionsType, null, CopyOptions(opName, op.BuiltinOptions))
            .Inputs(runtimeInputs.Select(t => map[t]).ToArray())
            .Outputs(output);

        ITinyModel instance = InMemoryModel.Compile(b.Build(), $"/tests/{name}_node{node}.tflite").Create();
        byte[] inputs = runtimeInputs.SelectMany(t => File.ReadAllBytes(Path.Combine(goldenDir, $"case0.tensor{t}.bin"))).ToArray();
        byte[] expected = File.ReadAllBytes(Path.Combine(goldenDir, $"case0.tensor{op.Outputs[0]}.bin"));
        byte[] actual = new byte[expected.Length];
        instance.InvokeRaw(inputs, actual);
        OutputComparison.AssertMatches($"{layer} ({opName})", graph.Tensors[op.Outputs[0]].Type.ToString().ToLowerInvariant(), expected, actual);
    }

    private static int AddRuntime(TfliteModelBuilder b, TfliteTensor tensor) =>
        b.Tensor(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(),
            tensor.Quantization is { Scale.Count: > 0 } q ? q.Scale[0] : null,
            tensor.Quantization is { ZeroPoint.Count: > 0 } z ? z.ZeroPoint[0] : 0);

    /// <summary>The option fields of each operator's options table (schema.fbs), copied by type.</summary>
    private static TfliteModelBuilder.Option[] CopyOptions(string op, FlatTable? table)
    {
        if (table is not FlatTable t)
        {
            return Array.Empty<TfliteModelBuilder.Option>();
        }
        (int Id, char Kind)[] fields = op switch
        {
            "SOFTMAX" => new[] { (0, 'f') },
            "AVERAGE_POOL_2D" or "MAX_POOL_2D" => new[] { (0, 'b'), (1, 'i'), (2, 'i'), (3, 'i'), (4, 'i'), (5, 'b') },
            "MEAN" => new[] { (0, 'b') },
            "STRIDED_SLICE" => new[] { (0, 'i'), (1, 'i'), (2, 'i'), (3, 'i'), (4, 'i'), (5, 'b') },
            "CONCATENATION" => new[] { (0, 'i'), (1, 'b') },
            _ => Array.Empty<(int, char)>(),
        };
        return fields.Where(f => t.Has(f.Id)).Select(f => f.Kind switch
        {
            'f' => TfliteModelBuilder.Option.Float(f.Id, t.GetFloat(f.Id)),
            'i' => TfliteModelBuilder.Option.Int(f.Id, t.GetInt(f.Id)),
            _ => TfliteModelBuilder.Option.Byte(f.Id, t.GetByte(f.Id)),
        }).ToArray();
    }

    private static HashSet<int> DumpedTensors(string model)
    {
        string meta = Path.Combine(SharedData.GoldenDir, model, "meta.json");
        if (!File.Exists(meta))
        {
            return new HashSet<int>();
        }
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(meta));
        return doc.RootElement.TryGetProperty("case0_tensors", out JsonElement tensors)
            ? tensors.EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToHashSet()
            : new HashSet<int>();
    }
}
