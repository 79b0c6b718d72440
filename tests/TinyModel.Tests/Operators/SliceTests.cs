using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SLICE on 5-D and 1-D tensors with size -1 (the rest of the dimension), and begin/size that reach outside
/// the input, which TFLM does not allow and the generator reports.
/// </summary>
public class SliceTests
{
    private const int Code = 65;

    private static TfliteModelBuilder Model(int[] shape, int[] begin, int[] size, int[] outputShape)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int16, shape, 1f / 4096, 0);
        int bg = b.Constant("begin", TfliteType.Int32, new[] { begin.Length }, Bytes(begin));
        int sz = b.Constant("size", TfliteType.Int64, new[] { size.Length }, Bytes(size.Select(v => (long)v).ToArray()));
        int y = b.Tensor("y", TfliteType.Int16, outputShape, 1f / 4096, 0);
        return b.Operator(Code, new[] { x, bg, sz }, new[] { y }, 48).Inputs(x).Outputs(y);
    }

    [Fact]
    public void FiveDimensionsWithTheRestOfADimension()
    {
        int[] shape = { 2, 3, 2, 4, 3 };
        short[] input = Enumerable.Range(0, Count(shape)).Select(v => (short)v).ToArray();
        int[] begin = { 1, 0, 1, 2, 1 }, size = { -1, 2, 1, -1, 2 };
        int[] outputShape = { 1, 2, 1, 2, 2 };
        int[] strides = Strides(shape);
        var expected = (from a in Enumerable.Range(1, 1)
                        from c in Enumerable.Range(0, 2)
                        from d in Enumerable.Range(1, 1)
                        from e in Enumerable.Range(2, 2)
                        from f in Enumerable.Range(1, 2)
                        select input[a * strides[0] + c * strides[1] + d * strides[2] + e * strides[3] + f]).ToArray();
        Assert.Equal(expected, Values<short>(Run(Model(shape, begin, size, outputShape), expected.Length * 2, Bytes(input))));
    }

    [Fact]
    public void SizeOutsideTheInputIsAnError() =>
        Assert.Contains("reach outside the input", CompileError(Model(new[] { 6 }, new[] { 4 }, new[] { 3 }, new[] { 3 })));

    [Fact]
    public void NegativeBeginIsAnError() =>
        Assert.Contains("reach outside the input", CompileError(Model(new[] { 6 }, new[] { -1 }, new[] { 1 }, new[] { 1 })));
}
