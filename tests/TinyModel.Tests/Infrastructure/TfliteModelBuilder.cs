using System;
using System.Collections.Generic;
using System.Linq;
using Google.FlatBuffers;

namespace TinyModel.Tests.Infrastructure;

/// <summary>TFLite tensor types (schema.fbs <c>TensorType</c>).</summary>
public enum TfliteType : sbyte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7, Int8 = 9, UInt64 = 12, Resource = 13, UInt32 = 15,
}

/// <summary>
/// Writes small, valid .tflite flatbuffers with Google.FlatBuffers' builder, field by field as
/// schema.fbs defines them, so that tests can cover operator options and malformed models that the
/// real models in ../shared do not contain.
/// </summary>
public sealed class TfliteModelBuilder
{
    private readonly List<TensorDef> _tensors = new();
    private readonly List<OperatorDef> _operators = new();
    private readonly List<(int Code, string? Custom)> _codes = new();
    private int[] _inputs = Array.Empty<int>();
    private int[] _outputs = Array.Empty<int>();
    private readonly List<TfliteModelBuilder> _subgraphs = new();

    /// <summary>The subgraph's name (written when set).</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Adds another subgraph, built by <paramref name="subgraph"/>'s tensors, operators, inputs and outputs (its
    /// own subgraphs are ignored); returns its index in the model, for IF, WHILE and CALL_ONCE options.
    /// </summary>
    public int Subgraph(TfliteModelBuilder subgraph)
    {
        _subgraphs.Add(subgraph);
        return _subgraphs.Count;
    }

    /// <summary>The subgraph added with index <paramref name="index"/> (to reuse it in another model).</summary>
    public TfliteModelBuilder AddedSubgraph(int index) => _subgraphs[index - 1];

    /// <summary>An option field of an operator's options table: field id and a writer for its value.</summary>
    public sealed record Option(int FieldId, Action<FlatBufferBuilder, int> Write, string? Text = null)
    {
        /// <summary>A string field (VarHandleOptions' container and shared_name).</summary>
        public static Option String(int id, string value) => new(id, (_, _) => { }, value);

        public static Option Byte(int id, byte value) => new(id, (b, slot) => b.AddByte(slot, value, 0));
        public static Option Int(int id, int value) => new(id, (b, slot) => b.AddInt(slot, value, int.MinValue));
        public static Option Float(int id, float value) => new(id, (b, slot) => b.AddFloat(slot, value, double.NaN));
        public static Option Bool(int id, bool value) => new(id, (b, slot) => b.AddBool(slot, value, !value));
    }

    private sealed record TensorDef(string Name, TfliteType Type, int[] Shape, byte[]? Data, float[]? Scales, long[]? ZeroPoints, int QuantizedDimension, bool IsVariable);

    private sealed record OperatorDef(int CodeIndex, int[] Inputs, int[] Outputs, byte OptionsType, Option[] Options, byte[]? CustomOptions = null);

    /// <summary>Adds a tensor computed at run time; returns its index.</summary>
    public int Tensor(string name, TfliteType type, int[] shape, float? scale = null, long zeroPoint = 0, bool isVariable = false) =>
        Add(new TensorDef(name, type, shape, null, scale is null ? null : new[] { scale.Value }, scale is null ? null : new[] { zeroPoint }, 0, isVariable));

    /// <summary>Adds a tensor computed at run time with per-channel quantization along <paramref name="quantizedDimension"/>; returns its index.</summary>
    public int PerChannelTensor(string name, TfliteType type, int[] shape, float[] scales, long[] zeroPoints, int quantizedDimension) =>
        Add(new TensorDef(name, type, shape, null, scales, zeroPoints, quantizedDimension, false));

    /// <summary>Adds a constant tensor holding <paramref name="data"/> (little-endian bytes); returns its index.</summary>
    public int Constant(string name, TfliteType type, int[] shape, byte[] data, float[]? scales = null, long[]? zeroPoints = null, int quantizedDimension = 0) =>
        Add(new TensorDef(name, type, shape, data, scales, zeroPoints ?? scales?.Select(_ => 0L).ToArray(), quantizedDimension, false));

    /// <summary>Adds an operator. Options are fields of its builtin options table, whose union type is <paramref name="optionsType"/>.</summary>
    public TfliteModelBuilder Operator(int builtinCode, int[] inputs, int[] outputs, byte optionsType = 0, string? customCode = null, params Option[] options)
    {
        int code = _codes.IndexOf((builtinCode, customCode));
        if (code < 0)
        {
            _codes.Add((builtinCode, customCode));
            code = _codes.Count - 1;
        }
        _operators.Add(new OperatorDef(code, inputs, outputs, optionsType, options));
        return this;
    }

