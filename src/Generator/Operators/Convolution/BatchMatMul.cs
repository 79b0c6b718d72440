using System.Collections.Generic;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// BATCH_MATMUL (TFLM batch_matmul.cc, reference batch_matmul.h): <c>lhs × rhs</c> over broadcast batch
/// dimensions, ranks 2 to 5, adj_x / adj_y (an operand's last two dimensions transposed), float32, int8 and
/// int16 (zero points 0, 64-bit sums as TFLM's <c>BatchMatMul&lt;int16_t, int64_t&gt;</c>). Either operand may
/// be constant. Each output sums its products in ascending depth order, as TFLM does; the quantized
/// outputs are requantized with lhs scale · rhs scale / output scale and clamped to the type's range
/// (BATCH_MATMUL has no fused activation).
/// </summary>
internal sealed class BatchMatMul : OperatorDefinition<BatchMatMulLayer>
{
    /// <summary>TFLite's builtin code of BATCH_MATMUL (schema.fbs).</summary>
    public const int BuiltinCode = 126;

    private const int OptionAdjX = 0, OptionAdjY = 1; // BatchMatMulOptions in schema.fbs
    private const int MaxRank = 5;

    public BatchMatMul()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Float32, ElementType.Float32 }, new[] { ElementType.Float32 }),
        (new ElementType?[] { ElementType.Int8, ElementType.Int8 }, new[] { ElementType.Int8 }),
        (new ElementType?[] { ElementType.Int16, ElementType.Int16 }, new[] { ElementType.Int16 })).WithInputNames("lhs", "rhs");

    public override string Notes => "ranks 2 to 5, broadcast batch dimensions, adj_x/adj_y; constant or run-time operands; int16 zero points 0";

    protected override BatchMatMulLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (op.Inputs.Count != 2 || op.Outputs.Count != 1)
        {
            context.ReportUnsupported(op, $"expected inputs (lhs, rhs) and one output, found {op.Inputs.Count} inputs and {op.Outputs.Count} outputs");
            return null;
        }
        int lhsIndex = op.Inputs[0], rhsIndex = op.Inputs[1];
        IReadOnlyList<int> lhsShape = context.Tensor(lhsIndex).Shape, rhsShape = context.Tensor(rhsIndex).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        if (lhsShape.Count < 2 || lhsShape.Count > MaxRank || rhsShape.Count < 2 || rhsShape.Count > MaxRank)
        {
            context.ReportUnsupported(op, $"the operands [{string.Join(",", lhsShape)}] and [{string.Join(",", rhsShape)}] must have 2 to {MaxRank} dimensions, as TFLM requires");
            return null;
        }
        bool adjX = op.BuiltinOptions?.GetBool(OptionAdjX) ?? false;
        bool adjY = op.BuiltinOptions?.GetBool(OptionAdjY) ?? false;
        int rank = System.Math.Max(lhsShape.Count, rhsShape.Count);
        int[] lhs = Extend(lhsShape, rank), rhs = Extend(rhsShape, rank);
        int rows = adjX ? lhs[rank - 1] : lhs[rank - 2];
        int depth = adjX ? lhs[rank - 2] : lhs[rank - 1];
        int rhsDepth = adjY ? rhs[rank - 1] : rhs[rank - 2];
        int columns = adjY ? rhs[rank - 2] : rhs[rank - 1];
        if (depth != rhsDepth)
        {
            context.ReportUnsupported(op, $"the lhs depth {depth} differs from the rhs depth {rhsDepth} (adj_x {adjX}, adj_y {adjY})");
            return null;
        }
        // Batch dimensions broadcast as NumPy's: the input strides of a size-1 dimension are 0.
        int lhsStride = rows * depth, rhsStride = depth * columns;
        var batchSizes = new int[rank - 2];
        var lhsStrides = new int[rank - 2];
        var rhsStrides = new int[rank - 2];
        var expected = new int[rank];
        for (int d = rank - 3; d >= 0; d--)
        {
            if (lhs[d] != rhs[d] && lhs[d] != 1 && rhs[d] != 1)
            {
                context.ReportUnsupported(op, $"the batch dimensions of [{string.Join(",", lhsShape)}] and [{string.Join(",", rhsShape)}] do not broadcast");
                return null;
            }
            batchSizes[d] = lhs[d] == 1 ? rhs[d] : lhs[d];
            lhsStrides[d] = lhs[d] == 1 ? 0 : lhsStride;
            rhsStrides[d] = rhs[d] == 1 ? 0 : rhsStride;
            lhsStride *= lhs[d];
            rhsStride *= rhs[d];
            expected[d] = batchSizes[d];
        }
        expected[rank - 2] = rows;
        expected[rank - 1] = columns;
        if (output.Shape.Count != rank || !System.Linq.Enumerable.SequenceEqual(output.Shape, expected))
        {
            context.ReportUnsupported(op, $"the output {output.ShapeText} is not the product's shape [{string.Join(",", expected)}]");
            return null;
        }

        var runTimeInputs = new List<int>();
        string lhsConstant = Operand(context, op, lhsIndex, "Lhs", runTimeInputs);
        string rhsConstant = Operand(context, op, rhsIndex, "Rhs", runTimeInputs);
        ElementType type = output.Type;
        int lhsOffset = 0, rhsOffset = 0, outputOffset = 0, multiplier = 0, shift = 0;
        if (type != ElementType.Float32)
        {
            QuantizationSpec? ql = context.QuantizationOf(lhsIndex), qr = context.QuantizationOf(rhsIndex), qo = output.Quantization;
            if (ql is null || qr is null || qo is null)
            {
                context.ReportUnsupported(op, "a quantized BATCH_MATMUL needs quantization parameters on both operands and the output");
                return null;
            }
            if (type == ElementType.Int16 && (ql.ZeroPoint != 0 || qr.ZeroPoint != 0 || qo.ZeroPoint != 0))
            {
                context.ReportUnsupported(op, $"an int16 BATCH_MATMUL needs zero points 0 (TFLM requires them), found {ql.ZeroPoint}, {qr.ZeroPoint} and {qo.ZeroPoint}");
                return null;
            }
            lhsOffset = -ql.ZeroPoint;
            rhsOffset = -qr.ZeroPoint;
            outputOffset = qo.ZeroPoint;
            (multiplier, shift) = QuantizationMath.QuantizeMultiplier(QuantizationMath.PerTensorConvolutionMultiplier(ql.Scale, qr.Scale, qo.Scale));
        }
        return new BatchMatMulLayer(op.Index, runTimeInputs.ToEquatableArray(), new[] { op.Outputs[0] }.ToEquatableArray(),
            type, adjX, adjY, batchSizes.ToEquatableArray(), lhsStrides.ToEquatableArray(), rhsStrides.ToEquatableArray(),
            rows, depth, columns, lhsConstant, rhsConstant, lhsOffset, rhsOffset, outputOffset, multiplier, shift);
    }

    /// <summary>Writes the products: batch loops (broadcast operands advance by 0), then rows × columns, each a sum over the depth.</summary>
    protected override void EmitLayer(SourceWriter writer, BatchMatMulLayer layer, EmitContext context)
    {
        ValueSpec output = context.Model.Value(layer.Outputs[0]);
        string t = layer.Type.CSharpName();
        string m = EmitContext.MathClass;
        int nextInput = 0;
        string lhs = layer.LhsConstant.Length > 0 ? context.Constant(layer.LhsConstant) : EmitContext.InputName(nextInput++);
        string rhs = layer.RhsConstant.Length > 0 ? context.Constant(layer.RhsConstant) : EmitContext.InputName(nextInput++);
        writer.WriteLine("/// <summary>");
        writer.WriteLine($"/// Node {layer.NodeIndex}, BATCH_MATMUL{(layer.AdjX ? " (adj_x)" : string.Empty)}{(layer.AdjY ? " (adj_y)" : string.Empty)}: {layer.Rows}×{layer.Depth} · {layer.Depth}×{layer.Columns} over batches [{string.Join(", ", layer.BatchSizes)}] → {Literals.Xml(output.Describe())}.");
        writer.WriteLine("/// Each output sums its products in ascending depth order, as TFLM does; a broadcast operand's batch stride is 0.");
        if (layer.Type != ElementType.Float32)
        {
            writer.WriteLine($"/// Quantized: Σ (rhs + {layer.RhsOffset}) · (lhs + {layer.LhsOffset}) in {(layer.Type == ElementType.Int16 ? "64" : "32")} bits, scaled by {layer.Multiplier} · 2^{layer.Shift}, offset by {layer.OutputOffset}, clamped to {t}.");
        }
        writer.WriteLine("/// </summary>");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine("int o = 0;");
        string lhsBase = "0", rhsBase = "0";
        for (int d = 0; d < layer.BatchSizes.Count; d++)
        {
            writer.OpenBlock($"for (int b{d} = 0, l{d} = {lhsBase}, r{d} = {rhsBase}; b{d} < {layer.BatchSizes[d]}; b{d}++, l{d} += {layer.LhsStrides[d]}, r{d} += {layer.RhsStrides[d]})");
            lhsBase = "l" + d;
            rhsBase = "r" + d;
        }
        writer.OpenBlock($"for (int i = 0; i < {layer.Rows}; i++)");
        writer.OpenBlock($"for (int j = 0; j < {layer.Columns}; j++)");
        string accumulator = layer.Type switch
        {
            ElementType.Float32 => "float",
            ElementType.Int16 => "long",
            _ => "int",
        };
        writer.WriteLine($"{accumulator} sum = 0;");
        writer.OpenBlock($"for (int k = 0; k < {layer.Depth}; k++)");
        string lhsIndex = layer.AdjX ? $"{lhsBase} + k * {layer.Rows} + i" : $"{lhsBase} + i * {layer.Depth} + k";
        string rhsIndex = layer.AdjY ? $"{rhsBase} + j * {layer.Depth} + k" : $"{rhsBase} + k * {layer.Columns} + j";
        if (layer.Type == ElementType.Float32)
        {
            writer.WriteLine($"sum += {rhs}[{rhsIndex}] * {lhs}[{lhsIndex}];");
        }
        else
        {
            string cast = layer.Type == ElementType.Int16 ? "(long)" : string.Empty;
            writer.WriteLine($"sum += {cast}({rhs}[{rhsIndex}] + {layer.RhsOffset}) * ({lhs}[{lhsIndex}] + {layer.LhsOffset});");
        }
        writer.CloseBlock();
        if (layer.Type == ElementType.Float32)
        {
            writer.WriteLine("output[o++] = sum;");
        }
        else
        {
            writer.WriteLine($"int v = {EmitContext.FixedPoint}.MultiplyByQuantizedMultiplier(sum, {Literals.Int(layer.Multiplier)}, {layer.Shift}) + {layer.OutputOffset};");
            writer.WriteLine($"output[o++] = ({t}){m}.Min({m}.Max(v, {layer.Type.MinValue()}), {layer.Type.MaxValue()});");
        }
        writer.CloseBlock();
        writer.CloseBlock();
        for (int d = 0; d < layer.BatchSizes.Count; d++)
        {
            writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    private static int[] Extend(IReadOnlyList<int> shape, int rank)
    {
        var extended = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int source = d - (rank - shape.Count);
            extended[d] = source < 0 ? 1 : shape[source];
        }
        return extended;
    }

    /// <summary>A constant operand becomes a constant (its name returned); a run-time one an input of the layer (empty name).</summary>
    private static string Operand(LoweringContext context, TfliteOperator op, int index, string role, List<int> runTimeInputs)
    {
        if (context.IsConstant(index))
        {
            ElementType type = context.ElementTypeOf(index)!.Value;
            return context.AddConstant($"Layer{op.Index}{role}", type, context.ConstantBytes(index).ToArray(),
                $"constant {role.ToLowerInvariant()} '{context.Tensor(index).Name}', {type.ModelName()}[{string.Join(",", context.Tensor(index).Shape)}]");
        }
        context.Value(index);
        runTimeInputs.Add(index);
        return string.Empty;
    }
}

