using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes MEAN: for each output (kept dimensions, in order) the reduced values are summed in input memory order, then divided or requantized.</summary>
internal sealed class MeanEmitter : ILayerEmitter
{
    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (MeanLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        string m = EmitContext.MathClass;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, MEAN over axes [{string.Join(", ", layer.Axes)}]{(layer.KeepDims ? " (keep_dims)" : string.Empty)}: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Each output is the mean of {layer.Count} input values, summed in input memory order.");
        switch (layer.Kernel)
        {
            case MeanKernel.Float:
                writer.WriteLine($"/// Float: sum / {layer.Count}.");
                break;
            case MeanKernel.Requantize:
                writer.WriteLine($"/// (sum - {layer.InputZeroPoint} · {layer.Count}) is requantized with {layer.Multiplier} · 2^{layer.Shift} (input scale / output scale / {layer.Count}, as TFLM folds it)");
                writer.WriteLine($"/// and offset by the output zero point {layer.OutputZeroPoint}.");
                break;
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Count == 0)
        {
            // An empty reduction: TFLM leaves the zeroed output as it is.
            writer.WriteLine("output.Clear();");
            writer.CloseBlock();
            return;
        }

        writer.WriteLine("int o = 0;");
        string position = "0";
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.OpenBlock($"for (int k{k} = 0, p{k} = {position}; k{k} < {layer.KeptCounts[k]}; k{k}++, p{k} += {layer.KeptStrides[k]})");
            position = "p" + k;
        }
        bool isFloat = layer.Type == ElementType.Float32;
        writer.WriteLine(isFloat ? "float sum = 0f;" : "int sum = 0;");
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.OpenBlock($"for (int r{r} = 0, q{r} = {position}; r{r} < {layer.ReducedCounts[r]}; r{r}++, q{r} += {layer.ReducedStrides[r]})");
            position = "q" + r;
        }
        writer.WriteLine($"sum += input[{position}];");
        for (int r = 0; r < layer.ReducedCounts.Count; r++)
        {
            writer.CloseBlock();
        }
        switch (layer.Kernel)
        {
            case MeanKernel.Float:
                writer.WriteLine($"output[o++] = sum / {Literals.Float(layer.Count)};");
                break;
            case MeanKernel.Requantize:
                long offset = (long)layer.InputZeroPoint * layer.Count;
                writer.WriteLine($"int shifted = (int)(sum - {Literals.Int(offset)}L);");
                writer.WriteLine($"int v = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(shifted, {Literals.Int(layer.Multiplier)}, {layer.Shift}) + {layer.OutputZeroPoint};");
                writer.WriteLine($"output[o++] = ({t}){m}.Min({m}.Max(v, {layer.Type.MinValue()}), {layer.Type.MaxValue()});");
                break;
        }
        for (int k = 0; k < layer.KeptCounts.Count; k++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
