using System;
using System.Collections.Generic;
using System.Text;

namespace TinyModel.Generator.Reading;

/// <summary>One scalar value of a FlexBuffer map: an integer (signed, unsigned or bool) or a float.</summary>
/// <param name="Key">The key, as stored.</param>
/// <param name="Integer">The value as TFLM's <c>AsInt64</c> reads a scalar (floats truncated).</param>
/// <param name="IsScalar">False for strings, vectors, maps and blobs, which the signal operators never hold.</param>
/// <param name="TypeName">The FlexBuffer type, for messages.</param>
internal sealed record FlexValue(string Key, long Integer, bool IsScalar, string TypeName);

/// <summary>
/// Reads the root map of a FlexBuffer, the format of TFLite custom operators' options, with every offset,
/// width and length checked against the bytes: a corrupt buffer gives an error message, never an exception
/// or a read outside the slice. Only what options hold is decoded: keys and scalar values (int, uint, bool,
/// float, inline or indirect); other values are kept as non-scalar entries so that a message can name them.
/// </summary>
internal static class FlexBufferReader
{
    // FlexBuffer types (flexbuffers.h).
    private const int TypeNull = 0, TypeInt = 1, TypeUInt = 2, TypeFloat = 3, TypeIndirectInt = 6, TypeIndirectUInt = 7,
        TypeIndirectFloat = 8, TypeMap = 9, TypeBool = 26;

