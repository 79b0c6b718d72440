using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// A call of the runtime's vector kernels (<c>TinyModel.BinaryKernels</c>) for runs of a two-input layer's
/// output: the layer's inner loop becomes one call per run of the innermost dimension, each input a span of
/// the run or one value repeated over it. The kernels compute exactly what the scalar element code computes.
/// </summary>
internal sealed class BinaryKernel
{
    /// <summary>Runs shorter than this stay scalar loops: a call costs more than the few elements it would vectorize.</summary>
    public const int MinRun = 4;

    /// <summary>
    /// Kernels over bools (LOGICAL_AND/OR, SELECT_V2's condition) step 16 bytes at a time: shorter runs are all scalar
    /// tail plus a call (measured 0.54× to 0.87× the loop on runs of 4 to 12, 1.7× to 4.2× on 16).
    /// </summary>
    public const int MinBoolRun = 16;

    private const string Kernels = "global::TinyModel.BinaryKernels";

    private const string Comparisons = "global::TinyModel.ComparisonKernels";

    private readonly string _method;
    /// <summary>The arguments between the inputs and the output: the clamp's bounds or the rescaling, if any.</summary>
    private readonly string? _clamp;

    private readonly string? _setup;

    /// <summary>The C# types that literal inputs are cast to, where the kernel infers its element types from its arguments.</summary>
    private readonly (string Left, string Right)? _literalTypes;

    /// <summary>The shortest run this kernel takes: <see cref="MinRun"/> unless a kernel's own measurement says more.</summary>
    private readonly int _minRun;

    private BinaryKernel(string method, string? clamp, bool takesRepeated, string? setup = null, (string, string)? literalTypes = null, int minRun = MinRun)
    {
        _method = method;
        _minRun = minRun;
        _clamp = clamp;
        TakesRepeated = takesRepeated;
        _setup = setup;
        _literalTypes = literalTypes;
    }

    /// <summary>Whether an input may be one value repeated over the run (else both must be spans).</summary>
    public bool TakesRepeated { get; }

    /// <summary>
    /// <c>BinaryKernels.Apply</c> with an operation of <c>TinyModel.BinaryOperations</c>, such as <c>Multiply&lt;float&gt;</c>,
    /// clamped to [<paramref name="min"/>, <paramref name="max"/>] when they are given (C# literals of the element type).
    /// </summary>
    public static BinaryKernel Apply(ElementType type, string operation, string? min = null, string? max = null) =>
        new($"{Kernels}.Apply<{type.CSharpName()}, global::TinyModel.BinaryOperations.{operation}>", min is null ? null : $"{min}, {max}", takesRepeated: true);

    /// <summary>
    /// <see cref="Apply"/> for float32 or int32 with the layer's activation clamp: float bounds, or int32 bounds
    /// (none when the range is all of int32).
    /// </summary>
    public static BinaryKernel Clamped(ElementType type, string operation, ActivationRange range)
    {
        if (type == ElementType.Float32)
        {
            return Apply(type, operation, Literals.Float(range.FloatMin), Literals.Float(range.FloatMax));
        }
        return range.QuantizedMin == int.MinValue && range.QuantizedMax == int.MaxValue
            ? Apply(type, operation)
            : Apply(type, operation, Literals.Int(range.QuantizedMin), Literals.Int(range.QuantizedMax));
    }

    /// <summary>The operation's type argument for the layer's element type, such as <c>Maximum&lt;float&gt;</c>.</summary>
    public static string Generic(string operation, ElementType type) => $"{operation}<{type.CSharpName()}>";

    /// <summary>
    /// A <c>BinaryKernels</c> method on bools, such as <c>LogicalAnd</c>: two spans, or a span and one value repeated over
    /// the run; runs of at least <see cref="MinBoolRun"/>.
    /// </summary>
    public static BinaryKernel Bools(string method) => new($"{Kernels}.{method}", null, takesRepeated: true, minRun: MinBoolRun);

    /// <summary>
    /// <c>ComparisonKernels.Compare</c> with a relation such as <c>Greater</c>: inputs of <paramref name="type"/> compared
    /// as stored (bool inputs as two spans only; int8 ones where the rescaling TFLM applies changes no outcome).
    /// </summary>
    public static BinaryKernel Compare(ElementType type, string relation) => type == ElementType.Bool
        ? new($"{Comparisons}.Compare<{Comparisons}.{relation}>", null, takesRepeated: false)
        : new($"{Comparisons}.Compare<{type.CSharpName()}, {Comparisons}.{relation}>", null, takesRepeated: true,
            literalTypes: type == ElementType.Int8 ? ("sbyte", "sbyte") : null); // an int literal would make the kernel infer int

