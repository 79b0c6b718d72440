using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.Elementwise;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// ADD and SUB (TFLM add.cc/add_common.cc, sub.cc/sub_common.cc): float32; int32 without quantization;
/// int8 and int16 with TFLM's general rescaling; NumPy broadcasting over at most 6 dimensions; any input
/// may be constant. TFLM's int16 kernels use the general rescaling whatever <c>pot_scale_int16</c> says
/// (its power-of-two path belongs to TFLite's own kernels), and so does TinyModel. The two share a layer
/// and a kernel writer.
/// </summary>
internal abstract partial class AddSubDefinition : OperatorDefinition<AddSubLayer>
{
    private const int OptionActivation = 0;

    /// <summary>Quantized constant inputs up to this many elements are stored rescaled, as int32; larger ones as they are.</summary>
    private const int MaxPrescaledElements = 16384;

    private readonly BinaryOperation _operation;

    protected AddSubDefinition(int code, BinaryOperation operation)
        : base(code)
    {
        _operation = operation;
    }

    /// <summary>All three operands of one type.</summary>
    public override TypeSupport Types { get; } = BinaryTypes.Same(ElementType.Float32, ElementType.Int32, ElementType.Int8, ElementType.Int16);

    public override string Notes =>
        "int32 without quantization; int8 and int16 with TFLM's general rescaling; NumPy broadcasting up to 6 dimensions; constant inputs; fused ReLU/ReLU6/ReLU-N1-to-1";

    protected override AddSubLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (BinaryOperands.Get(context, op) is not { } operands)
        {
            return null;
        }
        int leftIndex = operands.Left, rightIndex = operands.Right, outputIndex = operands.Output.Id;
        BroadcastPlan plan = operands.Plan;
        ValueSpec output = operands.Output;

        var activation = (FusedActivation)(op.BuiltinOptions?.GetByte(OptionActivation) ?? 0);
        if (!context.CheckClampActivation(op, activation))
        {
            return null;
        }

        AddSubRequantization? requantization = null;
        ActivationRange range;
        switch (output.Type)
        {
            case ElementType.Float32:
                range = QuantizationMath.ActivationRange(activation, ElementType.Float32, null);
                break;
            case ElementType.Int32:
                if (context.QuantizationOf(leftIndex) is not null || context.QuantizationOf(rightIndex) is not null)
                {
                    context.ReportUnsupported(op, "quantized int32 inputs are not supported; TFLM computes int32 ADD and SUB without quantization");
                    return null;
                }
                range = Int32Range(activation, _operation);
                break;
            default:
                QuantizationSpec? q1 = context.QuantizationOf(leftIndex), q2 = context.QuantizationOf(rightIndex);
                if (q1 is null || q2 is null || output.Quantization is null)
                {
                    context.ReportUnsupported(op, $"a {output.Type.ModelName()} {Name} needs quantization parameters on both inputs and the output");
                    return null;
                }
                requantization = Requantization(_operation, output.Type, q1, q2, output.Quantization);
                if (requantization.Input1Shift > 0 || requantization.Input2Shift > 0 || requantization.OutputShift > 0)
                {
                    context.ReportUnsupported(op, $"the output scale {output.Quantization.Scale:R} is too small for the input scales {q1.Scale:R} and {q2.Scale:R}: TFLM's rescaling needs multipliers below one");
                    return null;
                }
                range = QuantizationMath.ActivationRange(activation, output.Type, output.Quantization);
                break;
        }

