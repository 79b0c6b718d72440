using System;
using System.Linq;
using System.Runtime.InteropServices;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators;

/// <summary>Compiles a model written with <see cref="TfliteModelBuilder"/> and runs it once on raw inputs.</summary>
internal static class OperatorHarness
{
    /// <summary>BuiltinOperator codes and BuiltinOptions union types (schema.fbs) used by the operator tests.</summary>
    public const int AveragePool2D = 1, Concatenation = 2, MaxPool2D = 17, Softmax = 25, Pad = 34, Transpose = 39, Mean = 40, StridedSlice = 45, PadV2 = 60;
    public const byte Pool2DOptions = 5, SoftmaxOptions = 9, ConcatenationOptions = 10, PadOptions = 22, TransposeOptions = 26, ReducerOptions = 27, StridedSliceOptions = 32, PadV2Options = 40;

    /// <summary>Compiles the model and returns the bytes of its single output.</summary>
    public static byte[] Run(TfliteModelBuilder builder, int outputBytes, params byte[][] inputs)
    {
        ITinyModel model = InMemoryModel.Compile(builder.Build()).Create();
        byte[] output = new byte[outputBytes];
        model.InvokeRaw(inputs.SelectMany(i => i).ToArray(), output);
        return output;
    }

    /// <summary>Compiles the model and returns the generator's error, or null when it compiled.</summary>
    public static string? CompileError(TfliteModelBuilder builder)
    {
        try
        {
            InMemoryModel.Compile(builder.Build());
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    public static byte[] Bytes<T>(T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static T[] Values<T>(byte[] bytes) where T : struct => MemoryMarshal.Cast<byte, T>(bytes).ToArray();

    public static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    public static sbyte[] RandomInt8(Random random, int count) => Enumerable.Range(0, count).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();

    public static short[] RandomInt16(Random random, int count, int range = 32768) => Enumerable.Range(0, count).Select(_ => (short)random.Next(-range, range)).ToArray();

    public static float[] RandomFloat(Random random, int count, float scale = 1f) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }
}
