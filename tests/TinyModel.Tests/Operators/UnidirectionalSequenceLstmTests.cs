using System;
using System.Linq;
using System.Runtime.InteropServices;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM: every LSTM layer of the real models against TFLM's dump, and what the
/// models do not cover (time-major input, several batches and steps, cell clipping, int16 activations,
/// other cell-state scales, nonzero zero points) against <see cref="Reference"/>, a transcription of
/// TFLM's lstm_eval.h/.cc: per step, each gate's input and recurrent fully connected products (int16
/// outputs at scale 2^-12), their saturating sum, sigmoid or tanh; then the cell update with its two
/// Muls, saturating add and clip; then tanh of the cell times the output gate into the hidden state,
/// copied to the output. Gate parameters are derived in the test with TFLM's formulas
/// (lstm_eval_common.cc). The int16 sigmoid and tanh are TinyModel's <see cref="ActivationMath"/>, which the
/// real int8 models check against TFLM bit for bit.
/// </summary>
public class UnidirectionalSequenceLstmTests
{
    private const int LstmCode = 44;
    private const byte LstmOptionsType = 71;
    private const byte TanhActivation = 4;
    private const float GateInputScale = 0.000244140625f, GateOutputScale = 0.000030517578125f;

    public static TheoryData<string, int> RealLayers() => LayerGolden.Nodes(LstmCode, "trained_lstm", "trained_lstm_int8", "dtln_noise_suppression");

    [Theory]
    [MemberData(nameof(RealLayers))]
    public void LayerOfRealModelMatchesTflm(string model, int node) => LayerGolden.AssertMatchesTflm(model, node);

    private sealed record Config(
        TfliteType Type, bool TimeMajor, int Batches, int TimeSteps, int InputSize, int Units, float CellClip,
        float InputScale = 0.02f, int InputZeroPoint = 0, float HiddenScale = 0.008f, int HiddenZeroPoint = 0, float CellScale = 1f / 4096)
    {
        public bool Quantized => Type != TfliteType.Float32;

        public int[] InputShape => TimeMajor ? new[] { TimeSteps, Batches, InputSize } : new[] { Batches, TimeSteps, InputSize };

        public int[] OutputShape => TimeMajor ? new[] { TimeSteps, Batches, Units } : new[] { Batches, TimeSteps, Units };

        public int ElementSize => Type switch { TfliteType.Float32 => 4, TfliteType.Int16 => 2, _ => 1 };
    }

    /// <summary>Per gate (forget, input, cell, output): input weights, recurrent weights, bias, in float or integer form.</summary>
    private sealed record Weights(float[][] InputFloat, float[][] RecurrentFloat, float[][] BiasFloat, sbyte[][] Input, sbyte[][] Recurrent, long[][] Bias,
        float[] InputScales, float[] RecurrentScales);

    [Theory]
    [InlineData(false, 1, 1, 0f)]
    [InlineData(false, 2, 3, 0f)]
    [InlineData(true, 2, 3, 0f)]
    [InlineData(true, 3, 2, 0.4f)]
    [InlineData(false, 2, 4, 0.3f)]
    public void FloatMatchesReferenceOverSeveralCalls(bool timeMajor, int batches, int steps, float cellClip) =>
        AssertMatchesReference(new Config(TfliteType.Float32, timeMajor, batches, steps, 5, 4, cellClip), calls: 3);

    [Theory]
    [InlineData(false, 1, 1, 0f, 0, 0, -12)]
    [InlineData(false, 2, 3, 0f, -4, 5, -11)]
    [InlineData(true, 2, 3, 0.9f, 7, -3, -12)]
    [InlineData(true, 3, 2, 0f, 0, 0, -15)]
    [InlineData(false, 1, 4, 0.2f, -128, 10, -10)]
    public void Int8MatchesReferenceOverSeveralCalls(bool timeMajor, int batches, int steps, float cellClip, int inputZeroPoint, int hiddenZeroPoint, int cellPower) =>
        AssertMatchesReference(new Config(TfliteType.Int8, timeMajor, batches, steps, 5, 4, cellClip,
            InputZeroPoint: inputZeroPoint, HiddenZeroPoint: hiddenZeroPoint, CellScale: MathF.Pow(2, cellPower)), calls: 3);

