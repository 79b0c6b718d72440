using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>Per-tensor quantization of a test tensor.</summary>
internal sealed record Quant(float Scale, int ZeroPoint);

/// <summary>
/// One ADD or SUB test: shapes, type, quantization, fused activation and which inputs are constants.
/// Builds the model, makes deterministic inputs, and computes the expected output with a naive loop
/// over output elements that follows TFLM's reference kernels (add.h, integer_ops/add.h, sub.h and the
/// multipliers of add_common.cc / sub_common.cc), broadcasting by multi-index.
/// </summary>
internal sealed record BinaryArithmeticCase(
    bool Sub,
    TfliteType Type,
    int[] Shape1,
    int[] Shape2,
    int[] OutputShape,
    Quant? Q1 = null,
    Quant? Q2 = null,
    Quant? QOut = null,
    byte Activation = 0,
    bool? PotScaleInt16 = null,
    bool Constant1 = false,
    bool Constant2 = false,
    int Seed = 1)
{
    public int[] Input1 => Inputs(Shape1, Seed);

    public int[] Input2 => Inputs(Shape2, Seed + 100);

    private int[] Inputs(int[] shape, int seed) => Type switch
    {
        TfliteType.Int8 => RandomInts(TfliteReference.Count(shape), -128, 127, seed),
        TfliteType.Int16 => RandomInts(TfliteReference.Count(shape), -32768, 32767, seed),
        _ => RandomInts(TfliteReference.Count(shape), -100000, 100000, seed),
    };

    public float[] FloatInput1 => RandomFloats(TfliteReference.Count(Shape1), -8f, 8f, Seed);

    public float[] FloatInput2 => RandomFloats(TfliteReference.Count(Shape2), -8f, 8f, Seed + 100);

    private byte[] Encode(int[] values) => Type switch
    {
        TfliteType.Int8 => Bytes(values.Select(v => (sbyte)v).ToArray()),
        TfliteType.Int16 => Bytes(values.Select(v => (short)v).ToArray()),
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
        int output = b.Tensor("out", Type, OutputShape, QOut?.Scale, QOut?.ZeroPoint ?? 0);
        var options = new System.Collections.Generic.List<TfliteModelBuilder.Option> { TfliteModelBuilder.Option.Byte(0, Activation) };
        if (PotScaleInt16 is bool pot)
        {
            options.Add(TfliteModelBuilder.Option.Bool(1, pot));
        }
        b.Operator(Sub ? ElementwiseTestModels.Sub : Add, new[] { a, c }, new[] { output }, Sub ? SubOptions : AddOptions, null, options.ToArray());
        var inputs = new System.Collections.Generic.List<int>();
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

    /// <summary>Compiles the model and runs it on the run-time inputs.</summary>
    public byte[] Run()
    {
        ITinyModel model = Compile(Model());
        var inputs = new System.Collections.Generic.List<byte[]>();
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

    public float[] ExpectedFloat()
    {
        float[] a = FloatInput1, b = FloatInput2;
        (float lo, float hi) = TfliteReference.FloatActivationRange(Activation);
        var result = new float[TfliteReference.Count(OutputShape)];
        for (int i = 0; i < result.Length; i++)
        {
            float x = a[TfliteReference.BroadcastIndex(i, OutputShape, Shape1)];
            float y = b[TfliteReference.BroadcastIndex(i, OutputShape, Shape2)];
            result[i] = Math.Min(Math.Max(Sub ? x - y : x + y, lo), hi);
        }
        return result;
    }

    /// <summary>int32: TFLM's ADD ignores the fused activation; SUB clamps to CalculateActivationRange's bounds.</summary>
    public int[] ExpectedInt32()
    {
        int[] a = Input1, b = Input2;
        (int lo, int hi) = Sub ? Activation switch { 1 => (0, int.MaxValue), 2 => (-1, 1), 3 => (0, 6), _ => (int.MinValue, int.MaxValue) } : (int.MinValue, int.MaxValue);
        var result = new int[TfliteReference.Count(OutputShape)];
        for (int i = 0; i < result.Length; i++)
        {
            int x = a[TfliteReference.BroadcastIndex(i, OutputShape, Shape1)];
            int y = b[TfliteReference.BroadcastIndex(i, OutputShape, Shape2)];
            result[i] = Math.Min(Math.Max(unchecked(Sub ? x - y : x + y), lo), hi);
        }
        return result;
    }

    public int[] ExpectedQuantized()
    {
        bool int16 = Type == TfliteType.Int16;
        int leftShift = int16 ? 15 : 20;
        double real1, real2, realOut;
        if (!Sub)
        {
            double twiceMax = 2 * (double)Math.Max(Q1!.Scale, Q2!.Scale);
            (real1, real2, realOut) = (Q1.Scale / twiceMax, Q2.Scale / twiceMax, twiceMax / ((1 << leftShift) * (double)QOut!.Scale));
        }
        else
        {
            float twiceMax = 2 * Math.Max(Q1!.Scale, Q2!.Scale);
            (real1, real2, realOut) = (Q1.Scale / twiceMax, Q2.Scale / twiceMax, twiceMax / ((1 << leftShift) * QOut!.Scale));
        }
        (int m1, int s1) = TfliteReference.QuantizeMultiplier(real1);
        (int m2, int s2) = TfliteReference.QuantizeMultiplier(real2);
        (int mo, int so) = TfliteReference.QuantizeMultiplier(realOut);
        (int lo, int hi) = TfliteReference.QuantizedActivationRange(Activation, QOut.Scale, QOut.ZeroPoint, int16 ? short.MinValue : sbyte.MinValue, int16 ? short.MaxValue : sbyte.MaxValue);

        int[] a = Input1, b = Input2;
        var result = new int[TfliteReference.Count(OutputShape)];
        for (int i = 0; i < result.Length; i++)
        {
            int x = a[TfliteReference.BroadcastIndex(i, OutputShape, Shape1)] - Q1.ZeroPoint;
            int y = b[TfliteReference.BroadcastIndex(i, OutputShape, Shape2)] - Q2.ZeroPoint;
            int scaled1 = TfliteReference.MultiplyByQuantizedMultiplier(x * (1 << leftShift), m1, s1);
            int scaled2 = TfliteReference.MultiplyByQuantizedMultiplier(y * (1 << leftShift), m2, s2);
            int raw = TfliteReference.MultiplyByQuantizedMultiplier(Sub ? scaled1 - scaled2 : scaled1 + scaled2, mo, so) + QOut.ZeroPoint;
            result[i] = Math.Min(hi, Math.Max(lo, raw));
        }
        return result;
    }

    /// <summary>Runs the case and asserts the outputs equal the reference (float within tolerance).</summary>
    public void AssertMatchesReference()
    {
        byte[] actual = Run();
        switch (Type)
        {
            case TfliteType.Float32:
                AssertClose(ExpectedFloat(), Values<float>(actual));
                break;
            case TfliteType.Int32:
                AssertEqual(ExpectedInt32(), Values<int>(actual));
                break;
            case TfliteType.Int16:
                AssertEqual(ExpectedQuantized(), Values<short>(actual).Select(v => (int)v).ToArray());
                break;
            default:
                AssertEqual(ExpectedQuantized(), Values<sbyte>(actual).Select(v => (int)v).ToArray());
                break;
        }
    }
}