/// <summary>BATCH_MATMUL: for each batch (broadcast over the batch dimensions) a rows × depth by depth × columns product.</summary>
/// <param name="BatchSizes">The output's batch dimensions.</param>
/// <param name="LhsStrides">The lhs element stride of each batch dimension (0 where it broadcasts).</param>
/// <param name="RhsStrides">The rhs element stride of each batch dimension (0 where it broadcasts).</param>
/// <param name="LhsConstant">The constant holding a constant lhs, or empty when it is an input.</param>
/// <param name="RhsConstant">The constant holding a constant rhs, or empty when it is an input.</param>
/// <param name="LhsOffset">Minus the lhs zero point.</param>
/// <param name="RhsOffset">Minus the rhs zero point.</param>
internal sealed record BatchMatMulLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    ElementType Type,
    bool AdjX,
    bool AdjY,
    EquatableArray<int> BatchSizes,
    EquatableArray<int> LhsStrides,
    EquatableArray<int> RhsStrides,
    int Rows,
    int Depth,
    int Columns,
    string LhsConstant,
    string RhsConstant,
    int LhsOffset,
    int RhsOffset,
    int OutputOffset,
    int Multiplier,
    int Shift)
    : LayerSpec(NodeIndex, "BATCH_MATMUL", Inputs, Outputs)
{
    public override long MacCount
    {
        get
        {
            long batches = 1;
            foreach (int size in BatchSizes)
            {
                batches *= size;
            }
            return batches * Rows * Depth * Columns;
        }
    }
}
