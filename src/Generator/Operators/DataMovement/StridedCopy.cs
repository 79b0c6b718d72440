using System;
using System.Collections.Generic;
using TinyModel.Generator.Common;

namespace TinyModel.Generator.Operators.DataMovement;

/// <summary>
/// A copy from one tensor to another as a nest of loops with constant trip counts and constant
/// element strides on each side: what TRANSPOSE, STRIDED_SLICE and PAD become once their index
/// arithmetic is done at build time. Loops are outermost first; the innermost run of elements that
/// is contiguous on both sides is copied as a block.
/// </summary>
/// <param name="InputOffset">The input element the first iteration reads.</param>
/// <param name="OutputOffset">The output element the first iteration writes.</param>
/// <param name="Counts">Trip count of each loop, outermost first.</param>
/// <param name="InputStrides">Input elements between two iterations of each loop (may be negative).</param>
/// <param name="OutputStrides">Output elements between two iterations of each loop.</param>
internal sealed record StridedCopy(
    int InputOffset,
    int OutputOffset,
    EquatableArray<int> Counts,
    EquatableArray<int> InputStrides,
    EquatableArray<int> OutputStrides)
{
    /// <summary>Elements copied in all.</summary>
    public long ElementCount
    {
        get
        {
            long total = 1;
            foreach (int count in Counts)
            {
                total *= count;
            }
            return total;
        }
    }

    /// <summary>
    /// A copy with the given loops, simplified: loops that run once are dropped, and a loop that
    /// steps exactly over the whole of the loop inside it, on both sides, is merged with it.
    /// </summary>
    public static StridedCopy Create(int inputOffset, int outputOffset, IReadOnlyList<int> counts, IReadOnlyList<int> inputStrides, IReadOnlyList<int> outputStrides)
    {
        if (counts.Count != inputStrides.Count || counts.Count != outputStrides.Count)
        {
            throw new ArgumentException("Every loop needs a count and two strides.");
        }
        var c = new List<int>();
        var si = new List<int>();
        var so = new List<int>();
        for (int k = 0; k < counts.Count; k++)
        {
            if (counts[k] == 0)
            {
                return new StridedCopy(inputOffset, outputOffset, new EquatableArray<int>(new[] { 0 }), new EquatableArray<int>(new[] { 1 }), new EquatableArray<int>(new[] { 1 }));
            }
            if (counts[k] == 1)
            {
                continue;
            }
            c.Add(counts[k]);
            si.Add(inputStrides[k]);
            so.Add(outputStrides[k]);
        }
        // Merge from the inside out.
        for (int k = c.Count - 2; k >= 0; k--)
        {
            if (si[k] == c[k + 1] * si[k + 1] && so[k] == c[k + 1] * so[k + 1])
            {
                c[k] *= c[k + 1];
                si[k] = si[k + 1];
                so[k] = so[k + 1];
                c.RemoveAt(k + 1);
                si.RemoveAt(k + 1);
                so.RemoveAt(k + 1);
            }
        }
        if (c.Count == 0)
        {
            c.Add(1);
            si.Add(1);
            so.Add(1);
        }
        return new StridedCopy(inputOffset, outputOffset, c.ToEquatableArray(), si.ToEquatableArray(), so.ToEquatableArray());
    }
}
