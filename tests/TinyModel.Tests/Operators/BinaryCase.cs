using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// One test of a two-input element-wise operator other than ADD and SUB: shapes, types, quantization, options
/// and which inputs are constants. Builds the model, makes deterministic inputs and runs it; the expected
/// output comes from a reference function of two elements given by the test, broadcast by multi-index
/// (<see cref="TfliteReference.BroadcastIndex"/>).
/// </summary>
internal sealed record BinaryCase(
    int Code,
    TfliteType Type,
    int[] Shape1,
    int[] Shape2,
    int[] OutputShape,
    Quant? Q1 = null,
    Quant? Q2 = null,
    Quant? QOut = null,
    byte OptionsType = 0,
    byte Activation = 0,
    bool Constant1 = false,
    bool Constant2 = false,
    TfliteType? OutputType = null,
    int Seed = 1)
{
    public int[] Input1 { get; init; } = Inputs(Type, Shape1, Seed);

    public int[] Input2 { get; init; } = Inputs(Type, Shape2, Seed + 100);

    public float[] FloatInput1 { get; init; } = RandomFloats(TfliteReference.Count(Shape1), -8f, 8f, Seed);

    public float[] FloatInput2 { get; init; } = RandomFloats(TfliteReference.Count(Shape2), -8f, 8f, Seed + 100);

    private static int[] Inputs(TfliteType type, int[] shape, int seed) => type switch
    {
        TfliteType.Int8 => RandomInts(TfliteReference.Count(shape), -128, 127, seed),
        TfliteType.Int16 => RandomInts(TfliteReference.Count(shape), -32768, 32767, seed),
        TfliteType.Bool => RandomInts(TfliteReference.Count(shape), 0, 1, seed),
        _ => RandomInts(TfliteReference.Count(shape), -30000, 30000, seed),
    };

    private byte[] Encode(int[] values) => Type switch
    {
        TfliteType.Int8 => Bytes(values.Select(v => (sbyte)v).ToArray()),
        TfliteType.Int16 => Bytes(values.Select(v => (short)v).ToArray()),
        TfliteType.Int64 => Bytes(values.Select(v => (long)v).ToArray()),
        TfliteType.Bool => values.Select(v => (byte)v).ToArray(),
        _ => Bytes(values),
    };

    private byte[] Data1 => Type == TfliteType.Float32 ? Bytes(FloatInput1) : Encode(Input1);

    private byte[] Data2 => Type == TfliteType.Float32 ? Bytes(FloatInput2) : Encode(Input2);

    public TfliteModelBuilder Model()
    {
        var b = new TfliteModelBuilder();
        int a = Constant1
            ? b.Constant("a", Type, Shape1, Data1, Q1 is null ? null : new[] { Q1.Scale }, Q1 is null ? null : new long[] { Q1.ZeroPoint })
            : b.Tensor("a", Type, Shape1, Q1?.Scale, Q1?.ZeroPoint ?? 0);
        int c = Constant2
            ? b.Constant("b", Type, Shape2, Data2, Q2 is null ? null : new[] { Q2.Scale }, Q2 is null ? null : new long[] { Q2.ZeroPoint })
            : b.Tensor("b", Type, Shape2, Q2?.Scale, Q2?.ZeroPoint ?? 0);
        int output = b.Tensor("out", OutputType ?? Type, OutputShape, QOut?.Scale, QOut?.ZeroPoint ?? 0);
        TfliteModelBuilder.Option[] options = OptionsType == 0 ? Array.Empty<TfliteModelBuilder.Option>() : new[] { TfliteModelBuilder.Option.Byte(0, Activation) };
        b.Operator(Code, new[] { a, c }, new[] { output }, OptionsType, null, options);
        var inputs = new List<int>();
        if (!Constant1)
        {
            inputs.Add(a);
        }
        if (!Constant2)
        {
            inputs.Add(c);
        }
        return b.Inputs(inputs.ToArray()).Outputs(output);
    }

    /// <summary>Compiles the model and runs it on the run-time inputs; returns the output's bytes.</summary>
    public byte[] Run()
    {
        ITinyModel model = Compile(Model());
        var inputs = new List<byte[]>();
        if (!Constant1)
        {
            inputs.Add(Data1);
        }
        if (!Constant2)
        {
            inputs.Add(Data2);
        }
        return ElementwiseTestModels.Run(model, inputs.ToArray());
    }

    /// <summary>The reference applied to each output element's pair of inputs.</summary>
    public T[] Expected<TIn, T>(TIn[] a, TIn[] b, Func<TIn, TIn, T> reference)
    {
        var result = new T[TfliteReference.Count(OutputShape)];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = reference(a[TfliteReference.BroadcastIndex(i, OutputShape, Shape1)], b[TfliteReference.BroadcastIndex(i, OutputShape, Shape2)]);
        }
        return result;
    }

    /// <summary>Runs the case and asserts float outputs within tolerance of the reference.</summary>
    public void AssertFloat(Func<float, float, float> reference) =>
        AssertClose(Expected(FloatInput1, FloatInput2, reference), Values<float>(Run()));

    /// <summary>Runs the case on float inputs and asserts a bool output (one byte per element) equal to the reference.</summary>
    public void AssertBool(Func<float, float, bool> reference) =>
        AssertEqual(Expected(FloatInput1, FloatInput2, reference), Run().Select(v => v != 0).ToArray());

    /// <summary>Runs the case and asserts integer outputs (of the output type) equal to the reference.</summary>
    public void AssertInteger(Func<int, int, long> reference)
    {
        byte[] actual = Run();
        long[] values = (OutputType ?? Type) switch
        {
            TfliteType.Int8 => Values<sbyte>(actual).Select(v => (long)v).ToArray(),
            TfliteType.Int16 => Values<short>(actual).Select(v => (long)v).ToArray(),
            TfliteType.Int64 => Values<long>(actual),
            TfliteType.Bool => actual.Select(v => (long)v).ToArray(),
            _ => Values<int>(actual).Select(v => (long)v).ToArray(),
        };
        AssertEqual(Expected(Input1, Input2, reference), values);
    }

    /// <summary>Runs the case and asserts bool outputs equal to the reference on float inputs.</summary>
    public void AssertBoolOfFloat(Func<float, float, bool> reference) =>
        AssertEqual(Expected(FloatInput1, FloatInput2, reference), Run().Select(v => v != 0).ToArray());
}
