using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalFilterBank (TFLM signal filter_bank.cc, src/filter_bank.cc): the mel filter bank. Each channel sums
/// the uint32 energies of its band times constant int16 weights into a uint64, the band's remainder (the
/// "unweights") carrying into the next channel; channel 0 is scratch and dropped.
/// </summary>
internal sealed class SignalFilterBank : SignalDefinition<SignalFilterBankLayer>
{
    public SignalFilterBank()
        : base("SignalFilterBank")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.UInt32, ElementType.Int16, ElementType.Int16, ElementType.Int16, ElementType.Int16, ElementType.Int16 }, new[] { ElementType.UInt64 }))
        .WithInputNames("input", "weights", "unweights", "channel_frequency_starts", "channel_weight_starts", "channel_widths");

    public override string Notes => "constant weights and channel tables; option num_channels";

    protected override SignalFilterBankLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 6, 1) || !CheckRunTime(context, op, 0, "input")
            || ConstantInt16(context, op, 1, "weights") is not { } weights
            || ConstantInt16(context, op, 2, "unweights") is not { } unweights
            || ConstantInt16(context, op, 3, "channel frequency starts") is not { } frequencyStarts
            || ConstantInt16(context, op, 4, "channel weight starts") is not { } weightStarts
            || ConstantInt16(context, op, 5, "channel widths") is not { } widths
            || SignalOptions.Read(context, op)?.Int("num_channels", 0) is not int channels)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]);
        if (channels < 1 || output.ElementCount != channels || frequencyStarts.Length < channels + 1 || weightStarts.Length < channels + 1 || widths.Length < channels + 1)
        {
            context.ReportUnsupported(op, $"num_channels {channels} does not match the output {output.ShapeText} and the channel tables ({frequencyStarts.Length}, {weightStarts.Length}, {widths.Length} entries; TFLM reads num_channels + 1)");
            return null;
        }
        // TFLM indexes without checks; TinyModel refuses tables that would read outside the operands.
        for (int c = 0; c <= channels; c++)
        {
            if (widths[c] < 0 || frequencyStarts[c] < 0 || weightStarts[c] < 0
                || frequencyStarts[c] + widths[c] > input.ElementCount || weightStarts[c] + widths[c] > weights.Length || weightStarts[c] + widths[c] > unweights.Length)
            {
                context.ReportUnsupported(op, $"channel {c} (frequency start {frequencyStarts[c]}, weight start {weightStarts[c]}, width {widths[c]}) reads outside the {input.ElementCount} inputs or {weights.Length} weights");
                return null;
            }
        }
        return new SignalFilterBankLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), channels,
            AddInt16Constant(context, op, "Weights", weights, "the filter bank's weights"),
            AddInt16Constant(context, op, "Unweights", unweights, "the filter bank's unweights (1 - weight)"),
            AddInt16Constant(context, op, "FrequencyStarts", frequencyStarts, "each channel's first input bin"),
            AddInt16Constant(context, op, "WeightStarts", weightStarts, "each channel's first weight"),
            AddInt16Constant(context, op, "Widths", widths, "each channel's width in bins"));
    }

    protected override void EmitLayer(SourceWriter writer, SignalFilterBankLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"{layer.Channels} channels (+ scratch channel 0): sums of weight · energy in uint64, each band's unweighted part carried to the next channel (FilterbankAccumulateChannels).");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.FilterBankKernels.Accumulate(input, {context.Constant(layer.Weights)}, {context.Constant(layer.Unweights)},");
        writer.WriteLine($"    {context.Constant(layer.FrequencyStarts)}, {context.Constant(layer.WeightStarts)}, {context.Constant(layer.Widths)}, output);");
        writer.CloseBlock();
    }
}

/// <summary>SignalFilterBank of <c>Channels</c> channels; the names are the constants of its tables.</summary>
internal sealed record SignalFilterBankLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int Channels,
    string Weights,
    string Unweights,
    string FrequencyStarts,
    string WeightStarts,
    string Widths)
    : SignalLayer(NodeIndex, "SignalFilterBank", Inputs, Outputs);
