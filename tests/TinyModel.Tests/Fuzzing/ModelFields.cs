using System;
using System.Collections.Generic;

namespace TinyModel.Tests.Fuzzing;

/// <summary>What a mutable place in a model file holds, so a mutator can pick values that matter for it.</summary>
internal enum FieldKind
{
    /// <summary>A 32-bit integer: an index, a dimension, an option.</summary>
    Int32,
    /// <summary>A 64-bit integer (zero points, buffer offsets and sizes).</summary>
    Int64,
    /// <summary>A 32-bit float (quantization scales, float options).</summary>
    Float32,
    /// <summary>A byte (element types, enum options, booleans).</summary>
    Byte,
    /// <summary>The length in front of a vector.</summary>
    VectorLength,
    /// <summary>An unsigned 32-bit offset to a table, vector or string.</summary>
    Offset,
}

/// <summary>One mutable place: its byte position, kind, and what it is, for the report.</summary>
internal readonly record struct ModelField(int Position, FieldKind Kind, string Path);

/// <summary>
/// Finds the fields of a .tflite file by walking its flatbuffer the way schema.fbs lays it out, so that
/// mutants change one meaningful field (a shape, a type, a buffer index, an operator input, an option,
/// an opcode, a quantization parameter, a vector length, an offset) in place, as a damaged or hand-made
/// model would. Only reads; anything it cannot follow is skipped.
/// </summary>
internal sealed class ModelFields
{
    private readonly byte[] _file;
    private readonly List<ModelField> _fields = new();

    private ModelFields(byte[] file) => _file = file;

    /// <summary>The fields of a well-formed model.</summary>
    public static IReadOnlyList<ModelField> Find(byte[] file)
    {
        var walker = new ModelFields(file);
        walker.Model(walker.Root());
        return walker._fields;
    }

    private int Root() => Int(0);

    private void Model(int model)
    {
        Scalar(model, 0, FieldKind.Int32, "version");
        foreach ((int code, int i) in Tables(model, 1, "operator_codes"))
        {
            Scalar(code, 0, FieldKind.Byte, $"operator_codes[{i}].deprecated_builtin_code");
            Scalar(code, 3, FieldKind.Int32, $"operator_codes[{i}].builtin_code");
            Scalar(code, 2, FieldKind.Int32, $"operator_codes[{i}].version");
        }
        foreach ((int graph, int g) in Tables(model, 2, "subgraphs"))
        {
            Subgraph(graph, $"subgraphs[{g}]");
        }
        foreach ((int buffer, int i) in Tables(model, 4, "buffers"))
        {
            Vector(buffer, 0, 0, FieldKind.Byte, $"buffers[{i}].data");
            Scalar(buffer, 1, FieldKind.Int64, $"buffers[{i}].offset");
            Scalar(buffer, 2, FieldKind.Int64, $"buffers[{i}].size");
        }
    }

    private void Subgraph(int graph, string path)
    {
        foreach ((int tensor, int t) in Tables(graph, 0, path + ".tensors"))
        {
            string where = $"{path}.tensors[{t}]";
            Vector(tensor, 0, 4, FieldKind.Int32, where + ".shape");
            Scalar(tensor, 1, FieldKind.Byte, where + ".type");
            Scalar(tensor, 2, FieldKind.Int32, where + ".buffer");
            Scalar(tensor, 5, FieldKind.Byte, where + ".is_variable");
            if (Table(tensor, 4, where + ".quantization") is int q)
            {
                Vector(q, 2, 4, FieldKind.Float32, where + ".quantization.scale");
                Vector(q, 3, 8, FieldKind.Int64, where + ".quantization.zero_point");
                Scalar(q, 6, FieldKind.Int32, where + ".quantization.quantized_dimension");
            }
        }
        Vector(graph, 1, 4, FieldKind.Int32, path + ".inputs");
        Vector(graph, 2, 4, FieldKind.Int32, path + ".outputs");
        foreach ((int op, int o) in Tables(graph, 3, path + ".operators"))
        {
            string where = $"{path}.operators[{o}]";
            Scalar(op, 0, FieldKind.Int32, where + ".opcode_index");
            Vector(op, 1, 4, FieldKind.Int32, where + ".inputs");
            Vector(op, 2, 4, FieldKind.Int32, where + ".outputs");
            Scalar(op, 3, FieldKind.Byte, where + ".builtin_options_type");
            if (Table(op, 4, where + ".builtin_options") is int options)
            {
                // Option fields have many types; each listed field is mutated as a byte and as an int where it fits.
                int vtable = options - Int(options);
                int vtableSize = UShort(vtable);
                for (int entry = 4; entry + 2 <= vtableSize; entry += 2)
                {
                    int offset = UShort(vtable + entry);
                    if (offset != 0)
                    {
                        Add(options + offset, FieldKind.Byte, $"{where}.builtin_options.field{(entry - 4) / 2}");
                        Add(options + offset, FieldKind.Int32, $"{where}.builtin_options.field{(entry - 4) / 2}");
                    }
                }
            }
        }
    }

