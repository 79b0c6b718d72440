using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
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
