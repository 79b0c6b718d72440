using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// ADD option combinations beyond the golden models: every fused activation, NumPy broadcasting up to
/// 6 dimensions, every type TFLM computes (float32, int32, int8, int16 with either pot_scale_int16) and
/// constant inputs. Expected values: <see cref="BinaryArithmeticCase"/>'s naive transcription of TFLM's
/// reference add.h / integer_ops/add.h with add_common.cc's multipliers.
/// </summary>
public class AddTests
{
    private static readonly Quant In1 = new(0.05f, -3), In2 = new(0.11f, 7), Out = new(0.13f, -10);
    private static readonly Quant In1Int16 = new(0.0006f, 0), In2Int16 = new(0.0009f, 0), OutInt16 = new(0.0013f, 0);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Float32EveryActivation(byte activation) =>
        new BinaryArithmeticCase(false, TfliteType.Float32, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, Activation: activation).AssertMatchesReference();

    public static TheoryData<int[], int[], int[]> BroadcastShapes() => new()
    {
        { new[] { 2, 3, 4 }, new[] { 4 }, new[] { 2, 3, 4 } },              // row vector
        { new[] { 2, 3, 1 }, new[] { 2, 1, 5 }, new[] { 2, 3, 5 } },        // both inputs broadcast
        { new[] { 1 }, new[] { 2, 3 }, new[] { 2, 3 } },                    // scalar first
        { new[] { 2, 3, 4, 5 }, new[] { 1 }, new[] { 2, 3, 4, 5 } },        // scalar second
        { new[] { 4, 1 }, new[] { 1, 4 }, new[] { 4, 4 } },                 // outer product
        { new[] { 2, 3, 1, 5 }, new[] { 3, 4, 1 }, new[] { 2, 3, 4, 5 } },  // different ranks, interleaved
        { new[] { 2, 1, 2, 1, 2, 3 }, new[] { 1, 2, 1, 2, 1, 3 }, new[] { 2, 2, 2, 2, 2, 3 } }, // 6-D, alternating
        { new[] { 1, 5, 1 }, new[] { 5 }, new[] { 1, 5, 5 } },
        { new[] { 1, 1, 6 }, new[] { 6 }, new[] { 1, 1, 6 } },              // same elements, different ranks
    };

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Float32Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryArithmeticCase(false, TfliteType.Float32, shape1, shape2, output, Activation: 1).AssertMatchesReference();

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Int8Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryArithmeticCase(false, TfliteType.Int8, shape1, shape2, output, In1, In2, Out).AssertMatchesReference();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Int8EveryActivation(byte activation) =>
        new BinaryArithmeticCase(false, TfliteType.Int8, new[] { 3, 7 }, new[] { 3, 7 }, new[] { 3, 7 }, In1, In2, new Quant(0.02f, 5), activation).AssertMatchesReference();

    [Fact]
    public void Int8SecondInputHasTheLargerScale() =>
        new BinaryArithmeticCase(false, TfliteType.Int8, new[] { 64 }, new[] { 64 }, new[] { 64 }, new Quant(0.3f, 0), new Quant(0.01f, -128), new Quant(0.2f, 127)).AssertMatchesReference();

    [Theory]
    [InlineData(null)]
    [InlineData(true)]
    [InlineData(false)]
    public void Int16UsesTheGeneralRescalingWhateverPotScaleSays(bool? potScale) =>
        new BinaryArithmeticCase(false, TfliteType.Int16, new[] { 2, 40 }, new[] { 2, 40 }, new[] { 2, 40 }, In1Int16, In2Int16, OutInt16, PotScaleInt16: potScale).AssertMatchesReference();