        string prefix = $"Layer{op.Index}";
        var runTimeInputs = new List<int>();
        // Two run-time inputs of the output's shape go to AddSubKernels whole; only other layers look up rescaled int8 inputs in tables.
        bool whole = RunsAsKernel(output.Type, plan.Dims, plan.LeftStrides, plan.RightStrides, context.IsConstant(leftIndex) || context.IsConstant(rightIndex));
        // Runs that go to QuantizedBinaryKernels read every input as stored: no tables, constants not rescaled.
        bool raw = RunsAsQuantizedKernel(output.Type, plan.Dims, plan.LeftStrides, plan.RightStrides, requantization, whole);
        bool tables = !whole && !raw;
        ElementwiseOperand leftOperand = Operand(context, leftIndex, plan.LeftStrides, output.Type, requantization, 1, prefix + "Input1", runTimeInputs, tables, raw);
        ElementwiseOperand rightOperand = Operand(context, rightIndex, plan.RightStrides, output.Type, requantization, 2, prefix + "Input2", runTimeInputs, tables, raw);

        return new AddSubLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { outputIndex }.ToEquatableArray(), _operation, output.Type,
            plan.Dims.ToEquatableArray(), leftOperand, rightOperand, requantization, range);
    }

    /// <summary>
    /// Inputs of the output's shape are read in one flat loop; broadcast inputs are walked with nested loops
    /// over the merged dimensions, with constant bounds and strides, and an input that is repeated along the
    /// innermost dimension is read (and rescaled) once per row.
    /// </summary>
    protected override void EmitLayer(SourceWriter writer, AddSubLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        bool kernel = RunsAsKernel(layer);
        if (kernel && layer.Requantization is AddSubRequantization r)
        {
            WriteQuantizationField(writer, layer, r);
        }
        WriteDocumentation(writer, layer, context, output);
        writer.OpenBlock(context.Signature(layer));
        if (layer.ElementCount == 0)
        {
            writer.CloseBlock();
            return;
        }

        if (kernel)
        {
            WriteKernelCall(writer, layer);
            writer.CloseBlock();
            return;
        }

        var operands = new[] { (Operand: layer.Left, Name: "x"), (Operand: layer.Right, Name: "y") };
        string valueType = layer.Requantization is not null ? "int" : layer.Type.CSharpName();
        foreach ((ElementwiseOperand operand, string name) in operands)
        {
            if (operand.Constant is not null)
            {
                string elementType = operand.Prescaled ? "int" : layer.Type.CSharpName();
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<{elementType}> {name}Constant = {context.Constant(operand.Constant)};");
            }
            if (operand.RescaleTable is not null)
            {
                writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> {name}Rescaled = {context.Constant(operand.RescaleTable)};");
            }
        }

        // float32 and int32 (inputs read as stored): runs of the innermost dimension go to the vector kernels.
        if (layer.Requantization is null
            && BinaryKernel.Clamped(layer.Type, BinaryKernel.Generic(layer.Operation == BinaryOperation.Add ? "Add" : "Subtract", layer.Type), layer.Activation) is { } runs
            && runs.Fits(layer))
        {
            runs.WriteRuns(writer, layer);
            writer.CloseBlock();
            return;
        }

        // int16, and int8 with a repeated or constant input: runs of the innermost dimension go to QuantizedBinaryKernels.
        if (layer.Requantization is AddSubRequantization q
            && RunsAsQuantizedKernel(layer.Type, layer.Dims.ToArray(), layer.Left.Strides.ToArray(), layer.Right.Strides.ToArray(), q, wholeKernel: false)
            && QuantizedKernel(layer, q) is { } quantizedRuns)
        {
            quantizedRuns.WriteRuns(writer, layer);
            writer.CloseBlock();
            return;
        }

        BroadcastLoop.Write(writer, layer.Dims, operands, valueType,
            (k, index) => Read(layer, operands[k].Operand, k + 1, operands[k].Name, index, context),
            // A rescaled input gets a statement of its own, as in TFLM's kernel.
            k => !operands[k].Operand.Prescaled && operands[k].Operand.Literal is null && layer.Requantization is not null ? "int" : null,
            (values, outputIndex) => WriteElement(writer, layer, values[0], values[1], outputIndex));
        writer.CloseBlock();
    }

    /// <summary>
    /// Whether the layer runs as one call of <c>AddSubKernels</c>: float32 or int8, two run-time inputs of the
    /// output's shape (one merged dimension, stride 1 for both), and shifts the kernel takes.
    /// </summary>
    private static bool RunsAsKernel(AddSubLayer layer) =>
        layer.Left.IsRunTime && layer.Right.IsRunTime
        && RunsAsKernel(layer.Type, layer.Dims.ToArray(), layer.Left.Strides.ToArray(), layer.Right.Strides.ToArray(), anyConstant: false);

    private static bool RunsAsKernel(ElementType type, int[] dims, int[] leftStrides, int[] rightStrides, bool anyConstant) =>
        !anyConstant && (type == ElementType.Float32 || type == ElementType.Int8)
        && dims.Length == 1 && leftStrides[0] == 1 && rightStrides[0] == 1;

    /// <summary>
    /// Whether an int8 or int16 layer that <see cref="RunsAsKernel(AddSubLayer)"/> does not take runs as calls of
    /// <c>QuantizedBinaryKernels</c>: an innermost dimension of at least <see cref="BinaryKernel.MinRun"/> elements
    /// that one input reads with stride 1 and the other with stride 1 or 0, and shifts the kernels take.
    /// </summary>
    private static bool RunsAsQuantizedKernel(ElementType type, int[] dims, int[] leftStrides, int[] rightStrides, AddSubRequantization? r, bool wholeKernel)
    {
        int last = dims.Length - 1;
        return !wholeKernel && r is not null && type is ElementType.Int8 or ElementType.Int16
            && new[] { r.Input1Shift, r.Input2Shift, r.OutputShift }.All(s => s is >= -31 and <= 0)
            && dims[last] >= BinaryKernel.MinRun
            && leftStrides[last] is 0 or 1 && rightStrides[last] is 0 or 1 && (leftStrides[last] == 1 || rightStrides[last] == 1);
    }

    /// <summary>The <c>QuantizedBinaryKernels</c> call with the layer's <c>AddSubOperation</c>.</summary>
    private static BinaryKernel? QuantizedKernel(AddSubLayer layer, AddSubRequantization r) =>
        BinaryKernel.Quantized(
            $"AddSubOperation<global::TinyModel.BinaryOperations.{(layer.Operation == BinaryOperation.Add ? "Add" : "Subtract")}<int>>",
            new[] { r.LeftShift, r.Input1Offset, r.Input1Multiplier, r.Input1Shift, r.Input2Offset, r.Input2Multiplier, r.Input2Shift, r.OutputOffset, r.OutputMultiplier, r.OutputShift, layer.Activation.QuantizedMin, layer.Activation.QuantizedMax },
            new[] { r.Input1Shift, r.Input2Shift, r.OutputShift },
            layer.Type,
            layer.Type);

    private static string QuantizationField(AddSubLayer layer) => $"Layer{layer.NodeIndex}Quantization";

    /// <summary>
    /// The layer's rescaling as a static field: <c>AddSubQuantization</c>'s constructor derives (and checks against
    /// TFLM's arithmetic on every int8 value) the constants of the vector form, once.
    /// </summary>
    private static void WriteQuantizationField(SourceWriter writer, AddSubLayer layer, AddSubRequantization r)
    {
        ActivationRange range = layer.Activation;
        writer.WriteLine($"/// <summary>Node {layer.NodeIndex}'s rescaling: left shift, each input's offset, multiplier and shift, the output's, and the clamp.</summary>");
        writer.WriteLine($"private static readonly global::TinyModel.AddSubQuantization {QuantizationField(layer)} = new global::TinyModel.AddSubQuantization(");
        writer.WriteLine($"    {r.LeftShift}, {Literals.Int(r.Input1Offset)}, {Literals.Int(r.Input1Multiplier)}, {Literals.Int(r.Input1Shift)}, {Literals.Int(r.Input2Offset)}, {Literals.Int(r.Input2Multiplier)}, {Literals.Int(r.Input2Shift)},");
        writer.WriteLine($"    {Literals.Int(r.OutputOffset)}, {Literals.Int(r.OutputMultiplier)}, {Literals.Int(r.OutputShift)}, {Literals.Int(range.QuantizedMin)}, {Literals.Int(range.QuantizedMax)});");
        writer.WriteLine();
    }

    /// <summary>The call of the vector kernel.</summary>
    private static void WriteKernelCall(SourceWriter writer, AddSubLayer layer)
    {
        string method = layer.Operation == BinaryOperation.Add ? "Add" : "Subtract";
        string x = EmitContext.InputName(layer.Left.Position), y = EmitContext.InputName(layer.Right.Position), output = EmitContext.OutputName(0);
        if (layer.Requantization is null)
        {
            writer.WriteLine($"global::TinyModel.AddSubKernels.{method}({x}, {y}, {Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}, {output});");
            return;
        }
        writer.WriteLine("// TFLM's integer rescaling, computed exactly in 32-bit vector lanes.");
        writer.WriteLine($"global::TinyModel.AddSubKernels.{method}({x}, {y}, {QuantizationField(layer)}, {output});");
    }

    /// <summary>
    /// TFLM's <c>CalculateOpDataAdd</c> / <c>CalculateOpDataSub</c>. Both bring the inputs to twice the larger
    /// input scale, after a left shift of 20 bits (int8) or 15 (int16). ADD derives the multipliers in double;
    /// SUB divides in float and converts each quotient to double, so the two may differ in the last bit.
    /// </summary>
    private static AddSubRequantization Requantization(BinaryOperation operation, ElementType type, QuantizationSpec input1, QuantizationSpec input2, QuantizationSpec output)
    {
        int leftShift = type == ElementType.Int16 ? 15 : 20;
        double real1, real2, realOutput;
        if (operation == BinaryOperation.Add)
        {
            double twiceMaxInputScale = 2 * (double)Math.Max(input1.Scale, input2.Scale);
            real1 = input1.Scale / twiceMaxInputScale;
            real2 = input2.Scale / twiceMaxInputScale;
            realOutput = twiceMaxInputScale / ((1 << leftShift) * (double)output.Scale);
        }
        else
        {
            float twiceMaxInputScale = 2 * Math.Max(input1.Scale, input2.Scale);
            real1 = (double)(float)(input1.Scale / twiceMaxInputScale);
            real2 = (double)(float)(input2.Scale / twiceMaxInputScale);
            realOutput = (double)(float)(twiceMaxInputScale / (float)((1 << leftShift) * output.Scale));
        }
        (int m1, int s1) = QuantizationMath.QuantizeMultiplier(real1);
        (int m2, int s2) = QuantizationMath.QuantizeMultiplier(real2);
        (int mo, int so) = QuantizationMath.QuantizeMultiplier(realOutput);
        return new AddSubRequantization(leftShift, -input1.ZeroPoint, m1, s1, -input2.ZeroPoint, m2, s2, output.ZeroPoint, mo, so);
    }

    /// <summary>
    /// TFLM clamps int32 SUB to <c>CalculateActivationRange</c>'s bounds and int32 ADD to the full int32
    /// range (its int32 ADD ignores the fused activation).
    /// </summary>
    private static ActivationRange Int32Range(FusedActivation activation, BinaryOperation operation)
    {
        if (operation == BinaryOperation.Add)
        {
            return new ActivationRange(activation, int.MinValue, int.MaxValue, 0, 0);
        }
        return QuantizationMath.Int32ActivationRange(activation);
    }

    /// <summary>
    /// A run-time input becomes a parameter of the layer's method; a constant input becomes a constant
    /// (a literal when it has one element), already rescaled for quantized layers.
    /// </summary>
    private static ElementwiseOperand Operand(LoweringContext context, int tensorIndex, int[] strides, ElementType type,
        AddSubRequantization? requantization, int which, string constantName, List<int> runTimeInputs, bool tables, bool stored)
    {
        var strideArray = strides.ToEquatableArray();
        if (!context.IsConstant(tensorIndex))
        {
            context.Value(tensorIndex);
            runTimeInputs.Add(tensorIndex);
            if (tables && type == ElementType.Int8 && requantization is { } rescale)
            {
                // An int8 input has 256 possible values: rescale each at build time, so the kernel looks it up.
                (int offset, int multiplier, int shift) = rescale.Input(which);
                int[] table = Enumerable.Range(sbyte.MinValue, 256).Select(v => GemmlowpMath.ScaleInput(v, offset, rescale.LeftShift, multiplier, shift)).ToArray();
                string tableName = context.AddConstant(constantName + "Rescaled", ElementType.Int32, ConstantData.ToBytes(table),
                    $"input {which} rescaled for every int8 value (index: q + 128): ((q + {offset}) << {rescale.LeftShift}) · {multiplier} · 2^{shift}, as TFLM computes it");
                return new ElementwiseOperand(runTimeInputs.Count - 1, null, null, strideArray, RescaleTable: tableName);
            }
            return new ElementwiseOperand(runTimeInputs.Count - 1, null, null, strideArray);
        }

        ReadOnlyMemory<byte> bytes = context.ConstantBytes(tensorIndex);
        string shape = "[" + string.Join(",", context.Tensor(tensorIndex).Shape) + "]";
        switch (type)
        {
            case ElementType.Float32:
            {
                float[] values = ConstantData.As<float>(bytes);
                return values.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Float(values[0]), strideArray)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Float32, ConstantData.ToBytes(values), $"constant input {which}, float32{shape}"), null, strideArray);
            }
            case ElementType.Int32:
            {
                int[] values = ConstantData.As<int>(bytes);
                return values.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Int(values[0]), strideArray)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Int32, ConstantData.ToBytes(values), $"constant input {which}, int32{shape}"), null, strideArray);
            }
            default:
            {
                AddSubRequantization r = requantization!;
                int[] raw = type == ElementType.Int8
                    ? ConstantData.As<sbyte>(bytes).Select(v => (int)v).ToArray()
                    : ConstantData.As<short>(bytes).Select(v => (int)v).ToArray();
                (int offset, int multiplier, int shift) = r.Input(which);
                if (stored && raw.Length == 1)
                {
                    return new ElementwiseOperand(-1, null, Literals.Int(raw[0]), strideArray);
                }
                if (stored || raw.Length > MaxPrescaledElements)
                {
                    // Large constants stay in their own type (a quarter or half the size) and are rescaled as they are read;
                    // so do all constants of a layer whose runs go to the vector kernel, which rescales every element itself.
                    return new ElementwiseOperand(-1, context.AddConstant(constantName, type, bytes.ToArray(), $"constant input {which}, {type.ModelName()}{shape}"), null, strideArray);
                }
                int[] scaled = raw.Select(v => GemmlowpMath.ScaleInput(v, offset, r.LeftShift, multiplier, shift)).ToArray();
                return scaled.Length == 1
                    ? new ElementwiseOperand(-1, null, Literals.Int(scaled[0]), strideArray, Prescaled: true)
                    : new ElementwiseOperand(-1, context.AddConstant(constantName, ElementType.Int32, ConstantData.ToBytes(scaled),
                        $"constant input {which}, {type.ModelName()}{shape}, rescaled at build time: ((q + {offset}) << {r.LeftShift}) · {multiplier} · 2^{shift}, as int32"), null, strideArray, Prescaled: true);
            }
        }
    }

    /// <summary>The value of input <paramref name="which"/> (1 or 2) at an element index, rescaled for quantized layers.</summary>
    private static string Read(AddSubLayer layer, ElementwiseOperand operand, int which, string name, string index, EmitContext context)
    {
        string element = BroadcastLoop.Element(operand, name, index);
        if (operand.Literal is not null)
        {
            return element;
        }
        if (operand.RescaleTable is not null)
        {
            return $"{name}Rescaled[{element} + 128]";
        }
        if (operand.Prescaled || layer.Requantization is not AddSubRequantization r)
        {
            return element;
        }
        (int offset, int multiplier, int shift) = r.Input(which);
        string offsetElement = offset == 0 ? element : $"({ElementwiseCode.Offset(element, offset)})";
        return ElementwiseCode.MultiplySmallerThanOne($"{offsetElement} << {r.LeftShift}", multiplier, shift);
    }

    private static void WriteElement(SourceWriter writer, AddSubLayer layer, string x, string y, string outputIndex)
    {
        string op = layer.Operation == BinaryOperation.Add ? "+" : "-";
        if (y.StartsWith("-", System.StringComparison.Ordinal))
        {
            y = $"({y})"; // a negative literal
        }
        string target = $"{EmitContext.OutputName(0)}[{outputIndex}]";
        ActivationRange range = layer.Activation;
        switch (layer.Type)
        {
            case ElementType.Float32:
                writer.WriteLine($"float v = {x} {op} {y};");
                ElementwiseCode.WriteFloatClamp(writer, target, "v", range.FloatMin, range.FloatMax);
                break;
            case ElementType.Int32:
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType($"unchecked({x} {op} {y})", range.QuantizedMin, range.QuantizedMax, ElementType.Int32)};");
                break;
            default:
                AddSubRequantization r = layer.Requantization!;
                writer.WriteLine($"int v = {ElementwiseCode.Offset(ElementwiseCode.MultiplySmallerThanOne($"{x} {op} {y}", r.OutputMultiplier, r.OutputShift), r.OutputOffset)};");
                writer.WriteLine($"{target} = {ElementwiseCode.ClampToType("v", range.QuantizedMin, range.QuantizedMax, layer.Type)};");
                break;
        }
    }

    private static void WriteDocumentation(SourceWriter writer, AddSubLayer layer, EmitContext context, ValueSpec output)
    {
        string name = layer.OperatorName;
        string op = layer.Operation == BinaryOperation.Add ? "+" : "−";
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {name}: {BinaryDocs.Operand(layer.Left, layer, context, 1)} {op} {BinaryDocs.Operand(layer.Right, layer, context, 2)} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine(RunsAsKernel(layer)
            ? $"/// Elementwise over {layer.ElementCount} elements, a vector of them at a time (AddSubKernels)."
            : BinaryDocs.Walk(layer));
        switch (layer.Requantization)
        {
            case AddSubRequantization r:
                writer.WriteLine($"/// TFLM's quantized arithmetic, bit for bit: each input is offset by minus its zero point ({r.Input1Offset}, {r.Input2Offset}), shifted left by {r.LeftShift}");
                writer.WriteLine($"/// and scaled to twice the larger input scale (input 1 by {r.Input1Multiplier} · 2^{r.Input1Shift - 31}, input 2 by {r.Input2Multiplier} · 2^{r.Input2Shift - 31});");
                writer.WriteLine($"/// the int32 {(layer.Operation == BinaryOperation.Add ? "sum" : "difference")} is scaled by {r.OutputMultiplier} · 2^{r.OutputShift - 31}, offset by the output zero point {r.OutputOffset}");
                writer.WriteLine($"/// and clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}] (fused {BinaryDocs.ActivationName(layer.Activation.Activation)}).");
                if (layer.Left.Prescaled || layer.Right.Prescaled)
                {
                    writer.WriteLine("/// Constant inputs were rescaled at build time.");
                }
                break;
            default:
                if (layer.Type == ElementType.Float32)
                {
                    writer.WriteLine($"/// Clamped to [{Literals.Float(layer.Activation.FloatMin)}, {Literals.Float(layer.Activation.FloatMax)}] (fused {BinaryDocs.ActivationName(layer.Activation.Activation)}).");
                }
                else
                {
                    writer.WriteLine($"/// int32 arithmetic wraps on overflow, as in TFLM; clamped to [{layer.Activation.QuantizedMin}, {layer.Activation.QuantizedMax}].");
                }
                break;
        }
        writer.WriteLine("/// </summary>");
    }
}

