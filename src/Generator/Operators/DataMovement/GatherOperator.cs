using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// The operators that copy blocks chosen by int32 indices (GATHER, GATHER_ND, EMBEDDING_LOOKUP): for each
/// batch, outer slice and index tuple, one block of <c>Inner</c> elements is copied from the params
/// position the tuple selects. Indices given at run time are checked as TFLM checks them, and one out of
/// range throws rather than reading outside the params; constant indices are checked here, once.
/// </summary>
internal abstract class GatherOperator : OperatorDefinition<GatherLayer>
{
    protected GatherOperator(int code)
        : base(code)
    {
    }

    /// <summary>float32 or int8 params with int32 indices: what TFLM's GATHER and GATHER_ND take.</summary>
    protected static TypeSupport ParamsAndInt32Indices() => TypeSupport.Of(
        new[] { ElementType.Float32, ElementType.Int8 }
            .Select(type => (new ElementType?[] { type, ElementType.Int32 }, new[] { type })).ToArray()).WithInputNames("input", "indices");

    /// <summary>
    /// Builds the layer; <paramref name="bounds"/> (per index component, the exclusive bound) is null for
    /// GATHER_ND, whose TFLM kernel checks only that the whole block lies within the params.
    /// </summary>
    protected GatherLayer? Build(LoweringContext context, TfliteOperator op, int paramsInput, int indicesInput, GatherGeometry geometry, float? dequantizeScale, string summary)
    {
        int paramsCount = context.Tensor(op.Inputs[paramsInput]).Shape.Aggregate(1, (a, b) => a * b);
        var runtime = new List<int>();
        OperandSource Source(int input)
        {
            int tensor = op.Inputs[input];
            if (context.IsConstant(tensor))
            {
                ElementType type = context.ElementTypeOf(tensor)!.Value;
                return new OperandSource(-1, context.AddConstant($"Layer{op.Index}Tensor{tensor}", type, context.ConstantBytes(tensor).ToArray(),
                    $"constant '{context.Tensor(tensor).Name}', {type.ModelName()}{CopyPlan.ShapeText(context.Tensor(tensor).Shape)}"));
            }
            context.Value(tensor);
            runtime.Add(tensor);
            return new OperandSource(runtime.Count - 1, null);
        }
        // Sources in the operator's own order, so that run-time inputs keep it.
        OperandSource first = Source(System.Math.Min(paramsInput, indicesInput));
        OperandSource second = Source(System.Math.Max(paramsInput, indicesInput));
        (OperandSource parameters, OperandSource indices) = paramsInput < indicesInput ? (first, second) : (second, first);
        if (indices.Constant is not null)
        {
            int[] values = ShapeMath.IntegerConstant(context, op.Inputs[indicesInput])!;
            for (int n = 0; n < geometry.Batches * geometry.Tuples; n++)
            {
                int offset = 0;
                for (int j = 0; j < geometry.IndexStrides.Count; j++)
                {
                    int value = values[n * geometry.IndexStrides.Count + j];
                    if (geometry.IndexBounds is { } bounds && (value < 0 || value >= bounds[j]))
                    {
                        context.ReportUnsupported(op, $"constant index {value} (position {n * geometry.IndexStrides.Count + j}) is outside [0, {bounds[j]}); TFLM fails Invoke on it");
                        return null;
                    }
                    offset += value * geometry.IndexStrides[j];
                }
                if (geometry.IndexBounds is null && (offset < 0 || offset + geometry.Inner > paramsCount))
                {
                    context.ReportUnsupported(op, $"constant index tuple {n} selects elements from {offset}, outside the {paramsCount} of the params; TFLM fails Invoke on it");
                    return null;
                }
            }
        }
        return new GatherLayer(op.Index, Name, runtime.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(), geometry,
            parameters, indices, context.Tensor(op.Inputs[indicesInput]).Name, paramsCount, dequantizeScale, summary);
    }

