using System;
using System.Collections.Generic;
using System.Linq;

namespace TinyModel.Generator.Operators.ElementwiseBinary;

/// <summary>
/// How a binary elementwise operator walks its two inputs: the output's dimensions after merging
/// every run of adjacent dimensions that both inputs traverse the same way, with each input's
/// element stride per dimension (0 where that input is broadcast along it).
/// </summary>
/// <param name="Dims">The merged output dimensions, outermost first; the output is contiguous over them.</param>
/// <param name="LeftStrides">The first input's element stride along each merged dimension.</param>
/// <param name="RightStrides">The second input's element stride along each merged dimension.</param>
internal sealed record BroadcastPlan(int[] Dims, int[] LeftStrides, int[] RightStrides)
{
    /// <summary>True when both inputs are read in the output's own order (no broadcasting): one flat loop.</summary>
    public bool IsElementwise => Dims.Length <= 1 && LeftStrides.All(s => s == 1) && RightStrides.All(s => s == 1);

    public int ElementCount => Dims.Aggregate(1, (count, d) => count * d);
}

/// <summary>
/// NumPy-style broadcasting as TFLite's reference kernels implement it
/// (<c>NdArrayDescsForElementwiseBroadcast</c>, <c>BroadcastAdd6DSlow</c>): shapes are aligned on
/// their last dimension and padded with leading 1s; along each dimension the inputs' extents must be
/// equal or 1, and an extent of 1 is repeated (stride 0). Everything here runs at build time, so the
/// emitted kernel has constant loop bounds and constant strides.
/// </summary>
internal static class BroadcastShapes
{
    /// <summary>TFLM's broadcasting kernels handle at most this many dimensions.</summary>
    public const int MaxBroadcastRank = 6;

    /// <summary>
    /// The walk of <paramref name="left"/> and <paramref name="right"/> into <paramref name="output"/>,
    /// or an explanation of why the shapes do not broadcast to it.
    /// </summary>
    public static (BroadcastPlan? Plan, string? Problem) Plan(IReadOnlyList<int> left, IReadOnlyList<int> right, IReadOnlyList<int> output)
    {
        if (!Broadcasts(new[] { left, right }, output))
        {
            return (null, $"the input shapes [{string.Join(",", left)}] and [{string.Join(",", right)}] do not broadcast to the output shape [{string.Join(",", output)}]");
        }
        int rank = Math.Max(output.Count, Math.Max(left.Count, right.Count));
        if (!left.SequenceEqual(right) && rank > MaxBroadcastRank)
        {
            return (null, $"broadcasting over {rank} dimensions; TFLM (and TinyModel) broadcast at most {MaxBroadcastRank}");
        }
        (int[] dims, int[][] strides) = Walk(new[] { left, right }, output);
        return (new BroadcastPlan(dims, strides[0], strides[1]), null);
    }

    /// <summary>
    /// Whether every input broadcasts to <paramref name="output"/>: aligned on the last dimension, each extent
    /// equals the output's or is 1, and the output's is the largest of them (or 0).
    /// </summary>
    public static bool Broadcasts(IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<int> output)
    {
        int rank = Math.Max(output.Count, inputs.Max(i => i.Count));
        int[] o = Extend(output, rank);
        int[][] extended = inputs.Select(i => Extend(i, rank)).ToArray();
        for (int d = 0; d < rank; d++)
        {
            if (extended.Any(e => e[d] != o[d] && e[d] != 1) || (o[d] != extended.Max(e => e[d]) && o[d] != 0))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The merged output dimensions of inputs that <see cref="Broadcasts"/> to <paramref name="output"/>, and each
    /// input's element stride along them: adjacent dimensions merge when every input steps through them as one run.
    /// </summary>
    public static (int[] Dims, int[][] Strides) Walk(IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<int> output)
    {
        int rank = Math.Max(output.Count, inputs.Max(i => i.Count));
        int[] o = Extend(output, rank);
        int[][] inputStrides = inputs.Select(i => Strides(Extend(i, rank), o)).ToArray();
        var dims = new List<int>();
        var strides = inputs.Select(_ => new List<int>()).ToArray();
        for (int d = 0; d < rank; d++)
        {
            if (o[d] == 1)
            {
                continue; // A dimension of extent 1 contributes no loop.
            }
            int last = dims.Count - 1;
            // Merge into the previous (outer) dimension when every input steps through the pair as one run.
            if (last >= 0 && Enumerable.Range(0, inputs.Count).All(k => strides[k][last] == inputStrides[k][d] * o[d]))
            {
                dims[last] *= o[d];
                for (int k = 0; k < inputs.Count; k++)
                {
                    strides[k][last] = inputStrides[k][d];
                }
            }
            else
            {
                dims.Add(o[d]);
                for (int k = 0; k < inputs.Count; k++)
                {
                    strides[k].Add(inputStrides[k][d]);
                }
            }
        }
        if (dims.Count == 0)
        {
            // Every extent is 1: a single element, which every input holds.
            return (new[] { 1 }, inputs.Select(_ => new[] { 1 }).ToArray());
        }
        return (dims.ToArray(), strides.Select(s => s.ToArray()).ToArray());
    }

    private static int[] Extend(IReadOnlyList<int> shape, int rank)
    {
        var extended = new int[rank];
        int pad = rank - shape.Count;
        for (int d = 0; d < rank; d++)
        {
            extended[d] = d < pad ? 1 : shape[d - pad];
        }
        return extended;
    }

    /// <summary>Row-major element strides of <paramref name="shape"/>, 0 along the dimensions it broadcasts.</summary>
    private static int[] Strides(int[] shape, int[] output)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = shape[d] == 1 && output[d] != 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }
}
