using System;
using Xunit;

namespace TinyModel.Tests.Runtime;

/// <summary>Planes interleaved (a channels-first to channels-last TRANSPOSE) equal the index formula, vector path and tail alike.</summary>
public class InterleaveKernelsTests
{
    [Theory]
    [InlineData(3, 50176)] // mobilenet_v2's input: 224 × 224 positions
    [InlineData(3, 16)]
    [InlineData(3, 37)] // two vectors and a tail of 5
    [InlineData(3, 5)] // the tail alone
    [InlineData(1, 9)]
    [InlineData(2, 33)]
    [InlineData(4, 19)]
    public void EqualsTheIndexFormula(int planes, int positions)
    {
        var random = new Random(planes * 1000 + positions);
        byte[] input = new byte[planes * positions];
        random.NextBytes(input);
        byte[] output = new byte[input.Length];
        InterleaveKernels.Interleave(input, planes, output);
        for (int p = 0; p < positions; p++)
        {
            for (int c = 0; c < planes; c++)
            {
                Assert.Equal(input[c * positions + p], output[p * planes + c]);
            }
        }
    }

    [Fact]
    public void RejectsPlanesThatDoNotDivideTheInputAndOutputsOfAnotherLength()
    {
        Assert.Throws<ArgumentException>(() => InterleaveKernels.Interleave(new byte[10], 3, new byte[10]));
        Assert.Throws<ArgumentException>(() => InterleaveKernels.Interleave(new byte[9], 0, new byte[9]));
        Assert.Throws<ArgumentException>(() => InterleaveKernels.Interleave(new byte[9], 3, new byte[8]));
    }
}
