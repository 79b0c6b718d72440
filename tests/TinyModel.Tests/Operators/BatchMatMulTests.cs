using System;
using TinyModel.Generator.Operators.Convolution;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// BATCH_MATMUL with constant operands, which the opsets models (all run-time operands, checked bit-exact
/// against TFLM there) do not cover: a constant lhs or rhs must give exactly what the same data fed at
/// run time gives, for every type, with adj_x/adj_y and broadcast batch dimensions.
/// </summary>
public class BatchMatMulTests
{
    private const byte BatchMatMulOptions = 98; // BuiltinOptions.BatchMatMulOptions in schema.fbs

    [Theory]
    [InlineData(TfliteType.Float32, false, false, true)]
    [InlineData(TfliteType.Int8, true, false, true)]
    [InlineData(TfliteType.Int8, false, true, false)]
    [InlineData(TfliteType.Int16, true, true, true)]
    [InlineData(TfliteType.Int16, false, false, false)]
    public void ConstantOperandMatchesRunTimeOperand(TfliteType type, bool adjX, bool adjY, bool constantRhs)
    {
        int[] lhsShape = adjX ? new[] { 2, 1, 4, 3 } : new[] { 2, 1, 3, 4 };
        int[] rhsShape = adjY ? new[] { 3, 5, 4 } : new[] { 3, 4, 5 };
        int[] outShape = { 2, 3, 3, 5 };
        int size = type switch { TfliteType.Float32 => 4, TfliteType.Int16 => 2, _ => 1 };
        var random = new Random(7);
        byte[] lhs = Data(type, random, Count(lhsShape)), rhs = Data(type, random, Count(rhsShape));

        byte[] runTime = Run(Model(type, lhsShape, rhsShape, outShape, adjX, adjY, null, null), Count(outShape) * size, lhs, rhs);
        byte[] constant = constantRhs
            ? Run(Model(type, lhsShape, rhsShape, outShape, adjX, adjY, null, rhs), Count(outShape) * size, lhs)
            : Run(Model(type, lhsShape, rhsShape, outShape, adjX, adjY, lhs, null), Count(outShape) * size, rhs);
        Assert.Equal(runTime, constant);
        Assert.Contains(runTime, b => b != 0);
    }

    [Fact]
    public void MismatchedDepthIsADiagnostic()
    {
        string? error = CompileError(Model(TfliteType.Float32, new[] { 2, 3 }, new[] { 4, 5 }, new[] { 2, 5 }, false, false, null, null));
        Assert.NotNull(error);
        Assert.Contains("depth", error);
    }

    private static byte[] Data(TfliteType type, Random random, int count) => type switch
    {
        TfliteType.Float32 => Bytes(RandomFloat(random, count)),
        TfliteType.Int16 => Bytes(RandomInt16(random, count, 4096)),
        _ => Bytes(RandomInt8(random, count)),
    };

    private static TfliteModelBuilder Model(TfliteType type, int[] lhsShape, int[] rhsShape, int[] outShape, bool adjX, bool adjY, byte[]? lhsData, byte[]? rhsData)
    {
        var b = new TfliteModelBuilder();
        bool quantized = type != TfliteType.Float32;
        int zero = type == TfliteType.Int8 ? -3 : 0;
        int lhs = lhsData is null
            ? b.Tensor("lhs", type, lhsShape, quantized ? 0.02f : null, zero)
            : b.Constant("lhs", type, lhsShape, lhsData, quantized ? new[] { 0.02f } : null, quantized ? new long[] { zero } : null);
        int rhs = rhsData is null
            ? b.Tensor("rhs", type, rhsShape, quantized ? 0.03f : null, type == TfliteType.Int8 ? 4 : 0)
            : b.Constant("rhs", type, rhsShape, rhsData, quantized ? new[] { 0.03f } : null, quantized ? new long[] { type == TfliteType.Int8 ? 4 : 0 } : null);
        int output = b.Tensor("y", type, outShape, quantized ? 0.05f : null, type == TfliteType.Int8 ? 1 : 0);
        var inputs = new System.Collections.Generic.List<int>();
        if (lhsData is null)
        {
            inputs.Add(lhs);
        }
        if (rhsData is null)
        {
            inputs.Add(rhs);
        }
        return b.Operator(BatchMatMul.BuiltinCode, new[] { lhs, rhs }, new[] { output }, BatchMatMulOptions, null,
                TfliteModelBuilder.Option.Bool(0, adjX), TfliteModelBuilder.Option.Bool(1, adjY))
            .Inputs(inputs.ToArray()).Outputs(output);
    }
}
