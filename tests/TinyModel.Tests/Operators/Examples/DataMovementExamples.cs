using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using DataMovement = TinyModel.Generator.Operators.DataMovement;
using Resizing = TinyModel.Generator.Operators.Resizing;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the operators that move data without computing on it: views, PAD, TRANSPOSE, STRIDED_SLICE, CONCATENATION.</summary>
internal static class DataMovementExamples
{
    /// <summary>A view of a model input returned as the output (so it is a copy); the second operand, when the combination has one, is a constant.</summary>
    [OperatorExample(BuiltinOperator.Reshape)]
    [OperatorExample(BuiltinOperator.Squeeze)]
    [OperatorExample(BuiltinOperator.ExpandDims)]
    public static TfliteModelBuilder View(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        (int[] inputShape, int[] outputShape, int[] operand) = code switch
        {
            BuiltinOperator.Squeeze => (new[] { 1, 6 }, new[] { 6 }, new[] { 0 }), // not a TFLite operand of SQUEEZE, but accepted and never read
            BuiltinOperator.ExpandDims => (new[] { 6 }, new[] { 1, 6 }, new[] { 0 }), // the axis
            _ => (new[] { 2, 3 }, new[] { 3, 2 }, new[] { 3, 2 }), // the new shape
        };
        int input = OperatorExamples.Tensor(b, "x", type, inputShape);
        int output = OperatorExamples.Tensor(b, "y", type, outputShape);
        var inputs = new List<int> { input };
        if (types.Inputs.Count > 1 && types.Inputs[1] is ElementType operandType)
        {
            inputs.Add(Constant(b, "operand", operandType, new[] { operand.Length }, operand));
        }
        return b.Operator(code, inputs.ToArray(), new[] { output }).Inputs(input).Outputs(output);
    }

