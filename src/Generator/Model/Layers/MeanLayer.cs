using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model.Layers;

/// <summary>How a MEAN turns a sum into an output, as TFLM's reduce_common.cc chooses.</summary>
internal enum MeanKernel
{
    /// <summary>float32: sum / count.</summary>
    Float,
    /// <summary>int8 or int16: (sum - zero point · count) requantized with 1/count folded into the multiplier (reference <c>QuantizedMeanOrSum</c>).</summary>
    Requantize,
}

/// <summary>
/// MEAN over a set of axes. The loops run over the kept dimensions (outer, in output order) and, for
/// each output, over the reduced dimensions (inner) in input memory order, which is the order TFLM adds
/// the values in. Adjacent dimensions of the same kind are merged.
/// </summary>
/// <param name="Axes">The reduced axes, resolved (non-negative, without duplicates, sorted).</param>
/// <param name="KeptCounts">Trip counts of the loops over kept dimensions.</param>
/// <param name="KeptStrides">Input strides of those loops.</param>
/// <param name="ReducedCounts">Trip counts of the loops over reduced dimensions.</param>
/// <param name="ReducedStrides">Input strides of those loops.</param>
/// <param name="Count">Elements reduced into each output.</param>
internal sealed record MeanLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    MeanKernel Kernel,
    ElementType Type,
    EquatableArray<int> Axes,
    bool KeepDims,
    EquatableArray<int> KeptCounts,
    EquatableArray<int> KeptStrides,
    EquatableArray<int> ReducedCounts,
    EquatableArray<int> ReducedStrides,
    int Count,
    int InputZeroPoint,
    int OutputZeroPoint,
    int Multiplier,
    int Shift)
    : LayerSpec(NodeIndex, "MEAN", Inputs, Outputs)
{
    public override long MacCount => (long)Count * System.Math.Max(1, Product(KeptCounts));

    private static long Product(EquatableArray<int> values)
    {
        long p = 1;
        foreach (int v in values)
        {
            p *= v;
        }
        return p;
    }
}
