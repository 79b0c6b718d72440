using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalFilterBankLog (TFLM signal filter_bank_log.cc, src/filter_bank_log.cc): the fixed-point natural log of
/// each channel shifted left by <c>input_correction_bits</c>, scaled by <c>output_scale</c> / 2^16 and capped at
/// 32767; channels of 0 or 1 give 0.
/// </summary>
internal sealed class SignalFilterBankLog : SignalDefinition<SignalFilterBankLogLayer>
{
    public SignalFilterBankLog()
        : base("SignalFilterBankLog")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.UInt32 }, new[] { ElementType.Int16 }));

    public override string Notes => "options input_correction_bits, output_scale";

    protected override SignalFilterBankLogLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 1, 1) || !CheckRunTime(context, op, 0, "input")
            || SignalOptions.Read(context, op)?.Ints(("input_correction_bits", 0), ("output_scale", 1)) is not { } options)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]);
        if (!CheckRank(context, op, input, 1, "input") || !CheckRank(context, op, output, 1, "output"))
        {
            return null;
        }
        if (output.ElementCount < input.ElementCount)
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is smaller than the input {input.ShapeText}");
            return null;
        }
        return new SignalFilterBankLogLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            input.ElementCount, options[0], unchecked((uint)options[1]));
    }

    protected override void EmitLayer(SourceWriter writer, SignalFilterBankLogLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"{layer.Channels} channels: x &lt;&lt; {layer.CorrectionBits}, then Log32(x, {layer.OutputScale}) capped at 32767, or 0 for x ≤ 1 (FilterbankLog).");
        writer.OpenBlock(context.Signature(layer));
        writer.OpenBlock($"for (int i = 0; i < {layer.Channels}; i++)");
        writer.WriteLine($"uint scaled = input[i] << {layer.CorrectionBits};");
        writer.OpenBlock("if (scaled > 1)");
        writer.WriteLine($"uint log = global::TinyModel.SignalMath.Log32(scaled, {layer.OutputScale}U);");
        writer.WriteLine("output[i] = unchecked((short)(log < 32767U ? log : 32767U));");
        writer.CloseBlock();
        writer.OpenBlock("else");
        writer.WriteLine("output[i] = 0;");
        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>SignalFilterBankLog of <c>Channels</c> channels.</summary>
internal sealed record SignalFilterBankLogLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Channels, int CorrectionBits, uint OutputScale)
    : SignalLayer(NodeIndex, "SignalFilterBankLog", Inputs, Outputs);
