using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Convolution;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Recurrent;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM as TFLM's kernel compiles it (unidirectional_sequence_lstm.cc,
/// lstm_eval_common.cc): float32; int8 activations with int8 weights, int32 bias and an int16 cell
/// state (the 8x8→16 LSTM); int16 activations with int8 weights and int64 bias. Every gate parameter
/// TFLM derives in <c>PrepareGateParametersInteger</c> is derived in lowering, with its float and double
/// roundings; the gate weights stay as the model holds them, for the emitter to lay out. The LSTM
/// variants TFLM's kernel rejects (CIFG, peephole, projection, layer normalization) are not among the
/// type combinations, whose omitted operands say so.
/// </summary>
/// <remarks>
/// The emitter writes, per time step, each unit's eight dot products into the step's gate arrays (stack
/// scratch), then calls <c>LstmKernels</c> for what TFLM does element-wise over a gate: the products requantized
/// and added (<c>CalculateLstmGate</c>), the nonlinearity, and the cell and hidden updates of <c>UpdateLstmCell</c>
/// and <c>UpdateLstmHidden</c>, in lanes where the machine has them. The new hidden row is written straight into
/// the step's output row and copied into the hidden state once every unit has read the old one.
/// </remarks>
internal sealed partial class UnidirectionalSequenceLstm : OperatorDefinition<UnidirectionalSequenceLstmLayer>
{
    private const int OptionActivation = 0, OptionCellClip = 1, OptionTimeMajor = 3, OptionDiagonalRecurrent = 5;

    // Input positions (lstm_shared.h).
    private const int InputCount = 24;
    private const int Input = 0;
    private const int InputToInput = 1, InputToForget = 2, InputToCell = 3, InputToOutput = 4;
    private const int RecurrentToInput = 5, RecurrentToForget = 6, RecurrentToCell = 7, RecurrentToOutput = 8;
    private const int InputGateBias = 12, ForgetGateBias = 13, CellGateBias = 14, OutputGateBias = 15;
    private const int HiddenState = 18, CellState = 19;

    /// <summary>The inputs as the type descriptions name them, in TFLite's order.</summary>
    private static readonly string[] InputNames = new[] { "input" }
        .Concat(Enumerable.Repeat("gate weights", 8))
        .Concat(Enumerable.Repeat("peephole weights", 3))
        .Concat(Enumerable.Repeat("gate biases", 4))
        .Concat(new[] { "projection weights", "projection bias", "hidden state", "cell state" })
        .Concat(Enumerable.Repeat("layer norm weights", 4))
        .ToArray();

    /// <summary>The gate input scale TFLM fixes for integer LSTMs: Q3.12.</summary>
    private const float GateInputScale = 0.000244140625f;

    /// <summary>The gate output scale: Q0.15.</summary>
    private const float GateOutputScale = 0.000030517578125f;

    private const string LstmKernels = "global::TinyModel.LstmKernels";

    /// <summary>The gates in the order TFLM computes them, with their weight and bias positions.</summary>
    private static readonly (string Name, int InputWeights, int RecurrentWeights, int Bias)[] GateInputs =
    {
        ("forget", InputToForget, RecurrentToForget, ForgetGateBias),
        ("input", InputToInput, RecurrentToInput, InputGateBias),
        ("cell", InputToCell, RecurrentToCell, CellGateBias),
        ("output", InputToOutput, RecurrentToOutput, OutputGateBias),
    };

    public UnidirectionalSequenceLstm()
        : base(BuiltinOperator.UnidirectionalSequenceLstm)
    {
    }

    /// <summary>
    /// The standard LSTM of each variant TFLM compiles; the hybrid (float with int8 weights) LSTM is not one,
    /// as in TFLM. Peephole (inputs 9-11), projection (16-17) and layer normalization (20-23) tensors are omitted.
    /// </summary>
    public override TypeSupport Types { get; } = TypeSupport.Of(
        StandardLstm(ElementType.Float32, ElementType.Float32, ElementType.Float32, ElementType.Float32),
        StandardLstm(ElementType.Int8, ElementType.Int8, ElementType.Int32, ElementType.Int16),
        StandardLstm(ElementType.Int16, ElementType.Int8, ElementType.Int64, ElementType.Int16))
        .WithInputNames(InputNames);