/// <summary>ADD: <c>act(input1 + input2)</c>.</summary>
internal sealed class Add : AddSubDefinition
{
    public Add()
        : base(BuiltinOperator.Add, BinaryOperation.Add)
    {
    }
}

/// <summary>SUB: <c>act(input1 - input2)</c>; its quantized multipliers are derived in float, as TFLM's sub_common.cc does.</summary>
internal sealed class Sub : AddSubDefinition
{
    public Sub()
        : base(BuiltinOperator.Sub, BinaryOperation.Sub)
    {
    }
}

/// <summary>The arithmetic of an <see cref="AddSubLayer"/>.</summary>
internal enum BinaryOperation
{
    Add,
    Sub,
}

/// <summary>
/// One input of a binary elementwise layer: a run-time tensor, a constant array or a single constant
/// folded into a literal, with its element stride along each of the layer's (merged) output dimensions.
/// </summary>
/// <param name="Position">The input's position among the layer's run-time inputs, or -1 for a constant.</param>
/// <param name="Constant">The name of the constant holding the input, or null.</param>
/// <param name="Literal">The C# literal of a single-element constant input (rescaled for quantized layers), or null.</param>
/// <param name="Strides">The element stride along each output dimension; 0 where the input is broadcast.</param>
/// <param name="Prescaled">For quantized layers: the constant holds the input already rescaled at build time
/// (offset, shifted left and multiplied), as int32, rather than the quantized values.</param>
/// <param name="RescaleTable">For a run-time int8 input of a quantized layer: the constant holding the rescaled value of
/// each of the 256 possible inputs, which the kernel looks up instead of rescaling.</param>
internal sealed record ElementwiseOperand(int Position, string? Constant, string? Literal, EquatableArray<int> Strides, bool Prescaled = false, string? RescaleTable = null)
{
    public bool IsRunTime => Position >= 0;
}

