using System;
using System.Linq;
using System.Runtime.InteropServices;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SVDF: every SVDF layer of the real models against TFLM's dump, and the options the models do not
/// use (float, rank above 1, batches, every fused activation, no bias, int8 state) against
/// <see cref="Reference"/>, a plain transcription of TFLM's svdf_common.cc (EvalFloatSvdfReference and
/// EvalIntegerSvdfReference: state shift, feature matmul into the newest slot, time dot products into a
/// scratch array, bias, rank reduction, requantization) with its zero points subtracted in the loops.
/// Each synthetic model is invoked several times on one instance, so the state carried from call to
/// call is checked too.
/// </summary>
public class SvdfTests
{
    private const int SvdfCode = 27;
    private const byte SvdfOptionsType = 6;
    private const byte None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5;

    public static TheoryData<string, int> RealLayers() => LayerGolden.Nodes(SvdfCode, "keyword_scrambled", "keyword_scrambled_8bit");

    [Theory]
    [MemberData(nameof(RealLayers))]
    public void LayerOfRealModelMatchesTflm(string model, int node) => LayerGolden.AssertMatchesTflm(model, node);

    /// <summary>The shape and quantization of a synthetic SVDF.</summary>
    private sealed record Config(
        TfliteType Type, TfliteType StateType, int Batches, int InputSize, int Filters, int Rank, int Memory, byte Activation, bool Bias,
        float InputScale = 0.05f, int InputZeroPoint = 3, float FeatureScale = 0.01f, float TimeScale = 0.004f,
        float StateScale = 0.02f, int StateZeroPoint = 0, float OutputScale = 0.03f, int OutputZeroPoint = -5)
    {
        public int Units => Filters / Rank;
    }

    /// <summary>The weights and state of a synthetic SVDF: floats, or the integer values for quantized ones.</summary>
    private sealed record Weights(float[] FeatureFloat, float[] TimeFloat, float[] BiasFloat, sbyte[] Feature, short[] Time, int[] Bias);

    [Theory]
    [InlineData(1, 1, None, true)]
    [InlineData(2, 1, Relu, true)]
    [InlineData(1, 2, Relu6, false)]
    [InlineData(2, 3, ReluN1To1, true)]
    [InlineData(2, 2, Tanh, true)]
    [InlineData(1, 2, SignBit, true)]
    public void FloatMatchesReferenceOverSeveralCalls(int batches, int rank, byte activation, bool bias)
    {
        var config = new Config(TfliteType.Float32, TfliteType.Float32, batches, 5, 4 * rank, rank, 3, activation, bias);
        AssertMatchesReference(config, calls: 4);
    }

    [Theory]
    [InlineData(1, 1, true, 3)]
    [InlineData(2, 2, true, -7)]
    [InlineData(2, 1, false, 0)]
    public void Int8WithInt16StateMatchesReferenceOverSeveralCalls(int batches, int rank, bool bias, int inputZeroPoint)
    {
        // TFLM's integer SVDF ignores the fused activation (RELU here): the reference does too.
        var config = new Config(TfliteType.Int8, TfliteType.Int16, batches, 6, 3 * rank, rank, 4, Relu, bias, InputZeroPoint: inputZeroPoint,
            StateScale: 0.0005f);
        AssertMatchesReference(config, calls: 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-50)]
    [InlineData(60)]
    public void Int8WithInt8StateMatchesReferenceIncludingSaturation(int stateZeroPoint)
    {
        // A small state scale saturates the projection, so TFLM's clamp-then-add-zero-point order (which
        // wraps an int8 state) is exercised.
        var config = new Config(TfliteType.Int8, TfliteType.Int8, 2, 6, 4, 2, 3, None, true, StateScale: 0.004f, StateZeroPoint: stateZeroPoint);
        AssertMatchesReference(config, calls: 5);
    }

