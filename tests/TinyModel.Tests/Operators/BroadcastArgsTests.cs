using System;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// BROADCAST_ARGS with run-time shapes, as TFLM's reference/broadcast_args.h combines them (from the last
/// dimension back, 1 for a missing one), shapes that do not broadcast (TFLM aborts; the generated code
/// throws), and constant shapes folded at build time.
/// </summary>
public class BroadcastArgsTests
{
    private const int Code = 145;

    private static TfliteModelBuilder Model(TfliteType type, int first, int second, byte[]? constantFirst = null, byte[]? constantSecond = null)
    {
        var builder = new TfliteModelBuilder();
        int a = constantFirst is null ? builder.Tensor("s1", type, new[] { first }) : builder.Constant("s1", type, new[] { first }, constantFirst);
        int b = constantSecond is null ? builder.Tensor("s2", type, new[] { second }) : builder.Constant("s2", type, new[] { second }, constantSecond);
        int y = builder.Tensor("y", type, new[] { Math.Max(first, second) });
        builder.Operator(Code, new[] { a, b }, new[] { y });
        builder.Outputs(y);
        return constantFirst is null ? builder.Inputs(a, b) : builder;
    }

    [Fact]
    public void RunTimeShapesBroadcastFromTheLastDimension()
    {
        byte[] output = Run(Model(TfliteType.Int64, 2, 4), 32, Bytes(new long[] { 5, 1 }), Bytes(new long[] { 2, 1, 1, 7 }));
        Assert.Equal(new long[] { 2, 1, 5, 7 }, Values<long>(output));
        byte[] int32 = Run(Model(TfliteType.Int32, 3, 1), 12, Bytes(new[] { 1, 4, 1 }), Bytes(new[] { 6 }));
        Assert.Equal(new[] { 1, 4, 6 }, Values<int>(int32));
    }

    [Fact]
    public void ShapesThatDoNotBroadcastThrow()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(Model(TfliteType.Int32, 2, 2), 8, Bytes(new[] { 2, 3 }), Bytes(new[] { 2, 4 })));
        Assert.Contains("BROADCAST_ARGS", e.Message);
        Assert.Contains("3 and 4", e.Message);
    }

    [Fact]
    public void ConstantShapesAreFolded()
    {
        byte[] output = Run(Model(TfliteType.Int32, 3, 2, Bytes(new[] { 3, 1, 5 }), Bytes(new[] { 4, 1 })), 12);
        Assert.Equal(new[] { 3, 4, 5 }, Values<int>(output));
        Assert.Contains("do not broadcast", CompileError(Model(TfliteType.Int32, 1, 1, Bytes(new[] { 2 }), Bytes(new[] { 3 }))));
    }
}
