using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Every elementwise layer of the real models, cut out into a model of its own (same tensors, same
/// quantization, same constants and options), fed the input TFLM computed for it in golden case 0 and
/// compared with the output TFLM computed: bit for bit for integers. This checks those layers on real
/// data even while the models' other operators are compiled elsewhere.
/// </summary>
public class RealModelElementwiseLayerTests
{
    private static readonly HashSet<int> ElementwiseCodes = new()
    {
        ElementwiseTestModels.Add, ElementwiseTestModels.Sub, ElementwiseTestModels.LeakyRelu, ElementwiseTestModels.Quantize,
        ElementwiseTestModels.Dequantize, ElementwiseTestModels.Logistic, ElementwiseTestModels.Tanh, ElementwiseTestModels.Relu, ElementwiseTestModels.Relu6,
    };

    /// <summary>Each elementwise operator of each real model whose golden data has its tensors, as <c>model/node</c>.</summary>
    public static TheoryData<string> Layers()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(SharedData.ModelsDir, "*.tflite").Order())
        {
            string name = Path.GetFileNameWithoutExtension(path);
            TfliteModel model = TfliteReader.Read(File.ReadAllBytes(path));
            HashSet<int> dumped = DumpedTensors(name);
            foreach (TfliteOperator op in model.Subgraphs[0].Operators)
            {
                if (ElementwiseCodes.Contains(model.OperatorCodes[op.OpcodeIndex].BuiltinCode)
                    && op.Inputs.Concat(op.Outputs).Where(i => i >= 0).All(i => dumped.Contains(i) || model.Buffers[model.Subgraphs[0].Tensors[i].Buffer].Length > 0))
                {
                    data.Add($"{name}/{op.Index}");
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void LayerMatchesTflmOnItsGoldenInput(string layer)
    {
        string[] parts = layer.Split('/');
        string name = parts[0];
        int node = int.Parse(parts[1]);
        TfliteModel model = TfliteReader.Read(SharedData.ModelBytes(name));
        TfliteSubgraph graph = model.Subgraphs[0];
        TfliteOperator op = graph.Operators[node];

        var builder = new TfliteModelBuilder();
        var runTimeInputs = new List<(int Tensor, int Index)>();
        var inputs = new List<int>();
        foreach (int tensorIndex in op.Inputs)
        {
            TfliteTensor tensor = graph.Tensors[tensorIndex];
            float[]? scales = tensor.Quantization?.Scale.ToArray() is { Length: > 0 } s ? s : null;
            long[]? zeroPoints = scales is null ? null : tensor.Quantization!.ZeroPoint.ToArray();
            byte[] constant = model.Buffers[tensor.Buffer].ToArray();
            if (constant.Length > 0)
            {
                inputs.Add(builder.Constant(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(), constant, scales, zeroPoints));
            }
            else
            {
                int index = builder.Tensor(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(), scales?[0], zeroPoints?[0] ?? 0);
                inputs.Add(index);
                runTimeInputs.Add((tensorIndex, index));
            }
        }
        TfliteTensor outputTensor = graph.Tensors[op.Outputs[0]];
        float? outputScale = outputTensor.Quantization is { Scale.Count: > 0 } q ? q.Scale[0] : null;
        int output = builder.Tensor(outputTensor.Name, (TfliteType)outputTensor.Type, outputTensor.Shape.ToArray(), outputScale,
            outputScale is null ? 0 : outputTensor.Quantization!.ZeroPoint[0]);

        builder.Operator(model.OperatorCodes[op.OpcodeIndex].BuiltinCode, inputs.ToArray(), new[] { output }, op.BuiltinOptionsType, null, Options(model.OperatorCodes[op.OpcodeIndex].BuiltinCode, op))
            .Inputs(runTimeInputs.Select(r => r.Index).ToArray())
            .Outputs(output);

        string golden = Path.Combine(SharedData.GoldenDir, name);
        byte[][] inputBytes = runTimeInputs.Select(r => File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{r.Tensor}.bin"))).ToArray();
        byte[] expected = File.ReadAllBytes(Path.Combine(golden, $"case0.tensor{op.Outputs[0]}.bin"));
        byte[] actual = ElementwiseTestModels.Run(ElementwiseTestModels.Compile(builder), inputBytes);
        OutputComparison.AssertMatches($"{layer} ({model.OperatorCodes[op.OpcodeIndex].Name})", outputTensor.Type.ToString().ToLowerInvariant(), expected, actual);
    }

    /// <summary>The option fields the elementwise operators have (schema.fbs), copied from the real operator.</summary>
    private static TfliteModelBuilder.Option[] Options(int code, TfliteOperator op)
    {
        if (op.BuiltinOptions is not FlatTable table)
        {
            return System.Array.Empty<TfliteModelBuilder.Option>();
        }
        return code switch
        {
            ElementwiseTestModels.Add or ElementwiseTestModels.Sub => new[]
            {
                TfliteModelBuilder.Option.Byte(0, table.GetByte(0)),
                TfliteModelBuilder.Option.Bool(1, table.GetBool(1, true)),
            },
            ElementwiseTestModels.LeakyRelu => new[] { TfliteModelBuilder.Option.Float(0, table.GetFloat(0)) },
            _ => System.Array.Empty<TfliteModelBuilder.Option>(),
        };
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
            ? tensors.EnumerateArray().Select(t => t.GetProperty("index").GetInt32()).ToHashSet()
            : new HashSet<int>();
    }
}
