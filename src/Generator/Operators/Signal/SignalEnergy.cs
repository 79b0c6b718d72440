using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalEnergy (TFLM signal energy.cc, src/energy.cc): the squared magnitude <c>re² + im²</c> of the complex
/// int16 bins in [start_index, end_index), as uint32. Bins outside the range are left as they are, as in TFLM.
/// </summary>
internal sealed class SignalEnergy : SignalDefinition<SignalEnergyLayer>
{
    public SignalEnergy()
        : base("SignalEnergy")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Int16 }, new[] { ElementType.UInt32 }));

    public override string Notes => "options start_index, end_index (bins outside are not written, as in TFLM)";

    protected override SignalEnergyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 1, 1) || !CheckRunTime(context, op, 0, "input")
            || SignalOptions.Read(context, op)?.Ints(("end_index", 0), ("start_index", 1)) is not { } range)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]);
        int end = range[0], start = range[1];
        if (!CheckRank(context, op, input, 1, "input") || !CheckRank(context, op, output, 1, "output"))
        {
            return null;
        }
        if (start < 0 || end < start || end > output.ElementCount || 2 * end > input.ElementCount)
        {
            context.ReportUnsupported(op, $"bins [{start}, {end}) do not lie within the {input.ElementCount / 2} complex inputs and {output.ElementCount} outputs");
            return null;
        }
        return new SignalEnergyLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), start, end);
    }

    protected override void EmitLayer(SourceWriter writer, SignalEnergyLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"Bins [{layer.Start}, {layer.End}): re² + im² in int32, stored as uint32 (SpectrumToEnergy); the other bins are not written.");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.SignalKernels.Energy(input, {layer.Start}, {layer.End}, output);");
        writer.CloseBlock();
    }
}

/// <summary>SignalEnergy over the bins [Start, End).</summary>
internal sealed record SignalEnergyLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Start, int End)
    : SignalLayer(NodeIndex, "SignalEnergy", Inputs, Outputs);
