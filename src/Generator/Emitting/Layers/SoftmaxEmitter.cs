using TinyModel.Generator.Common;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Emitting.Layers;

/// <summary>Writes SOFTMAX kernels: TFLM's float, int8 (gemmlowp fixed point) and int16 (look-up table) kernels, one row at a time.</summary>
internal sealed class SoftmaxEmitter : ILayerEmitter
{
    private const string SoftmaxMath = "global::TinyModel.SoftmaxMath";

    public void Emit(SourceWriter writer, LayerSpec spec, EmitContext context)
    {
        var layer = (SoftmaxLayer)spec;
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string inType = input.Type.CSharpName(), outType = output.Type.CSharpName();
        string m = EmitContext.MathClass;

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SOFTMAX: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// Each of the {layer.Rows} row(s) of {layer.Depth} values becomes exp(beta · x) / Σ exp(beta · x), beta = {Literals.Float(layer.Beta)}.");
        switch (layer.Kernel)
        {
            case SoftmaxKernel.Float:
                writer.WriteLine("/// Float, as TFLM's reference kernel: subtract the row maximum, exponentiate, divide by the sum.");
                break;
            case SoftmaxKernel.Int8:
                writer.WriteLine($"/// TFLM's fixed-point kernel: the input multiplier {layer.InputMultiplier} · 2^{layer.InputShift} and gemmlowp's exp were evaluated at build");
                writer.WriteLine($"/// time for every difference to the row maximum (differences below {layer.DiffMin} contribute nothing); the row's sum is");
                writer.WriteLine($"/// inverted in fixed point and each exponential scaled by it to the int{layer.OutputBits} output, which spans [0, 1).");
                break;
            case SoftmaxKernel.Int16:
                writer.WriteLine($"/// TFLM's int16 kernel: differences to the row maximum are scaled by {layer.InputMultiplier} · 2^{layer.InputShift} onto [-10, 0] and");
                writer.WriteLine("/// looked up in an interpolated exp table; the sum is inverted with a 1 / (1 + x) table. Output in Q0.15.");
                break;
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));

        if (layer.Kernel == SoftmaxKernel.Int8)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> exp = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> expSum = {context.Constant(layer.ExpSumTable!)};");
        }
        else if (layer.Kernel == SoftmaxKernel.Int16)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<short> expLut = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<short> reciprocalLut = {context.Constant(layer.ReciprocalTable!)};");
        }

        bool loop = layer.Rows != 1;
        if (loop)
        {
            writer.OpenBlock($"for (int r = 0; r < {layer.Rows}; r++)");
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inType}> x = input.Slice(r * {layer.Depth}, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{outType}> y = output.Slice(r * {layer.Depth}, {layer.Depth});");
        }
        else
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<{inType}> x = input.Slice(0, {layer.Depth});");
            writer.WriteLine($"{EmitContext.Span}<{outType}> y = output.Slice(0, {layer.Depth});");
        }

        string d = Literals.Int(layer.Depth);
        switch (layer.Kernel)
        {
            case SoftmaxKernel.Float:
                writer.WriteLine("float max = float.MinValue;");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("if (max < x[c]) max = x[c];");
                writer.CloseBlock();
                writer.WriteLine("float sum = 0f;");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine($"float e = global::System.MathF.Exp((x[c] - max) * {Literals.Float(layer.Beta)});");
                writer.WriteLine("y[c] = e;");
                writer.WriteLine("sum += e;");
                writer.CloseBlock();
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("y[c] = y[c] / sum;");
                writer.CloseBlock();
                break;

            case SoftmaxKernel.Int8:
            {
                int min = layer.OutputBits == 16 ? short.MinValue : sbyte.MinValue;
                int max = layer.OutputBits == 16 ? short.MaxValue : sbyte.MaxValue;
                writer.WriteLine("int max = sbyte.MinValue;");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("if (x[c] > max) max = x[c];");
                writer.CloseBlock();
                writer.WriteLine("int sum = 0; // Q12.19");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("sum += expSum[max - x[c]];");
                writer.CloseBlock();
                writer.WriteLine($"int scale = {SoftmaxMath}.Reciprocal(sum, 12, out int bitsOverUnit);");
                writer.WriteLine($"int exponent = bitsOverUnit + {31 - layer.OutputBits};");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine($"int v = {EmitContext.FixedPoint}.RoundingDivideByPOT({EmitContext.FixedPoint}.SaturatingRoundingDoublingHighMul(scale, exp[max - x[c]]), exponent) + {min};");
                writer.WriteLine($"y[c] = ({outType}){m}.Min({m}.Max(v, {min}), {max});");
                writer.CloseBlock();
                break;
            }

            case SoftmaxKernel.Int16:
                writer.WriteLine("int max = short.MinValue;");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("if (x[c] > max) max = x[c];");
                writer.CloseBlock();
                writer.WriteLine("int sum = 0; // Q16.15");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine($"int scaled = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(x[c] - max, {Literals.Int(layer.InputMultiplier)}, {layer.InputShift}) + 32767;");
                writer.WriteLine($"short e = {SoftmaxMath}.LookupInt16({m}.Min({m}.Max(scaled, -32768), 32767), expLut);");
                writer.WriteLine("y[c] = e; // the output holds the exponentials until the sum is known, as in TFLM");
                writer.WriteLine("sum += e;");
                writer.CloseBlock();
                writer.WriteLine("int headroomPlusOne = global::System.Numerics.BitOperations.LeadingZeroCount((uint)sum);");
                writer.WriteLine("int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);");
                writer.WriteLine($"int reciprocal = {SoftmaxMath}.LookupInt16({m}.Min({m}.Max(shiftedSum - ((1 << 15) + (1 << 16)), -32768), 32767), reciprocalLut);");
                writer.WriteLine("int rightShift = 31 - headroomPlusOne;");
                writer.WriteLine("long round = 1L << (rightShift - 1);");
                writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
                writer.WriteLine("int result = (int)(((long)y[c] * reciprocal + round) >> rightShift);");
                writer.WriteLine($"y[c] = (short){m}.Min({m}.Max(result, 0), 32767);");
                writer.CloseBlock();
                break;
        }
        if (loop)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }
}
