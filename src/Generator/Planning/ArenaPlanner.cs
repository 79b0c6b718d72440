using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Planning;

/// <summary>The memory plan of a model: the storage of every value and the arena size.</summary>
internal sealed record ArenaPlan(IReadOnlyList<ValueSpec> Values, int ArenaBytes);

/// <summary>
/// Assigns every intermediate value an offset in one arena from its lifetime (the layers between its
/// producer and its last reader). Model inputs and outputs live in the caller's spans, not the arena.
/// Placement is greedy by size, largest first, each at the lowest offset free for its whole lifetime:
/// the heuristic TFLM's greedy planner uses, which is close to optimal on feed-forward graphs.
/// </summary>
internal static class ArenaPlanner
{
    /// <summary>Offsets are aligned so that any element type, and SIMD loads, start aligned.</summary>
    public const int Alignment = 16;

    public static ArenaPlan Plan(IReadOnlyList<ValueSpec> values, IReadOnlyList<int> inputs, IReadOnlyList<int> outputs, IReadOnlyList<LayerSpec> layers)
    {
        var lifetimes = new Dictionary<int, (int First, int Last)>();
        for (int step = 0; step < layers.Count; step++)
        {
            foreach (int id in layers[step].Inputs.Concat(layers[step].Outputs))
            {
                lifetimes[id] = lifetimes.TryGetValue(id, out var span) ? (Math.Min(span.First, step), Math.Max(span.Last, step)) : (step, step);
            }
        }

        var planned = new Dictionary<int, ValueSpec>();
        var arenaValues = new List<ValueSpec>();
        foreach (ValueSpec value in values)
        {
            int inputPosition = IndexOf(inputs, value.Id);
            int outputPosition = IndexOf(outputs, value.Id);
            if (inputPosition >= 0)
            {
                planned[value.Id] = value with { Storage = StorageKind.Input, Offset = inputPosition };
            }
            else if (outputPosition >= 0)
            {
                planned[value.Id] = value with { Storage = StorageKind.Output, Offset = outputPosition };
            }
            else if (lifetimes.ContainsKey(value.Id))
            {
                arenaValues.Add(value);
            }
        }

        var placed = new List<(int Offset, int Size, int First, int Last)>();
        int arenaBytes = 0;
        foreach (ValueSpec value in arenaValues.OrderByDescending(v => v.ByteCount).ThenBy(v => lifetimes[v.Id].First).ThenBy(v => v.Id))
        {
            (int first, int last) = lifetimes[value.Id];
            int size = value.ByteCount;
            int offset = 0;
            // Walk the live blocks in address order and take the first gap that fits.
            foreach (var block in placed.Where(b => b.First <= last && first <= b.Last).OrderBy(b => b.Offset))
            {
                if (offset + size <= block.Offset)
                {
                    break;
                }
                offset = Math.Max(offset, Align(block.Offset + block.Size));
            }
            placed.Add((offset, size, first, last));
            planned[value.Id] = value with { Storage = StorageKind.Arena, Offset = offset };
            arenaBytes = Math.Max(arenaBytes, offset + size);
        }

        return new ArenaPlan(values.Where(v => planned.ContainsKey(v.Id)).Select(v => planned[v.Id]).ToList(), Align(arenaBytes));
    }

    private static int Align(int offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static int IndexOf(IReadOnlyList<int> list, int id)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == id)
            {
                return i;
            }
        }
        return -1;
    }
}
