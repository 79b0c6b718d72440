using System;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators;
using TinyModel.Generator.Reading;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of the two-input element-wise operators.</summary>
internal static class ElementwiseBinaryExamples
{
    /// <summary>Two run-time inputs, the second broadcast along the first's rows, so both loop shapes are compiled.</summary>
    [OperatorExample(BuiltinOperator.Add)]
    [OperatorExample(BuiltinOperator.Sub)]
    [OperatorExample(BuiltinOperator.Mul)]
    [OperatorExample(BuiltinOperator.Maximum)]
    [OperatorExample(BuiltinOperator.Minimum)]
    [OperatorExample(BuiltinOperator.SquaredDifference)]
    [OperatorExample(BuiltinOperator.Equal)]
    [OperatorExample(BuiltinOperator.NotEqual)]
    [OperatorExample(BuiltinOperator.Greater)]
    [OperatorExample(BuiltinOperator.GreaterEqual)]
    [OperatorExample(BuiltinOperator.Less)]
    [OperatorExample(BuiltinOperator.LessEqual)]
    [OperatorExample(BuiltinOperator.LogicalAnd)]
    [OperatorExample(BuiltinOperator.LogicalOr)]
    [OperatorExample(BuiltinOperator.FloorMod)]
    [OperatorExample(BuiltinOperator.Prelu)]
    public static TfliteModelBuilder Binary(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int left = OperatorExamples.Tensor(b, "a", types.Inputs[0]!.Value, new[] { 2, 3 });
        int right = OperatorExamples.Tensor(b, "b", types.Inputs[1]!.Value, new[] { 1, 3 });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { left, right }, new[] { output }).Inputs(left, right).Outputs(output);
    }

    /// <summary>FLOOR_DIV: a constant divisor without zeros (TFLM refuses a zero divisor, and the example runs on zeros).</summary>
    [OperatorExample(BuiltinOperator.FloorDiv)]
    public static TfliteModelBuilder ConstantDivisor(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int left = OperatorExamples.Tensor(b, "a", types.Inputs[0]!.Value, new[] { 2, 3 });
        int right = b.Constant("b", OperatorExamples.Tflite(types.Inputs[1]!.Value), new[] { 1, 3 }, System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { 2f, -0.5f, 3f }.AsSpan()).ToArray());
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { left, right }, new[] { output }).Inputs(left).Outputs(output);
    }

    /// <summary>ADD_N: three inputs of one shape and one quantization.</summary>
    [OperatorExample(BuiltinOperator.AddN)]
    public static TfliteModelBuilder Sum(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int[] inputs = Enumerable.Range(0, 3).Select(k => OperatorExamples.Tensor(b, $"x{k}", types.Inputs[0]!.Value, new[] { 2, 3 })).ToArray();
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, inputs, new[] { output }).Inputs(inputs).Outputs(output);
    }

    /// <summary>SELECT_V2: a condition of the output's shape, x broadcast along rows and y along columns.</summary>
    [OperatorExample(BuiltinOperator.SelectV2)]
    public static TfliteModelBuilder Select(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int condition = OperatorExamples.Tensor(b, "c", types.Inputs[0]!.Value, new[] { 2, 3 });
        int x = OperatorExamples.Tensor(b, "x", types.Inputs[1]!.Value, new[] { 1, 3 });
        int y = OperatorExamples.Tensor(b, "y", types.Inputs[2]!.Value, new[] { 2, 1 });
        int output = OperatorExamples.Tensor(b, "out", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { condition, x, y }, new[] { output }).Inputs(condition, x, y).Outputs(output);
    }

    /// <summary>DIV by a constant divisor of 1, 2 and 3 (an all-zero run-time divisor would trap in int32, as in TFLM).</summary>
    [OperatorExample(BuiltinOperator.Div)]
    public static TfliteModelBuilder Div(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        ElementType type = types.Inputs[0]!.Value;
        int left = OperatorExamples.Tensor(b, "a", type, new[] { 2, 3 });
        Quant? quant = OperatorExamples.ActivationQuant(type);
        byte[] divisor = type switch
        {
            ElementType.Float32 => new[] { 1f, 2f, 3f }.SelectMany(System.BitConverter.GetBytes).ToArray(),
            ElementType.Int32 => new[] { 1, 2, 3 }.SelectMany(System.BitConverter.GetBytes).ToArray(),
            _ => new[] { (byte)17, (byte)37, (byte)57 },
        };
        int right = b.Constant("b", OperatorExamples.Tflite(type), new[] { 1, 3 }, divisor,
            quant is null ? null : new[] { quant.Scale }, quant is null ? null : new[] { (long)quant.ZeroPoint });
        int output = OperatorExamples.Tensor(b, "y", types.Outputs[0], new[] { 2, 3 });
        return b.Operator(code, new[] { left, right }, new[] { output }).Inputs(left).Outputs(output);
    }
}
