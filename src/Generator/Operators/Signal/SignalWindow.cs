using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalWindow (TFLM signal window.cc, src/window.cc): each frame of the int16 input times the constant int16
/// window, shifted right by the <c>shift</c> option and saturated to int16.
/// </summary>
internal sealed class SignalWindow : SignalDefinition<SignalWindowLayer>
{
    public SignalWindow()
        : base("SignalWindow")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Int16, ElementType.Int16 }, new[] { ElementType.Int16 }))
        .WithInputNames("input", "weights");

    public override string Notes => "constant window weights; option shift";

    protected override SignalWindowLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 2, 1) || !CheckRunTime(context, op, 0, "input")
            || ConstantInt16(context, op, 1, "window weights") is not { } weights || SignalOptions.Read(context, op)?.Int("shift", 0) is not int shift)
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]);
        if (weights.Length == 0 || input.ElementCount % weights.Length != 0 || output.ElementCount != input.ElementCount)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} is not a whole number of {weights.Length}-sample frames the size of the output {output.ShapeText}");
            return null;
        }
        string name = AddInt16Constant(context, op, "Window", weights, $"the window, {weights.Length} int16 weights");
        return new SignalWindowLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            name, weights.Length, input.ElementCount, shift);
    }

    protected override void EmitLayer(SourceWriter writer, SignalWindowLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"Each {layer.WindowLength}-sample frame times the window, in int32, shifted right by {layer.Shift} and saturated to int16 (ApplyWindow).");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"global::TinyModel.SignalKernels.ApplyWindow(input, {context.Constant(layer.Window)}, {layer.Shift}, output);");
        writer.CloseBlock();
    }
}

/// <summary>SignalWindow: <c>output = saturate((input · window) &gt;&gt; Shift)</c>, frame by frame.</summary>
/// <param name="Window">The constant holding the weights.</param>
/// <param name="WindowLength">Samples per frame (the weights' length).</param>
/// <param name="ElementCount">Samples of the input and of the output.</param>
/// <param name="Shift">The right shift after the product.</param>
internal sealed record SignalWindowLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    string Window,
    int WindowLength,
    int ElementCount,
    int Shift)
    : SignalLayer(NodeIndex, "SignalWindow", Inputs, Outputs);
