using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// LOGISTIC and TANH (TFLM logistic.cc/logistic_common.cc, tanh.cc): float32; int8 with TFLM's fixed-point
/// kernel, evaluated at build time into a table of the 256 possible outputs; int16 with zero points 0 and
/// an output scale of 2^-15, using TFLM's interpolated lookup in <c>sigmoid_table_uint16</c>. The two share
/// a layer and a kernel writer: TFLM's float formulas, a table lookup for int8, its interpolated sigmoid
/// table for int16.
/// </summary>
internal abstract partial class LogisticTanhDefinition : OperatorDefinition<LogisticTanhLayer>
{
    private const string MathF = "global::System.MathF";

    private readonly SigmoidFunction _function;

    protected LogisticTanhDefinition(int code, SigmoidFunction function)
        : base(code)
    {
        _function = function;
    }

    public override TypeSupport Types { get; } = TypeSupport.SameType(ElementType.Float32, ElementType.Int8, ElementType.Int16);

    protected override LogisticTanhLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (UnaryOperands.Get(context, op) is not var (input, output))
        {
            return null;
        }
        var inputs = new[] { input.Id }.ToEquatableArray();
        var outputs = new[] { output.Id }.ToEquatableArray();
        if (input.Type == ElementType.Float32)
        {
            return new LogisticTanhLayer(op.Index, inputs, outputs, _function, ElementType.Float32, input.ElementCount, null, 0, 0);
        }
        if (input.Quantization is not QuantizationSpec qi || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, $"a {input.Type.ModelName()} {Name} needs quantization parameters on its input and output");
            return null;
        }

        if (input.Type == ElementType.Int8)
        {
            if (_function == SigmoidFunction.Logistic && qo.ZeroPoint != -128)
            {
                context.ReportUnsupported(op, $"the output zero point is {qo.ZeroPoint}; TFLM's int8 LOGISTIC requires -128");
                return null;
            }
            (int multiplier, int leftShift, int radius) = GemmlowpMath.Int8InputRescaling(qi.Scale);
            if (leftShift < 0)
            {
                context.ReportUnsupported(op, $"the input scale {qi.Scale:R} is too small for TFLM's int8 {Name} (below 2^-28)");
                return null;
            }
            sbyte[] table = Int8Table(_function, qi.ZeroPoint, multiplier, leftShift, radius);
            string tableName = context.AddConstant($"Layer{op.Index}Table", ElementType.Int8, ConstantData.ToBytes(table),
                $"{Name} of every int8 input (index: input + 128), computed with TFLM's fixed-point kernel: input zero point {qi.ZeroPoint}, multiplier {multiplier} · 2^{leftShift - 31}, radius {radius}");
            return new LogisticTanhLayer(op.Index, inputs, outputs, _function, ElementType.Int8, input.ElementCount, tableName, multiplier, leftShift);
        }

        // int16: TFLM's Prepare accepts only symmetric tensors and an output scale of 2^-15.
        if (qi.ZeroPoint != 0 || qo.ZeroPoint != 0)
        {
            context.ReportUnsupported(op, $"the zero points are {qi.ZeroPoint} (input) and {qo.ZeroPoint} (output); TFLM's int16 {Name} requires 0 for both");
            return null;
        }
        if (!GemmlowpMath.CheckedLog2(qo.Scale, out int outputLog2) || outputLog2 != -15)
        {
            context.ReportUnsupported(op, $"the output scale is {qo.Scale:R}; TFLM's int16 {Name} requires 2^-15");
            return null;
        }
        (int inputMultiplier, int inputShift) = Int16InputRescaling(_function, qi.Scale);
        return new LogisticTanhLayer(op.Index, inputs, outputs, _function, ElementType.Int16, input.ElementCount, null, inputMultiplier, inputShift);
    }

    /// <summary>TFLM's float formulas, a lookup in the build-time table for int8, TFLM's interpolated sigmoid table for int16.</summary>
    protected override void EmitLayer(SourceWriter writer, LogisticTanhLayer layer, EmitContext context)
    {
        bool logistic = layer.Function == SigmoidFunction.Logistic;
        WriteSummary(writer, layer, ElementwiseCode.Signature(context, layer));
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        if (layer.Type == ElementType.Int8)
        {
            ElementwiseCode.WriteTableLookup(writer, context, layer.Table!);
            writer.CloseBlock();
            return;
        }
        if (layer.Table is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> table = {context.Constant(layer.Table)};");
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        switch (layer.Type)
        {
            case ElementType.Float32 when logistic:
                writer.WriteLine("float x = input[i];");
                writer.WriteLine($"output[i] = x > 16.619047164916992188f ? 1f : x < -9f ? {MathF}.Exp(x) : 1f / (1f + {MathF}.Exp(-x));");
                break;
            case ElementType.Float32:
                writer.WriteLine($"output[i] = {MathF}.Tanh(input[i]);");
                break;
            default:
                WriteInt16(writer, layer, logistic);
                break;
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>The layer method's summary, both flavors, without the closing tag.</summary>
    private static void WriteSummary(SourceWriter writer, LogisticTanhLayer layer, string signature)
    {
        bool logistic = layer.Function == SigmoidFunction.Logistic;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName}: {signature}.");
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine(logistic
                    ? "/// <c>1 / (1 + exp(-x))</c>, with TFLM's cut-offs: 1 above 16.619047, exp(x) below -9."
                    : "/// <c>tanh(x)</c>, elementwise.");
                break;
            case ElementType.Int8:
                writer.WriteLine("/// A lookup in a table of the 256 possible outputs, which the generator computed with TFLM's fixed-point");
                writer.WriteLine($"/// int8 kernel (input rescaled by {layer.InputMultiplier} · 2^{layer.InputShift - 31} into Q4.27, gemmlowp's {(logistic ? "logistic" : "tanh")}).");
                break;
            default:
                writer.WriteLine($"/// TFLM's int16 kernel: the input is rescaled by {layer.InputMultiplier} · 2^-{layer.InputShift}, then {(logistic ? "sigmoid" : "tanh")} is interpolated");
                writer.WriteLine("/// linearly in TFLite's 256-entry sigmoid table (tanh(x) = 2 · sigmoid(2x) - 1); the result is in Q0.15.");
                break;
        }
    }

    /// <summary>
    /// TFLM's int16 Prepare: a power-of-two input scale of 2^-12 (LOGISTIC) or 2^-12 or 2^-11 (TANH) keeps
    /// the multiplier 3 · 2^shift with no shift; any other scale gets <c>scale · 3 · 4096</c> doubled until
    /// it exceeds 32767/2, truncated to an integer, with as many right shifts.
    /// </summary>
    private static (int Multiplier, int Shift) Int16InputRescaling(SigmoidFunction function, float inputScale)
    {
        const int inputIntegerBits = 3;
        bool powerOfTwo = GemmlowpMath.CheckedLog2(inputScale, out int inputLog2);
        int leftShift = 15 - inputIntegerBits + inputLog2;
        powerOfTwo &= function == SigmoidFunction.Logistic ? leftShift == 0 : leftShift is 0 or 1;
        if (powerOfTwo)
        {
            // Eval's power-of-two case: multiplier 3 << input_left_shift, no shift.
            return (3 << leftShift, 0);
        }
        double multiplier = inputScale * 4096.0 * 3.0;
        int shift = 0;
        while (multiplier <= 32767.0 / 2.0 && shift <= 30)
        {
            shift++;
            multiplier *= 2.0;
        }
        return (unchecked((int)multiplier), shift);
    }

    /// <summary>TFLM's int8 kernel (reference_integer_ops::Logistic / Tanh) on each of the 256 inputs.</summary>
    private static sbyte[] Int8Table(SigmoidFunction function, int inputZeroPoint, int multiplier, int leftShift, int radius)
    {
        var table = new sbyte[256];
        for (int q = -128; q <= 127; q++)
        {
            int input = q - inputZeroPoint;
            int output;
            if (input <= -radius)
            {
                output = sbyte.MinValue;
            }
            else if (input >= radius)
            {
                output = sbyte.MaxValue;
            }
            else
            {
                // MultiplyByQuantizedMultiplier with a left shift: shift, then a rounding doubling high multiply.
                int inputInQ4 = FixedPoint.SaturatingRoundingDoublingHighMul(unchecked(input * (1 << leftShift)), multiplier);
                if (function == SigmoidFunction.Logistic)
                {
                    int outputInQ0 = GemmlowpMath.Logistic(inputInQ4, 4);
                    output = System.Math.Min(System.Math.Max(FixedPoint.RoundingDivideByPOT(outputInQ0, 31 - 8) - 128, sbyte.MinValue), sbyte.MaxValue);
                }
                else
                {
                    int outputInQ0 = GemmlowpMath.Tanh(inputInQ4, 4);
                    output = System.Math.Min(System.Math.Max(FixedPoint.RoundingDivideByPOT(outputInQ0, 31 - 7), sbyte.MinValue), sbyte.MaxValue);
                }
            }
            table[q + 128] = (sbyte)output;
        }
        return table;
    }

    /// <summary>TFLM's reference_integer_ops::Logistic / Tanh for int16, shared with the LSTM kernels, with the rescaling constants folded in.</summary>
    private static void WriteInt16(SourceWriter writer, LogisticTanhLayer layer, bool logistic) =>
        writer.WriteLine($"output[i] = global::TinyModel.ActivationMath.{(logistic ? "Logistic" : "Tanh")}(input[i], {layer.InputMultiplier}, {layer.InputShift});");
}

