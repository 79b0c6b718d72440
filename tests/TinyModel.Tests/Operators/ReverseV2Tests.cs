using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>REVERSE_V2 on several contiguous axes, given negative, and the non-contiguous axes TFLM refuses.</summary>
public class ReverseV2Tests
{
    private const int Code = 105;

    private static TfliteModelBuilder Model(int[] shape, int[] axes)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int32, shape);
        int a = b.Constant("axis", TfliteType.Int32, new[] { axes.Length }, Bytes(axes));
        int y = b.Tensor("y", TfliteType.Int32, shape);
        return b.Operator(Code, new[] { x, a }, new[] { y }, 81).Inputs(x).Outputs(y);
    }

    [Fact]
    public void ReversesContiguousAxesGivenFromTheEnd()
    {
        int[] shape = { 2, 3, 4 };
        int[] input = Enumerable.Range(0, 24).ToArray();
        // Axes 1 and 2 (as -1 and 1): within each batch, the 12 elements in reverse order.
        int[] expected = input.Take(12).Reverse().Concat(input.Skip(12).Reverse()).ToArray();
        Assert.Equal(expected, Values<int>(Run(Model(shape, new[] { -1, 1 }), 96, Bytes(input))));
    }

    [Fact]
    public void NonContiguousAxesAreAnError() =>
        Assert.Contains("not contiguous", CompileError(Model(new[] { 2, 3, 4 }, new[] { 0, 2 })));
}
