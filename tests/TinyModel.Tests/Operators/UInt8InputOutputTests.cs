using System;
using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>
/// Models that take and return uint8, as TF1-era converters and the Coral model zoo write them: a
/// QUANTIZE from uint8 to int8 after the input, int8 layers, and a QUANTIZE from int8 to uint8 before the
/// output. The last int8 tensor is computed in place in the caller's uint8 output span, so the generated
/// code must reinterpret that span; these models once failed to compile (CS1503).
/// </summary>
public class UInt8InputOutputTests
{
    [Fact]
    public void Uint8ModelWithEqualScalesShiftsByTheZeroPoints()
    {
        // uint8 (0.05, 128) -> int8 (0.05, 0) -> RELU -> int8 (0.05, 0) -> uint8 (0.05, 128): max(u, 128).
        ITinyModel model = Compile(Chain(new Quant(0.05f, 128), new Quant(0.05f, 0), new Quant(0.05f, 128)));
        Assert.Equal(TensorElementType.UInt8, model.Inputs[0].ElementType);
        Assert.Equal(TensorElementType.UInt8, model.Outputs[0].ElementType);

        byte[] input = UnaryCase.AllUInt8;
        byte[] expected = input.Select(u => (byte)Math.Max((int)u, 128)).ToArray();
        AssertEqual(expected, Run(model, input));
    }

    [Fact]
    public void Uint8ModelWithOtherScalesRequantizesTwice()
    {
        var input = new Quant(0.03f, 100);
        var middle = new Quant(0.05f, -7);
        var output = new Quant(0.02f, 130);
        ITinyModel model = Compile(Chain(input, middle, output));

        byte[] x = UnaryCase.AllUInt8;
        byte[] expected = x.Select(u =>
        {
            int q = Requantize(u - input.ZeroPoint, input.Scale, middle, -128, 127);
            int relu = Requantize(q - middle.ZeroPoint, middle.Scale, middle, Math.Max(-128, middle.ZeroPoint), 127);
            return (byte)Requantize(relu - middle.ZeroPoint, middle.Scale, output, 0, 255);
        }).ToArray();
        AssertEqual(expected, Run(model, x));
    }

    /// <summary>TFLite's Requantize (and ReluQuantized): rescale by inputScale / output scale, offset, clamp.</summary>
    private static int Requantize(int x, float inputScale, Quant output, int min, int max)
    {
        (int multiplier, int shift) = TfliteReference.QuantizeMultiplier((double)inputScale / output.Scale);
        int scaled = TfliteReference.MultiplyByQuantizedMultiplier(x, multiplier, shift) + output.ZeroPoint;
        return Math.Min(Math.Max(scaled, min), max);
    }

    private static TfliteModelBuilder Chain(Quant input, Quant middle, Quant output)
    {
        int[] shape = { 1, 256 };
        var b = new TfliteModelBuilder();
        int x = b.Tensor("image_uint8", TfliteType.UInt8, shape, input.Scale, input.ZeroPoint);
        int q = b.Tensor("image_int8", TfliteType.Int8, shape, middle.Scale, middle.ZeroPoint);
        int r = b.Tensor("relu", TfliteType.Int8, shape, middle.Scale, middle.ZeroPoint);
        int y = b.Tensor("scores_uint8", TfliteType.UInt8, shape, output.Scale, output.ZeroPoint);
        return b.Operator(Quantize, new[] { x }, new[] { q })
            .Operator(Relu, new[] { q }, new[] { r })
            .Operator(Quantize, new[] { r }, new[] { y })
            .Inputs(x).Outputs(y);
    }
}