    /// <summary>Adds a custom operator (<c>CUSTOM</c> with <paramref name="customCode"/>) whose options are <paramref name="customOptions"/>.</summary>
    public TfliteModelBuilder CustomOperator(string customCode, int[] inputs, int[] outputs, byte[] customOptions)
    {
        Operator(32, inputs, outputs, 0, customCode);
        _operators[_operators.Count - 1] = _operators[_operators.Count - 1] with { CustomOptions = customOptions };
        return this;
    }

    public TfliteModelBuilder Inputs(params int[] tensors)
    {
        _inputs = tensors;
        return this;
    }

    public TfliteModelBuilder Outputs(params int[] tensors)
    {
        _outputs = tensors;
        return this;
    }

    /// <summary>
    /// Writes the model: this subgraph first, then those added with <see cref="Subgraph(TfliteModelBuilder)"/>;
    /// <paramref name="subgraphs"/> &gt; 1 repeats this subgraph instead, for a multi-subgraph model nothing calls.
    /// </summary>
    public byte[] Build(int subgraphs = 1)
    {
        var b = new FlatBufferBuilder(1024);
        List<TfliteModelBuilder> graphs = _subgraphs.Count > 0 ? new[] { this }.Concat(_subgraphs).ToList() : Enumerable.Repeat(this, subgraphs).ToList();

        // Buffers: 0 is the empty sentinel, then one per constant tensor. Operator codes are shared by all subgraphs.
        var bufferOffsets = new List<int> { EmptyTable(b) };
        var codes = new List<(int Code, string? Custom)>();
        var graphOffsets = new int[graphs.Count];
        for (int g = 0; g < graphs.Count; g++)
        {
            TfliteModelBuilder graph = graphs[g];
            var tensorBuffer = new int[graph._tensors.Count];
            for (int t = 0; t < graph._tensors.Count; t++)
            {
                if (graph._tensors[t].Data is byte[] data)
                {
                    b.StartVector(1, data.Length, 16);
                    for (int i = data.Length - 1; i >= 0; i--)
                    {
                        b.PutByte(data[i]);
                    }
                    VectorOffset vector = b.EndVector();
                    b.StartTable(3);
                    b.AddOffset(0, vector.Value, 0);
                    bufferOffsets.Add(b.EndTable());
                    tensorBuffer[t] = bufferOffsets.Count - 1;
                }
            }
            int[] codeMap = graph._codes.Select(c =>
            {
                if (!codes.Contains(c))
                {
                    codes.Add(c);
                }
                return codes.IndexOf(c);
            }).ToArray();
            graphOffsets[g] = graph.WriteSubgraph(b, tensorBuffer, codeMap);
        }

        var codeOffsets = codes.Select(c =>
        {
            StringOffset custom = c.Custom is null ? default : b.CreateString(c.Custom);
            b.StartTable(4);
            b.AddSbyte(0, (sbyte)Math.Min(c.Code, 127), 0);
            if (c.Custom is not null)
            {
                b.AddOffset(1, custom.Value, 0);
            }
            b.AddInt(2, 1, 0);
            b.AddInt(3, c.Code, -1);
            return b.EndTable();
        }).ToArray();

        int codesVector = OffsetVector(b, codeOffsets);
        int graphsVector = OffsetVector(b, graphOffsets);
        int buffersVector = OffsetVector(b, bufferOffsets.ToArray());
        b.StartTable(8);
        b.AddUint(0, 3, 0);
        b.AddOffset(1, codesVector, 0);
        b.AddOffset(2, graphsVector, 0);
        b.AddOffset(4, buffersVector, 0);
        b.Finish(b.EndTable(), "TFL3");
        return b.SizedByteArray();
    }

    private int Add(TensorDef tensor)
    {
        _tensors.Add(tensor);
        return _tensors.Count - 1;
    }

