using System;
using System.Linq;
using TinyModel.Generator.Operators.DataMovement;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.OperatorHarness;

namespace TinyModel.Tests.Operators;

/// <summary>
/// BROADCAST_TO beyond the opsets models: rank growth from a scalar and a vector to 4 and 5 dimensions, ones
/// broadcast in the middle, an unchanged shape, int32 and int64 shapes, against NumPy broadcasting by index
/// (<see cref="TfliteReference.BroadcastIndex"/>); a shape the input does not broadcast to is a diagnostic.
/// </summary>
public class BroadcastToTests
{
    [Theory]
    [InlineData(new int[0], new[] { 2, 3, 1, 2 }, TfliteType.Int32)]
    [InlineData(new[] { 3 }, new[] { 2, 2, 3 }, TfliteType.Int64)]
    [InlineData(new[] { 2, 1, 4 }, new[] { 3, 2, 5, 4 }, TfliteType.Int32)]
    [InlineData(new[] { 1, 3, 1, 2, 1 }, new[] { 2, 3, 2, 2, 3 }, TfliteType.Int64)]
    [InlineData(new[] { 2, 3 }, new[] { 2, 3 }, TfliteType.Int32)]
    public void MatchesNumpyBroadcasting(int[] inputShape, int[] outputShape, TfliteType shapeType)
    {
        int n = Count(outputShape);
        var random = new Random(n);
        float[] input = RandomFloat(random, Count(inputShape));
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, inputShape);
        byte[] shapeBytes = shapeType == TfliteType.Int64 ? Bytes(outputShape.Select(d => (long)d).ToArray()) : Bytes(outputShape);
        int shape = b.Constant("shape", shapeType, new[] { outputShape.Length }, shapeBytes);
        int y = b.Tensor("y", TfliteType.Float32, outputShape);
        b.Operator(BroadcastTo.BuiltinCode, new[] { x, shape }, new[] { y }, 104).Inputs(x).Outputs(y);
        float[] expected = Enumerable.Range(0, n).Select(i => input[TfliteReference.BroadcastIndex(i, outputShape, inputShape)]).ToArray();
        Assert.Equal(expected, Values<float>(Run(b, n * 4, Bytes(input))));
    }

    [Fact]
    public void AShapeTheInputDoesNotBroadcastToIsADiagnostic()
    {
        var b = new TfliteModelBuilder();
        int x = b.Tensor("x", TfliteType.Float32, new[] { 3, 2 });
        int shape = b.Constant("shape", TfliteType.Int32, new[] { 2 }, Bytes(new[] { 3, 4 }));
        int y = b.Tensor("y", TfliteType.Float32, new[] { 3, 4 });
        b.Operator(BroadcastTo.BuiltinCode, new[] { x, shape }, new[] { y }, 104).Inputs(x).Outputs(y);
        string? error = CompileError(b);
        Assert.NotNull(error);
        Assert.Contains("does not broadcast to the output", error);
    }
}