    /// <summary>The loops over batches, outer slices and index tuples, with a block copy (or dequantization) inside.</summary>
    protected override void EmitLayer(SourceWriter writer, GatherLayer layer, EmitContext context)
    {
        GatherGeometry g = layer.Geometry;
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string Expression(OperandSource source) => source.Constant is null ? EmitContext.InputName(source.Input) : context.Constant(source.Constant);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, {layer.OperatorName} → {Literals.Xml(output.Describe())}.");
        writer.WriteLine($"/// {Literals.Xml(layer.Summary)}");
        writer.WriteLine($"/// {g.Batches} batch(es) × {g.Outer} outer slice(s) × {g.Tuples} index tuple(s) of {g.IndexStrides.Count} component(s), each a block of {g.Inner} element(s)"
            + (layer.Indices.Constant is null ? "; indices are checked as TFLM checks them." : "; the constant indices were checked at build time."));
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        string elementType = layer.DequantizeScale is null ? output.Type.CSharpName() : "sbyte";
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<{elementType}> parameters = {Expression(layer.Params)};");
        writer.WriteLine($"{EmitContext.ReadOnlySpan}<int> indices = {Expression(layer.Indices)};");
        string b = Loop(writer, "b", g.Batches), o = Loop(writer, "o", g.Outer), k = Loop(writer, "k", g.Tuples);
        string slice = Product(Sum(Product(b, g.Outer), o), 1);
        string tuple = Sum(Product(b, g.Tuples), k);
        writer.WriteLine($"int from = {Product(slice, g.SliceStride)};");
        bool check = layer.Indices.Constant is null;
        string layerName = Literals.String($"node {layer.NodeIndex} ({layer.OperatorName})");
        for (int j = 0; j < g.IndexStrides.Count; j++)
        {
            string position = Sum(Product(tuple, g.IndexStrides.Count), j == 0 ? "0" : Literals.Int(j));
            writer.WriteLine($"int index{j} = indices[{position}];");
            if (check && g.IndexBounds is { } bounds)
            {
                writer.WriteLine($"if ((uint)index{j} >= {bounds[j]}u) global::TinyModel.ThrowHelper.ThrowIndexOutOfRange({layerName}, {Literals.String(layer.IndicesName)}, index{j}, {bounds[j]});");
            }
            writer.WriteLine(g.IndexStrides[j] == 1 ? $"from += index{j};" : $"from += index{j} * {g.IndexStrides[j]};");
        }
        if (check && g.IndexBounds is null)
        {
            writer.WriteLine($"if ((uint)from > {layer.ParamsCount - g.Inner}u) global::TinyModel.ThrowHelper.ThrowIndexOutOfRange({layerName}, {Literals.String(layer.IndicesName)}, from, {layer.ParamsCount - g.Inner + 1});");
        }
        string to = Product(Sum(Product(slice, g.Tuples), k), g.Inner);
        if (layer.DequantizeScale is float scale)
        {
            writer.WriteLine($"int to = {to};");
            writer.OpenBlock($"for (int c = 0; c < {g.Inner}; c++)");
            writer.WriteLine($"output[to + c] = parameters[from + c] * {Literals.Float(scale)};");
            writer.CloseBlock();
        }
        else
        {
            writer.WriteLine($"parameters.Slice(from, {g.Inner}).CopyTo(output.Slice({to}, {g.Inner}));");
        }
        for (int n = 0; n < new[] { g.Batches, g.Outer, g.Tuples }.Count(c => c > 1); n++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    /// <summary>Opens a loop when it runs more than once; returns the expression of its counter.</summary>
    private static string Loop(SourceWriter writer, string name, int count)
    {
        if (count <= 1)
        {
            return "0";
        }
        writer.OpenBlock($"for (int {name} = 0; {name} < {count}; {name}++)");
        return name;
    }

    private static string Product(string expression, int factor) =>
        expression == "0" || factor == 0 ? "0" : factor == 1 ? expression : $"{Parenthesize(expression)} * {factor}";

    private static string Sum(string left, string right) =>
        left == "0" ? right : right == "0" ? left : $"{left} + {right}";

    private static string Parenthesize(string expression) => expression.Contains(" + ") ? $"({expression})" : expression;
}

/// <summary>Where a gather operand comes from: a run-time input (its position among the layer's inputs) or a constant.</summary>
/// <param name="Input">The position among the layer's run-time inputs, or -1.</param>
/// <param name="Constant">The constant's name, or null.</param>
internal sealed record OperandSource(int Input, string? Constant);

/// <summary>
/// The index arithmetic of a gather: for batch b, outer slice o and index tuple k, the block starts at
/// <c>(b · Outer + o) · SliceStride + Σ index_j · IndexStrides[j]</c> of the params and goes to block
/// <c>(b · Outer + o) · Tuples + k</c> of the output.
/// </summary>
/// <param name="Batches">The leading dimensions params and indices share (GATHER's batch_dims).</param>
/// <param name="Outer">The params' slices before the gathered axis, per batch.</param>
/// <param name="Tuples">The index tuples per batch.</param>
/// <param name="SliceStride">Params elements per outer slice.</param>
/// <param name="IndexStrides">Params elements per unit of each index component.</param>
/// <param name="IndexBounds">Each component's exclusive bound, or null when only the block's end is checked (GATHER_ND).</param>
/// <param name="Inner">Elements per block.</param>
internal sealed record GatherGeometry(int Batches, int Outer, int Tuples, int SliceStride, EquatableArray<int> IndexStrides, EquatableArray<int>? IndexBounds, int Inner);

/// <summary>GATHER, GATHER_ND, EMBEDDING_LOOKUP: blocks of the params copied (or dequantized) in the order the indices give.</summary>
/// <param name="Params">Where the params come from.</param>
/// <param name="Indices">Where the indices come from.</param>
/// <param name="IndicesName">The indices tensor's name, for the exception an out-of-range index raises.</param>
/// <param name="ParamsCount">Elements in the params.</param>
/// <param name="DequantizeScale">For EMBEDDING_LOOKUP int8 → float32, the params' scale (zero point 0); else null.</param>
/// <param name="Summary">What the operator's options came to, for the method's comment.</param>
internal sealed record GatherLayer(
    int NodeIndex,
    string OperatorNameText,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    GatherGeometry Geometry,
    OperandSource Params,
    OperandSource Indices,
    string IndicesName,
    int ParamsCount,
    float? DequantizeScale,
    string Summary)
    : LayerSpec(NodeIndex, OperatorNameText, Inputs, Outputs)
{
    public override long MacCount => 0;
}
