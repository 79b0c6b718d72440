using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.ElementwiseUnary;

/// <summary>
/// The type combinations of operators that convert one input to an output of another type (QUANTIZE,
/// DEQUANTIZE): listed as (input, output) pairs, which is how TFLM's kernels enumerate them.
/// </summary>
internal static class ConversionTypes
{
    /// <summary>One combination per pair, in the order given.</summary>
    public static TypeSupport Of(params (ElementType Input, ElementType Output)[] pairs) =>
        TypeSupport.Of(pairs.Select(p => (new ElementType?[] { p.Input }, new[] { p.Output })).ToArray());
}
