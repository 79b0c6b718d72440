using System.Linq;
using TinyModel.Tests.Infrastructure;
using Xunit;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>DEQUANTIZE of every integer type TinyModel accepts. Expected values: TFLite's reference Dequantize, <c>scale · (q - zeroPoint)</c> in float.</summary>
public class DequantizeTests
{
    [Theory]
    [InlineData(TfliteType.Int8, 0.05f, -3)]
    [InlineData(TfliteType.UInt8, 0.02f, 128)]
    [InlineData(TfliteType.Int16, 0.0005f, 0)]
    public void ToFloat32(TfliteType inputType, float scale, int zeroPoint)
    {
        (int[] values, byte[] encoded) = inputType switch
        {
            TfliteType.Int8 => (UnaryCase.AllInt8.Select(v => (int)v).ToArray(), Bytes(UnaryCase.AllInt8)),
            TfliteType.UInt8 => (UnaryCase.AllUInt8.Select(v => (int)v).ToArray(), UnaryCase.AllUInt8),
            _ => (UnaryCase.SpreadInt16.Select(v => (int)v).ToArray(), Bytes(UnaryCase.SpreadInt16)),
        };
        byte[] actual = UnaryCase.Run(UnaryCase.Model(Dequantize, inputType, new Quant(scale, zeroPoint), TfliteType.Float32, null), encoded);
        float[] expected = values.Select(q => scale * (q - zeroPoint)).ToArray();
        // Same float operations in the same order: equal to the bit.
        Assert.Equal(expected, Values<float>(actual));
    }

    [Fact]
    public void Int32InputIsReported() =>
        AssertUnsupported(UnaryCase.Model(Dequantize, TfliteType.Int32, new Quant(0.1f, 0), TfliteType.Float32, null), "DEQUANTIZE at node 0", "operand types int32 → float32 are not supported",
            "supported: int8 → float32; uint8 → float32; int16 → float32");
}
