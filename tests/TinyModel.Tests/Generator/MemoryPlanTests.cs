using System;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Generator;

/// <summary>
/// The memory plan on small float models whose answers are worked out by hand: an element-wise layer
/// writes over its input when nothing reads that input later, and never when something does.
/// </summary>
public class MemoryPlanTests
{
    private const int Add = 0, Relu = 19, FullyConnected = SyntheticModels.FullyConnectedCode;

    // FC weights diag(1, -2, 3, -4): x -> (x0, -2 x1, 3 x2, -4 x3).
    private static readonly byte[] Diagonal = Floats(1, 0, 0, 0, 0, -2, 0, 0, 0, 0, 3, 0, 0, 0, 0, -4);

    [Fact]
    public void ActivationWritesOverItsInputWhenItIsTheLastReader()
    {
        // input -> FC -> hidden -> RELU -> activated -> FC -> output: hidden dies at the RELU.
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 1, 4 });
        int weights = b.Constant("w", TfliteType.Float32, new[] { 4, 4 }, Diagonal);
        int hidden = b.Tensor("hidden", TfliteType.Float32, new[] { 1, 4 });
        int activated = b.Tensor("activated", TfliteType.Float32, new[] { 1, 4 });
        int output = b.Tensor("output", TfliteType.Float32, new[] { 1, 4 });
        b.Operator(FullyConnected, new[] { input, weights, -1 }, new[] { hidden })
            .Operator(Relu, new[] { hidden }, new[] { activated })
            .Operator(FullyConnected, new[] { activated, weights, -1 }, new[] { output })
            .Inputs(input).Outputs(output);

        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();
        Assert.Equal(16, model.ArenaBytes); // one float[4]: the RELU ran in place
        byte[] result = new byte[16];
        model.InvokeRaw(Floats(1, 1, 1, 1), result);
        // FC: (1, -2, 3, -4); RELU: (1, 0, 3, 0); FC: (1, 0, 9, 0).
        Assert.Equal(Floats(1, 0, 9, 0), result);
    }

    [Fact]
    public void ElementwiseLayerDoesNotOverwriteAnInputReadLater()
    {
        // hidden is read by the RELU and again by the ADD after it: the RELU must not overwrite it.
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 1, 4 });
        int weights = b.Constant("w", TfliteType.Float32, new[] { 4, 4 }, Diagonal);
        int hidden = b.Tensor("hidden", TfliteType.Float32, new[] { 1, 4 });
        int activated = b.Tensor("activated", TfliteType.Float32, new[] { 1, 4 });
        int output = b.Tensor("output", TfliteType.Float32, new[] { 1, 4 });
        b.Operator(FullyConnected, new[] { input, weights, -1 }, new[] { hidden })
            .Operator(Relu, new[] { hidden }, new[] { activated })
            .Operator(Add, new[] { hidden, activated }, new[] { output })
            .Inputs(input).Outputs(output);

        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();
        // hidden and activated are live together. The ADD is hidden's last reader, so hidden is computed
        // straight into the caller's output span and the ADD runs in place there: only activated needs arena.
        Assert.Equal(16, model.ArenaBytes);
        byte[] result = new byte[16];
        model.InvokeRaw(Floats(1, 1, 1, 1), result);
        // hidden (1, -2, 3, -4) + relu(hidden) (1, 0, 3, 0).
        Assert.Equal(Floats(2, -2, 6, -4), result);
    }

    [Fact]
    public void ModelInputIsNeverOverwritten()
    {
        // RELU straight on the caller's input: its span is read-only, so the output gets its own memory.
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 1, 4 });
        int activated = b.Tensor("activated", TfliteType.Float32, new[] { 1, 4 });
        int weights = b.Constant("w", TfliteType.Float32, new[] { 4, 4 }, Diagonal);
        int output = b.Tensor("output", TfliteType.Float32, new[] { 1, 4 });
        b.Operator(Relu, new[] { input }, new[] { activated })
            .Operator(FullyConnected, new[] { activated, weights, -1 }, new[] { output })
            .Inputs(input).Outputs(output);

        ITinyModel model = InMemoryModel.Compile(b.Build()).Create();
        Assert.Equal(16, model.ArenaBytes);
        byte[] data = Floats(-1, 2, -3, 4), result = new byte[16];
        model.InvokeRaw(data, result);
        Assert.Equal(Floats(-1, 2, -3, 4), data);
        Assert.Equal(Floats(0, -4, 0, -16), result);
    }

    private static byte[] Floats(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
