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
/// ADD_N (TFLM add_n.cc, reference add_n.h): the sum of two or more tensors of one shape (no broadcasting).
/// float32 sums from 0 in input order, as TFLM. int8 inputs share one scale and zero point (TFLM requires it);
/// each is offset, shifted left by 20 and halved (TFLM's ADD rescaling with both scales equal), the int32 sum
/// is scaled to the output. TFLM starts that sum not from 0 but from the rescaled minus zero point (its
/// <c>x = input1_offset</c>, commented "x = 0"), which shifts every output; TinyModel keeps it.
/// </summary>
internal sealed class AddN : OperatorDefinition<AddNLayer>
{
    /// <summary>TFLM's <c>kAddNIntegerShift</c>.</summary>
    private const int LeftShift = 20;

    public AddN()
        : base(BuiltinOperator.AddN)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Variadic(
        (new ElementType?[] { ElementType.Float32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8 }, new[] { ElementType.Int8 }));

    public override string Notes => "two or more inputs of one shape; int8 inputs with one scale and zero point, rescaled as TFLM does (its sum starting from the rescaled zero point included)";

    protected override AddNLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count < 2 || op.Outputs.Count != 1 || op.Inputs.Any(i => i < 0))
        {
            context.ReportUnsupported(op, $"expected two or more inputs and one output, found {op.Inputs.Count(i => i >= 0)} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        ValueSpec output = context.Value(op.Outputs[0]);
        IReadOnlyList<int> shape = context.Tensor(op.Inputs[0]).Shape;
        if (op.Inputs.Any(i => !context.Tensor(i).Shape.SequenceEqual(shape)) || !output.Shape.SequenceEqual(shape))
        {
            context.ReportUnsupported(op, $"the inputs {string.Join(", ", op.Inputs.Select(i => $"[{string.Join(",", context.Tensor(i).Shape)}]"))} and the output {output.ShapeText} differ in shape; TFLM's ADD_N requires one shape");
            return null;
        }
        AddNRequantization? requantization = null;
        if (output.Type == ElementType.Int8)
        {
            requantization = Requantization(context, op, output);
            if (requantization is null)
            {
                return null;
            }
        }
        var runTimeInputs = new List<int>();
        int[] strides = { 1 };
        var operands = op.Inputs.Select((tensor, k) => BinaryOperands.RawOperand(context, tensor, strides, $"Layer{op.Index}Input{k + 1}", k + 1, runTimeInputs)).ToList();
        string? table = null;
        if (requantization is not null && output.ElementCount < BinaryKernel.MinRun)
        {
            int[] rescaled = Enumerable.Range(sbyte.MinValue, 256)
                .Select(q => GemmlowpMath.ScaleInput(q, requantization.InputOffset, LeftShift, requantization.InputMultiplier, requantization.InputShift)).ToArray();
            table = context.AddConstant($"Layer{op.Index}Rescaled", ElementType.Int32, ConstantData.ToBytes(rescaled),
                $"every int8 input value rescaled (index: q + 128): ((q + {requantization.InputOffset}) << {LeftShift}) · {requantization.InputMultiplier} · 2^{requantization.InputShift - 31}, as TFLM's ADD_N computes it");
        }
        return new AddNLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(), output.Type,
            output.ElementCount, operands.ToEquatableArray(), requantization, table);
    }

    /// <summary>
    /// TFLM's <c>CalculateOpData</c>: all inputs with the first's scale and zero point; the input multiplier
    /// <c>scale / (2 · scale)</c> and the output multiplier <c>2 · scale / (2^20 · output scale)</c>, both in double
    /// and below one (TFLM aborts otherwise, so TinyModel reports it).
    /// </summary>
    private static AddNRequantization? Requantization(LoweringContext context, TfliteOperator op, ValueSpec output)
    {
        QuantizationSpec?[] inputs = op.Inputs.Select(context.QuantizationOf).ToArray();
        if (inputs.Any(q => q is null) || output.Quantization is not QuantizationSpec qo)
        {
            context.ReportUnsupported(op, "an int8 ADD_N needs quantization parameters on every input and the output");
            return null;
        }
        QuantizationSpec first = inputs[0]!;
        if (inputs.Any(q => q!.Scale != first.Scale || q.ZeroPoint != first.ZeroPoint))
        {
            context.ReportUnsupported(op, "the inputs have different scales or zero points; TFLM's int8 ADD_N requires one scale and zero point for all");
            return null;
        }
        double twiceScale = 2 * (double)first.Scale;
        (int inputMultiplier, int inputShift) = QuantizationMath.QuantizeMultiplier(first.Scale / twiceScale);
        double realOutput = twiceScale / ((1 << LeftShift) * (double)qo.Scale);
        (int outputMultiplier, int outputShift) = QuantizationMath.QuantizeMultiplier(realOutput);
        if (!(realOutput < 1.0) || outputShift > 0)
        {
            context.ReportUnsupported(op, $"the output scale {qo.Scale:R} is too small for the input scale {first.Scale:R}: TFLM's rescaling needs a multiplier below one");
            return null;
        }
        return new AddNRequantization(-first.ZeroPoint, inputMultiplier, inputShift, qo.ZeroPoint, outputMultiplier, outputShift);
    }

    protected override void EmitLayer(SourceWriter writer, AddNLayer layer, EmitContext context)
    {
        var names = layer.Operands.Select((operand, k) => (Operand: operand, Name: $"x{k + 1}")).ToList();
        bool kernels = layer.ElementCount >= BinaryKernel.MinRun;
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, ADD_N: the sum of {layer.Operands.Count} inputs → {Literals.Xml(context.Model.Value(layer.Outputs[0]).Describe())}, over {layer.ElementCount} elements.");
        if (layer.Requantization is AddNRequantization r)
        {
            writer.WriteLine($"/// TFLM's quantized arithmetic, bit for bit: each input offset by {r.InputOffset}, shifted left by {LeftShift} and scaled by {r.InputMultiplier} · 2^{r.InputShift - 31} ({(kernels ? "vector kernels" : "a table lookup")});");
            writer.WriteLine($"/// the sum starts from the rescaled offset itself (the rescaled q = 0), as TFLM's does; it is scaled by {r.OutputMultiplier} · 2^{r.OutputShift - 31}, offset by {r.OutputOffset} and clamped.");
        }
        else
        {
            writer.WriteLine("/// Summed in float from 0, input by input, as TFLM (vector kernels from 4 elements on: the same additions in the same order).");
        }
        writer.WriteLine("/// </summary>");
        if (kernels && layer.Requantization is AddNRequantization fieldParameters)
        {
            WriteQuantizationField(writer, layer, fieldParameters);
        }
        writer.OpenBlock(context.Signature(layer));
        BroadcastLoop.DeclareConstants(writer, names, layer.Type.CSharpName(), context);
        if (kernels)
        {
            WriteKernelCalls(writer, layer, names);
            writer.CloseBlock();
            return;
        }
        if (layer.Table is not null)
        {
            writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> rescaled = {context.Constant(layer.Table)};");
            writer.WriteLine("int start = rescaled[128];");
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.ElementCount}; i++)");
        IEnumerable<string> elements = names.Select(n => BroadcastLoop.Element(n.Operand, n.Name, "i"));
        if (layer.Requantization is AddNRequantization q)
        {
            writer.WriteLine($"int sum = unchecked(start + {string.Join(" + ", elements.Select(e => $"rescaled[{e} + 128]"))});");
            writer.WriteLine($"int v = {ElementwiseCode.Offset(ElementwiseCode.MultiplySmallerThanOne("sum", q.OutputMultiplier, q.OutputShift), q.OutputOffset)};");
            writer.WriteLine($"output[i] = {ElementwiseCode.ClampToType("v", sbyte.MinValue, sbyte.MaxValue, ElementType.Int8)};");
        }
        else
        {
            writer.WriteLine("float sum = 0f;");
            foreach (string element in elements)
            {
                writer.WriteLine($"sum += {element};");
            }
            writer.WriteLine("output[i] = sum;");
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>Elements summed per block in the stack buffer (1 KiB of floats or int32 sums).</summary>
    private const int Block = 256;

    private static string QuantizationField(AddNLayer layer) => $"Layer{layer.NodeIndex}Quantization";

    /// <summary>
    /// The int8 layer's rescaling as a static field: <c>AddSubQuantization</c>'s constructor derives (and checks
    /// against TFLM's arithmetic on every int8 value) the vector form of the input rescaling, once. Both inputs of
    /// ADD's parameters are the one input scale every ADD_N input shares; the output's are ADD_N's.
    /// </summary>
    private static void WriteQuantizationField(SourceWriter writer, AddNLayer layer, AddNRequantization r)
    {
        string input = $"{Literals.Int(r.InputOffset)}, {Literals.Int(r.InputMultiplier)}, {Literals.Int(r.InputShift)}";
        writer.WriteLine($"/// <summary>Node {layer.NodeIndex}'s rescaling: left shift, the inputs' offset, multiplier and shift (twice, as ADD takes them), the output's, and the int8 range.</summary>");
        writer.WriteLine($"private static readonly global::TinyModel.AddSubQuantization {QuantizationField(layer)} = new global::TinyModel.AddSubQuantization(");
        writer.WriteLine($"    {LeftShift}, {input}, {input},");
        writer.WriteLine($"    {Literals.Int(r.OutputOffset)}, {Literals.Int(r.OutputMultiplier)}, {Literals.Int(r.OutputShift)}, {sbyte.MinValue}, {sbyte.MaxValue});");
        writer.WriteLine();
    }

    /// <summary>
    /// Vector kernel calls, block by block, in a stack buffer that is written to the output only when every input's
    /// block has been read, so the output may be any input. float32: the buffer takes <c>0 + x1</c>, then each further
    /// input in order (TFLM's order, bit for bit). int8: the int32 sums start from TFLM's initial value (the rescaled
    /// zero), take each input rescaled, and are requantized to the output.
    /// </summary>
    private static void WriteKernelCalls(SourceWriter writer, AddNLayer layer, IReadOnlyList<(ElementwiseOperand Operand, string Name)> names)
    {
        const string Add = "global::TinyModel.BinaryKernels.Apply<float, global::TinyModel.BinaryOperations.Add<float>>";
        AddNRequantization? q = layer.Requantization;
        string sumType = q is null ? "float" : "int";
        int block = System.Math.Min(Block, layer.ElementCount);
        bool loop = layer.ElementCount > block;
        writer.WriteLine(q is null
            ? $"// Summed {(loop ? $"{block} elements at a time " : string.Empty)}in a stack buffer, input by input (vector kernels), then copied: the output may be an input."
            : $"// Summed in int32 {(loop ? $"{block} elements at a time " : string.Empty)}in a stack buffer, input by input rescaled (vector kernels), then requantized: the output may be an input.");
        writer.WriteLine($"{EmitContext.Span}<{sumType}> sum = stackalloc {sumType}[{block}];");
        string Slice(string span) => loop ? $"{span}.Slice(start, length)" : span;
        if (loop)
        {
            writer.OpenBlock($"for (int start = 0; start < {layer.ElementCount}; start += {block})");
            writer.WriteLine($"int length = global::System.Math.Min({block}, {layer.ElementCount} - start);");
            writer.WriteLine($"{EmitContext.Span}<{sumType}> partial = sum.Slice(0, length);");
        }
        string target = loop ? "partial" : "sum";
        string output = Slice(EmitContext.OutputName(0));
        if (q is null)
        {
            for (int k = 0; k < names.Count; k++)
            {
                string input = Slice(BroadcastLoop.SpanName(names[k].Operand, names[k].Name));
                writer.WriteLine(k == 0 ? $"{Add}(0f, {input}, {target});" : $"{Add}({target}, {input}, {target});");
            }
            writer.WriteLine($"{target}.CopyTo({output});");
        }
        else
        {
            int initial = GemmlowpMath.ScaleInput(0, q.InputOffset, LeftShift, q.InputMultiplier, q.InputShift);
            writer.WriteLine($"{target}.Fill({Literals.Int(initial)});");
            foreach ((ElementwiseOperand operand, string name) in names)
            {
                writer.WriteLine($"global::TinyModel.AddSubKernels.AddScaled({Slice(BroadcastLoop.SpanName(operand, name))}, {QuantizationField(layer)}.Input1, {target});");
            }
            writer.WriteLine($"global::TinyModel.Requantization.ToInt8({target}, {Literals.Int(q.OutputMultiplier)}, {Literals.Int(q.OutputShift)}, {Literals.Int(q.OutputOffset)}, {sbyte.MinValue}, {sbyte.MaxValue}, {output});");
        }
        if (loop)
        {
            writer.CloseBlock();
        }
    }
}

