using System.Linq;
using TinyModel.Tests.Infrastructure;
using static TinyModel.Tests.Operators.ElementwiseTestModels;

namespace TinyModel.Tests.Operators;

/// <summary>A one-input, one-output elementwise operator model for the operator tests.</summary>
internal static class UnaryCase
{
    public static TfliteModelBuilder Model(int code, TfliteType inputType, Quant? inputQuant, TfliteType outputType, Quant? outputQuant,
        int[]? shape = null, byte optionsType = 0, params TfliteModelBuilder.Option[] options)
    {
        shape ??= new[] { 1, 256 };
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", inputType, shape, inputQuant?.Scale, inputQuant?.ZeroPoint ?? 0);
        int output = b.Tensor("y", outputType, shape, outputQuant?.Scale, outputQuant?.ZeroPoint ?? 0);
        return b.Operator(code, new[] { input }, new[] { output }, optionsType, null, options).Inputs(input).Outputs(output);
    }

    /// <summary>Every int8 value once (256 elements).</summary>
    public static sbyte[] AllInt8 => Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray();

    /// <summary>Every uint8 value once (256 elements).</summary>
    public static byte[] AllUInt8 => Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();

    /// <summary>256 int16 values spread over the whole range, both ends included.</summary>
    public static short[] SpreadInt16 => Enumerable.Range(0, 256).Select(i => (short)(i == 255 ? short.MaxValue : -32768 + i * 257)).ToArray();

    public static byte[] Run(TfliteModelBuilder model, byte[] input) => ElementwiseTestModels.Run(Compile(model), input);
}
