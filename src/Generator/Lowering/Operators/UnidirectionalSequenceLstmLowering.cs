using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Lowering.Operators;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM as TFLM's kernel compiles it (unidirectional_sequence_lstm.cc,
/// lstm_eval_common.cc): float32; int8 activations with int8 weights, int32 bias and an int16 cell
/// state (the 8x8→16 LSTM); int16 activations with int8 weights and int64 bias. Every gate parameter
/// TFLM derives in <c>PrepareGateParametersInteger</c> is derived here, with its float and double
/// roundings. The LSTM variants TFLM's kernel rejects (CIFG, peephole, projection, layer
/// normalization) are reported.
/// </summary>
internal static class UnidirectionalSequenceLstmLowering
{
    private const int OptionActivation = 0, OptionCellClip = 1, OptionTimeMajor = 3, OptionDiagonalRecurrent = 5;

    // Input positions (lstm_shared.h).
    private const int Input = 0;
    private const int InputToInput = 1, InputToForget = 2, InputToCell = 3, InputToOutput = 4;
    private const int RecurrentToInput = 5, RecurrentToForget = 6, RecurrentToCell = 7, RecurrentToOutput = 8;
    private const int InputGateBias = 12, ForgetGateBias = 13, CellGateBias = 14, OutputGateBias = 15;
    private const int HiddenState = 18, CellState = 19;

    /// <summary>The gate input scale TFLM fixes for integer LSTMs: Q3.12.</summary>
    private const float GateInputScale = 0.000244140625f;

    /// <summary>The gate output scale: Q0.15.</summary>
    private const float GateOutputScale = 0.000030517578125f;

    /// <summary>The gates in the order TFLM computes them, with their weight and bias positions.</summary>
    private static readonly (string Name, int InputWeights, int RecurrentWeights, int Bias)[] GateInputs =
    {
        ("forget", InputToForget, RecurrentToForget, ForgetGateBias),
        ("input", InputToInput, RecurrentToInput, InputGateBias),
        ("cell", InputToCell, RecurrentToCell, CellGateBias),
        ("output", InputToOutput, RecurrentToOutput, OutputGateBias),
    };

