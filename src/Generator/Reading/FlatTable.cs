using System;
using Google.FlatBuffers;

namespace TinyModel.Generator.Reading;

/// <summary>
/// Field access to one flatbuffer table by field id (the order of fields in schema.fbs), on top of
/// Google.FlatBuffers' <see cref="Table"/>. Every read is bounds-checked by the runtime's
/// <see cref="ByteBuffer"/>; vectors are checked against the end of the buffer here before use.
/// </summary>
internal readonly struct FlatTable
{
    private readonly Table _table;

    public FlatTable(ByteBuffer buffer, int position) => _table = new Table(position, buffer);

    private ByteBuffer Buffer => _table.bb;

    private int FieldOffset(int fieldId) => _table.__offset(4 + 2 * fieldId);

    public bool Has(int fieldId) => FieldOffset(fieldId) != 0;

    /// <summary>
    /// The position of a scalar field of <paramref name="size"/> bytes at <paramref name="offset"/> in the table,
    /// checked to lie in the file: an options table is verified only as a table of unknown fields, and a
    /// corrupt one can put a field of the operator's schema past the end.
    /// </summary>
    private int Field(int offset, int size)
    {
        long position = (long)_table.bb_pos + offset;
        if (position < 0 || position + size > Buffer.Length)
        {
            throw new ModelFormatException($"a {size}-byte field at byte {position} runs past the end of the file ({Buffer.Length} bytes)");
        }
        return (int)position;
    }

    public byte GetByte(int fieldId, byte defaultValue = 0)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? Buffer.Get(Field(o, sizeof(byte))) : defaultValue;
    }

    public bool GetBool(int fieldId, bool defaultValue = false) => GetByte(fieldId, defaultValue ? (byte)1 : (byte)0) != 0;

    public int GetInt(int fieldId, int defaultValue = 0)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? Buffer.GetInt(Field(o, sizeof(int))) : defaultValue;
    }

    public uint GetUInt(int fieldId, uint defaultValue = 0)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? Buffer.GetUint(Field(o, sizeof(uint))) : defaultValue;
    }

    public ulong GetULong(int fieldId, ulong defaultValue = 0)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? Buffer.GetUlong(Field(o, sizeof(ulong))) : defaultValue;
    }

    public float GetFloat(int fieldId, float defaultValue = 0f)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? Buffer.GetFloat(Field(o, sizeof(float))) : defaultValue;
    }

    public string? GetString(int fieldId)
    {
        int o = FieldOffset(fieldId);
        if (o == 0)
        {
            return null;
        }
        int at = Field(o, sizeof(int));
        long start = (long)at + Buffer.GetInt(at);
        if (start < 0 || start + sizeof(int) > Buffer.Length || start + sizeof(int) + (uint)Buffer.GetInt((int)start) > Buffer.Length)
        {
            throw new ModelFormatException($"a string at byte {start} runs past the end of the file ({Buffer.Length} bytes)");
        }
        return _table.__string(at);
    }

    public FlatTable? GetTable(int fieldId)
    {
        int o = FieldOffset(fieldId);
        return o != 0 ? new FlatTable(Buffer, _table.__indirect(Field(o, sizeof(int)))) : null;
    }

    /// <summary>The start and length of a vector field, checked to lie inside the buffer; (0, 0) when absent.</summary>
    public (int Start, int Length) GetVector(int fieldId, int elementSize)
    {
        int o = FieldOffset(fieldId);
        if (o == 0)
        {
            return (0, 0);
        }
        int at = Field(o, sizeof(int));
        long header = (long)at + Buffer.GetInt(at);
        if (header < 0 || header + sizeof(int) > Buffer.Length)
        {
            throw new ModelFormatException($"a vector at byte {header} runs past the end of the file ({Buffer.Length} bytes)");
        }
        int length = Buffer.GetInt((int)header);
        int start = (int)header + sizeof(int);
        if (length < 0 || (long)start + (long)length * elementSize > Buffer.Length)
        {
            throw new ModelFormatException($"a vector of {length} elements at byte {start} runs past the end of the file ({Buffer.Length} bytes)");
        }
        return (start, length);
    }

    public int[] GetIntVector(int fieldId)
    {
        (int start, int length) = GetVector(fieldId, sizeof(int));
        var result = new int[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = Buffer.GetInt(start + i * sizeof(int));
        }
        return result;
    }

    public float[] GetFloatVector(int fieldId)
    {
        (int start, int length) = GetVector(fieldId, sizeof(float));
        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = Buffer.GetFloat(start + i * sizeof(float));
        }
        return result;
    }

    public long[] GetLongVector(int fieldId)
    {
        (int start, int length) = GetVector(fieldId, sizeof(long));
        var result = new long[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = Buffer.GetLong(start + i * sizeof(long));
        }
        return result;
    }

    /// <summary>The tables of a vector-of-tables field.</summary>
    public FlatTable[] GetTableVector(int fieldId)
    {
        (int start, int length) = GetVector(fieldId, sizeof(int));
        var result = new FlatTable[length];
        for (int i = 0; i < length; i++)
        {
            result[i] = new FlatTable(Buffer, _table.__indirect(start + i * sizeof(int)));
        }
        return result;
    }

    /// <summary>The bytes of a [ubyte] vector field, as a slice of the underlying file (no copy).</summary>
    public ArraySegment<byte> GetByteVector(int fieldId, byte[] file)
    {
        (int start, int length) = GetVector(fieldId, 1);
        return new ArraySegment<byte>(file, start, length);
    }
}
