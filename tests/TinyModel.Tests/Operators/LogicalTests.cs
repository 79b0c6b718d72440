using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// LOGICAL_AND, LOGICAL_OR and LOGICAL_NOT beyond the opsets models: broadcasting in both directions and over
/// four dimensions, constant inputs (a single one folded into a literal), and the broadcast limit TFLM's
/// <c>BroadcastBinaryFunction4DSlow</c> has. Expected values: the truth tables, by multi-index broadcasting.
/// </summary>
public class LogicalTests
{
    private const int LogicalOr = 84, LogicalAnd = 86, LogicalNot = 87;

    public static TheoryData<int[], int[], int[]> Shapes() => new()
    {
        { new[] { 4, 5 }, new[] { 4, 5 }, new[] { 4, 5 } },
        { new[] { 2, 1, 3, 1 }, new[] { 1, 4, 1, 5 }, new[] { 2, 4, 3, 5 } },
        { new[] { 1 }, new[] { 3, 2 }, new[] { 3, 2 } },
        // Runs of at least 16 go to BinaryKernels: one input repeated along the run (either side), both spans, vectors and a tail.
        { new[] { 5, 1 }, new[] { 5, 37 }, new[] { 5, 37 } },
        { new[] { 2, 70 }, new[] { 2, 1 }, new[] { 2, 70 } },
        { new[] { 3, 16 }, new[] { 16 }, new[] { 3, 16 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TruthTablesWithBroadcasting(int[] shape1, int[] shape2, int[] output)
    {
        new BinaryCase(LogicalAnd, TfliteType.Bool, shape1, shape2, output).AssertInteger((x, y) => x != 0 && y != 0 ? 1 : 0);
        new BinaryCase(LogicalOr, TfliteType.Bool, shape1, shape2, output).AssertInteger((x, y) => x != 0 || y != 0 ? 1 : 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    [InlineData(true, 40)]
    [InlineData(false, 40)]
    public void ConstantInputs(bool scalar, int run = 6)
    {
        int[] shape = scalar ? new[] { 1 } : new[] { run };
        foreach (int value in new[] { 0, 1 })
        {
            new BinaryCase(LogicalAnd, TfliteType.Bool, new[] { 3, run }, shape, new[] { 3, run }, Constant2: true) { Input2 = Enumerable.Repeat(value, shape[0]).ToArray() }
                .AssertInteger((x, y) => x != 0 && y != 0 ? 1 : 0);
            new BinaryCase(LogicalOr, TfliteType.Bool, shape, new[] { 3, run }, new[] { 3, run }, Constant1: true) { Input1 = Enumerable.Repeat(value, shape[0]).ToArray() }
                .AssertInteger((x, y) => x != 0 || y != 0 ? 1 : 0);
        }
    }

    [Fact]
    public void NotInvertsEveryElement()
    {
        byte[] input = ElementwiseTestModels.RandomInts(64, 0, 1, 5).Select(v => (byte)v).ToArray();
        byte[] output = UnaryCase.Run(UnaryCase.Model(LogicalNot, TfliteType.Bool, null, TfliteType.Bool, null, new[] { 4, 16 }), input);
        ElementwiseTestModels.AssertEqual(input.Select(v => (byte)(v == 0 ? 1 : 0)).ToArray(), output);
    }

    [Fact]
    public void BroadcastOverFiveDimensionsIsReported() =>
        ElementwiseTestModels.AssertUnsupported(new BinaryCase(LogicalOr, TfliteType.Bool, new[] { 2, 1, 1, 1, 3 }, new[] { 3 }, new[] { 2, 1, 1, 1, 3 }).Model(),
            "LOGICAL_OR at node 0", "5 dimensions", "at most 4");
}