    [Theory]
    [MemberData(nameof(BroadcastShapes))]
    public void Int16Broadcast(int[] shape1, int[] shape2, int[] output) =>
        new BinaryArithmeticCase(false, TfliteType.Int16, shape1, shape2, output, In1Int16, In2Int16, OutInt16, Activation: 3).AssertMatchesReference();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Int32IgnoresTheActivationAsTflmDoes(byte activation) =>
        new BinaryArithmeticCase(false, TfliteType.Int32, new[] { 2, 5 }, new[] { 5 }, new[] { 2, 5 }, Activation: activation).AssertMatchesReference();

    [Theory]
    [InlineData(TfliteType.Float32, true, false)]
    [InlineData(TfliteType.Float32, false, true)]
    [InlineData(TfliteType.Int8, true, false)]
    [InlineData(TfliteType.Int8, false, true)]
    [InlineData(TfliteType.Int16, false, true)]
    [InlineData(TfliteType.Int32, false, true)]
    public void ConstantInput(TfliteType type, bool constant1, bool constant2)
    {
        (Quant? q1, Quant? q2, Quant? qo) = type switch
        {
            TfliteType.Int8 => (In1, In2, Out),
            TfliteType.Int16 => (In1Int16, In2Int16, OutInt16),
            _ => ((Quant?)null, (Quant?)null, (Quant?)null),
        };
        new BinaryArithmeticCase(false, type, new[] { 3, 8 }, new[] { 8 }, new[] { 3, 8 }, q1, q2, qo, Constant1: constant1, Constant2: constant2).AssertMatchesReference();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LargeQuantizedConstantInputStaysInItsTypeAndIsRescaledAsItIsRead(bool broadcast) =>
        // Above the generator's limit for constants rescaled at build time (16384 elements).
        new BinaryArithmeticCase(false, TfliteType.Int8, broadcast ? new[] { 2, 1 } : new[] { 2, 10000 }, new[] { 2, 10000 }, new[] { 2, 10000 },
            In1, In2, Out, Activation: 1, Constant2: true).AssertMatchesReference();

    [Theory]
    [InlineData(TfliteType.Float32)]
    [InlineData(TfliteType.Int8)]
    public void ScalarConstantInput(TfliteType type) =>
        new BinaryArithmeticCase(false, type, new[] { 4, 6 }, new[] { 1 }, new[] { 4, 6 },
            type == TfliteType.Int8 ? In1 : null, type == TfliteType.Int8 ? In2 : null, type == TfliteType.Int8 ? Out : null, Activation: 3, Constant2: true).AssertMatchesReference();

    [Fact]
    public void ShapesThatDoNotBroadcastAreReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryArithmeticCase(false, TfliteType.Float32, new[] { 2, 3 }, new[] { 4 }, new[] { 2, 3 }).Model(),
            "ADD at node 0", "[2,3]", "[4]", "do not broadcast");

    [Fact]
    public void BroadcastingOverMoreThanSixDimensionsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryArithmeticCase(false, TfliteType.Float32, new[] { 2, 1, 1, 1, 1, 1, 3 }, new[] { 3 }, new[] { 2, 1, 1, 1, 1, 1, 3 }).Model(),
            "7 dimensions", "at most 6");

    [Fact]
    public void FusedTanhIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryArithmeticCase(false, TfliteType.Float32, new[] { 3 }, new[] { 3 }, new[] { 3 }, Activation: 4).Model(),
            "fused activation Tanh");

    [Fact]
    public void MixedTypesAreReported()
    {
        var b = new TfliteModelBuilder();
        int a = b.Tensor("a", TfliteType.Float32, new[] { 3 });
        int c = b.Tensor("b", TfliteType.Int8, new[] { 3 }, 0.1f);
        int o = b.Tensor("out", TfliteType.Float32, new[] { 3 });
        b.Operator(ElementwiseTestModels.Add, new[] { a, c }, new[] { o }, ElementwiseTestModels.AddOptions).Inputs(a, c).Outputs(o);
        ElementwiseTestModels.AssertUnsupported(b, "ADD at node 0", "operand types float32, int8 → float32 are not supported", "supported: float32; int32; int8; int16");
    }
}