/// <summary>
/// TFLM's rescaling of int8 ADD_N: every input offset by <see cref="InputOffset"/>, shifted left by 20 and scaled
/// by the input multiplier; the sum scaled by the output multiplier and offset by the output zero point.
/// </summary>
internal sealed record AddNRequantization(int InputOffset, int InputMultiplier, int InputShift, int OutputOffset, int OutputMultiplier, int OutputShift);

/// <summary>ADD_N: the element-wise sum of its inputs, all of one shape.</summary>
/// <param name="Type">float32 or int8.</param>
/// <param name="ElementCount">Elements of each input and of the output.</param>
/// <param name="Operands">Every input, in order: run-time tensors, constants or literals (read at the output's index).</param>
/// <param name="Requantization">int8: TFLM's parameters; null for float32.</param>
/// <param name="Table">int8: the constant of each input value's rescaled int32, indexed by q + 128.</param>
internal sealed record AddNLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    int ElementCount,
    EquatableArray<ElementwiseOperand> Operands,
    AddNRequantization? Requantization,
    string? Table)
    : LayerSpec(NodeIndex, "ADD_N", Inputs, Outputs)
{
    public override long MacCount => 0;

    /// <inheritdoc/>
    /// <remarks>Every input has the output's shape and element <c>i</c> of each is read before output element <c>i</c> is written.</remarks>
    public override EquatableArray<int> InPlaceInputs => new(Enumerable.Range(0, Inputs.Count).ToArray());
}
