using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Normalization;

/// <summary>SOFTMAX for nanoFramework: the integer kernels of the .NET flavor on arrays, with the helpers written into the class.</summary>
internal sealed partial class Softmax
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, SoftmaxLayer layer, NanoEmitContext context)
    {
        ValueSpec input = context.Model.Value(layer.Inputs[0]);
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string outType = output.Type.CSharpName();
        string math = context.Helper(layer.Kernel == SoftmaxKernel.Float ? NanoHelper.FloatMath : NanoHelper.Softmax);
        string d = Literals.Int(layer.Depth);

        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, SOFTMAX: {Literals.Xml(input.Describe())} → {Literals.Xml(output.Describe())}, {layer.Rows} row(s) of {layer.Depth} values.");
        writer.WriteLine(layer.Kernel switch
        {
            SoftmaxKernel.Float => $"/// TFLM's float kernel: exp((x - max) · {Literals.FloatText(layer.Beta)}) (the class's own exponential), divided by the row's sum.",
            SoftmaxKernel.Int8 => "/// TFLM's fixed-point kernel: exponentials of the differences to the row maximum from build-time tables, the sum inverted in fixed point.",
            _ => "/// TFLM's int16 kernel: an interpolated exp table and a 1 / (1 + x) table. Output in Q0.15.",
        });
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Kernel == SoftmaxKernel.Int8)
        {
            writer.WriteLine($"int[] exp = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"int[] expSum = {context.Constant(layer.ExpSumTable!)};");
        }
        else if (layer.Kernel == SoftmaxKernel.Int16)
        {
            writer.WriteLine($"short[] expLut = {context.Constant(layer.ExpTable!)};");
            writer.WriteLine($"short[] reciprocalLut = {context.Constant(layer.ReciprocalTable!)};");
        }
        writer.OpenBlock($"for (int r = 0; r < {layer.Rows}; r++)");
        writer.WriteLine($"int x = inputOffset + r * {d};");
        writer.WriteLine($"int y = outputOffset + r * {d};");
        if (layer.Kernel == SoftmaxKernel.Float)
        {
            writer.WriteLine("float max = float.MinValue;");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("if (max < input[x + c]) max = input[x + c];");
            writer.CloseBlock();
            writer.WriteLine("float sum = 0f;");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine($"float e = {math}.Exp((input[x + c] - max) * {Literals.Float(layer.Beta)});");
            writer.WriteLine("output[y + c] = e;");
            writer.WriteLine("sum += e;");
            writer.CloseBlock();
            writer.WriteLine("// The row maximum contributes exp(0) = 1, so the sum is at least 1: no division by zero.");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("output[y + c] = output[y + c] / sum;");
            writer.CloseBlock();
        }
        else if (layer.Kernel == SoftmaxKernel.Int8)
        {
            int min = layer.OutputBits == 16 ? short.MinValue : sbyte.MinValue;
            int max = layer.OutputBits == 16 ? short.MaxValue : sbyte.MaxValue;
            writer.WriteLine("int max = sbyte.MinValue;");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("if (input[x + c] > max) max = input[x + c];");
            writer.CloseBlock();
            writer.WriteLine("int sum = 0; // Q12.19");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("sum += expSum[max - input[x + c]];");
            writer.CloseBlock();
            writer.WriteLine("int bitsOverUnit;");
            writer.WriteLine($"int scale = {math}.Reciprocal(sum, 12, out bitsOverUnit);");
            writer.WriteLine($"int exponent = bitsOverUnit + {31 - layer.OutputBits};");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine($"int v = {math}.RoundingDivideByPOT({math}.SaturatingRoundingDoublingHighMul(scale, exp[max - input[x + c]]), exponent) + {min};");
            writer.WriteLine($"output[y + c] = ({outType}){math}.Clamp(v, {min}, {max});");
            writer.CloseBlock();
        }
        else
        {
            writer.WriteLine("int max = short.MinValue;");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("if (input[x + c] > max) max = input[x + c];");
            writer.CloseBlock();
            writer.WriteLine("int sum = 0; // Q16.15");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine($"int scaled = {math}.MultiplyByQuantizedMultiplier(input[x + c] - max, {Literals.Int(layer.InputMultiplier)}, {layer.InputShift}) + 32767;");
            writer.WriteLine($"short e = {math}.LookupInt16({math}.Clamp(scaled, -32768, 32767), expLut);");
            writer.WriteLine("output[y + c] = e; // the output holds the exponentials until the sum is known, as in TFLM");
            writer.WriteLine("sum += e;");
            writer.CloseBlock();
            writer.WriteLine($"int headroomPlusOne = {math}.LeadingZeroCount((uint)sum);");
            writer.WriteLine("int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);");
            writer.WriteLine($"int reciprocal = {math}.LookupInt16({math}.Clamp(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767), reciprocalLut);");
            writer.WriteLine("int rightShift = 31 - headroomPlusOne;");
            writer.WriteLine("long round = 1L << (rightShift - 1);");
            writer.OpenBlock($"for (int c = 0; c < {d}; c++)");
            writer.WriteLine("int result = (int)(((long)output[y + c] * reciprocal + round) >> rightShift);");
            writer.WriteLine($"output[y + c] = (short){math}.Clamp(result, 0, 32767);");
            writer.CloseBlock();
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