/// <summary>
/// TFLM's rescaling of quantized ADD and SUB (add_common.cc, sub_common.cc): both inputs are offset,
/// shifted left by <see cref="LeftShift"/> and scaled to a common scale, added or subtracted in int32,
/// and the result scaled to the output. Every multiplier here is a Q0.31 fraction below one with a
/// right shift (<c>MultiplyByQuantizedMultiplierSmallerThanOneExp</c>).
/// </summary>
internal sealed record AddSubRequantization(
    int LeftShift,
    int Input1Offset,
    int Input1Multiplier,
    int Input1Shift,
    int Input2Offset,
    int Input2Multiplier,
    int Input2Shift,
    int OutputOffset,
    int OutputMultiplier,
    int OutputShift)
{
    /// <summary>The offset, multiplier and shift of input 1 or 2.</summary>
    public (int Offset, int Multiplier, int Shift) Input(int which) =>
        which == 1 ? (Input1Offset, Input1Multiplier, Input1Shift) : (Input2Offset, Input2Multiplier, Input2Shift);
}

/// <summary>
/// ADD or SUB of two tensors with NumPy broadcasting: <c>output = act(input1 ± input2)</c>, walked over
/// the output's dimensions after merging the runs that both inputs traverse alike.
/// </summary>
/// <param name="Type">float32, int32 (no quantization), int8 or int16.</param>
/// <param name="Dims">The merged output dimensions, outermost first (one dimension when nothing broadcasts).</param>
/// <param name="Left">The first input.</param>
/// <param name="Right">The second input.</param>
/// <param name="Requantization">The rescaling of quantized layers, null for float32 and int32.</param>
/// <param name="Activation">The output clamp (integer bounds for int32 and quantized layers).</param>
internal sealed record AddSubLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    BinaryOperation Operation,
    ElementType Type,
    EquatableArray<int> Dims,
    ElementwiseOperand Left,
    ElementwiseOperand Right,
    AddSubRequantization? Requantization,
    ActivationRange Activation)
    : BinaryLayer(NodeIndex, Operation == BinaryOperation.Add ? "ADD" : "SUB", Inputs, Outputs, Type, Dims, Left, Right);
