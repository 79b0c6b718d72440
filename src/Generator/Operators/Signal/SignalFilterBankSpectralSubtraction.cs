using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalFilterBankSpectralSubtraction (TFLM signal filter_bank_spectral_subtraction.cc): subtracts a running
/// noise estimate from each channel, never below <c>min_signal_remaining</c> of the signal. The estimate is
/// state: TFLM keeps it in a persistent buffer across Invokes (zeroed at Prepare and on Reset); here it is a
/// state value of the instance, zeroed by the constructor and <c>ResetState</c>. Output 1 is a copy of it.
/// </summary>
internal sealed class SignalFilterBankSpectralSubtraction : SignalDefinition<SignalSpectralSubtractionLayer>
{
    public SignalFilterBankSpectralSubtraction()
        : base("SignalFilterBankSpectralSubtraction")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.UInt32 }, new[] { ElementType.UInt32, ElementType.UInt32 }));

    public override string Notes => "stateful (the noise estimate persists across calls; ResetState clears it); output 1 is the estimate";

    protected override SignalSpectralSubtractionLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 1, 2) || !CheckRunTime(context, op, 0, "input")
            || SignalOptions.Read(context, op)?.Ints(
                ("alternate_one_minus_smoothing", 0), ("alternate_smoothing", 1), ("clamping", 2), ("min_signal_remaining", 3),
                ("num_channels", 4), ("one_minus_smoothing", 5), ("smoothing", 6), ("smoothing_bits", 7), ("spectral_subtraction_bits", 8)) is not { } o)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]), estimate = context.Value(op.Outputs[1]);
        int channels = o[4];
        if (channels < 1 || input.ElementCount < channels || output.ElementCount < channels || estimate.ElementCount != channels)
        {
            context.ReportUnsupported(op, $"num_channels {channels} does not fit the input {input.ShapeText}, output {output.ShapeText} and noise estimate {estimate.ShapeText}");
            return null;
        }
        ValueSpec state = context.StateValue($"{context.Tensor(op.Outputs[1]).Name} (state)", ElementType.UInt32, new[] { channels });
        var config = new SpectralSubtractionConfig(unchecked((uint)o[6]), unchecked((uint)o[5]), unchecked((uint)o[1]), unchecked((uint)o[0]),
            unchecked((uint)o[3]), o[7], o[8], o[2] != 0);
        return new SignalSpectralSubtractionLayer(op.Index, new[] { input.Id, state.Id }.ToEquatableArray(), new[] { output.Id, estimate.Id }.ToEquatableArray(),
            channels, config);
    }

    protected override void EmitLayer(SourceWriter writer, SignalSpectralSubtractionLayer layer, EmitContext context)
    {
        SpectralSubtractionConfig c = layer.Config;
        WriteSummary(writer, layer, context,
            $"{layer.Channels} channels; the noise estimate (input 1, state) is smoothed toward the signal scaled up by {c.SmoothingBits} bits with {c.Smoothing}/{c.OneMinusSmoothing}",
            $"(odd channels {c.AlternateSmoothing}/{c.AlternateOneMinusSmoothing}) over 2^{c.SpectralSubtractionBits}{(c.Clamping ? ", clamped to the signal" : "")}; the output is the signal minus the estimate,",
            $"at least {c.MinSignalRemaining}/2^{c.SpectralSubtractionBits} of the signal (FilterbankSpectralSubtraction). Output 1 is the estimate.");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.SignalKernels.SpectralSubtraction({Prefix("input", layer.Channels, context.Model.Value(layer.Inputs[0]))}, input1, {Prefix("output", layer.Channels, context.Model.Value(layer.Outputs[0]))},");
        writer.WriteLine($"    {c.Smoothing}u, {c.OneMinusSmoothing}u, {c.AlternateSmoothing}u, {c.AlternateOneMinusSmoothing}u, {c.MinSignalRemaining}u, {c.SmoothingBits}, {c.SpectralSubtractionBits}, {(c.Clamping ? "true" : "false")});");
        writer.WriteLine("input1.CopyTo(output1);");
        writer.CloseBlock();
    }

    /// <summary>A span's first <paramref name="channels"/> values, or the span itself when it holds no more.</summary>
    private static string Prefix(string span, int channels, ValueSpec value) =>
        value.ElementCount == channels ? span : $"{span}.Slice(0, {channels})";
}

/// <summary>The spectral subtraction parameters, as TFLM's <c>SpectralSubtractionConfig</c> holds them.</summary>
internal sealed record SpectralSubtractionConfig(
    uint Smoothing,
    uint OneMinusSmoothing,
    uint AlternateSmoothing,
    uint AlternateOneMinusSmoothing,
    uint MinSignalRemaining,
    int SmoothingBits,
    int SpectralSubtractionBits,
    bool Clamping);

/// <summary>SignalFilterBankSpectralSubtraction: inputs the signal and the state (the noise estimate), outputs the result and the estimate.</summary>
internal sealed record SignalSpectralSubtractionLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int Channels,
    SpectralSubtractionConfig Config)
    : SignalLayer(NodeIndex, "SignalFilterBankSpectralSubtraction", Inputs, Outputs);
