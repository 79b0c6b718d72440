using System.Globalization;
using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes UNIDIRECTIONAL_SEQUENCE_LSTM kernels. Per time step and unit, the four gates (each two dot
/// products, requantized and added as TFLM's <c>CalculateLstmGate</c> does), then the cell and hidden
/// updates of <c>UpdateLstmCell</c> and <c>UpdateLstmHidden</c>. The new hidden row is written straight
/// into the step's output row and copied into the hidden state once every unit has read the old one,
/// so the kernel needs none of TFLM's four scratch buffers.
/// </summary>
internal sealed class UnidirectionalSequenceLstmEmitter : ILayerEmitter
{
    private const string ActivationMath = "global::TinyModel.ActivationMath";

    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (UnidirectionalSequenceLstmLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec hidden = context.Model.Value(layer.Inputs[1]);
        ValueSpec cell = context.Model.Value(layer.Inputs[2]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool quantized = layer.Type != ElementType.Float32;
        string t = layer.Type.CSharpName();
        string cellType = layer.CellType.CSharpName();
        string weightType = quantized ? "sbyte" : "float";
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        int units = layer.Units, inputSize = layer.InputSize;

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
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        foreach (LstmGate gate in layer.Gates)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> inputTo{Title(gate.Name)} = {context.Constant(gate.InputWeights)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{weightType}> recurrentTo{Title(gate.Name)} = {context.Constant(gate.RecurrentWeights)};");
            if (gate.InputBias is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> {gate.Name}Bias = {context.Constant(gate.InputBias)};");
            }
            if (gate.RecurrentBias is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{acc}> {gate.Name}RecurrentBias = {context.Constant(gate.RecurrentBias)};");
            }
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
        writer.OpenBlock($"for (int s = 0; s < {units}; s++)");
        foreach (LstmGate gate in layer.Gates)
        {
            WriteGate(writer, layer, gate, acc, quantized);
        }

        writer.WriteLine();
        if (quantized)
        {
            string saturate = ActivationMath + ".SaturateToInt16";
            writer.WriteLine("// Cell update: c = f·c + i·g, each product requantized to the cell state, the sum saturated.");
            writer.WriteLine($"short forgotten = {saturate}({EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(forgetGate * c[s], {layer.ForgetMultiplier}, {layer.ForgetShift}));");
            writer.WriteLine($"short added = {saturate}({EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(inputGate * cellGate, {layer.InputMultiplier}, {layer.InputShift}));");
            writer.WriteLine($"short cell = {saturate}(forgotten + added);");
            if (layer.CellClip > 0)
            {
                writer.WriteLine($"cell = (short){EmitContext.MathClass}.Max({EmitContext.MathClass}.Min(cell, (short){layer.QuantizedCellClip}), (short){-layer.QuantizedCellClip}); // cell clip ±{layer.CellClip.ToString("R", CultureInfo.InvariantCulture)}");
            }
            writer.WriteLine("c[s] = cell;");
            writer.WriteLine($"// Hidden update: h = o·tanh(c), requantized to the hidden state.");
            writer.WriteLine($"short cellTanh = {ActivationMath}.Tanh(cell, {layer.CellTanhMultiplier}, {layer.CellTanhShift});");
            writer.WriteLine($"int hiddenValue = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(cellTanh * outputGate, {layer.HiddenMultiplier}, {layer.HiddenShift}){Literals.PlusTerm(layer.HiddenZeroPoint)};");
            writer.WriteLine($"y[s] = ({t}){EmitContext.MathClass}.Min({EmitContext.MathClass}.Max(hiddenValue, {layer.Type.MinValue()}), {layer.Type.MaxValue()});");
        }
        else
        {
            writer.WriteLine("// Cell update: c = f·c + i·g, in TFLM's order.");
            writer.WriteLine("float forgotten = forgetGate * c[s];");
            writer.WriteLine("float added = inputGate * cellGate;");
            writer.WriteLine("float cell = forgotten + added;");
            if (layer.CellClip > 0)
            {
                string clip = Literals.Float(layer.CellClip), negative = Literals.Float(-layer.CellClip);
                writer.WriteLine($"cell = cell < {clip} ? cell : {clip};");
                writer.WriteLine($"cell = cell < {negative} ? {negative} : cell;");
            }
            writer.WriteLine("c[s] = cell;");
            writer.WriteLine("// Hidden update: h = tanh(c)·o.");
            writer.WriteLine("y[s] = global::System.MathF.Tanh(cell) * outputGate;");
        }
        writer.CloseBlock();
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

    /// <summary>Writes one gate for unit <c>s</c>: two dot products, combined and activated into <c>{name}Gate</c>.</summary>
    private static void WriteGate(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, LstmGate gate, string acc, bool quantized)
    {
        string name = gate.Name;
        string title = Title(name);
        string activation = name == "cell" ? "tanh" : "σ";
        writer.WriteLine($"// {title} gate: {activation}(W·x + R·h + b){(quantized ? $", products requantized with {gate.InputMultiplier} · 2^{gate.InputShift} (≈ {Literals.Double(gate.InputRealMultiplier)}) and {gate.RecurrentMultiplier} · 2^{gate.RecurrentShift} (≈ {Literals.Double(gate.RecurrentRealMultiplier)})" : "")}.");
        string zero = quantized ? "0" : "0f";

        WriteProduct(writer, layer, $"{name}FromInput", $"inputTo{title}", "x", layer.InputSize, quantized && gate.InputBias is not null ? $"{name}Bias[s]" : zero,
            gate.InputWeightsOffset, acc, "d");
        WriteProduct(writer, layer, $"{name}FromHidden", $"recurrentTo{title}", "h", layer.Units, gate.RecurrentBias is not null ? $"{name}RecurrentBias[s]" : zero,
            gate.RecurrentWeightsOffset, acc, "k");

        if (quantized)
        {
            string saturate = ActivationMath + ".SaturateToInt16";
            string sum = $"{saturate}({saturate}({EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier({name}FromInput, {gate.InputMultiplier}, {gate.InputShift}))"
                + $" + {saturate}({EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier({name}FromHidden, {gate.RecurrentMultiplier}, {gate.RecurrentShift})))";
            string function = name == "cell" ? "Tanh" : "Logistic";
            writer.WriteLine($"short {name}Gate = {ActivationMath}.{function}({sum}, 0, 0);");
        }
        else
        {
            // TFLM adds the bias to the input product, then the recurrent product.
            string sum = $"({name}FromInput + {name}Bias[s]) + {name}FromHidden";
            writer.WriteLine(name == "cell"
                ? $"float {name}Gate = global::System.MathF.Tanh({sum});"
                : $"float {name}Gate = {ActivationMath}.Logistic({sum});");
        }
    }

    /// <summary>
    /// Writes <c>{acc} sum = start + Σ activation[j] · (weights[s, j] + offset)</c>. An int8 product with
    /// symmetric weights (the usual case) uses <c>DotProduct.Int8</c>, vectorized and, as an integer sum,
    /// identical to TFLM's sequential one; float and int16 products keep TFLM's sequential loop.
    /// </summary>
    private static void WriteProduct(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, string sum, string weights, string activation,
        int depth, string start, int weightsOffset, string acc, string index)
    {
        string row = $"{weights}.Slice(s * {depth}, {depth})";
        if (layer.Type == ElementType.Int8 && weightsOffset == 0)
        {
            string total = start == "0" ? "" : start + " + ";
            writer.WriteLine($"int {sum} = {total}global::TinyModel.DotProduct.Int8({activation}, {row});");
            return;
        }
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(layer.Type == ElementType.Float32 ? "float" : "sbyte")}> {sum}Row = {row};");
        writer.WriteLine($"{acc} {sum} = {start};");
        string weight = weightsOffset == 0 ? $"{sum}Row[{index}]" : $"({sum}Row[{index}] + {weightsOffset})";
        writer.OpenBlock($"for (int {index} = 0; {index} < {depth}; {index}++)");
        writer.WriteLine($"{sum} += {activation}[{index}] * {weight};");
        writer.CloseBlock();
    }

    private static string Title(string name) => char.ToUpper(name[0], CultureInfo.InvariantCulture) + name.Substring(1);
}
