using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Recurrent;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM for nanoFramework: the .NET flavor's loops (TFLM's gate, cell and hidden
/// updates, in its order) on arrays with offsets, every dot product a sequential loop, the nonlinearities
/// the class's own helpers (int16 table interpolation, float exp and tanh).
/// </summary>
internal sealed partial class UnidirectionalSequenceLstm
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, NanoEmitContext context)
    {
        bool quantized = layer.Type != ElementType.Float32;
        string t = layer.Type.CSharpName();
        string acc = layer.Type == ElementType.Int16 ? "long" : quantized ? "int" : "float";
        string math = context.Helper(NanoHelper.FixedPoint);
        context.Helper(quantized ? NanoHelper.Sigmoid16 : NanoHelper.FloatMath);
        int units = layer.Units, inputSize = layer.InputSize;
        ElementType weightType = quantized ? ElementType.Int8 : ElementType.Float32;
        string prefix = $"Layer{layer.NodeIndex}";

        WriteSummary(writer, layer, context.Model);
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        var reads = new System.Collections.Generic.List<(LstmGate Gate, System.Func<string, string> InputWeights, System.Func<string, string> RecurrentWeights, string? InputBias)>();
        foreach (LstmGate gate in layer.Gates)
        {
            string title = Title(gate.Name);
            System.Func<string, string> inputWeights = context.Weights(writer, layer, weightType, gate.InputWeights.AsImmutableArray().ToArray(),
                $"input to {gate.Name} gate weights, {weightType.ModelName()}[{units},{inputSize}]", $"inputTo{title}", $"{prefix}InputTo{title}Weights");
            System.Func<string, string> recurrentWeights = context.Weights(writer, layer, weightType, gate.RecurrentWeights.AsImmutableArray().ToArray(),
                $"recurrent to {gate.Name} gate weights, {weightType.ModelName()}[{units},{units}]", $"recurrentTo{title}", $"{prefix}RecurrentTo{title}Weights");
            string? inputBias = gate.Bias is { } bias
                ? context.AddConstant($"{prefix}{title}GateBias", ElementType.Float32, bias.AsImmutableArray().ToArray(), $"{gate.Name} gate bias, float32[{units}]")
                : gate.InputBias;
            if (inputBias is not null)
            {
                writer.WriteLine($"{acc}[] {gate.Name}Bias = {context.Constant(inputBias)};");
            }
            if (gate.RecurrentBias is not null)
            {
                writer.WriteLine($"{acc}[] {gate.Name}RecurrentBias = {context.Constant(gate.RecurrentBias)};");
            }
            reads.Add((gate, inputWeights, recurrentWeights, inputBias));
        }

        // input: x; input1: the hidden state; input2: the cell state.
        writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        writer.WriteLine($"int h = input1Offset + b * {units};");
        writer.WriteLine($"int c = input2Offset + b * {units};");
        writer.OpenBlock($"for (int t = 0; t < {layer.TimeSteps}; t++)");
        string row = layer.TimeMajor ? $"(t * {layer.Batches} + b)" : $"(b * {layer.TimeSteps} + t)";
        writer.WriteLine($"int x = inputOffset + {row} * {inputSize};");
        writer.WriteLine($"int y = outputOffset + {row} * {units};");
        writer.OpenBlock($"for (int s = 0; s < {units}; s++)");
        foreach ((LstmGate gate, System.Func<string, string> inputWeights, System.Func<string, string> recurrentWeights, string? inputBias) in reads)
        {
            WriteNanoGate(writer, layer, gate, inputWeights, recurrentWeights, inputBias is not null, acc, math);
        }
        writer.WriteLine();
        if (quantized)
        {
            writer.WriteLine("// Cell update: c = f·c + i·g, each product requantized to the cell state, the sum saturated.");
            writer.WriteLine($"short forgotten = {math}.SaturateToInt16({math}.MultiplyByQuantizedMultiplier(forgetGate * input2[c + s], {layer.ForgetMultiplier}, {layer.ForgetShift}));");
            writer.WriteLine($"short added = {math}.SaturateToInt16({math}.MultiplyByQuantizedMultiplier(inputGate * cellGate, {layer.InputMultiplier}, {layer.InputShift}));");
            writer.WriteLine($"short cell = {math}.SaturateToInt16(forgotten + added);");
            if (layer.CellClip > 0)
            {
                writer.WriteLine($"cell = (short){math}.Clamp(cell, {-layer.QuantizedCellClip}, {layer.QuantizedCellClip}); // cell clip ±{Literals.FloatText(layer.CellClip)}");
            }
            writer.WriteLine("input2[c + s] = cell;");
            writer.WriteLine("// Hidden update: h = o·tanh(c), requantized to the hidden state.");
            writer.WriteLine($"short cellTanh = {math}.Tanh(cell, {layer.CellTanhMultiplier}, {layer.CellTanhShift});");
            writer.WriteLine($"int hiddenValue = {math}.MultiplyByQuantizedMultiplier(cellTanh * outputGate, {layer.HiddenMultiplier}, {layer.HiddenShift}){Literals.PlusTerm(layer.HiddenZeroPoint)};");
            writer.WriteLine($"output[y + s] = ({t}){math}.Clamp(hiddenValue, {layer.Type.MinValue()}, {layer.Type.MaxValue()});");
        }
        else
        {
            WriteFloatCellAndHidden(writer, layer, "input2[c + s]", "output[y + s]", $"{math}.Tanh");
        }
        writer.CloseBlock();
        writer.WriteLine("// Every unit has read the old hidden state: the new one is this step's output row.");
        writer.WriteLine($"global::System.Array.Copy(output, y, input1, h, {units});");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>One gate for unit <c>s</c>, as <see cref="WriteGateProducts"/> and <see cref="WriteGateActivation"/> write it for .NET: two sequential dot products, combined and activated into <c>{name}Gate</c>.</summary>
    private static void WriteNanoGate(SourceWriter writer, UnidirectionalSequenceLstmLayer layer, LstmGate gate,
        System.Func<string, string> inputWeights, System.Func<string, string> recurrentWeights, bool hasInputBias, string acc, string math)
    {
        bool quantized = layer.Type != ElementType.Float32;
        string name = gate.Name;
        writer.WriteLine($"// {Title(name)} gate: {(name == "cell" ? "tanh" : "σ")}(W·x + R·h + b){(quantized ? $", products requantized with {gate.InputMultiplier} · 2^{gate.InputShift} and {gate.RecurrentMultiplier} · 2^{gate.RecurrentShift}" : "")}.");
        string zero = quantized ? "0" : "0f";
        WriteNanoProduct(writer, $"{name}FromInput", inputWeights, "input[x + d]", layer.InputSize, quantized && hasInputBias ? $"{name}Bias[s]" : zero, gate.InputWeightsOffset, acc, "d");
        WriteNanoProduct(writer, $"{name}FromHidden", recurrentWeights, "input1[h + k]", layer.Units, gate.RecurrentBias is not null ? $"{name}RecurrentBias[s]" : zero, gate.RecurrentWeightsOffset, acc, "k");
        if (quantized)
        {
            string sum = $"{math}.SaturateToInt16({math}.SaturateToInt16({math}.MultiplyByQuantizedMultiplier({name}FromInput, {gate.InputMultiplier}, {gate.InputShift}))"
                + $" + {math}.SaturateToInt16({math}.MultiplyByQuantizedMultiplier({name}FromHidden, {gate.RecurrentMultiplier}, {gate.RecurrentShift})))";
            writer.WriteLine($"short {name}Gate = {math}.{(name == "cell" ? "Tanh" : "Logistic")}({sum}, 0, 0);");
        }
        else
        {
            // TFLM adds the bias to the input product, then the recurrent product.
            writer.WriteLine($"float {name}Gate = {math}.{(name == "cell" ? "Tanh" : "Logistic")}(({name}FromInput + {name}Bias[s]) + {name}FromHidden);");
        }
    }

    /// <summary>Writes <c>{acc} sum = start + Σ activation[j] · (weights[s, j] + offset)</c> as one sequential loop.</summary>
    private static void WriteNanoProduct(SourceWriter writer, string sum, System.Func<string, string> weights, string activation, int depth, string start, int weightsOffset, string acc, string index)
    {
        writer.WriteLine($"{acc} {sum} = {start};");
        writer.WriteLine($"int {sum}Row = s * {depth};");
        string weight = weights($"{sum}Row + {index}");
        writer.OpenBlock($"for (int {index} = 0; {index} < {depth}; {index}++)");
        writer.WriteLine($"{sum} += {activation} * {(weightsOffset == 0 ? weight : $"({weight} + {weightsOffset})")};");
        writer.CloseBlock();
    }
}
