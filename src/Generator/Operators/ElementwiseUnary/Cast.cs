using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// CAST (TFLM cast.cc): every pair TFLM's <c>copyCast</c> accepts, inputs int8, int16, int32, uint32, float32 or
/// bool to outputs int8, int16, int32, uint32 or float32, element by element as C++'s <c>static_cast</c>:
/// integers wrap to the narrower type, floats are truncated toward zero (out of range as x86-64 does, see
/// <c>TinyModel.CastConversions</c>), bools become 0 or 1. Quantization parameters are ignored, as in TFLM.
/// </summary>
internal sealed class Cast : OperatorDefinition<CastLayer>
{
    private static readonly ElementType[] InputTypes =
        { ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.UInt32, ElementType.Float32, ElementType.Bool };

    private static readonly ElementType[] OutputTypes =
        { ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.UInt32, ElementType.Float32 };

    public Cast()
        : base(BuiltinOperator.Cast)
    {
    }

    public override TypeSupport Types { get; } =
        ConversionTypes.Of(InputTypes.SelectMany(i => OutputTypes.Select(o => (i, o))).ToArray());

    public override string Notes => "C++ static_cast semantics: integers wrap, floats truncate toward zero; quantization ignored, as in TFLM";

    protected override CastLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        return new CastLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            input.Type, output.Type, input.ElementCount);
    }

    protected override void EmitLayer(SourceWriter writer, CastLayer layer, EmitContext context)
    {
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, CAST: {ElementwiseCode.Signature(context, layer)}.");
        writer.WriteLine($"/// {Explain(layer.InputType, layer.OutputType)}");
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (Vectorized(layer.InputType, layer.OutputType) && (layer.InputType != ElementType.Bool || layer.ElementCount >= MinBoolKernelElements))
        {
            writer.WriteLine($"global::TinyModel.CastKernels.Convert<{layer.InputType.CSharpName()}, {layer.OutputType.CSharpName()}>(input, output);");
        }
        else if (layer.InputType == layer.OutputType)
        {
            // A copy: the runtime's block copy (vectorized, and safe when the output shares the input's storage).
            writer.WriteLine($"input.Slice(0, {layer.ElementCount}).CopyTo(output);");
        }
        else
        {
            writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
            writer.WriteLine($"output[i] = {Convert("input[i]", layer.InputType, layer.OutputType)};");
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>
    /// Bool layers shorter than this keep the loop: the kernel converts 16 values a step, so below that it is its own
    /// scalar tail plus a call (measured 0.9× the loop at 4 and 8 values, 3× at 16).
    /// </summary>
    private const int MinBoolKernelElements = 16;

    /// <summary>
    /// Whether <c>TinyModel.CastKernels</c> converts the pair, with the same bits as <see cref="Convert"/>: two different
    /// types among int8, int16, int32, uint32 and float32 (or bool to one of them), except uint32 ↔ float32 (conversions
    /// through 64 bits there). Copies are a block copy; bools below <see cref="MinBoolKernelElements"/> keep the loop.
    /// </summary>
    private static bool Vectorized(ElementType from, ElementType to) =>
        from != to
        && !(from == ElementType.UInt32 && to == ElementType.Float32) && !(from == ElementType.Float32 && to == ElementType.UInt32);

    /// <summary>The C# expression of <c>static_cast&lt;To&gt;(x)</c> as TFLM's x86-64 build evaluates it.</summary>
    public static string Convert(string x, ElementType from, ElementType to)
    {
        string target = to.CSharpName();
        if (from == to)
        {
            return x;
        }
        if (from == ElementType.Bool)
        {
            return to == ElementType.Float32 ? $"{x} ? 1f : 0f" : $"{x} ? ({target})1 : ({target})0";
        }
        if (from == ElementType.Float32)
        {
            return to switch
            {
                ElementType.Int32 => $"{Conversions}.FloatToInt32({x})",
                ElementType.UInt32 => $"{Conversions}.FloatToUInt32({x})",
                _ => $"unchecked(({target}){Conversions}.FloatToInt32({x}))",
            };
        }
        // Integer to float rounds to nearest, as C++ does; integer to integer keeps the low bits.
        return to == ElementType.Float32 ? $"(float){x}" : $"unchecked(({target}){x})";
    }

    private const string Conversions = "global::TinyModel.CastConversions";

    private static string Explain(ElementType from, ElementType to) => (from, to) switch
    {
        _ when from == to => "A copy (TFLM casts to the same type).",
        (ElementType.Bool, _) => "false → 0, true → 1.",
        (ElementType.Float32, _) => "Truncated toward zero; out of range or NaN as x86-64's cvttss2si (see CastConversions), as TFLM's static_cast there.",
        (_, ElementType.Float32) => "Rounded to the nearest float, as C++'s static_cast.",
        _ => "The low bits kept (two's complement wrap), as C++'s static_cast.",
    };
}

/// <summary>CAST: <c>output[i] = static_cast&lt;OutputType&gt;(input[i])</c>.</summary>
/// <param name="InputType">The input's element type.</param>
/// <param name="OutputType">The output's element type.</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
internal sealed record CastLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType InputType,
    ElementType OutputType,
    int ElementCount)
    : LayerSpec(NodeIndex, "CAST", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone; the planner shares only equal layouts.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
