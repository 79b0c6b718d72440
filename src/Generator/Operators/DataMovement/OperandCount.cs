using TinyModel.Generator.Lowering;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>The check every lowering starts with: the operator has the inputs and outputs its kernel takes.</summary>
internal static class OperandCount
{
    /// <summary>Whether the operator has <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs; reports TM0007 naming <paramref name="expected"/> when not.</summary>
    public static bool Check(LoweringContext context, TfliteOperator op, int inputs, int outputs, string expected)
    {
        if (op.Inputs.Count == inputs && op.Outputs.Count == outputs)
        {
            return true;
        }
        context.ReportUnsupported(op, $"expected {expected}, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
        return false;
    }
}
