using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// SUB option combinations beyond the golden models. Expected values: <see cref="BinaryArithmeticCase"/>'s
/// naive transcription of TFLM's reference sub.h with sub_common.cc's multipliers (computed in float,
/// unlike ADD's).
/// </summary>
public class SubTests
{
    private static readonly Quant In1 = new(0.05f, -3), In2 = new(0.11f, 7), Out = new(0.13f, -10);
    private static readonly Quant In1Int16 = new(0.0009693716f, 0), In2Int16 = new(8.709842E-06f, 0), OutInt16 = new(0.0005941494f, 0);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Float32EveryActivation(byte activation) =>
        new BinaryArithmeticCase(true, TfliteType.Float32, new[] { 2, 3, 4 }, new[] { 3, 1 }, new[] { 2, 3, 4 }, Activation: activation).AssertMatchesReference();

    [Theory]
    [MemberData(nameof(AddTests.BroadcastShapes), MemberType = typeof(AddTests))]
    public void Int8Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryArithmeticCase(true, TfliteType.Int8, shape1, shape2, output, In1, In2, Out, Activation: 1).AssertMatchesReference();

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void Int8EveryActivation(byte activation) =>
        new BinaryArithmeticCase(true, TfliteType.Int8, new[] { 50 }, new[] { 50 }, new[] { 50 }, In2, In1, new Quant(0.03f, 0), activation).AssertMatchesReference();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Int16UsesTheGeneralRescalingWhateverPotScaleSays(bool potScale) =>
        new BinaryArithmeticCase(true, TfliteType.Int16, new[] { 1, 2, 12, 64 }, new[] { 64 }, new[] { 1, 2, 12, 64 }, In1Int16, In2Int16, OutInt16, PotScaleInt16: potScale).AssertMatchesReference();

    [Theory]
    [InlineData(TfliteType.Int16)]
    [InlineData(TfliteType.Int8)]
    public void ConstantSecondInput(TfliteType type) =>
        new BinaryArithmeticCase(true, type, new[] { 2, 3, 16 }, new[] { 16 }, new[] { 2, 3, 16 },
            type == TfliteType.Int8 ? In1 : In1Int16, type == TfliteType.Int8 ? In2 : In2Int16, type == TfliteType.Int8 ? Out : OutInt16, Constant2: true).AssertMatchesReference();

    [Fact]
    public void ConstantFirstInputFloat32() =>
        new BinaryArithmeticCase(true, TfliteType.Float32, new[] { 5 }, new[] { 2, 5 }, new[] { 2, 5 }, Activation: 3, Constant1: true).AssertMatchesReference();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Int32ClampsToTheActivation(byte activation) =>
        new BinaryArithmeticCase(true, TfliteType.Int32, new[] { 2, 5 }, new[] { 2, 5 }, new[] { 2, 5 }, Activation: activation).AssertMatchesReference();

    [Fact]
    public void Float32SixDimensionBroadcast() =>
        new BinaryArithmeticCase(true, TfliteType.Float32, new[] { 2, 1, 3, 1, 2, 1 }, new[] { 2, 1, 2, 1, 3 }, new[] { 2, 2, 3, 2, 2, 3 }).AssertMatchesReference();
}
