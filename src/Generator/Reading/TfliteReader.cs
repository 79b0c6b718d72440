using System;
using System.Collections.Generic;
using System.Text;
using Google.FlatBuffers;

namespace TinyModel.Generator.Reading;

/// <summary>
/// Reads a .tflite file into a <see cref="TfliteModel"/>. A malformed file (empty, truncated, not a
/// TFLite flatbuffer, offsets or indices out of range) raises <see cref="ModelFormatException"/>
/// with a message that says what is wrong and where.
/// </summary>
internal static class TfliteReader
{
    // Field ids in schema.fbs.
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4;
    private const int CodeDeprecatedBuiltin = 0, CodeCustom = 1, CodeVersion = 2, CodeBuiltin = 3;
    private const int GraphTensors = 0, GraphInputs = 1, GraphOutputs = 2, GraphOperators = 3, GraphName = 4;
    private const int TensorShape = 0, TensorType = 1, TensorBuffer = 2, TensorName = 3, TensorQuantization = 4,
        TensorIsVariable = 5, TensorSparsity = 6, TensorShapeSignature = 7;
    private const int QuantScale = 2, QuantZeroPoint = 3, QuantDetailsType = 4, QuantDimension = 6;
    private const int OpOpcodeIndex = 0, OpInputs = 1, OpOutputs = 2, OpOptionsType = 3, OpOptions = 4, OpCustomOptions = 5,
        OpIntermediates = 8, OpLargeCustomOptionsOffset = 9, OpLargeCustomOptionsSize = 10;
    private const int BufferData = 0, BufferOffset = 1, BufferSize = 2;

    public static TfliteModel Read(byte[] file)
    {
        if (file.Length == 0)
        {
            throw new ModelFormatException("the file is empty");
        }
        if (file.Length < 8)
        {
            throw new ModelFormatException($"the file is truncated: {file.Length} bytes, too short for a flatbuffer header");
        }
        string identifier = Encoding.ASCII.GetString(file, 4, 4);
        if (identifier != TfliteVerifier.FileIdentifier)
        {
            throw new ModelFormatException($"bytes 4-7 should hold the TFLite file identifier '{TfliteVerifier.FileIdentifier}' but hold '{Printable(identifier)}'; the file is not a TensorFlow Lite flatbuffer");
        }

        var buffer = new ByteBuffer(file);
        if (!TfliteVerifier.Verify(file))
        {
            throw new ModelFormatException($"its flatbuffer structure is corrupt: a table, vector or string points outside the file's {file.Length} bytes (is the file truncated?)");
        }

        var model = new FlatTable(buffer, buffer.GetInt(buffer.Position) + buffer.Position);
        IReadOnlyList<ReadOnlyMemory<byte>> buffers = ReadBuffers(model, file);
        var codes = new List<TfliteOperatorCode>();
        foreach (FlatTable code in model.GetTableVector(ModelOperatorCodes))
        {
            int builtin = Math.Max((sbyte)code.GetByte(CodeDeprecatedBuiltin), code.GetInt(CodeBuiltin));
            codes.Add(new TfliteOperatorCode(builtin, code.GetString(CodeCustom), code.GetInt(CodeVersion, 1)));
        }

        var subgraphs = new List<TfliteSubgraph>();
        FlatTable[] graphTables = model.GetTableVector(ModelSubgraphs);
        for (int g = 0; g < graphTables.Length; g++)
        {
            subgraphs.Add(ReadSubgraph(graphTables[g], g, codes.Count, buffers.Count, file));
        }
        if (subgraphs.Count == 0)
        {
            throw new ModelFormatException("it has no subgraph");
        }

        return new TfliteModel(model.GetUInt(ModelVersion), codes, subgraphs, buffers, model.GetString(ModelDescription));
    }

    private static IReadOnlyList<ReadOnlyMemory<byte>> ReadBuffers(FlatTable model, byte[] file)
    {
        var buffers = new List<ReadOnlyMemory<byte>>();
        FlatTable[] tables = model.GetTableVector(ModelBuffers);
        for (int i = 0; i < tables.Length; i++)
        {
            FlatTable table = tables[i];
            ulong offset = table.GetULong(BufferOffset);
            if (offset > 1)
            {
                // Models over 2 GB keep constant data after the flatbuffer, addressed from the start of the file.
                ulong size = table.GetULong(BufferSize);
                if (offset + size > (ulong)file.Length || offset + size < offset)
                {
                    throw new ModelFormatException($"buffer {i} claims {size} bytes at offset {offset}, past the end of the file ({file.Length} bytes)");
                }
                buffers.Add(new ReadOnlyMemory<byte>(file, (int)offset, (int)size));
            }
            else
            {
                buffers.Add(table.GetByteVector(BufferData, file));
            }
        }
        return buffers;
    }

