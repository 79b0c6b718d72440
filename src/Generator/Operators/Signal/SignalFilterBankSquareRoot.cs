using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalFilterBankSquareRoot (TFLM signal filter_bank_square_root.cc): the rounded integer square root of each
/// uint64 channel (<c>Sqrt64</c>), shifted right by the run-time scale bits of SignalFftAutoScale.
/// </summary>
internal sealed class SignalFilterBankSquareRoot : SignalDefinition<SignalFilterBankSquareRootLayer>
{
    public SignalFilterBankSquareRoot()
        : base("SignalFilterBankSquareRoot")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.UInt64, ElementType.Int32 }, new[] { ElementType.UInt32 }))
        .WithInputNames("input", "scale_bits");

    public override string Notes => "scale bits computed at run time";

    protected override SignalFilterBankSquareRootLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 2, 1) || !CheckRunTime(context, op, 0, "input") || !CheckRunTime(context, op, 1, "scale bits"))
        {
            return null;
        }
        ValueSpec input = context.Value(op.Inputs[0]), scaleBits = context.Value(op.Inputs[1]), output = context.Value(op.Outputs[0]);
        if (!CheckRank(context, op, input, 1, "input") || !CheckRank(context, op, scaleBits, 0, "scale bits"))
        {
            return null;
        }
        if (output.ElementCount != input.ElementCount)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and output {output.ShapeText} have different channel counts");
            return null;
        }
        return new SignalFilterBankSquareRootLayer(op.Index, new[] { input.Id, scaleBits.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), input.ElementCount);
    }

    protected override void EmitLayer(SourceWriter writer, SignalFilterBankSquareRootLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context, $"{layer.Channels} channels: Sqrt64(x) &gt;&gt; scale bits (FilterbankSqrt).");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine("int scaleBits = input1[0];");
        writer.OpenBlock($"for (int i = 0; i < {layer.Channels}; i++)");
        writer.WriteLine("output[i] = global::TinyModel.SignalMath.Sqrt64(input[i]) >> scaleBits;");
        writer.CloseBlock();
        writer.CloseBlock();
    }
}

/// <summary>SignalFilterBankSquareRoot of <c>Channels</c> channels.</summary>
internal sealed record SignalFilterBankSquareRootLayer(int NodeIndex, EquatableArray<int> Inputs, EquatableArray<int> Outputs, int Channels)
    : SignalLayer(NodeIndex, "SignalFilterBankSquareRoot", Inputs, Outputs);
