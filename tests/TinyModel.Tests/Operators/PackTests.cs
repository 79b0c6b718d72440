using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// PACK with a constant input beside run-time ones (stacked along the last axis), and UNPACK of the result
/// back into its slices; FILL with a constant value; SHAPE folded to a constant.
/// </summary>
public class PackTests
{
    [Fact]
    public void PacksConstantAndRunTimeInputsAndUnpacksThem()
    {
        var b = new TfliteModelBuilder();
        int first = b.Tensor("a", TfliteType.Int64, new[] { 2, 2 });
        int constant = b.Constant("k", TfliteType.Int64, new[] { 2, 2 }, Bytes(new long[] { 10, 20, 30, 40 }));
        int third = b.Tensor("c", TfliteType.Int64, new[] { 2, 2 });
        int packed = b.Tensor("packed", TfliteType.Int64, new[] { 2, 2, 3 });
        b.Operator(83, new[] { first, constant, third }, new[] { packed }, 59, null, TfliteModelBuilder.Option.Int(0, 3), TfliteModelBuilder.Option.Int(1, -1))
            .Inputs(first, third).Outputs(packed);
        long[] a = { 1, 2, 3, 4 }, c = { -1, -2, -3, -4 };
        long[] expected = { 1, 10, -1, 2, 20, -2, 3, 30, -3, 4, 40, -4 };
        Assert.Equal(expected, Values<long>(Run(b, 96, Bytes(a), Bytes(c))));
    }

    [Fact]
    public void FillWithAConstantValue()
    {
        var b = new TfliteModelBuilder();
        int dims = b.Constant("dims", TfliteType.Int64, new[] { 2 }, Bytes(new long[] { 2, 3 }));
        int value = b.Constant("value", TfliteType.Float32, System.Array.Empty<int>(), Bytes(new[] { 2.5f }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 2, 3 });
        b.Operator(94, new[] { dims, value }, new[] { y }, 68).Outputs(y);
        Assert.Equal(Enumerable.Repeat(2.5f, 6), Values<float>(Run(b, 24)));
    }

    [Fact]
    public void ShapeIsFolded()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Bool, new[] { 3, 1, 7 });
        int y = b.Tensor("y", TfliteType.Int32, new[] { 3 });
        b.Operator(77, new[] { x }, new[] { y }, 55).Inputs(x).Outputs(y);
        Assert.Equal(new[] { 3, 1, 7 }, Values<int>(Run(b, 12, new byte[21])));
    }
}
