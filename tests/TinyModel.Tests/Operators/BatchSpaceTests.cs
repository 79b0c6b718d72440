using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND against references written from TFLM's
/// reference/space_to_batch_nd.h and batch_to_space_nd.h: 3-D tensors (one spatial dimension, as TFLM extends
/// them), paddings (left as 0, TFLM's value on a zeroed arena) and crops the shared models leave out.
/// </summary>
public class BatchSpaceTests
{
    private const int BatchToSpace = 37, SpaceToBatch = 38;

    [Theory]
    [InlineData(new[] { 2, 5, 3, 2 }, 2, 3, new[] { 1, 0, 2, 1 })]
    [InlineData(new[] { 1, 3, 2 }, 2, 1, new[] { 1, 2 })]
    [InlineData(new[] { 3, 4, 4, 1 }, 1, 2, new[] { 0, 0, 0, 0 })]
    public void SpaceToBatchMatchesTflm(int[] shape, int blockHeight, int blockWidth, int[] paddings)
    {
        bool threeD = shape.Length == 3;
        int[] s = threeD ? new[] { shape[0], shape[1], 1, shape[2] } : shape;
        int top = paddings[0], left = threeD ? 0 : paddings[2];
        int outH = (s[1] + paddings[0] + paddings[1]) / blockHeight, outW = threeD ? 1 : (s[2] + paddings[2] + paddings[3]) / blockWidth;
        int outB = s[0] * blockHeight * blockWidth, depth = s[3];
        float[] input = Enumerable.Range(1, Count(shape)).Select(v => (float)v).ToArray();
        var expected = new float[outB * outH * outW * depth];
        for (int ob = 0; ob < outB; ob++)
        {
            int inB = ob % s[0], shiftW = ob / s[0] % blockWidth, shiftH = ob / s[0] / blockWidth;
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++)
                {
                    int ih = oh * blockHeight + shiftH - top, iw = ow * blockWidth + shiftW - left;
                    for (int c = 0; c < depth; c++)
                    {
                        bool inside = ih >= 0 && ih < s[1] && iw >= 0 && iw < s[2];
                        expected[((ob * outH + oh) * outW + ow) * depth + c] = inside ? input[((inB * s[1] + ih) * s[2] + iw) * depth + c] : 0f;
                    }
                }
            }
        }
        int[] outputShape = threeD ? new[] { outB, outH, depth } : new[] { outB, outH, outW, depth };
        byte[] actual = Run(Model(SpaceToBatch, shape, outputShape, threeD ? new[] { blockHeight } : new[] { blockHeight, blockWidth }, paddings), expected.Length * 4, Bytes(input));
        Assert.Equal(expected, Values<float>(actual));

        // BATCH_TO_SPACE_ND with the paddings as crops undoes it.
        byte[] back = Run(Model(BatchToSpace, outputShape, shape, threeD ? new[] { blockHeight } : new[] { blockHeight, blockWidth }, paddings), input.Length * 4, actual);
        Assert.Equal(input, Values<float>(back));
    }

    private static TfliteModelBuilder Model(int code, int[] inputShape, int[] outputShape, int[] block, int[] margins)
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, inputShape);
        int blockShape = b.Constant("block_shape", TfliteType.Int32, new[] { block.Length }, Bytes(block));
        int m = b.Constant("margins", TfliteType.Int32, new[] { block.Length, 2 }, Bytes(margins));
        int y = b.Tensor("y", TfliteType.Float32, outputShape);
        return b.Operator(code, new[] { x, blockShape, m }, new[] { y }, (byte)(code == BatchToSpace ? 24 : 25)).Inputs(x).Outputs(y);
    }
}