    [Theory]
    [InlineData(false, 1, 3, 0f, -12)]
    [InlineData(true, 2, 2, 0.5f, -11)]
    public void Int16MatchesReferenceOverSeveralCalls(bool timeMajor, int batches, int steps, float cellClip, int cellPower) =>
        AssertMatchesReference(new Config(TfliteType.Int16, timeMajor, batches, steps, 5, 4, cellClip,
            InputScale: 0.0001f, HiddenScale: 0.00004f, CellScale: MathF.Pow(2, cellPower)), calls: 3);

    [Fact]
    public void StateCarriesAcrossInvokeAndResetStateRestoresTheFirstResult()
    {
        var config = new Config(TfliteType.Int8, false, 1, 2, 5, 4, 0f, HiddenZeroPoint: 6);
        Weights weights = MakeWeights(config, seed: 5);
        ITinyModel model = InMemoryModel.Compile(Build(config, weights).Build()).Create();
        byte[] input = RandomInput(config, new Random(3));

        // The reference keeps its own state: TFLM starts the int8 hidden state at its zero point and the cell at 0.
        int[] hidden = Enumerable.Repeat(config.HiddenZeroPoint, config.Batches * config.Units).ToArray();
        int[] cell = new int[config.Batches * config.Units];
        byte[] first = Invoke(model, input, config);
        Assert.Equal(ReferenceInteger(config, weights, input, hidden, cell), first);
        byte[] second = Invoke(model, input, config);
        Assert.Equal(ReferenceInteger(config, weights, input, hidden, cell), second);
        Assert.NotEqual(first, second); // the same input gives another output: the state carried over

        model.ResetState();
        Assert.Equal(first, Invoke(model, input, config));
    }

