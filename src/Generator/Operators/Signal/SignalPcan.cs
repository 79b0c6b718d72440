using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalPCAN (TFLM signal pcan.cc, src/pcan_argc_fixed.cc): per-channel energy normalization. Each channel is
/// multiplied by a gain looked up from its noise estimate in a constant table, shifted by <c>snr_shift</c> and
/// compressed (x²/4 below 2, x - 1 above).
/// </summary>
internal sealed class SignalPcan : SignalDefinition<SignalPcanLayer>
{
    public SignalPcan()
        : base("SignalPCAN")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.UInt32, ElementType.UInt32, ElementType.Int16 }, new[] { ElementType.UInt32 }))
        .WithInputNames("input", "noise_estimate", "gain_lut");

    public override string Notes => "constant gain table; option snr_shift";

    protected override SignalPcanLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 3, 1) || !CheckRunTime(context, op, 0, "input") || !CheckRunTime(context, op, 1, "noise estimate")
            || ConstantInt16(context, op, 2, "gain table") is not { } lut || SignalOptions.Read(context, op)?.Int("snr_shift", 0) is not int snrShift)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), noise = context.Value(op.Inputs[1]), output = context.Value(op.Outputs[0]);
        if (input.ElementCount < 1 || noise.ElementCount != input.ElementCount || output.ElementCount != input.ElementCount)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText}, noise estimate {noise.ShapeText} and output {output.ShapeText} must have the same element count, as TFLM requires");
            return null;
        }
        // WideDynamicFunction reads lut[4·msb - 6 .. + 2] for noise estimates above 2: msb is at most 32.
        if (lut.Length < 4 * 32 - 6 + 3)
        {
            context.ReportUnsupported(op, $"the gain table has {lut.Length} entries; TFLM's lookup reads up to {4 * 32 - 6 + 3}");
            return null;
        }
        string table = AddInt16Constant(context, op, "GainLut", lut, "PCAN's gain table: three coefficients per power of two");
        return new SignalPcanLayer(op.Index, new[] { input.Id, noise.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), input.ElementCount, table, snrShift);
    }

    protected override void EmitLayer(SourceWriter writer, SignalPcanLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"{layer.Channels} channels: gain = WideDynamicFunction(noise estimate), snr = (x · gain) &gt;&gt; {layer.SnrShift} in uint64, output PcanShrink(snr).");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.SignalKernels.Pcan(input, input1, {context.Constant(layer.GainLut)}, {layer.SnrShift}, output);");
        writer.CloseBlock();
    }
}

/// <summary>SignalPCAN of <c>Channels</c> channels with the gain table <c>GainLut</c>.</summary>
internal sealed record SignalPcanLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Channels, string GainLut, int SnrShift)
    : SignalLayer(NodeIndex, "SignalPCAN", Inputs, Outputs);
