using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;
using TinyModel.Generator.Operators.Elementwise;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>
/// Writes LOGISTIC and TANH kernels: TFLM's float formulas, a table lookup for int8 (the table holds TFLM's
/// fixed-point results for all 256 inputs), and TFLM's interpolated sigmoid table for int16.
/// </summary>
internal sealed class LogisticTanhEmitter : ILayerEmitter
{
    private const string MathF = "global::System.MathF";

    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (LogisticTanhLayer)spec;
        bool logistic = layer.Function == SigmoidFunction.Logistic;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {ElementwiseCode.Signature(context, layer)}.");
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine(logistic
                    ? "/// <c>1 / (1 + exp(-x))</c>, with TFLM's cut-offs: 1 above 16.619047, exp(x) below -9."
                    : "/// <c>tanh(x)</c>, elementwise.");
                break;
            case ElementType.Int8:
                writer.WriteLine("/// A lookup in a table of the 256 possible outputs, which the generator computed with TFLM's fixed-point");
                writer.WriteLine($"/// int8 kernel (input rescaled by {layer.InputMultiplier} · 2^{layer.InputShift - 31} into Q4.27, gemmlowp's {(logistic ? "logistic" : "tanh")}).");
                break;
            default:
                writer.WriteLine($"/// TFLM's int16 kernel: the input is rescaled by {layer.InputMultiplier} · 2^-{layer.InputShift}, then {(logistic ? "sigmoid" : "tanh")} is interpolated");
                writer.WriteLine("/// linearly in TFLite's 256-entry sigmoid table (tanh(x) = 2 · sigmoid(2x) - 1); the result is in Q0.15.");
                break;
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Table is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{(layer.Type == ElementType.Int8 ? "sbyte" : "int")}> table = {context.Constant(layer.Table)};");
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        switch (layer.Type)
        {
            case ElementType.Float32 when logistic:
                writer.WriteLine("float x = input[i];");
                writer.WriteLine($"output[i] = x > 16.619047164916992188f ? 1f : x < -9f ? {MathF}.Exp(x) : 1f / (1f + {MathF}.Exp(-x));");
                break;
            case ElementType.Float32:
                writer.WriteLine($"output[i] = {MathF}.Tanh(input[i]);");
                break;
            case ElementType.Int8:
                writer.WriteLine("output[i] = table[input[i] + 128];");
                break;
            default:
                WriteInt16(writer, layer, logistic);
                break;
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>TFLM's reference_integer_ops::Logistic / Tanh for int16, shared with the LSTM kernels, with the rescaling constants folded in.</summary>
    private static void WriteInt16(SourceWriter writer, LogisticTanhLayer layer, bool logistic) =>
        writer.WriteLine($"output[i] = global::TinyModel.ActivationMath.{(logistic ? "Logistic" : "Tanh")}(input[i], {layer.InputMultiplier}, {layer.InputShift});");
}
