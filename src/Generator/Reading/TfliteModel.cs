using System;
using System.Collections.Generic;

namespace TinyModel.Generator.Reading;

/// <summary>
/// A TensorFlow Lite model as read from its flatbuffer: plain, immutable values with every index
/// already checked against the tables it points into. Lives only while one model is compiled.
/// </summary>
internal sealed class TfliteModel
{
    public TfliteModel(uint version, IReadOnlyList<TfliteOperatorCode> operatorCodes, IReadOnlyList<TfliteSubgraph> subgraphs,
        IReadOnlyList<ReadOnlyMemory<byte>> buffers, string? description)
    {
        Version = version;
        OperatorCodes = operatorCodes;
        Subgraphs = subgraphs;
        Buffers = buffers;
        Description = description;
    }

    public uint Version { get; }

    public IReadOnlyList<TfliteOperatorCode> OperatorCodes { get; }

    public IReadOnlyList<TfliteSubgraph> Subgraphs { get; }

    /// <summary>The model's buffers; index 0 is the empty sentinel. Slices of the file, not copies.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers { get; }

    public string? Description { get; }
}

/// <summary>An entry of the model's operator code table.</summary>
/// <param name="BuiltinCode">The builtin operator code (the larger of the deprecated byte field and the int field).</param>
/// <param name="CustomCode">The custom operator's name, for <c>CUSTOM</c>.</param>
/// <param name="Version">The operator version.</param>
internal sealed record TfliteOperatorCode(int BuiltinCode, string? CustomCode, int Version)
{
    public string Name => BuiltinCode == BuiltinOperator.Custom && CustomCode is not null
        ? $"CUSTOM({CustomCode})"
        : BuiltinOperatorNames.Get(BuiltinCode);
}

/// <summary>A subgraph: tensors, the operators in execution order, and the graph's inputs and outputs.</summary>
internal sealed record TfliteSubgraph(
    IReadOnlyList<TfliteTensor> Tensors,
    IReadOnlyList<int> Inputs,
    IReadOnlyList<int> Outputs,
    IReadOnlyList<TfliteOperator> Operators,
    string? Name);

/// <summary>A tensor of a subgraph.</summary>
/// <param name="Index">The tensor's index in its subgraph.</param>
/// <param name="Shape">The static shape.</param>
/// <param name="ShapeSignature">The shape with -1 for dynamic dimensions, when the model records it.</param>
/// <param name="Buffer">Index into the model's buffers; 0 (the empty buffer) for tensors computed at run time.</param>
internal sealed record TfliteTensor(
    int Index,
    string Name,
    TfliteTensorType Type,
    IReadOnlyList<int> Shape,
    IReadOnlyList<int>? ShapeSignature,
    int Buffer,
    TfliteQuantization? Quantization,
    bool IsVariable,
    bool IsSparse);

/// <summary>Affine quantization: <c>real = Scale[c] * (q - ZeroPoint[c])</c>, per tensor or per channel along <see cref="QuantizedDimension"/>.</summary>
/// <param name="ScaleOffset">Where the first float of <paramref name="Scale"/> lies in the model file (0 when there is none): a flavor that reads the file on the device can read the scales there.</param>
internal sealed record TfliteQuantization(IReadOnlyList<float> Scale, IReadOnlyList<long> ZeroPoint, int QuantizedDimension, bool HasCustomDetails, int ScaleOffset = 0)
{
    public bool IsPerChannel => Scale.Count > 1;
}

/// <summary>An operator (node) of a subgraph. Input index -1 marks an omitted optional input.</summary>
/// <param name="CustomOptions">A custom operator's options (usually a FlexBuffer map), a slice of the file; empty when absent.</param>
internal sealed record TfliteOperator(
    int Index,
    int OpcodeIndex,
    IReadOnlyList<int> Inputs,
    IReadOnlyList<int> Outputs,
    IReadOnlyList<int> Intermediates,
    byte BuiltinOptionsType,
    FlatTable? BuiltinOptions,
    bool HasCustomOptions,
    ReadOnlyMemory<byte> CustomOptions);