    /// <summary>
    /// The entries of the root map in stored order (FlexBuffers sort keys, and TFLM reads options by that
    /// position), or null with <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static IReadOnlyList<FlexValue>? ReadMap(ReadOnlySpan<byte> data, out string? error)
    {
        error = null;
        try
        {
            return ReadMapUnchecked(data);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static IReadOnlyList<FlexValue> ReadMapUnchecked(ReadOnlySpan<byte> data)
    {
        if (data.Length < 3)
        {
            throw new FormatException($"{data.Length} bytes are too few for a FlexBuffer");
        }
        int rootWidth = data[data.Length - 1];
        CheckWidth(rootWidth, "the root");
        byte rootType = data[data.Length - 2];
        long rootPosition = data.Length - 2 - rootWidth;
        if (rootType >> 2 != TypeMap)
        {
            throw new FormatException($"the root is a {TypeName(rootType >> 2)}, not a map");
        }
        long map = Target(data, rootPosition, rootWidth);
        int width = 1 << (rootType & 3);
        long size = (long)ReadUnsigned(data, map - width, width);
        long keysField = map - 3L * width;
        long keys = Target(data, keysField, width);
        int keysWidth = (int)ReadUnsigned(data, map - 2L * width, width);
        CheckWidth(keysWidth, "the keys vector");
        if (size > data.Length || (long)ReadUnsigned(data, keys - keysWidth, keysWidth) != size)
        {
            throw new FormatException($"the map claims {size} entries, which its keys vector or the {data.Length} bytes do not hold");
        }
        CheckRange(data, map, size * width + size, "the map's values and types");
        CheckRange(data, keys, size * keysWidth, "the map's keys");

        var entries = new List<FlexValue>((int)size);
        for (long i = 0; i < size; i++)
        {
            string key = ReadKey(data, Target(data, keys + i * keysWidth, keysWidth));
            long position = map + i * width;
            byte packed = data[(int)(map + size * width + i)];
            entries.Add(ReadValue(data, key, position, width, packed));
        }
        return entries;
    }

    private static FlexValue ReadValue(ReadOnlySpan<byte> data, string key, long position, int parentWidth, byte packed)
    {
        int type = packed >> 2;
        int childWidth = 1 << (packed & 3);
        switch (type)
        {
            case TypeNull:
                return new FlexValue(key, 0, true, "null");
            case TypeInt:
                return new FlexValue(key, ReadSigned(data, position, parentWidth), true, "int");
            case TypeUInt:
                return new FlexValue(key, unchecked((long)ReadUnsigned(data, position, parentWidth)), true, "uint");
            case TypeBool:
                return new FlexValue(key, ReadUnsigned(data, position, parentWidth) != 0 ? 1 : 0, true, "bool");
            case TypeFloat:
                return new FlexValue(key, Truncate(ReadFloat(data, position, parentWidth)), true, "float");
            case TypeIndirectInt:
                return new FlexValue(key, ReadSigned(data, Target(data, position, parentWidth), childWidth), true, "int");
            case TypeIndirectUInt:
                return new FlexValue(key, unchecked((long)ReadUnsigned(data, Target(data, position, parentWidth), childWidth)), true, "uint");
            case TypeIndirectFloat:
                return new FlexValue(key, Truncate(ReadFloat(data, Target(data, position, parentWidth), childWidth)), true, "float");
            default:
                return new FlexValue(key, 0, false, TypeName(type));
        }
    }

    /// <summary>C++'s conversion of a double to int64 for values in range; 0 otherwise (TFLM reads ints here).</summary>
    private static long Truncate(double value) => value > -9.2e18 && value < 9.2e18 ? (long)value : 0;

    /// <summary>The position an offset field points back to.</summary>
    private static long Target(ReadOnlySpan<byte> data, long field, int width)
    {
        ulong offset = ReadUnsigned(data, field, width);
        if (offset > (ulong)field)
        {
            throw new FormatException($"an offset at byte {field} points {offset} bytes back, before the start of the buffer");
        }
        return field - (long)offset;
    }

    private static string ReadKey(ReadOnlySpan<byte> data, long position)
    {
        CheckRange(data, position, 0, "a key");
        int start = (int)position;
        int end = data.Slice(start).IndexOf((byte)0);
        if (end < 0)
        {
            throw new FormatException($"the key at byte {position} has no terminating zero");
        }
        return Encoding.UTF8.GetString(data.Slice(start, end).ToArray());
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> data, long position, int width)
    {
        CheckRange(data, position, width, "a value");
        ulong value = 0;
        for (int b = width - 1; b >= 0; b--)
        {
            value = (value << 8) | data[(int)position + b];
        }
        return value;
    }

    private static long ReadSigned(ReadOnlySpan<byte> data, long position, int width)
    {
        ulong raw = ReadUnsigned(data, position, width);
        int unused = 64 - 8 * width;
        return unused == 0 ? unchecked((long)raw) : unchecked((long)(raw << unused)) >> unused;
    }

    private static double ReadFloat(ReadOnlySpan<byte> data, long position, int width)
    {
        ulong raw = ReadUnsigned(data, position, width);
        return width switch
        {
            4 => BitConverter.ToSingle(BitConverter.GetBytes((uint)raw), 0),
            8 => BitConverter.Int64BitsToDouble(unchecked((long)raw)),
            _ => throw new FormatException($"a float of {width} bytes"),
        };
    }

    private static void CheckWidth(int width, string what)
    {
        if (width is not (1 or 2 or 4 or 8))
        {
            throw new FormatException($"{what} has a byte width of {width}; FlexBuffers use 1, 2, 4 or 8");
        }
    }

    private static void CheckRange(ReadOnlySpan<byte> data, long position, long length, string what)
    {
        if (position < 0 || length < 0 || position + length > data.Length || (length == 0 && position >= data.Length))
        {
            throw new FormatException($"{what} at byte {position} ({length} bytes) lies outside the {data.Length} bytes of options");
        }
    }

    private static string TypeName(int type) => type switch
    {
        TypeNull => "null",
        TypeInt or TypeIndirectInt => "int",
        TypeUInt or TypeIndirectUInt => "uint",
        TypeFloat or TypeIndirectFloat => "float",
        4 => "key",
        5 => "string",
        TypeMap => "map",
        25 => "blob",
        TypeBool => "bool",
        _ => $"vector (type {type})",
    };
}
