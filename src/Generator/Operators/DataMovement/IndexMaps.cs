using System.Collections.Generic;
using TinyModel.Generator.Lowering;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// Copies described by an index map per dimension: output element <c>[o0, o1, ...]</c> is input element
/// <c>[map0[o0], map1[o1], ...]</c>. Each map is cut into runs of constant step, and every combination of
/// runs becomes one <see cref="StridedCopy"/> (MIRROR_PAD's reflections, GATHER's constant indices).
/// </summary>
internal static class IndexMaps
{
    /// <summary>The map cut into maximal runs <c>(start, length, first value, step)</c>.</summary>
    public static List<(int Start, int Length, int First, int Step)> Runs(IReadOnlyList<int> map)
    {
        var runs = new List<(int, int, int, int)>();
        int start = 0;
        while (start < map.Count)
        {
            int step = start + 1 < map.Count ? map[start + 1] - map[start] : 1;
            int end = start + 1;
            while (end < map.Count && map[end] - map[end - 1] == step)
            {
                end++;
            }
            runs.Add((start, end - start, map[start], step));
            start = end;
        }
        return runs;
    }

    /// <summary>The number of copies <see cref="Copies"/> makes.</summary>
    public static long CopyCount(IReadOnlyList<IReadOnlyList<int>> maps)
    {
        long count = 1;
        foreach (IReadOnlyList<int> map in maps)
        {
            count *= Runs(map).Count;
        }
        return count;
    }

    /// <summary>The copies from an input of <paramref name="inputShape"/> into an output whose dimension d has <c>maps[d].Count</c> elements.</summary>
    public static List<StridedCopy> Copies(IReadOnlyList<int> inputShape, IReadOnlyList<IReadOnlyList<int>> maps, int inputOffset = 0, int outputOffset = 0)
    {
        int rank = maps.Count;
        var copies = new List<StridedCopy>();
        foreach (IReadOnlyList<int> map in maps)
        {
            if (map.Count == 0)
            {
                return copies;
            }
        }
        var outputShape = new int[rank];
        var runs = new List<(int Start, int Length, int First, int Step)>[rank];
        for (int d = 0; d < rank; d++)
        {
            outputShape[d] = maps[d].Count;
            runs[d] = Runs(maps[d]);
        }
        int[] inputStrides = ShapeMath.Strides(inputShape);
        int[] outputStrides = ShapeMath.Strides(outputShape);
        var choice = new int[rank];
        while (true)
        {
            var counts = new int[rank];
            var steps = new int[rank];
            int inOffset = inputOffset, outOffset = outputOffset;
            for (int d = 0; d < rank; d++)
            {
                (int start, int length, int first, int step) = runs[d][choice[d]];
                counts[d] = length;
                steps[d] = step * inputStrides[d];
                inOffset += first * inputStrides[d];
                outOffset += start * outputStrides[d];
            }
            copies.Add(StridedCopy.Create(inOffset, outOffset, counts, steps, outputStrides));

            // The next combination, last dimension fastest.
            int k = rank - 1;
            while (k >= 0 && ++choice[k] == runs[k].Count)
            {
                choice[k] = 0;
                k--;
            }
            if (k < 0)
            {
                return copies;
            }
        }
    }

    /// <summary>The identity map of a dimension of <paramref name="size"/> elements.</summary>
    public static int[] Identity(int size)
    {
        var map = new int[size];
        for (int i = 0; i < size; i++)
        {
            map[i] = i;
        }
        return map;
    }
}
