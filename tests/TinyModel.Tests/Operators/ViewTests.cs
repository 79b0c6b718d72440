using System;
using TinyModel.Tests.Infrastructure;
using Xunit;

namespace TinyModel.Tests.Operators;

/// <summary>
/// RESHAPE, SQUEEZE and EXPAND_DIMS are views: the planner gives the output its input's storage, so
/// they cost no copy and no arena. Expected values come from the same model without the view, since a
/// view must not change a single byte.
/// </summary>
public class ViewTests
{
    private const int Reshape = 22, Squeeze = 43, ExpandDims = 70;

    [Theory]
    [InlineData(Reshape)]
    [InlineData(Squeeze)]
    [InlineData(ExpandDims)]
    public void ViewOfALayerOutputIsFreeAndChangesNoByte(int viewCode)
    {
        // FULLY_CONNECTED [1,4] -> [1,2], then the view -> the model output.
        TfliteModelBuilder plain = SyntheticModels.FullyConnectedInt8();
        int[] viewShape = viewCode switch { Squeeze => new[] { 2 }, ExpandDims => new[] { 1, 1, 2 }, _ => new[] { 2, 1 } };
        TfliteModelBuilder viewed = SyntheticModels.FullyConnectedInt8();
        int fcOutput = 3; // the builder's tensor order: input, weights, bias, output
        int view = viewed.Tensor("view", TfliteType.Int8, viewShape, scale: 0.75f, zeroPoint: 4);
        viewed.Operator(viewCode, new[] { fcOutput }, new[] { view }).Outputs(view);

        InMemoryModel withView = InMemoryModel.Compile(viewed.Build());
        InMemoryModel without = InMemoryModel.Compile(plain.Build());
        Assert.Contains("no copy", withView.GeneratedSource);
        Assert.DoesNotContain("CopyTo", withView.GeneratedSource);
        Assert.Equal(without.Create().ArenaBytes, withView.Create().ArenaBytes);

        byte[] input = { 1, 0xF0, 7, 0x80 };
        byte[] expected = new byte[2], actual = new byte[2];
        without.Create().InvokeRaw(input, expected);
        withView.Create().InvokeRaw(input, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(viewShape, withView.Create().Outputs[0].Shape);
    }

    [Fact]
    public void ViewBetweenTwoLayersSharesTheArena()
    {
        // FC [1,4] -> [1,4] (arena), RESHAPE -> [4,1]... read back by a second FC as [1,4] again via RESHAPE.
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Float32, new[] { 1, 4 });
        int weights = b.Constant("w", TfliteType.Float32, new[] { 4, 4 }, Floats(1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4));
        int hidden = b.Tensor("hidden", TfliteType.Float32, new[] { 1, 4 });
        int reshaped = b.Tensor("reshaped", TfliteType.Float32, new[] { 2, 2 });
        int flat = b.Tensor("flat", TfliteType.Float32, new[] { 1, 4 });
        int output = b.Tensor("output", TfliteType.Float32, new[] { 1, 4 });
        b.Operator(SyntheticModels.FullyConnectedCode, new[] { input, weights, -1 }, new[] { hidden })
            .Operator(Reshape, new[] { hidden }, new[] { reshaped })
            .Operator(Reshape, new[] { reshaped }, new[] { flat })
            .Operator(SyntheticModels.FullyConnectedCode, new[] { flat, weights, -1 }, new[] { output })
            .Inputs(input).Outputs(output);

        InMemoryModel model = InMemoryModel.Compile(b.Build());
        ITinyModel instance = model.Create();
        Assert.Equal(16, instance.ArenaBytes); // one float[4], shared by all three views
        byte[] result = new byte[16];
        instance.InvokeRaw(Floats(1, 1, 1, 1), result);
        Assert.Equal(Floats(1, 4, 9, 16), result); // diag(1,2,3,4) applied twice
    }

    [Fact]
    public void InputReturnedAsOutputIsCopied()
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", TfliteType.Int16, new[] { 1, 3 });
        int output = b.Tensor("output", TfliteType.Int16, new[] { 3 });
        b.Operator(Reshape, new[] { input }, new[] { output }).Inputs(input).Outputs(output);

        InMemoryModel model = InMemoryModel.Compile(b.Build());
        Assert.Contains("CopyTo", model.GeneratedSource);
        byte[] data = { 1, 2, 3, 4, 5, 6 }, result = new byte[6];
        model.Create().InvokeRaw(data, result);
        Assert.Equal(data, result);
    }

    private static byte[] Floats(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