    /// <summary>
    /// <c>TinyModel.QuantizedBinaryKernels.Apply</c> (int8 and int16 layers; <c>Compare</c> for <paramref name="method"/>
    /// "Compare": int8 comparisons into bools) with the layer's rescaling: a local <c>quantization</c> of
    /// <paramref name="parametersType"/> (such as <c>MulQuantization</c>), built once per call of the layer from
    /// <paramref name="arguments"/>; inputs of <paramref name="leftType"/> and <paramref name="rightType"/>.
    /// </summary>
    /// <remarks>
    /// Null (scalar loops) when a shift in <paramref name="shifts"/> is outside [−31, 30], the range the kernels compute
    /// exactly and accept: TFLite's <c>QuantizeMultiplier</c> gives larger ones only for absurd scales.
    /// </remarks>
    public static BinaryKernel? Quantized(string parametersType, IEnumerable<int> arguments, IEnumerable<int> shifts, ElementType leftType, ElementType rightType,
        string method = "Apply", int minRun = MinRun) =>
        shifts.Any(s => s < -31 || s > 30) ? null : new($"global::TinyModel.QuantizedBinaryKernels.{method}", "quantization", takesRepeated: true,
            setup: $"global::TinyModel.{parametersType} quantization = new global::TinyModel.{parametersType}({string.Join(", ", arguments.Select(a => Literals.Int(a)))});",
            literalTypes: (leftType.CSharpName(), rightType.CSharpName()), minRun: minRun);

    /// <summary>The kernel's call for one run.</summary>
    public string Call(string x, string y, string output) =>
        $"{_method}({x}, {y}{(_clamp is null ? string.Empty : ", " + _clamp)}, {output});";

    /// <summary>
    /// Whether the layer's runs can go to this kernel: an innermost dimension of at least <see cref="MinRun"/>
    /// elements (<see cref="MinBoolRun"/> for bools, or the kernel's own minimum) that one input reads with stride 1 and
    /// the other with stride 1 or 0 (or as a literal).
    /// </summary>
    public bool Fits(BinaryLayer layer)
    {
        int last = layer.Dims.Count - 1;
        if (layer.Dims[last] < _minRun)
        {
            return false;
        }
        bool leftSpan = IsSpan(layer.Left, last), rightSpan = IsSpan(layer.Right, last);
        bool leftRepeated = IsRepeated(layer.Left, last), rightRepeated = IsRepeated(layer.Right, last);
        return (leftSpan && rightSpan) || (TakesRepeated && ((leftSpan && rightRepeated) || (leftRepeated && rightSpan)));
    }

    /// <summary>Writes the layer's runs as calls of this kernel (constants already declared as <c>xConstant</c>, <c>yConstant</c>).</summary>
    public void WriteRuns(SourceWriter writer, BinaryLayer layer)
    {
        writer.WriteLine(layer.Dims.Count == 1
            ? "// One call of a vector kernel (the widest vectors the machine has, then a scalar tail), bit for bit the element code."
            : $"// One call of a vector kernel per run of {layer.Dims[layer.Dims.Count - 1]} elements (the widest vectors the machine has, then a scalar tail), bit for bit the element code.");
        if (_setup is not null)
        {
            writer.WriteLine(_setup);
        }
        var operands = new List<(ElementwiseOperand Operand, string Name)> { (layer.Left, "x"), (layer.Right, "y") };
        BroadcastLoop.WriteRuns(writer, layer.Dims, operands, (values, output) => writer.WriteLine(Call(Typed(layer.Left, values[0], _literalTypes?.Left), Typed(layer.Right, values[1], _literalTypes?.Right), output)));
    }

    /// <summary>A literal input cast to its element type (an int literal would make a generic kernel infer int), else as it is.</summary>
    private static string Typed(ElementwiseOperand operand, string value, string? type) =>
        operand.Literal is not null && type is not null ? $"({type})({value})" : value;

    private static bool IsSpan(ElementwiseOperand operand, int last) => operand.Literal is null && operand.Strides[last] == 1;

    private static bool IsRepeated(ElementwiseOperand operand, int last) => operand.Literal is not null || operand.Strides[last] == 0;
}
