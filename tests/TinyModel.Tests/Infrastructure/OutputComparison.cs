using System;
using System.Runtime.InteropServices;

namespace TinyModel.Tests.Infrastructure;

/// <summary>How a compiled model's outputs are judged against TensorFlow Lite Micro's (shared with the golden runner, so no test framework here).</summary>
public static partial class OutputComparison
{
    /// <summary>
    /// Float outputs may differ from TFLM's by at most this fraction of the output's range:
    /// |error| &lt;= FloatTolerance * max(1, max |golden|). Kernels sum in TFLM's order, so the
    /// observed error is a few ulps; the bound leaves room for SIMD reassociation.
    /// </summary>
    public const float FloatTolerance = 1e-5f;

    /// <summary>Why an output differs from TFLM's (bit for bit for integer types, within <see cref="FloatTolerance"/> for float32), or null when it matches.</summary>
    public static string? Difference(string what, string dtype, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length)
        {
            return $"{what}: {actual.Length} bytes, TFLM produced {expected.Length}.";
        }
        if (dtype == "float32")
        {
            ReadOnlySpan<float> e = MemoryMarshal.Cast<byte, float>(expected);
            ReadOnlySpan<float> a = MemoryMarshal.Cast<byte, float>(actual);
            float range = 1f;
            foreach (float v in e)
            {
                range = Math.Max(range, Math.Abs(v));
            }
            float worst = 0f;
            int worstIndex = -1;
            for (int i = 0; i < e.Length; i++)
            {
                float error = Math.Abs(e[i] - a[i]);
                if (!(error <= worst))
                {
                    worst = error;
                    worstIndex = i;
                }
            }
            if (!(worst <= FloatTolerance * range))
            {
                return $"{what}: element {worstIndex} is {a[worstIndex]:R}, TFLM computed {e[worstIndex]:R} (error {worst:E2} > {FloatTolerance * range:E2}).";
            }
            return null;
        }

        int elementSize = dtype switch { "int16" => 2, "int32" or "uint32" or "float32" => 4, "int64" or "uint64" => 8, _ => 1 };
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                int element = i / elementSize;
                return $"{what}: element {element} ({dtype}) differs from TFLM's: {Format(dtype, actual, element)} instead of {Format(dtype, expected, element)}.";
            }
        }
        return null;
    }

    private static string Format(string dtype, ReadOnlySpan<byte> bytes, int element) => dtype switch
    {
        "int8" => ((sbyte)bytes[element]).ToString(),
        "int16" => BitConverter.ToInt16(bytes.Slice(element * 2, 2)).ToString(),
        "int32" => BitConverter.ToInt32(bytes.Slice(element * 4, 4)).ToString(),
        "int64" => BitConverter.ToInt64(bytes.Slice(element * 8, 8)).ToString(),
        "uint32" => BitConverter.ToUInt32(bytes.Slice(element * 4, 4)).ToString(),
        "uint64" => BitConverter.ToUInt64(bytes.Slice(element * 8, 8)).ToString(),
        _ => bytes[element].ToString(),
    };
}
