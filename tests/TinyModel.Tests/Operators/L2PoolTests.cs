using System;
using System.Linq;
using TinyModel.Generator.Operators.Pooling;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// L2_POOL_2D beyond the opsets models (3×3 SAME stride 1 with RELU6, 2×2 VALID): uneven strides and filters,
/// SAME padding that clips windows at every edge, several batches, channels fewer and more than a vector, RELU
/// and no activation, bit for bit against TFLM's reference loop (pooling.h <c>L2Pool</c>: squares summed over
/// the window's valid cells in row order, <c>sqrt(sum / count)</c>, then the activation's clamp).
/// </summary>
public class L2PoolTests
{
    private const byte Same = 0, Valid = 1;

    [Theory]
    [InlineData(1, 7, 6, 3, 3, 2, 2, 3, Same, 0)]
    [InlineData(2, 5, 9, 8, 2, 3, 3, 1, Same, 1)]
    [InlineData(1, 6, 6, 17, 3, 3, 2, 2, Valid, 0)]
    [InlineData(1, 4, 5, 4, 4, 5, 1, 1, Valid, 3)]
    public void MatchesTflmsLoop(int batches, int height, int width, int channels, int filterHeight, int filterWidth, int strideHeight, int strideWidth, byte padding, byte activation)
    {
        int outHeight = padding == Same ? (height + strideHeight - 1) / strideHeight : (height - filterHeight + strideHeight) / strideHeight;
        int outWidth = padding == Same ? (width + strideWidth - 1) / strideWidth : (width - filterWidth + strideWidth) / strideWidth;
        int padTop = padding == Same ? Math.Max(0, ((outHeight - 1) * strideHeight + filterHeight - height) / 2) : 0;
        int padLeft = padding == Same ? Math.Max(0, ((outWidth - 1) * strideWidth + filterWidth - width) / 2) : 0;
        float min = activation == 0 ? float.MinValue : 0f, max = activation == 3 ? 6f : float.MaxValue;
        var random = new Random(height * width + channels);
        float[] input = RandomFloat(random, batches * height * width * channels, 8f);
        float[] expected = new float[batches * outHeight * outWidth * channels];
        for (int b = 0; b < batches; b++)
        {
            for (int oy = 0; oy < outHeight; oy++)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int y0 = oy * strideHeight - padTop, x0 = ox * strideWidth - padLeft;
                        float sum = 0f;
                        int count = 0;
                        for (int fy = Math.Max(0, -y0); fy < Math.Min(filterHeight, height - y0); fy++)
                        {
                            for (int fx = Math.Max(0, -x0); fx < Math.Min(filterWidth, width - x0); fx++)
                            {
                                float v = input[((b * height + y0 + fy) * width + x0 + fx) * channels + c];
                                sum += v * v;
                                count++;
                            }
                        }
                        float result = MathF.Sqrt(sum / count);
                        expected[((b * outHeight + oy) * outWidth + ox) * channels + c] = Math.Min(Math.Max(result, min), max);
                    }
                }
            }
        }

        var builder = new TfliteModelBuilder();
        int x = builder.Tensor("x", TfliteType.Float32, new[] { batches, height, width, channels });
        int y = builder.Tensor("y", TfliteType.Float32, new[] { batches, outHeight, outWidth, channels });
        builder.Operator(L2Pool2D.BuiltinCode, new[] { x }, new[] { y }, Pool2DOptions, null,
                TfliteModelBuilder.Option.Byte(0, padding), TfliteModelBuilder.Option.Int(1, strideWidth), TfliteModelBuilder.Option.Int(2, strideHeight),
                TfliteModelBuilder.Option.Int(3, filterWidth), TfliteModelBuilder.Option.Int(4, filterHeight), TfliteModelBuilder.Option.Byte(5, activation))
            .Inputs(x).Outputs(y);
        float[] actual = Values<float>(Run(builder, expected.Length * 4, Bytes(input)));
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }
}
