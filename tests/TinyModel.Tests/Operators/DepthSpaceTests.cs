using System;
using System.Linq;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// DEPTH_TO_SPACE and SPACE_TO_DEPTH beyond the opsets models (one batch, blocks 2 and 3): several batches,
/// non-square inputs, blocks 1 to 4, against TFLM's reference index arithmetic (depth_to_space.h:
/// <c>in_depth = ((h % block) · block + w % block) · out_depth + d</c>); a block that does not divide the space side
/// is a diagnostic naming the block.
/// </summary>
public class DepthSpaceTests
{
    [Theory]
    [InlineData(TfliteType.Float32, 2, 3, 2, 5, 2)]
    [InlineData(TfliteType.Int8, 2, 3, 2, 5, 2)]
    [InlineData(TfliteType.Float32, 1, 2, 3, 4, 3)]
    [InlineData(TfliteType.Int8, 3, 1, 1, 2, 4)]
    [InlineData(TfliteType.Float32, 2, 2, 2, 3, 1)]
    public void DepthToSpaceAndBackMatchTflm(TfliteType type, int batches, int rows, int columns, int channels, int block)
    {
        // Depth side [batches, rows, columns, channels · block²], space side [batches, rows · block, columns · block, channels].
        int[] depth = { batches, rows, columns, channels * block * block }, space = { batches, rows * block, columns * block, channels };
        int n = Count(depth);
        int[] toSpace = new int[n]; // toSpace[space index] = depth index
        for (int b = 0; b < batches; b++)
        {
            for (int h = 0; h < rows * block; h++)
            {
                for (int w = 0; w < columns * block; w++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int spaceIndex = ((b * space[1] + h) * space[2] + w) * channels + c;
                        toSpace[spaceIndex] = ((b * rows + h / block) * columns + w / block) * depth[3] + ((h % block) * block + w % block) * channels + c;
                    }
                }
            }
        }
        var random = new Random(n + block);
        float[] floats = RandomFloat(random, n);
        sbyte[] int8 = RandomInt8(random, n);

        foreach (bool toSpaceDirection in new[] { true, false })
        {
            var b = new TfliteModelBuilder();
            float? scale = type == TfliteType.Int8 ? 0.1f : null;
            int x = b.Tensor("x", type, toSpaceDirection ? depth : space, scale, 1);
            int y = b.Tensor("y", type, toSpaceDirection ? space : depth, scale, 1);
            b.Operator(toSpaceDirection ? DepthToSpace.BuiltinCode : SpaceToDepth.BuiltinCode, new[] { x }, new[] { y },
                (byte)(toSpaceDirection ? 94 : 19), null, TfliteModelBuilder.Option.Int(0, block)).Inputs(x).Outputs(y);
            // Depth to space reads input[toSpace[i]] into output i; space to depth writes input i to output[toSpace[i]].
            int[] source = new int[n];
            for (int i = 0; i < n; i++)
            {
                if (toSpaceDirection)
                {
                    source[i] = toSpace[i];
                }
                else
                {
                    source[toSpace[i]] = i;
                }
            }
            if (type == TfliteType.Float32)
            {
                Assert.Equal(source.Select(i => floats[i]), Values<float>(Run(b, n * 4, Bytes(floats))));
            }
            else
            {
                Assert.Equal(source.Select(i => int8[i]), Values<sbyte>(Run(b, n, Bytes(int8))));
            }
        }
    }

    [Fact]
    public void ABlockThatDoesNotDivideTheSpaceIsADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 1, 3, 4, 2 });
        int y = b.Tensor("y", TfliteType.Float32, new[] { 1, 1, 2, 8 });
        b.Operator(SpaceToDepth.BuiltinCode, new[] { x }, new[] { y }, 19, null, TfliteModelBuilder.Option.Int(0, 2)).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("blocks of 2", error);
    }
}
