using System;
using System.Linq;

namespace TinyModel.Tests.Infrastructure;

/// <summary>Small models written with <see cref="TfliteModelBuilder"/> for tests.</summary>
public static class SyntheticModels
{
    public const int FullyConnectedCode = 9;
    public const byte FullyConnectedOptionsType = 8;

    /// <summary>A one-layer int8 FULLY_CONNECTED model: input [1, depth] -> output [1, units]; run-time weights are a second graph input.</summary>
    public static TfliteModelBuilder FullyConnectedInt8(int depth = 4, int units = 2, byte activation = 0,
        TfliteType inputType = TfliteType.Int8, int[]? inputShape = null, bool constantWeights = true)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("input", inputType, inputShape ?? new[] { 1, depth }, scale: 0.5f, zeroPoint: -3);
        byte[] weightBytes = Enumerable.Range(0, units * depth).Select(i => (byte)(sbyte)(i * 7 % 19 - 9)).ToArray();
        int weights = constantWeights
            ? b.Constant("weights", TfliteType.Int8, new[] { units, depth }, weightBytes, scales: new[] { 0.25f })
            : b.Tensor("weights", TfliteType.Int8, new[] { units, depth }, scale: 0.25f);
        int bias = b.Constant("bias", TfliteType.Int32, new[] { units }, Enumerable.Range(0, units).SelectMany(i => BitConverter.GetBytes(i * 10 - 5)).ToArray(), scales: new[] { 0.125f });
        int output = b.Tensor("output", TfliteType.Int8, new[] { 1, units }, scale: 0.75f, zeroPoint: 4);
        return b.Operator(FullyConnectedCode, new[] { input, weights, bias }, new[] { output }, FullyConnectedOptionsType, null,
                TfliteModelBuilder.Option.Byte(0, activation))
            .Inputs(constantWeights ? new[] { input } : new[] { input, weights })
            .Outputs(output);
    }
}
