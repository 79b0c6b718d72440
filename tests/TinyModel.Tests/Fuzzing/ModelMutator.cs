using System;
using System.Collections.Generic;

namespace TinyModel.Tests.Fuzzing;

/// <summary>
/// Makes damaged or hostile variants of a model: most change one field the way <see cref="ModelFields"/>
/// finds them (shapes, element types, buffer indices, operator inputs and outputs, options, opcodes,
/// quantization, vector lengths, offsets made wild, shared or cyclic); the rest truncate the file, add
/// byte noise or splice in bytes from another model. Deterministic for a seed.
/// </summary>
internal sealed class ModelMutator
{
    private static readonly int[] Ints = { 0, 1, -1, 2, 3, 4, 5, 8, 16, 255, 256, 0x7FFF, 0x8000, 65535, 65536, 1 << 24, int.MaxValue, int.MinValue, int.MaxValue / 2 };
    private static readonly long[] Longs = { 0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32769, int.MaxValue + 1L, int.MinValue - 1L, long.MaxValue, long.MinValue };
    private static readonly float[] Floats = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -1f, 1e-40f, float.Epsilon, 1e30f, float.MaxValue, 1f, 1e-10f };
    private static readonly byte[] Bytes = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 127, 128, 254, 255 };

    private readonly Random _random;

    public ModelMutator(int seed) => _random = new Random(seed);

    /// <summary>A mutant of <paramref name="model"/> (whose fields are <paramref name="fields"/>), and how it was made.</summary>
    public (byte[] Mutant, string How) Mutate(byte[] model, IReadOnlyList<ModelField> fields, byte[] donor)
    {
        int strategy = _random.Next(100);
        byte[] bytes = (byte[])model.Clone();
        if (strategy < 72 && fields.Count > 0)
        {
            ModelField field = fields[_random.Next(fields.Count)];
            string how = MutateField(bytes, field, fields);
            if (_random.Next(8) == 0)
            {
                ModelField second = fields[_random.Next(fields.Count)];
                how += "; " + MutateField(bytes, second, fields);
            }
            return (bytes, how);
        }
        if (strategy < 82)
        {
            int length = _random.Next(bytes.Length);
            return (bytes.AsSpan(0, length).ToArray(), $"truncated to {length} of {bytes.Length} bytes");
        }
        if (strategy < 92)
        {
            int count = 1 + _random.Next(8);
            for (int i = 0; i < count; i++)
            {
                bytes[_random.Next(bytes.Length)] = (byte)_random.Next(256);
            }
            return (bytes, $"{count} random bytes changed");
        }
        if (strategy < 96)
        {
            int length = 1 + _random.Next(Math.Min(256, Math.Min(donor.Length, bytes.Length)));
            int from = _random.Next(donor.Length - length + 1), to = _random.Next(bytes.Length - length + 1);
            Array.Copy(donor, from, bytes, to, length);
            return (bytes, $"{length} bytes of another model spliced in at {to}");
        }
        int position = _random.Next(bytes.Length / 4) * 4;
        int value = Ints[_random.Next(Ints.Length)];
        WriteInt(bytes, position, value);
        return (bytes, $"int {value} written at byte {position}");
    }

    private string MutateField(byte[] bytes, ModelField field, IReadOnlyList<ModelField> fields)
    {
        int p = field.Position;
        switch (field.Kind)
        {
            case FieldKind.Byte:
                byte b = _random.Next(4) == 0 ? (byte)_random.Next(256) : Bytes[_random.Next(Bytes.Length)];
                bytes[p] = b;
                return $"{field.Path} = {b}";
            case FieldKind.Int32:
            {
                int old = BitConverter.ToInt32(bytes, p);
                int value = _random.Next(5) switch
                {
                    0 => old + 1,
                    1 => old - 1,
                    2 => unchecked(old * 2),
                    3 => _random.Next(-4, 300),
                    _ => Ints[_random.Next(Ints.Length)],
                };
                WriteInt(bytes, p, value);
                return $"{field.Path} = {value} (was {old})";
            }
            case FieldKind.Int64:
            {
                long value = Longs[_random.Next(Longs.Length)];
                BitConverter.GetBytes(value).CopyTo(bytes, p);
                return $"{field.Path} = {value}";
            }
            case FieldKind.Float32:
            {
                float value = Floats[_random.Next(Floats.Length)];
                BitConverter.GetBytes(value).CopyTo(bytes, p);
                return $"{field.Path} = {value}";
            }
            case FieldKind.VectorLength:
            {
                int old = BitConverter.ToInt32(bytes, p);
                int value = _random.Next(6) switch
                {
                    0 => 0,
                    1 => old + 1,
                    2 => old - 1,
                    3 => unchecked(old * 2 + 1),
                    4 => (bytes.Length - p) / 4 + _random.Next(-2, 3),
                    _ => Ints[_random.Next(Ints.Length)],
                };
                WriteInt(bytes, p, value);
                return $"{field.Path} = {value} (was {old})";
            }
            default:
            {
                // Offsets: wild, pointing at another field's target (shared tables), or back at themselves (cycles).
                int old = BitConverter.ToInt32(bytes, p);
                int value;
                string kind;
                switch (_random.Next(4))
                {
                    case 0:
                        ModelField other = fields[_random.Next(fields.Count)];
                        value = other.Kind == FieldKind.Offset ? other.Position + BitConverter.ToInt32(bytes, other.Position) - p : other.Position - p;
                        kind = "shared with " + other.Path;
                        break;
                    case 1:
                        value = -_random.Next(0, 64) * 4;
                        kind = "pointing back (cycle)";
                        break;
                    case 2:
                        value = bytes.Length - p + _random.Next(-8, 9);
                        kind = "pointing at the end";
                        break;
                    default:
                        value = Ints[_random.Next(Ints.Length)];
                        kind = "wild";
                        break;
                }
                WriteInt(bytes, p, value);
                return $"{field.Path} = {value} (was {old}; {kind})";
            }
        }
    }

    private static void WriteInt(byte[] bytes, int position, int value) => BitConverter.GetBytes(value).CopyTo(bytes, position);
}
