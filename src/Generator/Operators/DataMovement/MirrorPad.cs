using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// MIRROR_PAD (TFLM mirror_pad.cc): constant non-negative paddings (int32 or int64), REFLECT (the edge is
/// not repeated) or SYMMETRIC (it is). Each output index maps to an input index as TFLM's
/// <c>GetInputDimension</c> computes it; the maps are cut into runs and become strided copies, at most
/// three per dimension (before, the input, after).
/// </summary>
internal sealed class MirrorPad : CopyOperator
{
    /// <summary>TFLite's builtin code of MIRROR_PAD (schema.fbs).</summary>
    public const int BuiltinCode = 100;

    // MirrorPadOptions field ids and MirrorPadMode values (schema.fbs).
    private const int OptionMode = 0;
    private const int Reflect = 0, Symmetric = 1;

    public MirrorPad()
        : base(BuiltinCode)
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (from type in new[] { ElementType.Float32, ElementType.Int8 }
         from paddings in new[] { ElementType.Int32, ElementType.Int64 }
         select (new ElementType?[] { type, paddings }, new[] { type })).ToArray()).WithInputNames("input", "paddings");

    public override string Notes => "REFLECT and SYMMETRIC; constant int32 or int64 paddings";

    protected override CopyLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!OperandCount.Check(context, op, 2, 1, "inputs (input, paddings) and one output"))
        {
            return null;
        }
        IReadOnlyList<int> input = context.Tensor(op.Inputs[0]).Shape;
        ValueSpec output = context.Value(op.Outputs[0]);
        int mode = op.BuiltinOptions?.GetByte(OptionMode) ?? Reflect;
        if (mode is not (Reflect or Symmetric))
        {
            context.ReportUnsupported(op, $"mode {mode} is not supported; supported: REFLECT (0), SYMMETRIC (1)");
            return null;
        }
        int rank = input.Count;
        int[]? paddings = ShapeMath.IntegerConstant(context, op.Inputs[1]);
        if (paddings is null || paddings.Length != 2 * rank || paddings.Any(p => p < 0) || output.Shape.Count != rank
            || Enumerable.Range(0, rank).Any(d => output.Shape[d] != input[d] + paddings[2 * d] + paddings[2 * d + 1] || input[d] < 1))
        {
            context.ReportUnsupported(op, $"the paddings must be a constant int32 or int64 tensor of non-negative pairs, one per dimension, that pad the input {CopyPlan.ShapeText(input)} to the output {output.ShapeText}");
            return null;
        }
        // TFLM's offset: 1 for REFLECT, which leaves out the edge, 0 for SYMMETRIC.
        int offset = mode == Reflect ? 1 : 0;
        var maps = new IReadOnlyList<int>[rank];
        for (int d = 0; d < rank; d++)
        {
            int before = paddings[2 * d];
            maps[d] = Enumerable.Range(0, output.Shape[d]).Select(o => InputIndex(o, before, input[d], offset)).ToArray();
            if (maps[d].Any(i => i < 0 || i >= input[d]))
            {
                context.ReportUnsupported(op, $"REFLECT needs at least 2 elements on a padded dimension; dimension {d} of the input {CopyPlan.ShapeText(input)} has {input[d]}");
                return null;
            }
        }
        var plan = new CopyPlan(context, op);
        int source = plan.Source(op.Inputs[0]);
        int target = plan.Output(op.Outputs[0]);
        foreach (StridedCopy copy in IndexMaps.Copies(input, maps))
        {
            plan.Copy(source, target, copy);
        }
        return plan.Build(Name, $"{(mode == Reflect ? "REFLECT" : "SYMMETRIC")} padding by [{string.Join(", ", paddings)}].");
    }

    /// <summary>TFLM's <c>GetInputDimension</c>: the input index an output index reads along one dimension.</summary>
    internal static int InputIndex(int padded, int before, int size, int offset)
    {
        if (padded < before)
        {
            int original = before + offset - 1;
            return original - System.Math.Min(padded, original - offset);
        }
        padded -= before;
        if (padded >= size)
        {
            padded -= size;
            int original = size - (1 + offset);
            return original - System.Math.Min(padded, original);
        }
        return padded;
    }
}