    /// <summary>A 2×2 input padded by one row after and one column before; constant_values, when the combination has it, is a constant.</summary>
    [OperatorExample(BuiltinOperator.Pad)]
    [OperatorExample(OperatorHarness.PadV2)]
    public static TfliteModelBuilder Pad(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 2 });
        int paddings = Constant(b, "paddings", types.Inputs[1]!.Value, new[] { 2, 2 }, new[] { 0, 1, 1, 0 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3, 3 });
        var inputs = new List<int> { input, paddings };
        if (types.Inputs.Count > 2 && types.Inputs[2] is not null)
        {
            // int8 constant_values need the output's quantization, as TFLM requires.
            Quant? quant = OperatorExamples.ActivationQuant(type);
            inputs.Add(b.Constant("constant_values", OperatorExamples.Tflite(type), new[] { 1 }, Encode(type, new[] { 1 }),
                quant is null ? null : new[] { quant.Scale }, quant is null ? null : new[] { (long)quant.ZeroPoint }));
        }
        byte options = code == OperatorHarness.PadV2 ? PadV2Options : PadOptions;
        return b.Operator(code, inputs.ToArray(), new[] { output }, options).Inputs(input).Outputs(output);
    }

    /// <summary>A 2×3 matrix transposed.</summary>
    [OperatorExample(BuiltinOperator.Transpose)]
    public static TfliteModelBuilder Transpose(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 3 });
        int permutation = Constant(b, "perm", types.Inputs[1]!.Value, new[] { 2 }, new[] { 1, 0 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3, 2 });
        return b.Operator(code, new[] { input, permutation }, new[] { output }, TransposeOptions).Inputs(input).Outputs(output);
    }

    /// <summary>The first row of a 2×3 matrix, every second column: <c>x[0:1, 0:3:2]</c>.</summary>
    [OperatorExample(BuiltinOperator.StridedSlice)]
    public static TfliteModelBuilder StridedSlice(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 3 });
        int begin = Constant(b, "begin", types.Inputs[1]!.Value, new[] { 2 }, new[] { 0, 0 });
        int end = Constant(b, "end", types.Inputs[2]!.Value, new[] { 2 }, new[] { 1, 3 });
        int strides = Constant(b, "strides", types.Inputs[3]!.Value, new[] { 2 }, new[] { 1, 2 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 1, 2 });
        return b.Operator(code, new[] { input, begin, end, strides }, new[] { output }, StridedSliceOptions).Inputs(input).Outputs(output);
    }

    /// <summary>Two inputs, 1×2 and 1×3, joined along the last axis.</summary>
    [OperatorExample(BuiltinOperator.Concatenation)]
    public static TfliteModelBuilder Concatenation(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int first = OperatorExamples.Tensor(b, "a", type, new[] { 1, 2 });
        int second = OperatorExamples.Tensor(b, "b", type, new[] { 1, 3 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 1, 5 });
        return b.Operator(code, new[] { first, second }, new[] { output }, ConcatenationOptions, null, TfliteModelBuilder.Option.Int(0, 1))
            .Inputs(first, second).Outputs(output);
    }

    /// <summary>SLICE of a 3×4 matrix from [1, 1], size [2, -1] (the rest of the row).</summary>
    [OperatorExample(DataMovement.Slice.BuiltinCode)]
    public static TfliteModelBuilder Slice(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 3, 4 });
        int begin = Constant(b, "begin", types.Inputs[1]!.Value, new[] { 2 }, new[] { 1, 1 });
        int size = Constant(b, "size", types.Inputs[2]!.Value, new[] { 2 }, new[] { 2, -1 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3 });
        return b.Operator(code, new[] { input, begin, size }, new[] { output }, 48).Inputs(input).Outputs(output);
    }

    /// <summary>SPLIT of a 2×6 matrix into three 2×2 blocks along the last axis (given as -1).</summary>
    [OperatorExample(DataMovement.Split.BuiltinCode)]
    public static TfliteModelBuilder Split(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[1]!.Value;
        int axis = Constant(b, "axis", ElementType.Int32, Array.Empty<int>(), new[] { -1 });
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 6 });
        int[] outputs = Enumerable.Range(0, 3).Select(i => OperatorExamples.Tensor(b, "y" + i, type, new[] { 2, 2 })).ToArray();
        return b.Operator(code, new[] { axis, input }, outputs, 35, null, TfliteModelBuilder.Option.Int(0, 3)).Inputs(input).Outputs(outputs);
    }

    /// <summary>SPLIT_V of a 5×2 matrix into rows [1, rest, 2] along axis 0.</summary>
    [OperatorExample(DataMovement.SplitV.BuiltinCode)]
    public static TfliteModelBuilder SplitV(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 5, 2 });
        int sizes = Constant(b, "size_splits", types.Inputs[1]!.Value, new[] { 3 }, new[] { 1, -1, 2 });
        int axis = Constant(b, "axis", ElementType.Int32, Array.Empty<int>(), new[] { 0 });
        int[] outputs = new[] { 1, 2, 2 }.Select((rows, i) => OperatorExamples.Tensor(b, "y" + i, type, new[] { rows, 2 })).ToArray();
        return b.Operator(code, new[] { input, sizes, axis }, outputs, 79, null, TfliteModelBuilder.Option.Int(0, 3)).Inputs(input).Outputs(outputs);
    }

    /// <summary>PACK of two vectors of 3 along axis 1 (given as -1): a 3×2 matrix.</summary>
    [OperatorExample(DataMovement.Pack.BuiltinCode)]
    public static TfliteModelBuilder Pack(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int first = OperatorExamples.Tensor(b, "a", type, new[] { 3 });
        int second = OperatorExamples.Tensor(b, "b", type, new[] { 3 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3, 2 });
        return b.Operator(code, new[] { first, second }, new[] { output }, 59, null, TfliteModelBuilder.Option.Int(0, 2), TfliteModelBuilder.Option.Int(1, -1))
            .Inputs(first, second).Outputs(output);
    }

    /// <summary>UNPACK of a 2×3 matrix along axis 1: three vectors of 2.</summary>
    [OperatorExample(DataMovement.Unpack.BuiltinCode)]
    public static TfliteModelBuilder Unpack(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 3 });
        int[] outputs = Enumerable.Range(0, 3).Select(i => OperatorExamples.Tensor(b, "y" + i, type, new[] { 2 })).ToArray();
        return b.Operator(code, new[] { input }, outputs, 64, null, TfliteModelBuilder.Option.Int(0, 3), TfliteModelBuilder.Option.Int(1, 1)).Inputs(input).Outputs(outputs);
    }

    /// <summary>REVERSE_V2 of a 2×3 matrix along its last axis (given as -1).</summary>
    [OperatorExample(DataMovement.ReverseV2.BuiltinCode)]
    public static TfliteModelBuilder ReverseV2(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 3 });
        int axis = Constant(b, "axis", ElementType.Int32, new[] { 1 }, new[] { -1 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3 });
        return b.Operator(code, new[] { input, axis }, new[] { output }, 81).Inputs(input).Outputs(output);
    }

    /// <summary>MIRROR_PAD of a 3×3 matrix by one row before and two columns after, SYMMETRIC.</summary>
    [OperatorExample(DataMovement.MirrorPad.BuiltinCode)]
    public static TfliteModelBuilder MirrorPad(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 3, 3 });
        int paddings = Constant(b, "paddings", types.Inputs[1]!.Value, new[] { 2, 2 }, new[] { 1, 0, 0, 2 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 4, 5 });
        return b.Operator(code, new[] { input, paddings }, new[] { output }, 77, null, TfliteModelBuilder.Option.Byte(0, 1)).Inputs(input).Outputs(output);
    }

    /// <summary>DEPTH_TO_SPACE of a 1×1×2×8 image with blocks of 2 (1×2×4×2), and SPACE_TO_DEPTH back.</summary>
    [OperatorExample(DataMovement.DepthToSpace.BuiltinCode)]
    [OperatorExample(DataMovement.SpaceToDepth.BuiltinCode)]
    public static TfliteModelBuilder DepthSpace(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        (int[] depth, int[] space) = (new[] { 1, 1, 2, 8 }, new[] { 1, 2, 4, 2 });
        bool toSpace = code == DataMovement.DepthToSpace.BuiltinCode;
        int input = OperatorExamples.Tensor(b, "x", type, toSpace ? depth : space);
        int output = OperatorExamples.Tensor(b, "y", type, toSpace ? space : depth);
        return b.Operator(code, new[] { input }, new[] { output }, (byte)(toSpace ? 94 : 19), null, TfliteModelBuilder.Option.Int(0, 2)).Inputs(input).Outputs(output);
    }

    /// <summary>BATCH_TO_SPACE_ND of 4×1×2×1 into 1×2×3×1 (blocks 2×2, one column cropped), and SPACE_TO_BATCH_ND of 1×2×3×1 padded by a column.</summary>
    [OperatorExample(DataMovement.BatchToSpaceNd.BuiltinCode)]
    [OperatorExample(DataMovement.SpaceToBatchNd.BuiltinCode)]
    public static TfliteModelBuilder BatchSpace(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        bool toSpace = code == DataMovement.BatchToSpaceNd.BuiltinCode;
        (int[] batched, int[] image) = (new[] { 4, 1, 2, 1 }, new[] { 1, 2, 3, 1 });
        int input = OperatorExamples.Tensor(b, "x", type, toSpace ? batched : image);
        int block = Constant(b, "block_shape", ElementType.Int32, new[] { 2 }, new[] { 2, 2 });
        int margins = Constant(b, "margins", ElementType.Int32, new[] { 2, 2 }, new[] { 0, 0, 0, 1 });
        int output = OperatorExamples.Tensor(b, "y", type, toSpace ? image : batched);
        return b.Operator(code, new[] { input, block, margins }, new[] { output }, (byte)(toSpace ? 24 : 25)).Inputs(input).Outputs(output);
    }

    /// <summary>BROADCAST_TO of a 3×1 column to 2×3×4.</summary>
    [OperatorExample(DataMovement.BroadcastTo.BuiltinCode)]
    public static TfliteModelBuilder BroadcastTo(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 3, 1 });
        int shape = Constant(b, "shape", types.Inputs[1]!.Value, new[] { 3 }, new[] { 2, 3, 4 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3, 4 });
        return b.Operator(code, new[] { input, shape }, new[] { output }, 104).Inputs(input).Outputs(output);
    }

    /// <summary>FILL of a 2×3 output with a run-time scalar; the dims are constant.</summary>
    [OperatorExample(DataMovement.Fill.BuiltinCode)]
    public static TfliteModelBuilder Fill(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[1]!.Value;
        int dims = Constant(b, "dims", types.Inputs[0]!.Value, new[] { 2 }, new[] { 2, 3 });
        int value = OperatorExamples.Tensor(b, "value", type, Array.Empty<int>());
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3 });
        return b.Operator(code, new[] { dims, value }, new[] { output }, 68).Inputs(value).Outputs(output);
    }

    /// <summary>ZEROS_LIKE of a 2×3 input.</summary>
    [OperatorExample(BuiltinOperator.ZerosLike)]
    public static TfliteModelBuilder ZerosLike(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 2, 3 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3 });
        return b.Operator(code, new[] { input }, new[] { output }, 67).Inputs(input).Outputs(output);
    }

    /// <summary>SHAPE of a 2×3×4 input.</summary>
    [OperatorExample(DataMovement.Shape.BuiltinCode)]
    public static TfliteModelBuilder Shape(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = OperatorExamples.Tensor(b, "x", types.Inputs[0]!.Value, new[] { 2, 3, 4 });
        int output = OperatorExamples.Tensor(b, "y", ElementType.Int32, new[] { 3 });
        return b.Operator(code, new[] { input }, new[] { output }, 55).Inputs(input).Outputs(output);
    }

    /// <summary>GATHER of rows of a 4×3 matrix by two run-time indices.</summary>
    [OperatorExample(DataMovement.Gather.BuiltinCode)]
    public static TfliteModelBuilder Gather(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 4, 3 });
        int indices = OperatorExamples.Tensor(b, "indices", ElementType.Int32, new[] { 2 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 2, 3 });
        return b.Operator(code, new[] { input, indices }, new[] { output }, 23).Inputs(input, indices).Outputs(output);
    }

    /// <summary>GATHER_ND of three rows of a 4×3 matrix by run-time index tuples of one component.</summary>
    [OperatorExample(DataMovement.GatherNd.BuiltinCode)]
    public static TfliteModelBuilder GatherNd(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 4, 3 });
        int indices = OperatorExamples.Tensor(b, "indices", ElementType.Int32, new[] { 3, 1 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3, 3 });
        return b.Operator(code, new[] { input, indices }, new[] { output }, 83).Inputs(input, indices).Outputs(output);
    }

    /// <summary>EMBEDDING_LOOKUP of two rows of a constant 5×3 table by run-time ids (int8 → float32 with zero point 0).</summary>
    [OperatorExample(DataMovement.EmbeddingLookup.BuiltinCode)]
    public static TfliteModelBuilder EmbeddingLookup(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[1]!.Value;
        int ids = OperatorExamples.Tensor(b, "ids", ElementType.Int32, new[] { 2 });
        bool hybrid = type == ElementType.Int8 && types.Outputs[0] == ElementType.Float32;
        Quant? quant = hybrid ? new Quant(0.5f, 0) : OperatorExamples.ActivationQuant(type);
        int table = b.Constant("table", OperatorExamples.Tflite(type), new[] { 5, 3 }, Encode(type, Enumerable.Range(0, 15).ToArray()),
            quant is null ? null : new[] { quant.Scale }, quant is null ? null : new[] { (long)quant.ZeroPoint });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { ids, table }, new[] { output }).Inputs(ids).Outputs(output);
    }

    /// <summary>DYNAMIC_UPDATE_SLICE of a 2×2 update into a 3×4 operand at run-time start indices.</summary>
    [OperatorExample(DataMovement.DynamicUpdateSlice.BuiltinCode)]
    public static TfliteModelBuilder DynamicUpdateSlice(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int operand = OperatorExamples.Tensor(b, "operand", type, new[] { 3, 4 });
        int update = OperatorExamples.Tensor(b, "update", type, new[] { 2, 2 });
        int start = OperatorExamples.Tensor(b, "start", types.Inputs[2]!.Value, new[] { 2 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3, 4 });
        return b.Operator(code, new[] { operand, update, start }, new[] { output }, 117).Inputs(operand, update, start).Outputs(output);
    }

    /// <summary>BROADCAST_ARGS of two run-time shapes of 3 and 2 dimensions.</summary>
    [OperatorExample(DataMovement.BroadcastArgs.BuiltinCode)]
    public static TfliteModelBuilder BroadcastArgs(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int first = OperatorExamples.Tensor(b, "s1", type, new[] { 3 });
        int second = OperatorExamples.Tensor(b, "s2", type, new[] { 2 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 3 });
        return b.Operator(code, new[] { first, second }, new[] { output }).Inputs(first, second).Outputs(output);
    }

    /// <summary>RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR of a 1×2×3×2 image to 3×5, half_pixel_centers.</summary>
    [OperatorExample(Resizing.ResizeNearestNeighbor.BuiltinCode)]
    [OperatorExample(Resizing.ResizeBilinear.BuiltinCode)]
    public static TfliteModelBuilder Resize(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int input = OperatorExamples.Tensor(b, "x", type, new[] { 1, 2, 3, 2 });
        int size = Constant(b, "size", ElementType.Int32, new[] { 2 }, new[] { 3, 5 });
        int output = OperatorExamples.Tensor(b, "y", type, new[] { 1, 3, 5, 2 });
        bool bilinear = code == Resizing.ResizeBilinear.BuiltinCode;
        return b.Operator(code, new[] { input, size }, new[] { output }, (byte)(bilinear ? 15 : 74), null, TfliteModelBuilder.Option.Bool(bilinear ? 3 : 1, true))
            .Inputs(input).Outputs(output);
    }

    /// <summary>A constant of any type holding small integers (index operands, and the unread operands of views).</summary>
    private static int Constant(TfliteModelBuilder b, string name, ElementType type, int[] shape, int[] values) =>
        b.Constant(name, OperatorExamples.Tflite(type), shape, Encode(type, values));

    /// <summary>Small integers as little-endian bytes of the type.</summary>
    private static byte[] Encode(ElementType type, int[] values) => type switch
    {
        ElementType.Float32 => Bytes(values.Select(v => (float)v).ToArray()),
        ElementType.Int8 => values.Select(v => (byte)(sbyte)v).ToArray(),
        ElementType.UInt8 => values.Select(v => (byte)v).ToArray(),
        ElementType.Int16 => Bytes(values.Select(v => (short)v).ToArray()),
        ElementType.Int32 => Bytes(values),
        ElementType.Int64 => Bytes(values.Select(v => (long)v).ToArray()),
        ElementType.Bool => values.Select(v => v != 0 ? (byte)1 : (byte)0).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