/// <summary>LOGISTIC: <c>1 / (1 + exp(-x))</c>; TFLM's int8 kernel requires an output zero point of -128.</summary>
internal sealed class Logistic : LogisticTanhDefinition
{
    public Logistic()
        : base(BuiltinOperator.Logistic, SigmoidFunction.Logistic)
    {
    }

    public override string Notes => "int8 with output zero point -128; int16 with zero points 0 and output scale 2^-15";
}

/// <summary>TANH: <c>tanh(x)</c>.</summary>
internal sealed class Tanh : LogisticTanhDefinition
{
    public Tanh()
        : base(BuiltinOperator.Tanh, SigmoidFunction.Tanh)
    {
    }

    public override string Notes => "int16 with zero points 0 and output scale 2^-15";
}

/// <summary>Which of the two sigmoid-shaped functions a <see cref="LogisticTanhLayer"/> computes.</summary>
internal enum SigmoidFunction
{
    /// <summary>LOGISTIC: <c>1 / (1 + exp(-x))</c>.</summary>
    Logistic,
    /// <summary>TANH: <c>tanh(x)</c>.</summary>
    Tanh,
}

/// <summary>
/// LOGISTIC or TANH, computed the way TFLM's reference kernels do for each type: float32 with the float
/// formula; int8 through a 256-entry table that the generator filled by running TFLM's fixed-point
/// kernel (gemmlowp's logistic/tanh) on every possible input; int16 with TFLM's interpolation in
/// <c>sigmoid_table_uint16</c>, after rescaling the input by <see cref="InputMultiplier"/> and
/// <see cref="InputShift"/>.
/// </summary>
/// <param name="Type">float32, int8 or int16 (input and output alike).</param>
/// <param name="ElementCount">Elements of the input and of the output.</param>
/// <param name="Table">int8: the constant of 256 outputs indexed by input + 128; int16: the sigmoid table constant.</param>
/// <param name="InputMultiplier">int16: the integer input multiplier (3 · 2^k for power-of-two scales).</param>
/// <param name="InputShift">int16: the rounding right shift after multiplying.</param>
internal sealed record LogisticTanhLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    SigmoidFunction Function,
    ElementType Type,
    int ElementCount,
    string? Table,
    int InputMultiplier,
    int InputShift)
    : LayerSpec(NodeIndex, Function == SigmoidFunction.Logistic ? "LOGISTIC" : "TANH", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Element <c>i</c> of the output depends on element <c>i</c> of the input alone, read first.</remarks>
    public override EquatableArray<int> InPlaceInputs => ElementwiseInPlace.FirstInput;
}