    private int WriteSubgraph(FlatBufferBuilder b, int[] tensorBuffer, int[] codeMap)
    {
        var tensorOffsets = new int[_tensors.Count];
        for (int t = 0; t < _tensors.Count; t++)
        {
            TensorDef tensor = _tensors[t];
            int shape = IntVector(b, tensor.Shape);
            StringOffset name = b.CreateString(tensor.Name);
            int quantization = 0;
            if (tensor.Scales is not null)
            {
                b.StartVector(4, tensor.Scales.Length, 4);
                for (int i = tensor.Scales.Length - 1; i >= 0; i--)
                {
                    b.PutFloat(tensor.Scales[i]);
                }
                int scales = b.EndVector().Value;
                long[] zeroPoints = tensor.ZeroPoints ?? new long[tensor.Scales.Length];
                b.StartVector(8, zeroPoints.Length, 8);
                for (int i = zeroPoints.Length - 1; i >= 0; i--)
                {
                    b.PutLong(zeroPoints[i]);
                }
                int zeros = b.EndVector().Value;
                b.StartTable(7);
                b.AddOffset(2, scales, 0);
                b.AddOffset(3, zeros, 0);
                b.AddInt(6, tensor.QuantizedDimension, 0);
                quantization = b.EndTable();
            }
            b.StartTable(8);
            b.AddOffset(0, shape, 0);
            b.AddSbyte(1, (sbyte)tensor.Type, -1);
            b.AddUint(2, (uint)tensorBuffer[t], 0);
            b.AddOffset(3, name.Value, 0);
            if (quantization != 0)
            {
                b.AddOffset(4, quantization, 0);
            }
            b.AddBool(5, tensor.IsVariable, false);
            tensorOffsets[t] = b.EndTable();
        }

        var operatorOffsets = new int[_operators.Count];
        for (int o = 0; o < _operators.Count; o++)
        {
            OperatorDef op = _operators[o];
            int inputs = IntVector(b, op.Inputs);
            int outputs = IntVector(b, op.Outputs);
            int options = 0;
            int customOptions = 0;
            if (op.CustomOptions is not null)
            {
                b.StartVector(1, op.CustomOptions.Length, 1);
                for (int i = op.CustomOptions.Length - 1; i >= 0; i--)
                {
                    b.PutByte(op.CustomOptions[i]);
                }
                customOptions = b.EndVector().Value;
            }
            if (op.OptionsType != 0)
            {
                int[] texts = op.Options.Select(o => o.Text is null ? 0 : b.CreateString(o.Text).Value).ToArray();
                b.StartTable(op.Options.Length == 0 ? 1 : op.Options.Max(x => x.FieldId) + 1);
                for (int k = 0; k < op.Options.Length; k++)
                {
                    if (op.Options[k].Text is null)
                    {
                        op.Options[k].Write(b, op.Options[k].FieldId);
                    }
                    else
                    {
                        b.AddOffset(op.Options[k].FieldId, texts[k], 0);
                    }
                }
                options = b.EndTable();
            }
            b.StartTable(13);
            b.AddUint(0, (uint)codeMap[op.CodeIndex], uint.MaxValue);
            b.AddOffset(1, inputs, 0);
            b.AddOffset(2, outputs, 0);
            if (options != 0)
            {
                b.AddByte(3, op.OptionsType, 0);
                b.AddOffset(4, options, 0);
            }
            if (customOptions != 0)
            {
                b.AddOffset(5, customOptions, 0);
            }
            operatorOffsets[o] = b.EndTable();
        }

        int tensorsVector = OffsetVector(b, tensorOffsets);
        int inputsVector = IntVector(b, _inputs);
        int outputsVector = IntVector(b, _outputs);
        int operatorsVector = OffsetVector(b, operatorOffsets);
        StringOffset graphName = Name is null ? default : b.CreateString(Name);
        b.StartTable(5);
        b.AddOffset(0, tensorsVector, 0);
        b.AddOffset(1, inputsVector, 0);
        b.AddOffset(2, outputsVector, 0);
        b.AddOffset(3, operatorsVector, 0);
        if (Name is not null)
        {
            b.AddOffset(4, graphName.Value, 0);
        }
        return b.EndTable();
    }

    private static int EmptyTable(FlatBufferBuilder b)
    {
        b.StartTable(0);
        return b.EndTable();
    }

    private static int IntVector(FlatBufferBuilder b, int[] values)
    {
        b.StartVector(4, values.Length, 4);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            b.PutInt(values[i]);
        }
        return b.EndVector().Value;
    }

    private static int OffsetVector(FlatBufferBuilder b, int[] offsets)
    {
        b.StartVector(4, offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--)
        {
            b.AddOffset(offsets[i]);
        }
        return b.EndVector().Value;
    }
}
