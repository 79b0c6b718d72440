using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting.NanoFramework;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// LOGISTIC and TANH for nanoFramework: the build-time table for int8, the class's own int16 table
/// interpolation and float exp/tanh (nanoFramework's mscorlib has neither System.MathF nor TinyModel.Runtime).
/// </summary>
internal abstract partial class LogisticTanhDefinition
{
    protected override void EmitNanoFrameworkLayer(SourceWriter writer, LogisticTanhLayer layer, NanoEmitContext context)
    {
        string function = layer.Function == SigmoidFunction.Logistic ? "Logistic" : "Tanh";
        string math = context.Helper(layer.Type switch
        {
            ElementType.Float32 => NanoHelper.FloatMath,
            ElementType.Int16 => NanoHelper.Sigmoid16,
            _ => NanoHelper.FixedPoint,
        });
        ModelSpec model = context.Model;
        WriteSummary(writer, layer, Literals.Xml(model.Value(layer.Inputs[0]).Describe()) + " → " + Literals.Xml(model.Value(layer.Outputs[0]).Describe()));
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Table is not null)
        {
            writer.WriteLine($"sbyte[] table = {context.Constant(layer.Table)};");
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        writer.WriteLine(layer.Type switch
        {
            ElementType.Float32 => $"output[outputOffset + i] = {math}.{function}(input[inputOffset + i]);",
            ElementType.Int8 => "output[outputOffset + i] = table[input[inputOffset + i] + 128];",
            _ => $"output[outputOffset + i] = {math}.{function}(input[inputOffset + i], {layer.InputMultiplier}, {layer.InputShift});",
        });
        writer.CloseBlock();
        writer.CloseBlock();
    }
}