    public static LayerSpec? Lower(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 24 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected the 24 inputs of TFLite's LSTM and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int Tensor(int position) => op.Inputs[position];
        bool Present(int position) => op.Inputs[position] >= 0;

        if (!Present(Input) || !Present(HiddenState) || !Present(CellState))
        {
            context.ReportUnsupported(op, "the input, the hidden state (input 18) and the cell state (input 19) are required");
            return null;
        }
        if (!Present(InputToInput) || !Present(RecurrentToInput))
        {
            context.ReportUnsupported(op, "CIFG (coupled input and forget gates, no input gate weights) is not supported: TFLM's kernel needs all eight gate weight tensors");
            return null;
        }
        var variants = new List<string>();
        if (Present(9) || Present(10) || Present(11))
        {
            variants.Add("peephole connections (inputs 9-11)");
        }
        if (Present(16) || Present(17))
        {
            variants.Add("a projection (inputs 16-17)");
        }
        if (Present(20) || Present(21) || Present(22) || Present(23))
        {
            variants.Add("layer normalization (inputs 20-23)");
        }
        if (variants.Count > 0)
        {
            context.ReportUnsupported(op, $"{string.Join(", ", variants)} {(variants.Count > 1 ? "are" : "is")} not supported: TFLM's kernel compiles the standard LSTM only");
            return null;
        }
        int[] constants = { InputToInput, InputToForget, InputToCell, InputToOutput, RecurrentToInput, RecurrentToForget, RecurrentToCell, RecurrentToOutput, InputGateBias, ForgetGateBias, CellGateBias, OutputGateBias };
        if (constants.Any(p => !Present(p) || !context.IsConstant(Tensor(p))))
        {
            context.ReportUnsupported(op, "the eight gate weights and four gate biases must be constant tensors");
            return null;
        }
        if (!context.Tensor(Tensor(HiddenState)).IsVariable || !context.Tensor(Tensor(CellState)).IsVariable)
        {
            context.ReportUnsupported(op, "the hidden state (input 18) and the cell state (input 19) must be variable tensors, as TFLM requires");
            return null;
        }

        FlatTable? options = op.BuiltinOptions;
        var activation = (FusedActivation)(options?.GetByte(OptionActivation) ?? 0);
        float cellClip = options?.GetFloat(OptionCellClip) ?? 0f;
        bool timeMajor = options?.GetBool(OptionTimeMajor) ?? false;
        if (activation != FusedActivation.Tanh)
        {
            context.ReportUnsupported(op, $"the cell activation is {activation.ToString().ToUpperInvariant()}; TFLM's kernel supports TANH");
            return null;
        }
        if (!(cellClip >= 0f))
        {
            context.ReportUnsupported(op, $"the cell clip is {cellClip}; it must be 0 (no clipping) or positive");
            return null;
        }
        if (options?.GetBool(OptionDiagonalRecurrent) ?? false)
        {
            context.ReportUnsupported(op, "diagonal recurrent weights are not supported; TFLM's kernel needs full [units, units] recurrent weights");
            return null;
        }

        ValueSpec input = context.Value(Tensor(Input));
        ValueSpec hidden = context.Value(Tensor(HiddenState));
        ValueSpec cell = context.Value(Tensor(CellState));
        ValueSpec output = context.Value(op.Outputs[0]);
        ElementType? weightType = context.ElementTypeOf(Tensor(InputToForget));
        ElementType? biasType = context.ElementTypeOf(Tensor(ForgetGateBias));
        if (Enumerable.Range(InputToInput, 8).Any(p => context.ElementTypeOf(Tensor(p)) != weightType)
            || Enumerable.Range(InputGateBias, 4).Any(p => context.ElementTypeOf(Tensor(p)) != biasType))
        {
            context.ReportUnsupported(op, "the eight gate weights must share one type, and so must the four biases");
            return null;
        }
        bool supported = (input.Type, weightType, biasType, cell.Type) switch
        {
            (ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32) => true,
            (ElementType.Int8, ElementType.Int8, ElementType.Int32, ElementType.Int16) => true,
            (ElementType.Int16, ElementType.Int8, ElementType.Int64, ElementType.Int16) => true,
            _ => false,
        };
        if (!supported || hidden.Type != input.Type || output.Type != input.Type)
        {
            context.ReportUnsupported(op,
                $"the type combination input {input.Type.ModelName()}, weights {weightType?.ModelName() ?? "?"}, bias {biasType?.ModelName() ?? "?"}, hidden state {hidden.Type.ModelName()}, " +
                $"cell state {cell.Type.ModelName()}, output {output.Type.ModelName()} is not supported; supported: all float32; int8 activations with int8 weights, int32 bias and int16 cell state; " +
                "int16 activations with int8 weights, int64 bias and int16 cell state (hybrid float-with-int8-weights LSTMs are not, as in TFLM)");
            return null;
        }

        // Sizes (CreateLstmSizeInfo) and shapes (ValidateTensorSize).
        if (input.Shape.Count != 3 || hidden.Shape.Count < 2 || output.Shape.Count != 3)
        {
            context.ReportUnsupported(op, $"the input and output must be 3-D and the hidden state at least 2-D; found input {input.ShapeText}, hidden state {hidden.ShapeText}, output {output.ShapeText}");
            return null;
        }
        int batches = timeMajor ? input.Shape[1] : input.Shape[0];
        int timeSteps = timeMajor ? input.Shape[0] : input.Shape[1];
        int inputSize = input.Shape[2];
        int units = hidden.Shape[1];
        bool Matrix(int position, int rows, int columns) =>
            context.Tensor(Tensor(position)).Shape is { Count: 2 } shape && shape[0] == rows && shape[1] == columns;
        bool Vector(int position, int length) =>
            context.Tensor(Tensor(position)).Shape is { Count: 1 } shape && shape[0] == length;
        if (units <= 0 || batches <= 0 || timeSteps <= 0 || inputSize <= 0
            || Enumerable.Range(InputToInput, 4).Any(p => !Matrix(p, units, inputSize))
            || Enumerable.Range(RecurrentToInput, 4).Any(p => !Matrix(p, units, units))
            || Enumerable.Range(InputGateBias, 4).Any(p => !Vector(p, units))
            || hidden.ElementCount != batches * units || cell.ElementCount != batches * units
            || output.Shape[0] != input.Shape[0] || output.Shape[1] != input.Shape[1] || output.Shape[2] != units)
        {
            context.ReportUnsupported(op,
                $"the shapes do not fit an LSTM of {units} units over input {input.ShapeText} ({(timeMajor ? "time-major" : "batch-major")}): " +
                $"weights must be [{units},{inputSize}] and [{units},{units}], biases [{units}], both states {batches * units} elements, output [{input.Shape[0]},{input.Shape[1]},{units}]; " +
                $"found hidden state {hidden.ShapeText}, cell state {cell.ShapeText}, output {output.ShapeText}");
            return null;
        }

        string prefix = $"Layer{op.Index}";
        var inputs = new EquatableArray<int>(new[] { input.Id, hidden.Id, cell.Id });
        var outputs = new EquatableArray<int>(new[] { output.Id });
        string Title(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

        if (input.Type == ElementType.Float32)
        {
            var floatGates = GateInputs.Select(g => new LstmGate(
                g.Name,
                context.AddConstant($"{prefix}InputTo{Title(g.Name)}Weights", ElementType.Float32, context.ConstantBytes(Tensor(g.InputWeights)).ToArray(), $"input to {g.Name} gate weights, float32[{units},{inputSize}]"),
                context.AddConstant($"{prefix}RecurrentTo{Title(g.Name)}Weights", ElementType.Float32, context.ConstantBytes(Tensor(g.RecurrentWeights)).ToArray(), $"recurrent to {g.Name} gate weights, float32[{units},{units}]"),
                context.AddConstant($"{prefix}{Title(g.Name)}GateBias", ElementType.Float32, context.ConstantBytes(Tensor(g.Bias)).ToArray(), $"{g.Name} gate bias, float32[{units}]"),
                null, 0, 0, 0, 0, 0, 0, 0, 0)).ToArray();
            return new UnidirectionalSequenceLstmLayer(op.Index, inputs, outputs, ElementType.Float32, ElementType.Float32, timeMajor,
                batches, timeSteps, inputSize, units, floatGates.ToEquatableArray(), cellClip, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        // Integer: quantization of the activations and states.
        if (input.Quantization is null || hidden.Quantization is null || cell.Quantization is null)
        {
            context.ReportUnsupported(op, "an integer LSTM needs quantization parameters on its input, hidden state and cell state");
            return null;
        }
        if (input.Type == ElementType.Int16 && (input.Quantization.ZeroPoint != 0 || hidden.Quantization.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, "an int16 LSTM needs zero points of 0 on its input and hidden state (TFLM's int16 kernels assume symmetric activations)");
            return null;
        }
        for (int p = InputToInput; p <= RecurrentToOutput; p++)
        {
            TfliteQuantization? q = context.Tensor(Tensor(p)).Quantization;
            if (q is null || q.Scale.Count == 0 || q.IsPerChannel)
            {
                context.ReportUnsupported(op, $"the weights of input {p} need per-tensor quantization (TFLM's LSTM requantizes each gate with one multiplier)");
                return null;
            }
        }

        bool wide = input.Type == ElementType.Int16;
        var gates = new List<LstmGate>();
        foreach ((string name, int inputWeights, int recurrentWeights, int bias) in GateInputs)
        {
            (string inputWeightsName, string? inputBias, int inputWeightsOffset, int inputMultiplier, int inputShift, double inputReal) =
                IntegerProduct(context, prefix + "InputTo" + Title(name), $"input to {name} gate", Tensor(inputWeights), Tensor(bias), input.Quantization, inputSize, units, wide);
            (string recurrentWeightsName, string? recurrentBias, int recurrentWeightsOffset, int recurrentMultiplier, int recurrentShift, double recurrentReal) =
                IntegerProduct(context, prefix + "RecurrentTo" + Title(name), $"recurrent to {name} gate", Tensor(recurrentWeights), -1, hidden.Quantization, units, units, wide);
            gates.Add(new LstmGate(name, inputWeightsName, recurrentWeightsName, inputBias, recurrentBias, inputWeightsOffset, recurrentWeightsOffset,
                inputMultiplier, inputShift, recurrentMultiplier, recurrentShift, inputReal, recurrentReal));
        }

        // The cell state's power-of-two exponent (CheckedLog2, in float), which sets the tanh input shift.
        float cellScale = cell.Quantization.Scale;
        float inverseLog2 = 1f / (float)Math.Log(2.0);
        float log2 = (float)Math.Log(cellScale) * inverseLog2;
        int cellPower = (int)Math.Round(log2, MidpointRounding.AwayFromZero);
        int tanhShift = 15 + cellPower - 3;
        int tanhMultiplier = 0;
        if (tanhShift < 0)
        {
            tanhShift = -tanhShift;
            tanhMultiplier = 3;
        }
        int quantizedCellClip = (int)(short)Math.Min(Math.Max((double)cellClip / cellScale, -32768.0), 32767.0);

        // Inter-gate multiplications (CreateInterGateMulParams): scales multiplied and divided in double.
        (int forgetMultiplier, int forgetShift) = QuantizationMath.QuantizeMultiplier((double)GateOutputScale * cellScale / cellScale);
        (int inputMultiplier2, int inputShift2) = QuantizationMath.QuantizeMultiplier((double)GateOutputScale * GateOutputScale / cellScale);
        (int hiddenMultiplier, int hiddenShift) = QuantizationMath.QuantizeMultiplier((double)GateOutputScale * GateOutputScale / hidden.Quantization.Scale);

        return new UnidirectionalSequenceLstmLayer(op.Index, inputs, outputs, input.Type, ElementType.Int16, timeMajor,
            batches, timeSteps, inputSize, units, gates.ToEquatableArray(), cellClip, quantizedCellClip, cellPower, tanhMultiplier, tanhShift,
            forgetMultiplier, forgetShift, inputMultiplier2, inputShift2, hiddenMultiplier, hiddenShift, hidden.Quantization.ZeroPoint);
    }

    /// <summary>
    /// One of a gate's two integer fully connected products (CreateGateParams): its weights, its bias
    /// folded with the activation's zero point, and the multiplier to the Q3.12 gate input, computed as
    /// TFLM's <c>GetQuantizedConvolutionMultipler</c> does (float input·weight product, double quotient).
    /// </summary>
    private static (string Weights, string? Bias, int WeightsOffset, int Multiplier, int Shift, double Real) IntegerProduct(
        LoweringContext context, string name, string description, int weightsIndex, int biasIndex,
        QuantizationSpec activation, int depth, int units, bool wide)
    {
        QuantizationSpec weightsQuantization = context.QuantizationOf(weightsIndex)!;
        sbyte[] weights = ConstantData.As<sbyte>(context.ConstantBytes(weightsIndex));
        int weightsOffset = -weightsQuantization.ZeroPoint;
        int activationOffset = -activation.ZeroPoint;

        long[]? bias = biasIndex < 0 ? null
            : wide ? ConstantData.As<long>(context.ConstantBytes(biasIndex))
            : ConstantData.As<int>(context.ConstantBytes(biasIndex)).Select(b => (long)b).ToArray();
        // Σ (x + xo)(w + wo) = Σ x(w + wo) + xo · Σ (w + wo): the activation offset moves into the bias.
        // Both accumulators wrap (int32) or cannot overflow (int64) alike in either order, so this is exact.
        long[] folded = new long[units];
        for (int u = 0; u < units; u++)
        {
            long rowSum = 0;
            for (int d = 0; d < depth; d++)
            {
                rowSum += weights[u * depth + d] + weightsOffset;
            }
            folded[u] = (bias?[u] ?? 0) + activationOffset * rowSum;
        }
        string? biasName = null;
        if (bias is not null || (activationOffset != 0 && folded.Any(v => v != 0)))
        {
            string what = bias is null ? $"{description}: −(zero point {activation.ZeroPoint}) · Σ weights"
                : activationOffset != 0 ? $"{description} bias folded with the input zero point {activation.ZeroPoint}"
                : $"{description} bias";
            biasName = wide
                ? context.AddConstant(name + "Bias", ElementType.Int64, ConstantData.ToBytes(folded), $"{what}, int64[{units}]")
                : context.AddConstant(name + "Bias", ElementType.Int32, ConstantData.ToBytes(folded.Select(v => unchecked((int)v)).ToArray()), $"{what}, int32[{units}]");
        }
        string weightsName = context.AddConstant(name + "Weights", ElementType.Int8, ConstantData.ToBytes(weights), $"{description} weights, int8[{units},{depth}]");

        double real = QuantizationMath.PerTensorConvolutionMultiplier(activation.Scale, weightsQuantization.Scale, GateInputScale);
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return (weightsName, biasName, weightsOffset, multiplier, shift, real);
    }
}