    [Fact]
    public void StateCarriesAcrossInvokeAndResetStateRestoresTheFirstResult()
    {
        var config = new Config(TfliteType.Int8, TfliteType.Int8, 1, 4, 2, 1, 3, None, true, StateZeroPoint: -20, StateScale: 0.01f);
        Weights weights = MakeWeights(config, seed: 7);
        ITinyModel model = InMemoryModel.Compile(Build(config, weights).Build()).Create();
        byte[] input = RandomInput(config, new Random(11));

        // The reference keeps its own state: TFLM starts an int8 state at its zero point.
        sbyte[] state = Enumerable.Repeat((sbyte)config.StateZeroPoint, config.Batches * config.Filters * config.Memory).ToArray();
        byte[] first = Invoke(model, input, config);
        Assert.Equal(ReferenceInteger(config, weights, input, state), first);
        byte[] second = Invoke(model, input, config);
        Assert.Equal(ReferenceInteger(config, weights, input, state), second);
        Assert.NotEqual(first, second); // the same input gives another output: the memory moved

        model.ResetState();
        Assert.Equal(first, Invoke(model, input, config));
    }

    [Fact]
    public void ChainedLayersKeepTheirOwnStateAcrossCalls()
    {
        // SVDF -> SVDF: two states live in the arena beside the intermediate tensor, each for the instance's life.
        var first = new Config(TfliteType.Float32, TfliteType.Float32, 2, 5, 6, 2, 3, Relu, true);
        var second = new Config(TfliteType.Float32, TfliteType.Float32, 2, first.Units, 4, 1, 4, None, true);
        Weights w1 = MakeWeights(first, 21), w2 = MakeWeights(second, 22);
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 2, first.InputSize });
        int middle = b.Tensor("middle", TfliteType.Float32, new[] { 2, first.Units });
        int output = b.Tensor("output", TfliteType.Float32, new[] { 2, second.Units });
        foreach ((Config c, Weights w, int from, int to, string name) in new[] { (first, w1, input, middle, "a"), (second, w2, middle, output, "b") })
        {
            int feature = b.Constant(name + "_feature", TfliteType.Float32, new[] { c.Filters, c.InputSize }, MemoryMarshal.AsBytes(w.FeatureFloat.AsSpan()).ToArray());
            int time = b.Constant(name + "_time", TfliteType.Float32, new[] { c.Filters, c.Memory }, MemoryMarshal.AsBytes(w.TimeFloat.AsSpan()).ToArray());
            int bias = b.Constant(name + "_bias", TfliteType.Float32, new[] { c.Units }, MemoryMarshal.AsBytes(w.BiasFloat.AsSpan()).ToArray());
            int state = b.Tensor(name + "_state", TfliteType.Float32, new[] { 2, c.Filters * c.Memory }, isVariable: true);
            b.Operator(SvdfCode, new[] { from, feature, time, bias, state }, new[] { to }, SvdfOptionsType, null,
                TfliteModelBuilder.Option.Int(0, c.Rank), TfliteModelBuilder.Option.Byte(1, c.Activation));
        }
        ITinyModel model = InMemoryModel.Compile(b.Inputs(input).Outputs(output).Build()).Create();

        float[] state1 = new float[2 * first.Filters * first.Memory], state2 = new float[2 * second.Filters * second.Memory];
        var random = new Random(5);
        for (int call = 0; call < 5; call++)
        {
            byte[] x = RandomInput(first, random);
            float[] expected = ReferenceFloat(second, w2, ReferenceFloat(first, w1, MemoryMarshal.Cast<byte, float>(x).ToArray(), state1), state2);
            byte[] actual = new byte[expected.Length * 4];
            model.InvokeRaw(x, actual);
            OutputComparison.AssertMatches($"call {call}", "float32", MemoryMarshal.AsBytes(expected.AsSpan()), actual);
        }
    }

    [Fact]
    public void StateThatIsNotVariableIsReported()
    {
        var config = new Config(TfliteType.Float32, TfliteType.Float32, 1, 3, 2, 1, 2, None, true);
        TfliteModelBuilder builder = Build(config, MakeWeights(config, 1), stateIsVariable: false);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => InMemoryModel.Compile(builder.Build()));
        Assert.Contains("TM0007", error.Message);
        Assert.Contains("variable", error.Message);
    }

    [Fact]
    public void RankThatDoesNotDivideTheFiltersIsReported()
    {
        var config = new Config(TfliteType.Float32, TfliteType.Float32, 1, 3, 3, 1, 2, None, true);
        TfliteModelBuilder builder = Build(config, MakeWeights(config, 1), rankOption: 2);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => InMemoryModel.Compile(builder.Build()));
        Assert.Contains("TM0007", error.Message);
        Assert.Contains("rank 2", error.Message);
    }

    private static void AssertMatchesReference(Config config, int calls)
    {
        Weights weights = MakeWeights(config, seed: config.Filters * 31 + config.Batches);
        InMemoryModel compiled = InMemoryModel.Compile(Build(config, weights).Build());
        ITinyModel model = compiled.Create();
        var random = new Random(config.Rank * 100 + config.Activation);
        int stateLength = config.Batches * config.Filters * config.Memory;
        float[] floatState = new float[stateLength];
        sbyte[] int8State = Enumerable.Repeat((sbyte)config.StateZeroPoint, stateLength).ToArray();
        short[] int16State = new short[stateLength];
        for (int call = 0; call < calls; call++)
        {
            byte[] input = RandomInput(config, random);
            byte[] actual = Invoke(model, input, config);
            if (config.Type == TfliteType.Float32)
            {
                float[] expected = ReferenceFloat(config, weights, MemoryMarshal.Cast<byte, float>(input).ToArray(), floatState);
                OutputComparison.AssertMatches($"call {call}", "float32", MemoryMarshal.AsBytes(expected.AsSpan()), actual);
            }
            else
            {
                byte[] expected = config.StateType == TfliteType.Int8
                    ? ReferenceInteger(config, weights, input, int8State)
                    : ReferenceInteger(config, weights, input, int16State);
                OutputComparison.AssertMatches($"call {call}", "int8", expected, actual);
            }
        }
    }

    private static byte[] Invoke(ITinyModel model, byte[] input, Config config)
    {
        byte[] output = new byte[config.Batches * config.Units * (config.Type == TfliteType.Float32 ? 4 : 1)];
        model.InvokeRaw(input, output);
        return output;
    }

    private static byte[] RandomInput(Config config, Random random)
    {
        int count = config.Batches * config.InputSize;
        if (config.Type == TfliteType.Float32)
        {
            float[] values = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        }
        return Enumerable.Range(0, count).Select(_ => (byte)random.Next(256)).ToArray();
    }

    private static Weights MakeWeights(Config config, int seed)
    {
        var random = new Random(seed);
        int f = config.Filters, i = config.InputSize, m = config.Memory, u = config.Units;
        float[] Floats(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return new Weights(
            Floats(f * i), Floats(f * m), Floats(u),
            Enumerable.Range(0, f * i).Select(_ => (sbyte)random.Next(-127, 128)).ToArray(),
            Enumerable.Range(0, f * m).Select(_ => config.StateType == TfliteType.Int8 ? (short)random.Next(-127, 128) : (short)random.Next(-20000, 20000)).ToArray(),
            Enumerable.Range(0, u).Select(_ => random.Next(-3000, 3000)).ToArray());
    }

    private static TfliteModelBuilder Build(Config config, Weights weights, bool stateIsVariable = true, int? rankOption = null)
    {
        var b = new TfliteModelBuilder();
        int f = config.Filters, i = config.InputSize, m = config.Memory, u = config.Units;
        bool quantized = config.Type != TfliteType.Float32;
        int input = quantized
            ? b.Tensor("input", config.Type, new[] { config.Batches, i }, config.InputScale, config.InputZeroPoint)
            : b.Tensor("input", config.Type, new[] { config.Batches, i });
        int feature, time, bias = -1, state, output;
        if (quantized)
        {
            feature = b.Constant("weights_feature", TfliteType.Int8, new[] { f, i }, weights.Feature.Select(v => (byte)v).ToArray(), new[] { config.FeatureScale });
            time = config.StateType == TfliteType.Int8
                ? b.Constant("weights_time", TfliteType.Int8, new[] { f, m }, weights.Time.Select(v => (byte)(sbyte)v).ToArray(), new[] { config.TimeScale })
                : b.Constant("weights_time", TfliteType.Int16, new[] { f, m }, MemoryMarshal.AsBytes(weights.Time.AsSpan()).ToArray(), new[] { config.TimeScale });
            if (config.Bias)
            {
                bias = b.Constant("bias", TfliteType.Int32, new[] { u }, MemoryMarshal.AsBytes(weights.Bias.AsSpan()).ToArray(), new[] { config.StateScale * config.TimeScale });
            }
            state = b.Tensor("state", config.StateType, new[] { config.Batches, f * m }, config.StateScale, config.StateZeroPoint, isVariable: stateIsVariable);
            output = b.Tensor("output", TfliteType.Int8, new[] { config.Batches, u }, config.OutputScale, config.OutputZeroPoint);
        }
        else
        {
            feature = b.Constant("weights_feature", TfliteType.Float32, new[] { f, i }, MemoryMarshal.AsBytes(weights.FeatureFloat.AsSpan()).ToArray());
            time = b.Constant("weights_time", TfliteType.Float32, new[] { f, m }, MemoryMarshal.AsBytes(weights.TimeFloat.AsSpan()).ToArray());
            if (config.Bias)
            {
                bias = b.Constant("bias", TfliteType.Float32, new[] { u }, MemoryMarshal.AsBytes(weights.BiasFloat.AsSpan()).ToArray());
            }
            state = b.Tensor("state", TfliteType.Float32, new[] { config.Batches, f * m }, isVariable: stateIsVariable);
            output = b.Tensor("output", TfliteType.Float32, new[] { config.Batches, u });
        }
        return b.Operator(SvdfCode, new[] { input, feature, time, bias, state }, new[] { output }, SvdfOptionsType, null,
                TfliteModelBuilder.Option.Int(0, rankOption ?? config.Rank), TfliteModelBuilder.Option.Byte(1, config.Activation))
            .Inputs(stateIsVariable ? new[] { input } : new[] { input, state }) // state the caller passes in, not a variable
            .Outputs(output);
    }

    /// <summary>TFLM's EvalFloatSvdfReference, updating <paramref name="state"/> as TFLM does.</summary>
    private static float[] ReferenceFloat(Config c, Weights w, float[] input, float[] state)
    {
        for (int k = 0; k + 1 < state.Length; k++)
        {
            state[k] = state[k + 1];
        }
        for (int b = 0; b < c.Batches; b++)
        {
            for (int f = 0; f < c.Filters; f++)
            {
                float dot = 0f;
                for (int k = 0; k < c.InputSize; k++)
                {
                    dot += w.FeatureFloat[f * c.InputSize + k] * input[b * c.InputSize + k];
                }
                state[b * c.Filters * c.Memory + f * c.Memory + c.Memory - 1] = dot;
            }
        }
        float[] scratch = new float[c.Batches * c.Filters];
        for (int b = 0; b < c.Batches; b++)
        {
            for (int f = 0; f < c.Filters; f++)
            {
                for (int j = 0; j < c.Memory; j++)
                {
                    scratch[b * c.Filters + f] += w.TimeFloat[f * c.Memory + j] * state[b * c.Filters * c.Memory + f * c.Memory + j];
                }
            }
        }
        float[] output = new float[c.Batches * c.Units];
        for (int b = 0; b < c.Batches; b++)
        {
            for (int u = 0; u < c.Units; u++)
            {
                output[b * c.Units + u] = c.Bias ? w.BiasFloat[u] : 0f;
                for (int r = 0; r < c.Rank; r++)
                {
                    output[b * c.Units + u] += scratch[b * c.Filters + u * c.Rank + r];
                }
                float a = output[b * c.Units + u];
                output[b * c.Units + u] = c.Activation switch
                {
                    Relu => Math.Max(0f, a),
                    ReluN1To1 => Math.Max(-1f, Math.Min(a, 1f)),
                    Relu6 => Math.Max(0f, Math.Min(a, 6f)),
                    Tanh => MathF.Tanh(a),
                    SignBit => float.IsNegative(a) ? 1f : 0f,
                    _ => a,
                };
            }
        }
        return output;
    }

    /// <summary>TFLM's EvalIntegerSvdfReference for an int8 or int16 state, updating <paramref name="state"/> as TFLM does.</summary>
    private static byte[] ReferenceInteger<T>(Config c, Weights w, byte[] inputBytes, T[] state) where T : struct
    {
        sbyte[] input = inputBytes.Select(v => (sbyte)v).ToArray();
        bool int8State = typeof(T) == typeof(sbyte);
        int Get(int k) => int8State ? (sbyte)(object)state[k] : (short)(object)state[k];
        void Set(int k, int v) => state[k] = int8State ? (T)(object)unchecked((sbyte)v) : (T)(object)unchecked((short)v);
        // Effective scales as PrepareSvdf computes them: float arithmetic, then double.
        float scale1 = c.InputScale * c.FeatureScale / c.StateScale;
        float scale2 = c.StateScale * c.TimeScale / c.OutputScale;
        (int m1, int s1) = TfliteReference.QuantizeMultiplier(scale1);
        (int m2, int s2) = TfliteReference.QuantizeMultiplier(scale2);
        int stateMin = int8State ? sbyte.MinValue : short.MinValue, stateMax = int8State ? sbyte.MaxValue : short.MaxValue;

        for (int k = 0; k + 1 < state.Length; k++)
        {
            state[k] = state[k + 1];
        }
        for (int b = 0; b < c.Batches; b++)
        {
            for (int f = 0; f < c.Filters; f++)
            {
                int dot = 0;
                for (int k = 0; k < c.InputSize; k++)
                {
                    dot += w.Feature[f * c.InputSize + k] * (input[b * c.InputSize + k] - c.InputZeroPoint);
                }
                dot = TfliteReference.MultiplyByQuantizedMultiplier(dot, m1, s1);
                dot = Math.Min(Math.Max(stateMin, dot), stateMax);
                Set(b * c.Filters * c.Memory + f * c.Memory + c.Memory - 1, c.StateZeroPoint + dot);
            }
        }
        int[] scratch = new int[c.Batches * c.Filters];
        for (int b = 0; b < c.Batches; b++)
        {
            for (int f = 0; f < c.Filters; f++)
            {
                for (int j = 0; j < c.Memory; j++)
                {
                    scratch[b * c.Filters + f] += w.Time[f * c.Memory + j] * (Get(b * c.Filters * c.Memory + f * c.Memory + j) - c.StateZeroPoint);
                }
            }
        }
        byte[] output = new byte[c.Batches * c.Units];
        for (int b = 0; b < c.Batches; b++)
        {
            for (int u = 0; u < c.Units; u++)
            {
                int sum = c.Bias ? w.Bias[u] : 0;
                for (int r = 0; r < c.Rank; r++)
                {
                    sum += scratch[b * c.Filters + u * c.Rank + r];
                }
                int scaled = TfliteReference.MultiplyByQuantizedMultiplier(sum, m2, s2) + c.OutputZeroPoint;
                output[b * c.Units + u] = (byte)(sbyte)Math.Min(Math.Max(scaled, -128), 127);
            }
        }
        return output;
    }
}
