using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TinyModel.Generator.Reading;

namespace TinyModel.Tests.Infrastructure;

/// <summary>
/// Cuts one operator out of a real model into a model of its own: the same weights, quantization and
/// options, its run-time inputs as the model's inputs (variable tensors stay variable state), its output
/// as the model's output. Lets a layer be checked against TFLM's dump of its input and output tensors
/// (case 0 of the golden data) while the model's other operators are not compiled yet.
/// </summary>
public static class LayerExtractor
{
    /// <summary>A layer cut out of a model, with the indices its tensors had in the original model.</summary>
    /// <param name="Model">The one-operator .tflite model.</param>
    /// <param name="Inputs">Original indices of the model's inputs (the run-time, non-variable inputs), in order.</param>
    /// <param name="Outputs">Original indices of the model's outputs.</param>
    public sealed record Layer(byte[] Model, int[] Inputs, int[] Outputs);

    /// <summary>The nodes of a model that run a builtin operator.</summary>
    public static IEnumerable<int> Nodes(string modelPath, int builtinCode)
    {
        TfliteModel model = TfliteReader.Read(File.ReadAllBytes(modelPath));
        return model.Subgraphs[0].Operators
            .Where(op => model.OperatorCodes[op.OpcodeIndex].BuiltinCode == builtinCode)
            .Select(op => op.Index)
            .ToList();
    }

    public static Layer Extract(string modelPath, int node)
    {
        TfliteModel model = TfliteReader.Read(File.ReadAllBytes(modelPath));
        TfliteSubgraph graph = model.Subgraphs[0];
        TfliteOperator op = graph.Operators[node];
        int code = model.OperatorCodes[op.OpcodeIndex].BuiltinCode;

        var builder = new TfliteModelBuilder();
        var map = new Dictionary<int, int>();
        var inputs = new List<int>();
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
            ReadOnlyMemory<byte> data = model.Buffers[tensor.Buffer];
            int result;
            if (!tensor.IsVariable && tensor.Buffer != 0 && data.Length > 0)
            {
                result = builder.Constant(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(), data.ToArray(),
                    q is { Scale.Count: > 0 } ? q.Scale.ToArray() : null, q is { Scale.Count: > 0 } ? q.ZeroPoint.ToArray() : null, q?.QuantizedDimension ?? 0);
            }
            else
            {
                result = builder.Tensor(tensor.Name, (TfliteType)tensor.Type, tensor.Shape.ToArray(),
                    q is { Scale.Count: > 0 } ? q.Scale[0] : null, q is { ZeroPoint.Count: > 0 } ? q.ZeroPoint[0] : 0, tensor.IsVariable);
                if (!tensor.IsVariable)
                {
                    inputs.Add(index);
                }
            }
            map[index] = result;
            return result;
        }

        int[] opInputs = op.Inputs.Select(Copy).ToArray();
        int[] opOutputs = op.Outputs.Select(Copy).ToArray();
        inputs.RemoveAll(op.Outputs.Contains);
        builder.Operator(code, opInputs, opOutputs, op.BuiltinOptionsType, null, Options(code, op.BuiltinOptions))
            .Inputs(inputs.Select(i => map[i]).ToArray())
            .Outputs(op.Outputs.Select(i => map[i]).ToArray());
        return new Layer(builder.Build(), inputs.ToArray(), op.Outputs.ToArray());
    }

    /// <summary>The option fields of the operators this is used for, copied field by field with their schema types.</summary>
    private static TfliteModelBuilder.Option[] Options(int code, FlatTable? table)
    {
        if (table is not FlatTable options)
        {
            return Array.Empty<TfliteModelBuilder.Option>();
        }
        var fields = new List<TfliteModelBuilder.Option>();
        void Byte(int id)
        {
            if (options.Has(id))
            {
                fields.Add(TfliteModelBuilder.Option.Byte(id, options.GetByte(id)));
            }
        }
        void Int(int id)
        {
            if (options.Has(id))
            {
                fields.Add(TfliteModelBuilder.Option.Int(id, options.GetInt(id)));
            }
        }
        void Float(int id)
        {
            if (options.Has(id))
            {
                fields.Add(TfliteModelBuilder.Option.Float(id, options.GetFloat(id)));
            }
        }
        switch (code)
        {
            case 27: // SVDFOptions: rank, fused_activation_function, asymmetric_quantize_inputs
                Int(0);
                Byte(1);
                Byte(2);
                break;
            case 44: // UnidirectionalSequenceLSTMOptions: activation, cell_clip, proj_clip, time_major, asymmetric_quantize_inputs, diagonal_recurrent_tensors
                Byte(0);
                Float(1);
                Float(2);
                Byte(3);
                Byte(4);
                Byte(5);
                break;
            case 9: // FullyConnectedOptions: fused_activation_function, weights_format, keep_num_dims, asymmetric_quantize_inputs
                Byte(0);
                Byte(1);
                Byte(2);
                Byte(3);
                break;
            default:
                throw new NotSupportedException($"Copying the options of builtin operator {code} is not implemented.");
        }
        return fields.ToArray();
    }
}