    [Theory]
    [InlineData("relu", "cell activation is RELU")]
    [InlineData("constant-state", "must be variable tensors")]
    public void VariantsTflmDoesNotCompileAreReported(string variant, string expected)
    {
        var config = new Config(TfliteType.Int8, false, 1, 2, 3, 2, 0f);
        TfliteModelBuilder builder = Build(config, MakeWeights(config, 1), variant);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => InMemoryModel.Compile(builder.Build()));
        Assert.Contains("TM0007", error.Message);
        Assert.Contains(expected, error.Message);
    }

    /// <summary>
    /// The LSTMs TFLM's kernel does not compile whose operands show it (peephole, projection or layer
    /// normalization tensors present, CIFG's input gate weights absent, float activations with int8
    /// weights) fall outside the operator's type combinations: the type check names their operand types.
    /// </summary>
    [Theory]
    [InlineData("peephole", 10, "int16")]
    [InlineData("projection", 16, "int8")]
    [InlineData("layernorm", 21, "int16")]
    [InlineData("cifg", 1, "none")]
    [InlineData("hybrid", 0, "float32")]
    public void VariantsOutsideTheTypeCombinationsAreReportedWithTheirTypes(string variant, int position, string type)
    {
        var config = new Config(variant == "hybrid" ? TfliteType.Float32 : TfliteType.Int8, false, 1, 2, 3, 2, 0f);
        TfliteModelBuilder builder = Build(config, MakeWeights(config, 1), variant);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => InMemoryModel.Compile(builder.Build()));

        // The standard int8 LSTM's operand types, with the variant's difference.
        string[] types = Enumerable.Repeat("none", 24).ToArray();
        types[0] = types[18] = "int8";
        for (int p = 1; p <= 8; p++)
        {
            types[p] = "int8";
        }
        for (int p = 12; p <= 15; p++)
        {
            types[p] = "int32";
        }
        types[19] = "int16";
        types[position] = type;
        string output = "int8";
        if (variant == "cifg")
        {
            types[5] = "none"; // the recurrent input gate weights go too
        }
        if (variant == "hybrid")
        {
            // Float activations, biases and states with the int8 weights of a quantized LSTM.
            types[18] = types[19] = output = "float32";
            for (int p = 12; p <= 15; p++)
            {
                types[p] = "float32";
            }
        }
        Assert.Contains("TM0007", error.Message);
        Assert.Contains("operator UNIDIRECTIONAL_SEQUENCE_LSTM at node 0", error.Message);
        Assert.Contains($"operand types {string.Join(", ", types)} → {output} are not supported", error.Message);
    }

    private static void AssertMatchesReference(Config config, int calls)
    {
        Weights weights = MakeWeights(config, seed: config.Batches * 10 + config.TimeSteps);
        ITinyModel model = InMemoryModel.Compile(Build(config, weights).Build()).Create();
        var random = new Random(config.Units + config.Batches);
        int stateLength = config.Batches * config.Units;
        float[] floatHidden = new float[stateLength], floatCell = new float[stateLength];
        int[] hidden = Enumerable.Repeat(config.Type == TfliteType.Int8 ? config.HiddenZeroPoint : 0, stateLength).ToArray();
        int[] cell = new int[stateLength];
        for (int call = 0; call < calls; call++)
        {
            byte[] input = RandomInput(config, random);
            byte[] actual = Invoke(model, input, config);
            if (config.Quantized)
            {
                byte[] expected = ReferenceInteger(config, weights, input, hidden, cell);
                OutputComparison.AssertMatches($"call {call}", config.Type == TfliteType.Int8 ? "int8" : "int16", expected, actual);
            }
            else
            {
                float[] expected = ReferenceFloat(config, weights, MemoryMarshal.Cast<byte, float>(input).ToArray(), floatHidden, floatCell);
                OutputComparison.AssertMatches($"call {call}", "float32", MemoryMarshal.AsBytes(expected.AsSpan()), actual);
            }
        }
    }

    private static byte[] Invoke(ITinyModel model, byte[] input, Config config)
    {
        byte[] output = new byte[config.Batches * config.TimeSteps * config.Units * config.ElementSize];
        model.InvokeRaw(input, output);
        return output;
    }

    private static byte[] RandomInput(Config config, Random random)
    {
        int count = config.Batches * config.TimeSteps * config.InputSize;
        return config.Type switch
        {
            TfliteType.Float32 => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray().AsSpan()).ToArray(),
            TfliteType.Int16 => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => (short)random.Next(-30000, 30000)).ToArray().AsSpan()).ToArray(),
            _ => Enumerable.Range(0, count).Select(_ => (byte)random.Next(256)).ToArray(),
        };
    }

    private static Weights MakeWeights(Config config, int seed)
    {
        var random = new Random(seed);
        int s = config.Units, i = config.InputSize;
        float[] Floats(int n, double range) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * range)).ToArray();
        sbyte[] Bytes(int n) => Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        long[] Biases(int n) => Enumerable.Range(0, n).Select(_ => (long)random.Next(-20000, 20000)).ToArray();
        return new Weights(
            Enumerable.Range(0, 4).Select(_ => Floats(s * i, 0.8)).ToArray(),
            Enumerable.Range(0, 4).Select(_ => Floats(s * s, 0.8)).ToArray(),
            Enumerable.Range(0, 4).Select(_ => Floats(s, 0.5)).ToArray(),
            Enumerable.Range(0, 4).Select(_ => Bytes(s * i)).ToArray(),
            Enumerable.Range(0, 4).Select(_ => Bytes(s * s)).ToArray(),
            Enumerable.Range(0, 4).Select(_ => Biases(s)).ToArray(),
            new[] { 0.0061f, 0.0043f, 0.0072f, 0.0055f },
            new[] { 0.0048f, 0.0066f, 0.0039f, 0.0052f });
    }

    /// <summary>
    /// The model: TFLite's 24 LSTM inputs, gate tensors at their positions (input weights 1-4 and
    /// recurrent weights 5-8 in the order input, forget, cell, output; biases 12-15), states 18 and 19.
    /// <paramref name="variant"/> adds what TFLM's kernel rejects.
    /// </summary>
    private static TfliteModelBuilder Build(Config config, Weights weights, string? variant = null)
    {
        var b = new TfliteModelBuilder();
        int s = config.Units, i = config.InputSize;
        TfliteType type = config.Type;
        int[] inputs = Enumerable.Repeat(-1, 24).ToArray();
        int[] gateOrder = { 1, 0, 2, 3 }; // TFLite's input, forget, cell, output -> our forget, input, cell, output
        int input = config.Quantized
            ? b.Tensor("input", type, config.InputShape, config.InputScale, config.InputZeroPoint)
            : b.Tensor("input", type, config.InputShape);
        inputs[0] = input;
        for (int position = 0; position < 4; position++)
        {
            int gate = gateOrder[position];
            if (config.Quantized || variant == "hybrid")
            {
                inputs[1 + position] = b.Constant($"input_weights{position}", TfliteType.Int8, new[] { s, i }, weights.Input[gate].Select(v => (byte)v).ToArray(), new[] { weights.InputScales[gate] });
                inputs[5 + position] = b.Constant($"recurrent_weights{position}", TfliteType.Int8, new[] { s, s }, weights.Recurrent[gate].Select(v => (byte)v).ToArray(), new[] { weights.RecurrentScales[gate] });
            }
            else
            {
                inputs[1 + position] = b.Constant($"input_weights{position}", TfliteType.Float32, new[] { s, i }, FloatBytes(weights.InputFloat[gate]));
                inputs[5 + position] = b.Constant($"recurrent_weights{position}", TfliteType.Float32, new[] { s, s }, FloatBytes(weights.RecurrentFloat[gate]));
            }
            inputs[12 + position] = type switch
            {
                TfliteType.Int8 => b.Constant($"bias{position}", TfliteType.Int32, new[] { s }, MemoryMarshal.AsBytes(weights.Bias[gate].Select(v => (int)v).ToArray().AsSpan()).ToArray(), new[] { config.InputScale * weights.InputScales[gate] }),
                TfliteType.Int16 => b.Constant($"bias{position}", TfliteType.Int64, new[] { s }, MemoryMarshal.AsBytes(weights.Bias[gate].AsSpan()).ToArray(), new[] { config.InputScale * weights.InputScales[gate] }),
                _ => b.Constant($"bias{position}", TfliteType.Float32, new[] { s }, FloatBytes(weights.BiasFloat[gate])),
            };
        }
        bool variable = variant != "constant-state";
        inputs[18] = config.Quantized
            ? b.Tensor("hidden_state", type, new[] { config.Batches, s }, config.HiddenScale, config.HiddenZeroPoint, isVariable: variable)
            : b.Tensor("hidden_state", type, new[] { config.Batches, s }, isVariable: variable);
        inputs[19] = config.Quantized
            ? b.Tensor("cell_state", TfliteType.Int16, new[] { config.Batches, s }, config.CellScale, 0, isVariable: variable)
            : b.Tensor("cell_state", TfliteType.Float32, new[] { config.Batches, s }, isVariable: variable);
        int output = config.Quantized
            ? b.Tensor("output", type, config.OutputShape, config.HiddenScale, config.HiddenZeroPoint)
            : b.Tensor("output", type, config.OutputShape);

        switch (variant)
        {
            case "peephole":
                inputs[10] = b.Constant("cell_to_forget", TfliteType.Int16, new[] { s }, new byte[2 * s], new[] { 0.001f });
                break;
            case "projection":
                inputs[16] = b.Constant("projection", TfliteType.Int8, new[] { s, s }, new byte[s * s], new[] { 0.01f });
                break;
            case "layernorm":
                inputs[21] = b.Constant("forget_layer_norm", TfliteType.Int16, new[] { s }, new byte[2 * s], new[] { 0.001f });
                break;
            case "cifg":
                inputs[1] = -1;
                inputs[5] = -1;
                break;
        }
        byte activation = variant == "relu" ? (byte)1 : TanhActivation;
        return b.Operator(LstmCode, inputs, new[] { output }, LstmOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, activation),
                TfliteModelBuilder.Option.Float(1, config.CellClip),
                TfliteModelBuilder.Option.Float(2, 0f),
                TfliteModelBuilder.Option.Bool(3, config.TimeMajor))
            .Inputs(variant == "constant-state" ? new[] { input, inputs[18], inputs[19] } : new[] { input }) // states the caller passes in
            .Outputs(output);
    }

    private static byte[] FloatBytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>The rows of one TFLM step: all batches at once (time-major) or one batch (batch-major), with their input, output and state offsets.</summary>
    private static (int Rows, int InputOffset, int OutputOffset, int StateOffset)[] Steps(Config c)
    {
        if (c.TimeMajor)
        {
            return Enumerable.Range(0, c.TimeSteps).Select(t => (c.Batches, t * c.Batches * c.InputSize, t * c.Batches * c.Units, 0)).ToArray();
        }
        return Enumerable.Range(0, c.Batches).SelectMany(b => Enumerable.Range(0, c.TimeSteps)
            .Select(t => (1, (b * c.TimeSteps + t) * c.InputSize, (b * c.TimeSteps + t) * c.Units, b * c.Units))).ToArray();
    }

    /// <summary>TFLM's float EvalLstm, updating the states as TFLM does.</summary>
    private static float[] ReferenceFloat(Config c, Weights w, float[] input, float[] hidden, float[] cell)
    {
        int s = c.Units, n = c.InputSize;
        float[] output = new float[c.Batches * c.TimeSteps * s];
        foreach ((int rows, int inputOffset, int outputOffset, int stateOffset) in Steps(c))
        {
            float[] Gate(int gate, bool tanh)
            {
                float[] result = new float[rows * s], recurrent = new float[rows * s];
                for (int r = 0; r < rows; r++)
                {
                    for (int u = 0; u < s; u++)
                    {
                        float total = 0f;
                        for (int d = 0; d < n; d++)
                        {
                            total += input[inputOffset + r * n + d] * w.InputFloat[gate][u * n + d];
                        }
                        result[r * s + u] = total + w.BiasFloat[gate][u];
                        total = 0f;
                        for (int k = 0; k < s; k++)
                        {
                            total += hidden[stateOffset + r * s + k] * w.RecurrentFloat[gate][u * s + k];
                        }
                        recurrent[r * s + u] = total + 0f;
                    }
                }
                for (int x = 0; x < result.Length; x++)
                {
                    float sum = result[x] + recurrent[x];
                    result[x] = tanh ? MathF.Tanh(sum) : sum > 16.619047164916992188f ? 1f : sum < -9f ? MathF.Exp(sum) : 1f / (1f + MathF.Exp(-sum));
                }
                return result;
            }
            float[] forget = Gate(0, false), inputGate = Gate(1, false), cellGate = Gate(2, true);
            for (int x = 0; x < rows * s; x++)
            {
                float value = forget[x] * cell[stateOffset + x];
                value += inputGate[x] * cellGate[x];
                if (c.CellClip > 0)
                {
                    value = Math.Max(Math.Min(c.CellClip, value), -c.CellClip);
                }
                cell[stateOffset + x] = value;
            }
            float[] outputGate = Gate(3, false);
            for (int x = 0; x < rows * s; x++)
            {
                hidden[stateOffset + x] = MathF.Tanh(cell[stateOffset + x]) * outputGate[x];
                output[outputOffset + x] = hidden[stateOffset + x];
            }
        }
        return output;
    }

    /// <summary>TFLM's integer EvalLstm (int8 or int16 activations, int16 cell), updating the states as TFLM does.</summary>
    private static byte[] ReferenceInteger(Config c, Weights w, byte[] inputBytes, int[] hidden, int[] cell)
    {
        bool int16 = c.Type == TfliteType.Int16;
        int[] input = int16 ? MemoryMarshal.Cast<byte, short>(inputBytes).ToArray().Select(v => (int)v).ToArray() : inputBytes.Select(v => (int)(sbyte)v).ToArray();
        int s = c.Units, n = c.InputSize;
        int hiddenMin = int16 ? short.MinValue : sbyte.MinValue, hiddenMax = int16 ? short.MaxValue : sbyte.MaxValue;
        static int Clamp16(long v) => (int)Math.Min(Math.Max(v, short.MinValue), short.MaxValue);
        int Requantize(long acc, int multiplier, int shift) => int16 ? TfliteReference.MultiplyByQuantizedMultiplier(acc, multiplier, shift) : TfliteReference.MultiplyByQuantizedMultiplier((int)acc, multiplier, shift);

        // Gate parameters (CreateGateParams / GetQuantizedConvolutionMultipler): float product, double quotient.
        var inputFc = w.InputScales.Select(scale => TfliteReference.QuantizeMultiplier((double)(c.InputScale * scale) / GateInputScale)).ToArray();
        var recurrentFc = w.RecurrentScales.Select(scale => TfliteReference.QuantizeMultiplier((double)(c.HiddenScale * scale) / GateInputScale)).ToArray();
        // CreateInterGateMulParams: double products and quotients.
        (int forgetM, int forgetS) = TfliteReference.QuantizeMultiplier((double)GateOutputScale * c.CellScale / c.CellScale);
        (int inputM, int inputS) = TfliteReference.QuantizeMultiplier((double)GateOutputScale * GateOutputScale / c.CellScale);
        (int hiddenM, int hiddenS) = TfliteReference.QuantizeMultiplier((double)GateOutputScale * GateOutputScale / c.HiddenScale);
        int power = (int)Math.Round(Math.Log2(c.CellScale));
        int tanhShift = 15 + power - 3, tanhMultiplier = 0;
        if (tanhShift < 0)
        {
            tanhShift = -tanhShift;
            tanhMultiplier = 3;
        }
        int clip = (short)Math.Min(Math.Max((double)c.CellClip / c.CellScale, -32768.0), 32767.0);

        int[] output = new int[c.Batches * c.TimeSteps * s];
        foreach ((int rows, int inputOffset, int outputOffset, int stateOffset) in Steps(c))
        {
            int[] Gate(int gate, bool tanh)
            {
                int[] result = new int[rows * s], recurrent = new int[rows * s];
                for (int r = 0; r < rows; r++)
                {
                    for (int u = 0; u < s; u++)
                    {
                        long acc = 0;
                        for (int d = 0; d < n; d++)
                        {
                            int product = w.Input[gate][u * n + d] * (input[inputOffset + r * n + d] - c.InputZeroPoint);
                            acc = int16 ? acc + product : unchecked((int)acc + product);
                        }
                        acc = int16 ? acc + w.Bias[gate][u] : unchecked((int)acc + (int)w.Bias[gate][u]);
                        result[r * s + u] = Clamp16(Requantize(acc, inputFc[gate].Multiplier, inputFc[gate].Shift));
                        acc = 0;
                        for (int k = 0; k < s; k++)
                        {
                            int product = w.Recurrent[gate][u * s + k] * (hidden[stateOffset + r * s + k] - c.HiddenZeroPoint);
                            acc = int16 ? acc + product : unchecked((int)acc + product);
                        }
                        recurrent[r * s + u] = Clamp16(Requantize(acc, recurrentFc[gate].Multiplier, recurrentFc[gate].Shift));
                    }
                }
                for (int x = 0; x < result.Length; x++)
                {
                    short sum = (short)Clamp16(result[x] + recurrent[x]);
                    result[x] = tanh ? LogisticTanhReference.Int16Tanh(sum, 3, 0) : LogisticTanhReference.Int16Logistic(sum, 3, 0); // Q3.12 gates: multiplier 3, no shift
                }
                return result;
            }
            int[] forget = Gate(0, false), inputGate = Gate(1, false), cellGate = Gate(2, true);
            for (int x = 0; x < rows * s; x++)
            {
                int forgotten = Clamp16(TfliteReference.MultiplyByQuantizedMultiplier(forget[x] * cell[stateOffset + x], forgetM, forgetS));
                int added = Clamp16(TfliteReference.MultiplyByQuantizedMultiplier(inputGate[x] * cellGate[x], inputM, inputS));
                int value = Clamp16(forgotten + added);
                if (c.CellClip > 0)
                {
                    value = Math.Max(Math.Min(clip, value), -clip);
                }
                cell[stateOffset + x] = value;
            }
            int[] outputGate = Gate(3, false);
            for (int x = 0; x < rows * s; x++)
            {
                int tanhCell = tanhMultiplier == 0
                    ? LogisticTanhReference.Int16Tanh((short)cell[stateOffset + x], 3 << tanhShift, 0)
                    : LogisticTanhReference.Int16Tanh((short)cell[stateOffset + x], tanhMultiplier, tanhShift);
                int value = c.HiddenZeroPoint + TfliteReference.MultiplyByQuantizedMultiplier(tanhCell * outputGate[x], hiddenM, hiddenS);
                hidden[stateOffset + x] = Math.Min(hiddenMax, Math.Max(hiddenMin, value));
                output[outputOffset + x] = hidden[stateOffset + x];
            }
        }
        return int16
            ? MemoryMarshal.AsBytes(output.Select(v => (short)v).ToArray().AsSpan()).ToArray()
            : output.Select(v => (byte)(sbyte)v).ToArray();
    }
}
