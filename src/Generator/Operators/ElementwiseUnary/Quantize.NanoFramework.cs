using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>QUANTIZE for nanoFramework: TFLite's AffineQuantize (float input) and Requantize (integer input), one loop.</summary>
internal sealed partial class Quantize
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, QuantizeLayer layer, NanoEmitContext context)
    {
        int min = layer.OutputType.MinValue(), max = layer.OutputType.MaxValue();
        string math = context.Helper(NanoHelper.FixedPoint);
        string outType = layer.OutputType.CSharpName();
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, QUANTIZE: {Literals.Xml(context.Model.Value(layer.Inputs[0]).Describe())} → {Literals.Xml(context.Model.Value(layer.Outputs[0]).Describe())}.");
        writer.WriteLine(layer.InputType == ElementType.Float32
            ? $"/// <c>round(x / {Literals.Float(layer.OutputScale)}) + {layer.OutputZeroPoint}</c>, ties away from zero, clamped to [{min}, {max}] (TFLite's AffineQuantize)."
            : $"/// (x - {layer.InputZeroPoint}) · {layer.Multiplier} · 2^{layer.Shift - 31} + {layer.OutputZeroPoint}, clamped to [{min}, {max}] (TFLite's Requantize).");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        if (layer.InputType == ElementType.Float32)
        {
            writer.WriteLine($"output[outputOffset + i] = ({outType}){math}.Quantize(input[inputOffset + i] / {Literals.Float(layer.OutputScale)}, {layer.OutputZeroPoint}, {Literals.Int(min)}, {Literals.Int(max)});");
        }
        else
        {
            writer.WriteLine($"int x = unchecked(input[inputOffset + i]{Literals.PlusTerm(-layer.InputZeroPoint)});");
            writer.WriteLine($"int scaled = unchecked({math}.MultiplyByQuantizedMultiplier(x, {Literals.Int(layer.Multiplier)}, {layer.Shift}){Literals.PlusTerm(layer.OutputZeroPoint)});");
            writer.WriteLine($"output[outputOffset + i] = ({outType}){math}.Clamp(scaled, {Literals.Int(min)}, {Literals.Int(max)});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
