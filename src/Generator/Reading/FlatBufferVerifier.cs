using System;

namespace TinyModel.Generator.Reading;

/// <summary>
/// Checks that every table, vtable, field, vector and string a schema names lies inside the buffer, as
/// flatc's generated verifiers do, before anything is read.
/// </summary>
/// <remarks>
/// Written here rather than taken from Google.FlatBuffers 25.2.10, whose <c>Verifier</c> converts a vtable
/// position with <c>Convert.ToInt16</c>: past 32 KB into a file it catches the overflow, prints the exception
/// to standard output (the compiler's, inside a build) and treats every field of the table as absent, so
/// truncated large models slipped through. This one also checks that each field a vtable lists fits in its
/// table, which makes every scalar read of a verified table safe (operator options included), and bounds
/// the nesting depth and the number of tables, so cyclic or shared offsets cannot make it run away.
/// </remarks>
internal sealed class FlatBufferVerifier
{
    private const int MaxDepth = 64;
    private const int MaxTables = 1_000_000;

    private readonly byte[] _buffer;
    private int _depth;
    private int _tables;

    public FlatBufferVerifier(byte[] buffer) => _buffer = buffer;

    /// <summary>A table: the position of its start (where its vtable offset is), its vtable and its size.</summary>
    public readonly struct TableRef
    {
        public TableRef(int position, int vtable, int vtableSize, int tableSize)
        {
            Position = position;
            VTable = vtable;
            VTableSize = vtableSize;
            TableSize = tableSize;
        }

        public int Position { get; }

        public int VTable { get; }

        public int VTableSize { get; }

        public int TableSize { get; }
    }

    /// <summary>Verifies the root table (after the optional file identifier) with <paramref name="verifyRoot"/>.</summary>
    public bool VerifyBuffer(Func<FlatBufferVerifier, int, bool> verifyRoot) =>
        _buffer.Length >= 8 && Offset(0) is int root && verifyRoot(this, root);

    /// <summary>Checks a table's header and vtable; on success, <paramref name="table"/> describes it.</summary>
    public bool TableStart(int position, out TableRef table)
    {
        table = default;
        if (++_tables > MaxTables || !InBounds(position, 4) || position % 4 != 0)
        {
            return false;
        }
        long vtable = (long)position - ReadInt(position);
        if (vtable < 0 || !InBounds(vtable, 4) || vtable % 2 != 0)
        {
            return false;
        }
        int vtableSize = ReadUShort((int)vtable);
        int tableSize = ReadUShort((int)vtable + 2);
        if (vtableSize < 4 || vtableSize % 2 != 0 || !InBounds(vtable, vtableSize) || tableSize < 4 || !InBounds(position, tableSize))
        {
            return false;
        }
        // Every field the vtable lists must lie inside the table, whatever its type.
        for (int entry = 4; entry < vtableSize; entry += 2)
        {
            int fieldOffset = ReadUShort((int)vtable + entry);
            if (fieldOffset != 0 && (fieldOffset < 4 || fieldOffset >= tableSize))
            {
                return false;
            }
        }
        table = new TableRef(position, (int)vtable, vtableSize, tableSize);
        return true;
    }

    /// <summary>A scalar field of <paramref name="size"/> bytes lies inside the table (or is absent).</summary>
    public bool Scalar(in TableRef table, int fieldId, int size)
    {
        int offset = FieldOffset(table, fieldId);
        return offset == 0 || offset + size <= table.TableSize;
    }

    /// <summary>A vector of <paramref name="elementSize"/>-byte scalars (or is absent).</summary>
    public bool VectorOfData(in TableRef table, int fieldId, int elementSize) =>
        FieldOffset(table, fieldId) is var offset && (offset == 0 || VectorAt(table.Position + offset, elementSize, out _, out _));

    /// <summary>A string: a byte vector followed by a zero byte (or is absent).</summary>
    public bool String(in TableRef table, int fieldId)
    {
        int offset = FieldOffset(table, fieldId);
        return offset == 0 || (VectorAt(table.Position + offset, 1, out int start, out int length) && InBounds(start + (long)length, 1));
    }

    /// <summary>A sub-table verified by <paramref name="verify"/> (or is absent).</summary>
    public bool Table(in TableRef table, int fieldId, Func<FlatBufferVerifier, int, bool> verify)
    {
        int offset = FieldOffset(table, fieldId);
        return offset == 0 || (Offset(table.Position + offset) is int target && Nested(target, verify));
    }

    /// <summary>A vector of tables, each verified by <paramref name="verify"/> (or is absent).</summary>
    public bool VectorOfTables(in TableRef table, int fieldId, Func<FlatBufferVerifier, int, bool> verify)
    {
        int offset = FieldOffset(table, fieldId);
        if (offset == 0)
        {
            return true;
        }
        if (!VectorAt(table.Position + offset, 4, out int start, out int length))
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (Offset(start + 4 * i) is not int target || !Nested(target, verify))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The end of a table's checks (kept for symmetry with flatc's verifiers; nothing is left to check).</summary>
    public bool TableEnd() => true;

    private bool Nested(int position, Func<FlatBufferVerifier, int, bool> verify)
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }
        bool ok = verify(this, position);
        _depth--;
        return ok;
    }

    /// <summary>The offset of a field inside its table, or 0 when the vtable does not list it.</summary>
    private int FieldOffset(in TableRef table, int fieldId)
    {
        int entry = 4 + 2 * fieldId;
        return entry + 2 <= table.VTableSize ? ReadUShort(table.VTable + entry) : 0;
    }

    /// <summary>The target of the unsigned 32-bit offset stored at <paramref name="position"/>, or null when it leaves the buffer.</summary>
    private int? Offset(int position)
    {
        if (!InBounds(position, 4))
        {
            return null;
        }
        long target = position + (long)(uint)ReadInt(position);
        return target > 0 && InBounds(target, 4) ? (int)target : null;
    }

    private bool VectorAt(int fieldPosition, int elementSize, out int start, out int length)
    {
        start = length = 0;
        if (Offset(fieldPosition) is not int vector)
        {
            return false;
        }
        long count = (uint)ReadInt(vector);
        if (!InBounds(vector + 4L, count * elementSize))
        {
            return false;
        }
        start = vector + 4;
        length = (int)count;
        return true;
    }

    private bool InBounds(long position, long size) => position >= 0 && size >= 0 && position + size <= _buffer.Length;

    private int ReadInt(int position) =>
        _buffer[position] | (_buffer[position + 1] << 8) | (_buffer[position + 2] << 16) | (_buffer[position + 3] << 24);

    private int ReadUShort(int position) => _buffer[position] | (_buffer[position + 1] << 8);
}
