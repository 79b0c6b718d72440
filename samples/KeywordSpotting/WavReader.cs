using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace KeywordSpotting;

/// <summary>
/// Reads the samples of a WAV file that holds 16-bit PCM mono audio (the format of TFLM's test recordings and of
/// most voice recorders' raw output), and refuses anything else with a message that says what the file holds.
/// </summary>
public static class WavReader
{
    /// <summary>The samples of a 16-bit PCM mono WAV file, with its sample rate.</summary>
    public static (short[] Samples, int SampleRate) Read(string path) => Read(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>The samples of 16-bit PCM mono WAV bytes; <paramref name="name"/> names them in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a RIFF/WAVE file of 16-bit PCM mono audio.</exception>
    public static (short[] Samples, int SampleRate) Read(byte[] bytes, string name)
    {
        if (bytes.Length < 12 || Tag(bytes, 0) != "RIFF" || Tag(bytes, 8) != "WAVE")
        {
            throw new InvalidDataException($"{name} is not a WAV file (no RIFF/WAVE header).");
        }
        int? sampleRate = null;
        int position = 12;
        while (position + 8 <= bytes.Length)
        {
            string chunk = Tag(bytes, position);
            int size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position + 4));
            int body = position + 8;
            if (size < 0 || body + size > bytes.Length)
            {
                throw new InvalidDataException($"{name}: the '{chunk}' chunk claims {size} bytes, past the end of the file.");
            }
            if (chunk == "fmt ")
            {
                sampleRate = ReadFormat(bytes.AsSpan(body, size), name);
            }
            else if (chunk == "data")
            {
                if (sampleRate is null)
                {
                    throw new InvalidDataException($"{name}: the 'data' chunk comes before the 'fmt ' chunk that describes it.");
                }
                var samples = new short[size / 2];
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(body + 2 * i));
                }
                return (samples, sampleRate.Value);
            }
            position = body + size + (size & 1); // chunks are padded to an even size
        }
        throw new InvalidDataException($"{name} has no 'data' chunk.");
    }

    private static int ReadFormat(ReadOnlySpan<byte> format, string name)
    {
        if (format.Length < 16)
        {
            throw new InvalidDataException($"{name}: the 'fmt ' chunk is {format.Length} bytes, too short.");
        }
        int encoding = BinaryPrimitives.ReadUInt16LittleEndian(format);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(format.Slice(2));
        int sampleRate = BinaryPrimitives.ReadInt32LittleEndian(format.Slice(4));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(format.Slice(14));
        if (encoding != 1 || channels != 1 || bits != 16)
        {
            string kind = encoding switch { 1 => "PCM", 3 => "IEEE float", 0xFFFE => "extensible", _ => $"format {encoding}" };
            throw new InvalidDataException(
                $"{name} holds {kind}, {channels} channel{(channels == 1 ? "" : "s")}, {bits} bits per sample; this reader takes 16-bit PCM mono only " +
                "(convert with, for example, 'sox in.wav -b 16 -c 1 -r 16000 out.wav').");
        }
        return sampleRate;
    }

    private static string Tag(byte[] bytes, int position) => Encoding.ASCII.GetString(bytes, position, 4);
}
