using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalFftAutoScale (TFLM signal fft_auto_scale_kernel.cc, src/fft_auto_scale.cc): shifts the int16 input
/// left as far as its largest magnitude allows, and outputs the shift (int32 scalar) for the square root that
/// undoes it.
/// </summary>
internal sealed class SignalFftAutoScale : SignalDefinition<SignalFftAutoScaleLayer>
{
    public SignalFftAutoScale()
        : base("SignalFftAutoScale")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Int16 }, new[] { ElementType.Int16, ElementType.Int32 }));

    public override string Notes => "outputs the scaled signal and its shift";

    protected override SignalFftAutoScaleLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 1, 2) || !CheckRunTime(context, op, 0, "input"))
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]), scaleBits = context.Value(op.Outputs[1]);
        // TFLM scales output->dims->data[0] elements: the first dimension, not the flat size.
        int count = output.Shape.Count > 0 ? output.Shape[0] : 1;
        if (count > input.ElementCount || count > output.ElementCount || scaleBits.ElementCount != 1)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText}, output {output.ShapeText} and shift {scaleBits.ShapeText} do not fit TFLM's kernel (it scales the output's first dimension and writes one int32 shift)");
            return null;
        }
        return new SignalFftAutoScaleLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id, scaleBits.Id }.ToEquatableArray(), count);
    }

    protected override void EmitLayer(SourceWriter writer, SignalFftAutoScaleLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"The largest magnitude of the {layer.Count} samples (MaxAbs16, -32768 counting as itself) gives the free headroom, 16 - msb - 1 bits (at least 0);",
            "the samples are multiplied by 2^headroom and the headroom is output 1 (FftAutoScale).");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"output1[0] = global::TinyModel.SignalKernels.FftAutoScale(input.Slice(0, {layer.Count}), output.Slice(0, {layer.Count}));");
        writer.CloseBlock();
    }
}

/// <summary>SignalFftAutoScale: output 0 the scaled samples, output 1 the shift applied.</summary>
/// <param name="Count">Samples scaled (the output's first dimension, as TFLM reads it).</param>
internal sealed record SignalFftAutoScaleLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Count)
    : SignalLayer(NodeIndex, "SignalFftAutoScale", Inputs, Outputs);
