using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes AVERAGE_POOL_2D and MAX_POOL_2D kernels in TFLM's order: for each output position the window
/// is clipped to the image, then each channel is reduced over it (rows, then columns).
/// </summary>
internal sealed class PoolingEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (PoolingLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        string m = EmitContext.MathClass;
        bool isFloat = layer.Type == ElementType.Float32;
        ActivationRange act = layer.Activation;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {(layer.IsMax ? "Maximum" : "Average")} of each {layer.FilterHeight}×{layer.FilterWidth} window, stride {layer.StrideHeight}×{layer.StrideWidth}, {layer.Padding.ToString().ToUpperInvariant()} padding " +
            $"({layer.PadHeight} row(s) above, {layer.PadWidth} column(s) left); windows are clipped to the image and padding is not counted.");
        if (!layer.IsMax && !isFloat)
        {
            writer.WriteLine("/// The integer sum is divided by the window's element count, rounded half away from zero, as TFLM does.");
        }
        writer.WriteLine(isFloat
            ? $"/// Fused activation {act.Activation.ToString().ToUpperInvariant()}: output clamped to [{Literals.Float(act.FloatMin)}, {Literals.Float(act.FloatMax)}]."
            : $"/// Fused activation {act.Activation.ToString().ToUpperInvariant()}: output clamped to [{act.QuantizedMin}, {act.QuantizedMax}].");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        int ih = layer.InputHeight, iw = layer.InputWidth, d = layer.Depth, oh = layer.OutputHeight, ow = layer.OutputWidth;
        bool batched = layer.Batches > 1;
        if (batched)
        {
            writer.OpenBlock($"for (int b = 0; b < {layer.Batches}; b++)");
        }
        string inBatch = batched ? $"b * {ih} + " : string.Empty;
        string outBatch = batched ? $"b * {oh} + " : string.Empty;

        writer.OpenBlock($"for (int oy = 0; oy < {oh}; oy++)");
        writer.WriteLine($"int y0 = oy * {layer.StrideHeight} - {layer.PadHeight};");
        writer.WriteLine($"int fyStart = {m}.Max(0, -y0);");
        writer.WriteLine($"int fyEnd = {m}.Min({layer.FilterHeight}, {ih} - y0);");
        writer.OpenBlock($"for (int ox = 0; ox < {ow}; ox++)");
        writer.WriteLine($"int x0 = ox * {layer.StrideWidth} - {layer.PadWidth};");
        writer.WriteLine($"int fxStart = {m}.Max(0, -x0);");
        writer.WriteLine($"int fxEnd = {m}.Min({layer.FilterWidth}, {iw} - x0);");
        writer.WriteLine($"int outBase = (({outBatch}oy) * {ow} + ox) * {d};");
        if (!layer.IsMax)
        {
            writer.WriteLine(isFloat
                ? "float count = (fyEnd - fyStart) * (fxEnd - fxStart);"
                : "int count = (fyEnd - fyStart) * (fxEnd - fxStart);");
        }
        writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
        string acc = isFloat ? "float" : "int";
        string init = layer.IsMax ? (isFloat ? "float.MinValue" : $"{t}.MinValue") : (isFloat ? "0f" : "0");
        writer.WriteLine($"{acc} acc = {init};");
        writer.OpenBlock("for (int fy = fyStart; fy < fyEnd; fy++)");
        writer.WriteLine($"int row = (({inBatch}y0 + fy) * {iw} + x0) * {d} + c;");
        writer.OpenBlock("for (int fx = fxStart; fx < fxEnd; fx++)");
        if (layer.IsMax)
        {
            writer.WriteLine($"{acc} v = input[row + fx * {d}];");
            writer.WriteLine("if (v > acc) acc = v;");
        }
        else
        {
            writer.WriteLine($"acc += input[row + fx * {d}];");
        }
        writer.CloseBlock();
        writer.CloseBlock();

        if (isFloat)
        {
            string value = layer.IsMax ? "acc" : "acc / count";
            writer.WriteLine($"output[outBase + c] = {m}.Min({m}.Max({value}, {Literals.Float(act.FloatMin)}), {Literals.Float(act.FloatMax)});");
        }
        else
        {
            if (!layer.IsMax)
            {
                writer.WriteLine("acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;");
            }
            writer.WriteLine($"output[outBase + c] = ({t}){m}.Min({m}.Max(acc, {act.QuantizedMin}), {act.QuantizedMax});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        if (batched)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
