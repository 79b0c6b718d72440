using System;
using System.Runtime.InteropServices;

namespace TinyModel.Generator.Lowering;

/// <summary>
/// Typed copies of constant tensor data and back to bytes. TFLite stores constants little-endian, as
/// does every host the compiler runs on, so these are plain reinterpretations.
/// </summary>
internal static class ConstantData
{
    public static T[] As<T>(ReadOnlyMemory<byte> data) where T : struct =>
        MemoryMarshal.Cast<byte, T>(data.Span).ToArray();

    public static byte[] ToBytes<T>(T[] values) where T : struct =>
        MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