    public override string Notes =>
        "operands in TFLite's order: input, 8 gate weights, 3 peephole weights, 4 gate biases, projection weights and bias, hidden state, cell state, 4 layer norm weights; " +
        "no peephole, projection, layer norm or CIFG, as in TFLM; constant per-tensor weights and biases; TANH cell activation, any cell clip; " +
        "time-major or batch-major; the states are variable tensors and persist across calls";

    /// <summary>One combination: the input, its eight gate weights and four biases, the hidden and cell states; the output is the hidden state's type.</summary>
    private static (ElementType?[] Inputs, ElementType[] Outputs) StandardLstm(ElementType activation, ElementType weights, ElementType bias, ElementType cell)
    {
        var inputs = new ElementType?[InputCount];
        inputs[Input] = activation;
        for (int position = InputToInput; position <= RecurrentToOutput; position++)
        {
            inputs[position] = weights;
        }
        for (int position = InputGateBias; position <= OutputGateBias; position++)
        {
            inputs[position] = bias;
        }
        inputs[HiddenState] = activation;
        inputs[CellState] = cell;
        return (inputs, new[] { activation });
    }

    protected override UnidirectionalSequenceLstmLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        // The types fix which operands are present; TFLM also wants all 24 listed (omitted ones as -1).
        if (op.Inputs.Count != InputCount)
        {
            context.ReportUnsupported(op, $"expected the 24 inputs of TFLite's LSTM and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int Tensor(int position) => op.Inputs[position];

        int[] constants = { InputToInput, InputToForget, InputToCell, InputToOutput, RecurrentToInput, RecurrentToForget, RecurrentToCell, RecurrentToOutput, InputGateBias, ForgetGateBias, CellGateBias, OutputGateBias };
        if (constants.Any(p => !context.IsConstant(Tensor(p))))
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
        EquatableArray<byte> ModelBytes(int position) => context.ConstantBytes(Tensor(position)).ToArray().ToEquatableArray();

        if (input.Type == ElementType.Float32)
        {
            var floatGates = GateInputs.Select(g => new LstmGate(
                g.Name, ModelBytes(g.InputWeights), ModelBytes(g.RecurrentWeights), ModelBytes(g.Bias),
                null, null, 0, 0, 0, 0, 0, 0, 0, 0)).ToArray();
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
            (string? inputBias, int inputWeightsOffset, int inputMultiplier, int inputShift, double inputReal) =
                IntegerProduct(context, prefix + "InputTo" + Title(name), $"input to {name} gate", Tensor(inputWeights), Tensor(bias), input.Quantization, inputSize, units, wide);
            (string? recurrentBias, int recurrentWeightsOffset, int recurrentMultiplier, int recurrentShift, double recurrentReal) =
                IntegerProduct(context, prefix + "RecurrentTo" + Title(name), $"recurrent to {name} gate", Tensor(recurrentWeights), -1, hidden.Quantization, units, units, wide);
            gates.Add(new LstmGate(name, ModelBytes(inputWeights), ModelBytes(recurrentWeights), null, inputBias, recurrentBias, inputWeightsOffset, recurrentWeightsOffset,
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
    /// One of a gate's two integer fully connected products (CreateGateParams): its bias folded with the
    /// activation's zero point, and the multiplier to the Q3.12 gate input, computed as TFLM's
    /// <c>GetQuantizedConvolutionMultipler</c> does (float input·weight product, double quotient).
    /// </summary>
    private static (string? Bias, int WeightsOffset, int Multiplier, int Shift, double Real) IntegerProduct(
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

        double real = QuantizationMath.PerTensorConvolutionMultiplier(activation.Scale, weightsQuantization.Scale, GateInputScale);
        (int multiplier, int shift) = QuantizationMath.QuantizeMultiplier(real);
        return (biasName, weightsOffset, multiplier, shift, real);
    }

    /// <summary>
    /// Per time step, the gates' products unit by unit, then the gates, the cell and hidden updates over all units (see the class remarks).
    /// The gate weights keep the model's row-major [units, depth] layout, one row per unit, which the dot
    /// products read in order.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, EmitContext context)
    {
        bool quantized = layer.Type != ElementType.Float32;
        string t = layer.Type.CSharpName();
        string cellType = layer.CellType.CSharpName();
        string weightType = quantized ? "sbyte" : "float";
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        int units = layer.Units, inputSize = layer.InputSize;

        // The weights (and float biases) as this kernel reads them: the model's own layout.
        string prefix = $"Layer{layer.NodeIndex}";
        ElementType weightElementType = quantized ? ElementType.Int8 : ElementType.Float32;
        var constants = new List<(LstmGate Gate, string InputWeights, string RecurrentWeights, string? InputBias)>();
        (string Input, string Recurrent, string Bias)? packed = quantized ? null : AddPackedFloatWeights(layer, context, prefix);
        foreach (LstmGate gate in quantized ? layer.Gates : Enumerable.Empty<LstmGate>())
        {
            string title = Title(gate.Name);
            string inputWeights = context.AddConstant($"{prefix}InputTo{title}Weights", weightElementType, gate.InputWeights.AsImmutableArray().ToArray(),
                $"input to {gate.Name} gate weights, {weightElementType.ModelName()}[{units},{inputSize}]");
            string recurrentWeights = context.AddConstant($"{prefix}RecurrentTo{title}Weights", weightElementType, gate.RecurrentWeights.AsImmutableArray().ToArray(),
                $"recurrent to {gate.Name} gate weights, {weightElementType.ModelName()}[{units},{units}]");
            string? inputBias = gate.Bias is { } bias
                ? context.AddConstant($"{prefix}{title}GateBias", ElementType.Float32, bias.AsImmutableArray().ToArray(), $"{gate.Name} gate bias, float32[{units}]")
                : gate.InputBias;
            constants.Add((gate, inputWeights, recurrentWeights, inputBias));
        }

        WriteSummary(writer, layer, context.Model);
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"// Each step's gates, [forget, input, cell, output] × {units} units: the products, then the gate values.");
        writer.WriteLine($"{EmitContext.Span}<{acc}> fromInput = stackalloc {acc}[{4 * units}];");
        writer.WriteLine($"{EmitContext.Span}<{acc}> fromHidden = stackalloc {acc}[{4 * units}];");
        writer.WriteLine($"{EmitContext.Span}<{cellType}> gates = stackalloc {cellType}[{4 * units}];");

        foreach ((LstmGate gate, string inputWeights, string recurrentWeights, string? inputBias) in constants)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> inputTo{Title(gate.Name)} = {context.Constant(inputWeights)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> recurrentTo{Title(gate.Name)} = {context.Constant(recurrentWeights)};");
            if (inputBias is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> {gate.Name}Bias = {context.Constant(inputBias)};");
            }
            if (gate.RecurrentBias is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> {gate.Name}RecurrentBias = {context.Constant(gate.RecurrentBias)};");
            }
        }
        if (packed is { } floatWeights)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> inputWeights = {context.Constant(floatWeights.Input)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> recurrentWeights = {context.Constant(floatWeights.Recurrent)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<float> gateBias = {context.Constant(floatWeights.Bias)};");
        }
        writer.WriteLine($"{EmitContext.Span}<{t}> hiddenState = {EmitContext.InputName(1)};");
        writer.WriteLine($"{EmitContext.Span}<{cellType}> cellState = {EmitContext.InputName(2)};");

        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
            writer.WriteLine($"{EmitContext.Span}<{t}> h = hiddenState.Slice(b * {units}, {units});");
            writer.WriteLine($"{EmitContext.Span}<{cellType}> c = cellState.Slice(b * {units}, {units});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.Span}<{t}> h = hiddenState;");
            writer.WriteLine($"{EmitContext.Span}<{cellType}> c = cellState;");
        }
        bool stepped = layer.TimeSteps > 1;
        if (stepped)
        {
            writer.OpenBlock($"for (int t = 0; t < {layer.TimeSteps}; t++)");
        }
        // The step's rows: [batch, time] order (batch-major) or [time, batch] (time-major).
        string? row = (batched, stepped) switch
        {
            (false, false) => null,
            (false, true) => "t",
            (true, false) => "b",
            _ => layer.TimeMajor ? $"(t * {layer.Batches} + b)" : $"(b * {layer.TimeSteps} + t)",
        };
        writer.WriteLine(row is null
            ? $"{EmitContext.ReadOnlySpan}<{t}> x = input;"
            : $"{EmitContext.ReadOnlySpan}<{t}> x = input.Slice({row} * {inputSize}, {inputSize});");
        writer.WriteLine(row is null
            ? $"{EmitContext.Span}<{t}> y = output;"
            : $"{EmitContext.Span}<{t}> y = output.Slice({row} * {units}, {units});");
        if (quantized)
        {
            writer.WriteLine("// Per unit, each gate's two products, into the step's gate arrays.");
            writer.OpenBlock($"for (int s = 0; s < {units}; s++)");
            for (int g = 0; g < constants.Count; g++)
            {
                (LstmGate gate, _, _, string? inputBias) = constants[g];
                WriteGateProducts(writer, layer, gate, g, inputBias is not null, acc);
            }
            writer.CloseBlock();
        }
        else
        {
            // TFLM's float gate products are fully connected layers with activation NONE: clamped to the finite floats.
            writer.WriteLine("// All four gates' products at once, each unit's sum in TFLM's order: W·x + b, then R·h.");
            writer.WriteLine("global::TinyModel.FullyConnectedKernels.Float(x, inputWeights, gateBias, float.MinValue, float.MaxValue, fromInput);");
            writer.WriteLine("global::TinyModel.FullyConnectedKernels.Float(h, recurrentWeights, default, float.MinValue, float.MaxValue, fromHidden);");
        }
        writer.WriteLine();
        for (int g = 0; g < layer.Gates.Count; g++)
        {
            WriteGateActivation(writer, layer, layer.Gates[g], g, quantized);
        }
        string Gate(int g) => $"gates.Slice({g * units}, {units})";
        if (quantized)
        {
            string clip = layer.CellClip > 0 ? $"{-layer.QuantizedCellClip}, {layer.QuantizedCellClip}" : "short.MinValue, short.MaxValue";
            writer.WriteLine($"// Cell update: c = f·c + i·g, each product requantized to the cell state, the sum saturated{(layer.CellClip > 0 ? $" and clipped to ±{layer.CellClip.ToString("R", CultureInfo.InvariantCulture)}" : "")}.");
            writer.WriteLine($"{LstmKernels}.UpdateCell(c, {Gate(0)}, {Gate(1)}, {Gate(2)}, {layer.ForgetMultiplier}, {layer.ForgetShift}, {layer.InputMultiplier}, {layer.InputShift}, {clip});");
            writer.WriteLine("// Hidden update: h = o·tanh(c), requantized to the hidden state.");
            writer.WriteLine($"{LstmKernels}.UpdateHidden(c, {Gate(3)}, {layer.CellTanhMultiplier}, {layer.CellTanhShift}, {layer.HiddenMultiplier}, {layer.HiddenShift}, {layer.HiddenZeroPoint}, y);");
        }
        else
        {
            writer.WriteLine("// Cell update: c = f·c + i·g, in TFLM's order.");
            writer.WriteLine($"{LstmKernels}.UpdateCell(c, {Gate(0)}, {Gate(1)}, {Gate(2)}, {Literals.Float(layer.CellClip)});");
            writer.WriteLine("// Hidden update: h = tanh(c)·o.");
            writer.WriteLine($"{LstmKernels}.UpdateHidden(c, {Gate(3)}, y);");
        }
        writer.WriteLine("// Every unit has read the old hidden state: the new one is this step's output row.");
        writer.WriteLine("y.CopyTo(h);");
        if (stepped)
        {
            writer.CloseBlock();
        }
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>The layer method's summary, both flavors: the gates, the state, the integer arithmetic, without the closing tag.</summary>
    /// <summary>
    /// The float cell and hidden updates of one unit, the same in both flavors but for where the cell state and the
    /// output live and which tanh they call.
    /// </summary>
    private static void WriteFloatCellAndHidden(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, string cellState, string output, string tanh)
    {
        writer.WriteLine("// Cell update: c = f·c + i·g, in TFLM's order.");
        writer.WriteLine($"float forgotten = forgetGate * {cellState};");
        writer.WriteLine("float added = inputGate * cellGate;");
        writer.WriteLine("float cell = forgotten + added;");
        if (layer.CellClip > 0)
        {
            string clip = Literals.Float(layer.CellClip), negative = Literals.Float(-layer.CellClip);
            writer.WriteLine($"cell = cell < {clip} ? cell : {clip};");
            writer.WriteLine($"cell = cell < {negative} ? {negative} : cell;");
        }
        writer.WriteLine($"{cellState} = cell;");
        writer.WriteLine("// Hidden update: h = tanh(c)·o.");
        writer.WriteLine($"{output} = {tanh}(cell) * outputGate;");
    }

    private static void WriteSummary(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, ModelSpec model)
    {
        ValueSpec input = model.Value(layer.Inputs[0]);
        ValueSpec hidden = model.Value(layer.Inputs[1]);
        ValueSpec cell = model.Value(layer.Inputs[2]);
        ValueSpec output = model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        int units = layer.Units;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, UNIDIRECTIONAL_SEQUENCE_LSTM: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, {units} units,");
        writer.WriteLine($"/// {layer.Batches} sequence(s) of {layer.TimeSteps} steps ({(layer.TimeMajor ? "time-major" : "batch-major")}). State carried across calls: hidden <c>{Literals.Xml(hidden.Name)}</c>, {Literals.Xml(hidden.Describe())},");
        writer.WriteLine($"/// and cell <c>{Literals.Xml(cell.Name)}</c>, {Literals.Xml(cell.Describe())}.");
        writer.WriteLine("/// Per step: forget f = σ(W_f·x + R_f·h + b_f), input i = σ(W_i·x + R_i·h + b_i), cell g = tanh(W_g·x + R_g·h + b_g),");
        writer.WriteLine("/// output o = σ(W_o·x + R_o·h + b_o); then c = f·c + i·g" + (layer.CellClip > 0 ? $" clipped to ±{layer.CellClip.ToString("R", CultureInfo.InvariantCulture)}" : "") + ", h = o·tanh(c), and the step's output row is h.");
        if (quantized)
        {
            writer.WriteLine("/// As in TFLM's integer LSTM: each gate's two products are requantized to Q3.12 and added with int16 saturation;");
            writer.WriteLine($"/// σ and tanh are TFLite's int16 table approximations with Q0.15 outputs; the cell state is int16 with scale 2^{layer.CellStateScalePower};");
            writer.WriteLine($"/// h is requantized with multiplier {layer.HiddenMultiplier} · 2^{layer.HiddenShift} and offset by its zero point {layer.HiddenZeroPoint}. Zero points are folded into the biases at build time.");
        }
        writer.WriteLine($"/// {layer.MacCount} multiply-accumulates.");
    }

    /// <summary>
    /// The float layer's weights as <c>FullyConnectedKernels.Float</c> reads them: the four gates' input weights stacked
    /// into one [4 · units, inputSize] matrix (and the recurrent ones into [4 · units, units]), packed in panels, and
    /// the four biases in the same order.
    /// </summary>
    private static (string Input, string Recurrent, string Bias) AddPackedFloatWeights(UnidirectionalSequenceLstmLayer layer, EmitContext context, string prefix)
    {
        int units = layer.Units, rows = 4 * units;
        float[] Stack(Func<LstmGate, EquatableArray<byte>> part) =>
            layer.Gates.SelectMany(g => ConstantData.As<float>(part(g).AsImmutableArray().ToArray())).ToArray();
        string Pack(string name, float[] weights, int depth, string what) => context.AddConstant(prefix + name, ElementType.Float32,
            ConstantData.ToBytes(FullyConnectedPacking.PackFloat(weights, rows, depth)),
            $"{what} weights of the forget, input, cell and output gates, float32[{rows},{depth}] packed in panels of {FullyConnectedPacking.PanelUnits} units: [panel][input][unit in panel], zero-padded");
        string input = Pack("InputWeights", Stack(g => g.InputWeights), layer.InputSize, "input");
        string recurrent = Pack("RecurrentWeights", Stack(g => g.RecurrentWeights), units, "recurrent");
        string bias = context.AddConstant(prefix + "GateBias", ElementType.Float32, ConstantData.ToBytes(Stack(g => g.Bias!.Value)),
            $"biases of the forget, input, cell and output gates, float32[{rows}]");
        return (input, recurrent, bias);
    }

    /// <summary>Writes gate <paramref name="index"/>'s two products for unit <c>s</c> into <c>fromInput</c> and <c>fromHidden</c>.</summary>
    private static void WriteGateProducts(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, LstmGate gate, int index, bool hasInputBias, string acc)
    {
        string name = gate.Name;
        string title = Title(name);
        const string zero = "0";
        string slot = index == 0 ? "s" : $"{index * layer.Units} + s";
        writer.WriteLine($"// {title} gate: W·x{(hasInputBias ? " + b" : "")} and R·h.");
        WriteProduct(writer, layer, $"fromInput[{slot}]", $"{name}FromInput", $"inputTo{title}", "x", layer.InputSize, hasInputBias ? $"{name}Bias[s]" : zero,
            gate.InputWeightsOffset, acc, "d");
        WriteProduct(writer, layer, $"fromHidden[{slot}]", $"{name}FromHidden", $"recurrentTo{title}", "h", layer.Units, gate.RecurrentBias is not null ? $"{name}RecurrentBias[s]" : zero,
            gate.RecurrentWeightsOffset, acc, "k");
    }

    /// <summary>Writes gate <paramref name="index"/>'s sum and nonlinearity over every unit, into its slice of <c>gates</c>.</summary>
    private static void WriteGateActivation(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, LstmGate gate, int index, bool quantized)
    {
        int units = layer.Units;
        string slice = $"({index * units}, {units})";
        string function = gate.Name == "cell" ? "Tanh" : "Logistic";
        if (quantized)
        {
            writer.WriteLine($"// {Title(gate.Name)} gate: {(gate.Name == "cell" ? "tanh" : "σ")} of the products requantized to Q3.12 with {gate.InputMultiplier} · 2^{gate.InputShift} (≈ {Literals.Double(gate.InputRealMultiplier)}) and {gate.RecurrentMultiplier} · 2^{gate.RecurrentShift} (≈ {Literals.Double(gate.RecurrentRealMultiplier)}), added with saturation.");
            writer.WriteLine($"{LstmKernels}.Gate(fromInput.Slice{slice}, fromHidden.Slice{slice}, {gate.InputMultiplier}, {gate.InputShift}, {gate.RecurrentMultiplier}, {gate.RecurrentShift}, gates.Slice{slice});");
        }
        else
        {
            writer.WriteLine($"// {Title(gate.Name)} gate: {(gate.Name == "cell" ? "tanh" : "σ")}((W·x + b) + R·h).");
            writer.WriteLine($"{LstmKernels}.Gate(fromInput.Slice{slice}, fromHidden.Slice{slice}, gates.Slice{slice});");
        }
        writer.WriteLine($"{LstmKernels}.{function}(gates.Slice{slice});");
    }

    /// <summary>
    /// Writes <c>target = start + Σ activation[j] · (weights[s, j] + offset)</c>. An int8 product with
    /// symmetric weights (the usual case) uses <c>DotProduct.Int8</c>, an int16 one <c>DotProduct.Int16</c> (exact in 64 bits),
    /// vectorized and, as integer sums, identical to TFLM's sequential ones; float products keep TFLM's sequential loop.
    /// </summary>
    private static void WriteProduct(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, string target, string sum, string weights, string activation,
        int depth, string start, int weightsOffset, string acc, string index)
    {
        string row = $"{weights}.Slice(s * {depth}, {depth})";
        if (layer.Type is ElementType.Int8 or ElementType.Int16 && weightsOffset == 0)
        {
            string total = start == "0" ? "" : start + " + ";
            string kernel = layer.Type == ElementType.Int8 ? "Int8" : "Int16";
            writer.WriteLine($"{target} = {total}global::TinyModel.DotProduct.{kernel}({activation}, {row});");
            return;
        }
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(layer.Type == ElementType.Float32 ? "float" : "sbyte")}> {sum}Row = {row};");
        writer.WriteLine($"{acc} {sum} = {start};");
        string weight = weightsOffset == 0 ? $"{sum}Row[{index}]" : $"({sum}Row[{index}] + {weightsOffset})";
        writer.OpenBlock($"for (int {index} = 0; {index} < {depth}; {index}++)");
        writer.WriteLine($"{sum} += {activation}[{index}] * {weight};");
        writer.CloseBlock();
        writer.WriteLine($"{target} = {sum};");
    }

    /// <summary>A gate's name as it starts a C# identifier: <c>forget</c> → <c>Forget</c>.</summary>
    private static string Title(string name) => char.ToUpper(name[0], CultureInfo.InvariantCulture) + name.Substring(1);
}

/// <summary>
/// One LSTM gate: <c>activation(FC(input) + FC(hidden))</c>, the two fully connected products each
/// requantized (integer) to the Q3.12 gate input and added with saturation, as TFLM's
/// <c>CalculateLstmGate</c> does. The weights are the model's own bytes, so that each flavor's emitter
/// chooses their layout.
/// </summary>
/// <param name="Name">The gate: forget, input, cell or output.</param>
/// <param name="InputWeights">The model's input weights, [units, inputSize] of float32 (float layers) or int8, little-endian.</param>
/// <param name="RecurrentWeights">The model's recurrent weights, [units, units], of the same type.</param>
/// <param name="Bias">Float layers: the model's gate bias, float32[units]. Null for integer layers, whose bias is folded into <paramref name="InputBias"/>.</param>
/// <param name="InputBias">
/// Integer only: constant [units], the gate bias folded with the input zero point
/// (<c>bias − inputZeroPoint · Σ (w + weightsOffset)</c>). Null for a float layer, and for an integer layer whose bias and fold are both zero.
/// </param>
/// <param name="RecurrentBias">
/// Integer only: <c>−hiddenZeroPoint · Σ (w + weightsOffset)</c> per unit, or null when the hidden zero point is 0
/// (TFLM's recurrent product has no bias of its own).
/// </param>
/// <param name="InputWeightsOffset">Minus the input weights' zero point (0 for TFLite's symmetric weights).</param>
/// <param name="RecurrentWeightsOffset">Minus the recurrent weights' zero point.</param>
internal sealed record LstmGate(
    string Name,
    EquatableArray<byte> InputWeights,
    EquatableArray<byte> RecurrentWeights,
    EquatableArray<byte>? Bias,
    string? InputBias,
    string? RecurrentBias,
    int InputWeightsOffset,
    int RecurrentWeightsOffset,
    int InputMultiplier,
    int InputShift,
    int RecurrentMultiplier,
    int RecurrentShift,
    double InputRealMultiplier,
    double RecurrentRealMultiplier);

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM unidirectional_sequence_lstm.cc, lstm_eval.h): the standard LSTM
/// without peephole, projection, layer normalization or CIFG, over every time step of the input. Per
/// step, with <c>h</c> the hidden state and <c>c</c> the cell state:
/// <c>f = σ(W_f x + R_f h + b_f)</c>, <c>i = σ(…)</c>, <c>g = tanh(…)</c>, <c>o = σ(…)</c>,
/// <c>c = clip(f ⊙ c + i ⊙ g)</c>, <c>h = o ⊙ tanh(c)</c>, and the output row is <c>h</c>.
/// Inputs are (input, hidden state, cell state); both states are variable tensors that persist across calls.
/// </summary>
/// <param name="Type">The activation type (input, hidden state, output): float32, int8 or int16.</param>
/// <param name="CellType">The cell state type: float32, or int16 for integer layers.</param>
/// <param name="TimeMajor">Input [time, batch, inputSize] (true) or [batch, time, inputSize] (false).</param>
/// <param name="Gates">Forget, input, cell and output gates, in the order TFLM computes them.</param>
/// <param name="CellClip">The float cell clip; 0 means no clipping.</param>
/// <param name="QuantizedCellClip">The cell clip in cell-state units (integer layers), as TFLM rounds it.</param>
/// <param name="CellTanhMultiplier">Integer: the multiplier TFLM passes to the int16 tanh of the cell state (0: power-of-two case).</param>
/// <param name="CellTanhShift">Integer: the shift TFLM passes to the int16 tanh of the cell state.</param>
/// <param name="ForgetMultiplier">Integer: forget gate (Q0.15) × cell state → cell state.</param>
/// <param name="InputMultiplier">Integer: input gate (Q0.15) × cell gate (Q0.15) → cell state.</param>
/// <param name="HiddenMultiplier">Integer: tanh(cell) (Q0.15) × output gate (Q0.15) → hidden state.</param>
/// <param name="HiddenZeroPoint">Integer: the hidden state's zero point.</param>
internal sealed record UnidirectionalSequenceLstmLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    ElementType CellType,
    bool TimeMajor,
    int Batches,
    int TimeSteps,
    int InputSize,
    int Units,
    EquatableArray<LstmGate> Gates,
    float CellClip,
    int QuantizedCellClip,
    int CellStateScalePower,
    int CellTanhMultiplier,
    int CellTanhShift,
    int ForgetMultiplier,
    int ForgetShift,
    int InputMultiplier,
    int InputShift,
    int HiddenMultiplier,
    int HiddenShift,
    int HiddenZeroPoint)
    : LayerSpec(NodeIndex, "UNIDIRECTIONAL_SEQUENCE_LSTM", Inputs, Outputs)
{
    public override long MacCount => (long)Batches * TimeSteps * 4 * Units * (InputSize + Units);
}