    /// <summary>The tables of a vector-of-tables field, with the vector's length and each offset as fields.</summary>
    private IEnumerable<(int Table, int Index)> Tables(int table, int fieldId, string path)
    {
        int? vector = FieldTarget(table, fieldId, path);
        if (vector is not int start || !Fits(start, 4))
        {
            yield break;
        }
        int length = Int(start);
        Add(start, FieldKind.VectorLength, path + ".length");
        for (int i = 0; i < length && Fits(start + 4 + 4 * i, 4); i++)
        {
            int slot = start + 4 + 4 * i;
            Add(slot, FieldKind.Offset, $"{path}[{i}] (offset)");
            int target = slot + Int(slot);
            if (Fits(target, 4))
            {
                yield return (target, i);
            }
        }
    }

    private int? Table(int table, int fieldId, string path) => FieldTarget(table, fieldId, path);

    private void Vector(int table, int fieldId, int elementSize, FieldKind kind, string path)
    {
        if (FieldTarget(table, fieldId, path) is not int start || !Fits(start, 4))
        {
            return;
        }
        int length = Int(start);
        Add(start, FieldKind.VectorLength, path + ".length");
        for (int i = 0; elementSize > 0 && i < length && i < 64 && Fits(start + 4 + elementSize * i, elementSize); i++)
        {
            Add(start + 4 + elementSize * i, kind, $"{path}[{i}]");
        }
    }

    private void Scalar(int table, int fieldId, FieldKind kind, string path)
    {
        if (FieldPosition(table, fieldId) is int position)
        {
            Add(position, kind, path);
        }
    }

    /// <summary>The target of an offset field, recording the offset itself as a field.</summary>
    private int? FieldTarget(int table, int fieldId, string path)
    {
        if (FieldPosition(table, fieldId) is not int position || !Fits(position, 4))
        {
            return null;
        }
        Add(position, FieldKind.Offset, path + " (offset)");
        long target = position + (long)(uint)Int(position);
        return target < _file.Length ? (int)target : null;
    }

    private int? FieldPosition(int table, int fieldId)
    {
        if (!Fits(table, 4))
        {
            return null;
        }
        long vtable = (long)table - Int(table);
        if (vtable < 0 || !Fits((int)vtable, 4))
        {
            return null;
        }
        int entry = 4 + 2 * fieldId;
        if (entry + 2 > UShort((int)vtable) || !Fits((int)vtable + entry, 2))
        {
            return null;
        }
        int offset = UShort((int)vtable + entry);
        return offset == 0 ? null : table + offset;
    }

    private void Add(int position, FieldKind kind, string path)
    {
        int size = kind switch { FieldKind.Int64 => 8, FieldKind.Byte => 1, _ => 4 };
        if (Fits(position, size))
        {
            _fields.Add(new ModelField(position, kind, path));
        }
    }

    private bool Fits(long position, int size) => position >= 0 && position + size <= _file.Length;

    private int Int(int position) => BitConverter.ToInt32(_file, position);

    private int UShort(int position) => _file[position] | (_file[position + 1] << 8);
}