    private static TfliteSubgraph ReadSubgraph(FlatTable graph, int graphIndex, int codeCount, int bufferCount, byte[] file)
    {
        string where = $"subgraph {graphIndex}";
        var tensors = new List<TfliteTensor>();
        FlatTable[] tensorTables = graph.GetTableVector(GraphTensors);
        for (int t = 0; t < tensorTables.Length; t++)
        {
            tensors.Add(ReadTensor(tensorTables[t], t, bufferCount, where));
        }

        int[] inputs = CheckTensorIndices(graph.GetIntVector(GraphInputs), tensors.Count, $"{where} inputs", allowOmitted: false);
        int[] outputs = CheckTensorIndices(graph.GetIntVector(GraphOutputs), tensors.Count, $"{where} outputs", allowOmitted: false);

        var operators = new List<TfliteOperator>();
        FlatTable[] operatorTables = graph.GetTableVector(GraphOperators);
        for (int i = 0; i < operatorTables.Length; i++)
        {
            FlatTable op = operatorTables[i];
            string opWhere = $"{where} node {i}";
            uint opcode = op.GetUInt(OpOpcodeIndex);
            if (opcode >= codeCount)
            {
                throw new ModelFormatException($"{opWhere} refers to operator code {opcode}, but the model has {codeCount}");
            }
            operators.Add(new TfliteOperator(
                i,
                (int)opcode,
                CheckTensorIndices(op.GetIntVector(OpInputs), tensors.Count, $"{opWhere} inputs", allowOmitted: true),
                CheckTensorIndices(op.GetIntVector(OpOutputs), tensors.Count, $"{opWhere} outputs", allowOmitted: false),
                CheckTensorIndices(op.GetIntVector(OpIntermediates), tensors.Count, $"{opWhere} intermediates", allowOmitted: false),
                op.GetByte(OpOptionsType),
                op.GetTable(OpOptions),
                op.Has(OpCustomOptions) || op.GetULong(OpLargeCustomOptionsSize) != 0,
                CustomOptions(op, file, opWhere)));
        }

        return new TfliteSubgraph(tensors, inputs, outputs, operators, graph.GetString(GraphName));
    }

    /// <summary>
    /// A custom operator's options: the <c>custom_options</c> bytes, or for models over 2 GB the
    /// <c>large_custom_options</c> range after the flatbuffer, checked against the file's length.
    /// </summary>
    private static ReadOnlyMemory<byte> CustomOptions(FlatTable op, byte[] file, string where)
    {
        ulong size = op.GetULong(OpLargeCustomOptionsSize);
        if (size == 0)
        {
            return op.GetByteVector(OpCustomOptions, file);
        }
        ulong offset = op.GetULong(OpLargeCustomOptionsOffset);
        if (offset + size > (ulong)file.Length || offset + size < offset)
        {
            throw new ModelFormatException($"{where} claims {size} bytes of custom options at offset {offset}, past the end of the file ({file.Length} bytes)");
        }
        return new ReadOnlyMemory<byte>(file, (int)offset, (int)size);
    }

    private static TfliteTensor ReadTensor(FlatTable tensor, int index, int bufferCount, string where)
    {
        uint buffer = tensor.GetUInt(TensorBuffer);
        if (buffer >= bufferCount && !(buffer == 0 && bufferCount == 0))
        {
            throw new ModelFormatException($"{where} tensor {index} refers to buffer {buffer}, but the model has {bufferCount}");
        }

        TfliteQuantization? quantization = null;
        if (tensor.GetTable(TensorQuantization) is FlatTable q)
        {
            float[] scale = q.GetFloatVector(QuantScale);
            long[] zeroPoint = q.GetLongVector(QuantZeroPoint);
            if (scale.Length > 0 || zeroPoint.Length > 0 || q.GetByte(QuantDetailsType) != 0)
            {
                quantization = new TfliteQuantization(scale, zeroPoint, q.GetInt(QuantDimension), q.GetByte(QuantDetailsType) != 0,
                    q.GetVector(QuantScale, sizeof(float)).Start);
            }
        }

        int[] shapeSignature = tensor.GetIntVector(TensorShapeSignature);
        return new TfliteTensor(
            index,
            tensor.GetString(TensorName) ?? $"tensor{index}",
            (TfliteTensorType)tensor.GetByte(TensorType),
            tensor.GetIntVector(TensorShape),
            shapeSignature.Length > 0 ? shapeSignature : null,
            (int)buffer,
            quantization,
            tensor.GetBool(TensorIsVariable),
            tensor.Has(TensorSparsity));
    }

    private static int[] CheckTensorIndices(int[] indices, int tensorCount, string where, bool allowOmitted)
    {
        foreach (int index in indices)
        {
            if (index >= tensorCount || index < (allowOmitted ? -1 : 0))
            {
                throw new ModelFormatException($"{where} refer to tensor {index}, but the subgraph has {tensorCount} tensors");
            }
        }
        return indices;
    }

    private static string Printable(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text)
        {
            builder.Append(c >= 32 && c < 127 ? c.ToString() : $"\\x{(int)c:X2}");
        }
        return builder.ToString();
    }
}
