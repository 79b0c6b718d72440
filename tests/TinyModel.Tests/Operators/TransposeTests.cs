using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// TRANSPOSE against a naive reference (for each output position, the input element at the permuted
/// position: the definition TFLM's reference/transpose.h implements), for permutations of 1 to 6
/// dimensions and element types of 1, 2 and 4 bytes.
/// </summary>
public class TransposeTests
{
    public static TheoryData<int[], int[], TfliteType> Cases => new()
    {
        { new[] { 7 }, new[] { 0 }, TfliteType.Int8 },
        { new[] { 3, 5 }, new[] { 1, 0 }, TfliteType.Float32 },
        { new[] { 2, 3, 4 }, new[] { 2, 0, 1 }, TfliteType.Int16 },
        { new[] { 1, 3, 4, 5 }, new[] { 0, 2, 3, 1 }, TfliteType.Int8 },
        { new[] { 2, 3, 4, 5 }, new[] { 3, 2, 1, 0 }, TfliteType.Int32 },
        { new[] { 2, 3, 1, 2, 3 }, new[] { 0, 1, 2, 3, 4 }, TfliteType.Float32 },
        { new[] { 2, 1, 3, 2, 2, 3 }, new[] { 5, 3, 1, 4, 0, 2 }, TfliteType.Int16 },
        { new[] { 2, 2, 3, 2, 2, 2 }, new[] { 1, 0, 2, 5, 4, 3 }, TfliteType.Bool },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveTranspose(int[] shape, int[] perm, TfliteType type)
    {
        int size = type switch { TfliteType.Float32 or TfliteType.Int32 => 4, TfliteType.Int16 => 2, _ => 1 };
        int count = Count(shape);
        var random = new Random(count);
        byte[] input = new byte[count * size];
        random.NextBytes(input);
        if (type == TfliteType.Bool)
        {
            input = input.Select(v => (byte)(v & 1)).ToArray();
        }
        int[] outShape = perm.Select(p => shape[p]).ToArray();

        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", type, shape);
        int p = b.Constant("perm", TfliteType.Int32, new[] { perm.Length }, Bytes(perm));
        int y = b.Tensor("y", type, outShape);
        b.Operator(Transpose, new[] { x, p }, new[] { y }, TransposeOptions).Inputs(x).Outputs(y);
        byte[] actual = Run(b, input.Length, input);

        // Naive reference: output[i] = input[j] where j's coordinate on dimension perm[d] is i's on d.
        int[] inStrides = Strides(shape), outStrides = Strides(outShape);
        byte[] expected = new byte[input.Length];
        for (int o = 0; o < count; o++)
        {
            int j = 0;
            for (int d = 0; d < outShape.Length; d++)
            {
                j += o / outStrides[d] % outShape[d] * inStrides[perm[d]];
            }
            Array.Copy(input, j * size, expected, o * size, size);
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ANonPermutationIsReported()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Int8, new[] { 2, 3 });
        int p = b.Constant("perm", TfliteType.Int32, new[] { 2 }, Bytes(new[] { 0, 0 }));
        int y = b.Tensor("y", TfliteType.Int8, new[] { 2, 3 });
        b.Operator(Transpose, new[] { x, p }, new[] { y }, TransposeOptions).Inputs(x).Outputs(y);
        Assert.Contains("is not a permutation", CompileError(b));
    }
}
