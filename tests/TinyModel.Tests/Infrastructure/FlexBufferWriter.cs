using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace TinyModel.Tests.Infrastructure;

/// <summary>
/// Writes the FlexBuffer map of a custom operator's options (what TFLite's converter writes for TFLM's signal
/// operators): keys sorted, integer and bool values inline, every field <c>width</c> bytes wide.
/// </summary>
public static class FlexBufferWriter
{
    private const int TypeInt = 1, TypeMap = 9, TypeBool = 26;

    /// <summary>The map of <paramref name="entries"/> (a bool value is written as a FlexBuffer bool).</summary>
    public static byte[] Map(IEnumerable<(string Key, long Value, bool IsBool)> entries, int width = 1)
    {
        var sorted = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var bytes = new List<byte>();
        var keyPositions = new List<int>();
        foreach (var entry in sorted)
        {
            keyPositions.Add(bytes.Count);
            bytes.AddRange(Encoding.UTF8.GetBytes(entry.Key));
            bytes.Add(0);
        }
        int widthCode = width switch { 1 => 0, 2 => 1, 4 => 2, _ => 3 };

        // Keys vector: its size, then an offset back to each key.
        Write(bytes, sorted.Count, width);
        int keys = bytes.Count;
        for (int i = 0; i < sorted.Count; i++)
        {
            Write(bytes, bytes.Count - keyPositions[i], width);
        }

        // Map: offset to the keys vector, its byte width, the size, the values, then one type byte per value.
        Write(bytes, bytes.Count - keys, width);
        Write(bytes, width, width);
        Write(bytes, sorted.Count, width);
        int map = bytes.Count;
        foreach (var entry in sorted)
        {
            Write(bytes, entry.Value, width);
        }
        foreach (var entry in sorted)
        {
            bytes.Add((byte)(((entry.IsBool ? TypeBool : TypeInt) << 2) | widthCode));
        }

        // Root: the offset to the map, its packed type, the root's byte width.
        Write(bytes, bytes.Count - map, width);
        bytes.Add((byte)((TypeMap << 2) | widthCode));
        bytes.Add((byte)width);
        return bytes.ToArray();
    }

    /// <summary>A map of integer options.</summary>
    public static byte[] Ints(params (string Key, long Value)[] entries) => Map(entries.Select(e => (e.Key, e.Value, false)));

    private static void Write(List<byte> bytes, long value, int width)
    {
        for (int b = 0; b < width; b++)
        {
            bytes.Add((byte)(value >> (8 * b)));
        }
    }
}
