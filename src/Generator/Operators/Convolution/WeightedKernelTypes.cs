using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The type combinations TFLM's weighted kernels (the convolutions and FULLY_CONNECTED) run, written once:
/// float32 throughout; int8 activations with int8 weights and an int32 bias; int16 activations with int8
/// weights and a wide bias (the 16x8 scheme). The bias is optional in each.
/// </summary>
internal static class WeightedKernelTypes
{
    /// <summary>
    /// The combinations of <c>(input, weights[, bias]) → output</c>, float32 first, each bias type before
    /// the bias-less form; <paramref name="int16Biases"/> are the bias types the operator's int16 kernel takes.
    /// </summary>
    public static IEnumerable<(ElementType Input, ElementType Weights, ElementType? Bias)> Operands(params ElementType[] int16Biases)
    {
        yield return (ElementType.Float32, ElementType.Float32, ElementType.Float32);
        yield return (ElementType.Float32, ElementType.Float32, null);
        yield return (ElementType.Int8, ElementType.Int8, ElementType.Int32);
        yield return (ElementType.Int8, ElementType.Int8, null);
        foreach (ElementType bias in int16Biases)
        {
            yield return (ElementType.Int16, ElementType.Int8, bias);
        }
        yield return (ElementType.Int16, ElementType.Int8, null);
    }

    /// <summary>The combinations for operators whose inputs are <c>(input, weights[, bias])</c> and whose output has the input's type.</summary>
    public static TypeSupport InputWeightsBias(params ElementType[] int16Biases) =>
        TypeSupport.Of(Operands(int16Biases)
            .Select(c => (new ElementType?[] { c.Input, c.Weights, c.Bias }, new[] { c.Input }))
            .ToArray());
}
