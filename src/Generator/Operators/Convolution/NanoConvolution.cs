using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The nanoFramework kernel of CONV_2D and DEPTHWISE_CONV_2D: TFLM's reference loops over the model's own
/// filter layout. Per output pixel and channel, one sum over the taps inside the input (filter row, column,
/// then input channel, TFLM's order, so float sums equal TFLM's), then the bias, the requantization and the clamp.
/// </summary>
internal static class NanoConvolution
{
    /// <summary>
    /// Writes the body of a layer method, after the caller declared the filter (<see cref="NanoEmitContext.Weights"/>).
    /// <paramref name="writeTap"/> writes the products of one tap, given the index of the tap's input pixel
    /// (<c>pixel</c>) and the loop variables <c>oc</c>, <c>ky</c>, <c>kx</c>.
    /// </summary>
    public static void WriteBody(SourceWriter writer, NanoEmitContext context, LayerSpec layer, ConvolutionGeometry g, ElementType type,
        string? bias, ChannelRequantization? requantization, ActivationRange activation, System.Action writeTap)
    {
        bool quantized = type != ElementType.Float32;
        string acc = !quantized ? "float" : requantization!.WideAccumulator ? "long" : "int";
        string math = context.Helper(NanoHelper.FixedPoint);
        System.Func<string, string>? biasAt = bias is null ? null : context.ModelConstant(writer, bias, "bias");
        if (requantization is { PerChannel: true })
        {
            context.ChannelTables(writer, layer, requantization);
        }
        writer.WriteLine("int y = outputOffset;");
        writer.OpenBlock($"for (int b = 0; b < {g.Batches}; b++)");
        writer.OpenBlock($"for (int oy = 0; oy < {g.OutputHeight}; oy++)");
        writer.OpenBlock($"for (int ox = 0; ox < {g.OutputWidth}; ox++)");
        writer.OpenBlock($"for (int oc = 0; oc < {g.OutputChannels}; oc++)");
        writer.WriteLine($"{acc} sum = {(quantized ? "0" : "0f")};");
        writer.OpenBlock($"for (int ky = 0; ky < {g.FilterHeight}; ky++)");
        writer.WriteLine($"int iy = oy * {g.StrideHeight}{Literals.PlusTerm(-g.PadTop)} + ky * {g.DilationHeight};");
        writer.OpenBlock($"if (iy < 0 || iy >= {g.InputHeight})");
        writer.WriteLine("continue;");
        writer.CloseBlock();
        writer.OpenBlock($"for (int kx = 0; kx < {g.FilterWidth}; kx++)");
        writer.WriteLine($"int ix = ox * {g.StrideWidth}{Literals.PlusTerm(-g.PadLeft)} + kx * {g.DilationWidth};");
        writer.OpenBlock($"if (ix < 0 || ix >= {g.InputWidth})");
        writer.WriteLine("continue;");
        writer.CloseBlock();
        writer.WriteLine($"int pixel = inputOffset + ((b * {g.InputHeight} + iy) * {g.InputWidth} + ix) * {g.InputChannels};");
        writeTap();
        writer.CloseBlock();
        writer.CloseBlock();
        if (quantized)
        {
            if (bias is not null)
            {
                writer.WriteLine($"sum += {biasAt!("oc")};");
            }
            string outType = type.CSharpName();
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(sum, {requantization!.MultiplierFor("oc")}, {requantization.ShiftFor("oc")}){Literals.PlusTerm(requantization.OutputZeroPoint)};");
            writer.WriteLine($"output[y] = ({outType}){math}.Clamp(scaled, {activation.QuantizedMin}, {activation.QuantizedMax});");
        }
        else
        {
            // TFLM adds the bias to the finished sum.
            writer.WriteLine($"output[y] = {math}.Clamp({(biasAt is null ? "sum" : "sum + " + biasAt("oc"))}, {Literals.Float(activation.FloatMin)}, {Literals.Float(activation.FloatMax)});");
        }
        writer.WriteLine("y++;");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>An input value with the layer's input offset added (TFLM adds it to every input value of an int8 convolution).</summary>
    public static string InputValue(string index, int inputOffset) =>
        inputOffset == 0 ? $"input[{index}]" : $"(input[{index}] + {inputOffset})";
}
