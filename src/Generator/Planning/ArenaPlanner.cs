using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Model.Layers;

namespace TinyModel.Generator.Planning;

/// <summary>The memory plan of a model: the storage of every value and the arena size.</summary>
internal sealed record ArenaPlan(IReadOnlyList<ValueSpec> Values, int ArenaBytes);

/// <summary>
/// Assigns every value its storage. Model inputs and outputs live in the caller's spans. Views
/// (RESHAPE and the like) share their source's storage. Variable tensors (layer state) get arena
/// space of their own for the instance's life, at the start of the arena. Every other value gets an
/// arena offset from its lifetime (the layers between its producer and its last reader), placed
/// greedily by size, largest first, each at the lowest offset free for its whole lifetime: the
/// heuristic of TFLM's greedy planner, close to optimal on feed-forward graphs.
/// </summary>
internal static class ArenaPlanner
{
    /// <summary>Offsets are aligned so that any element type, and SIMD loads, start aligned.</summary>
    public const int Alignment = 16;

    public static ArenaPlan Plan(IReadOnlyList<ValueSpec> values, IReadOnlyList<int> inputs, IReadOnlyList<int> outputs, IReadOnlyList<LayerSpec> layers)
    {
        var byId = values.ToDictionary(v => v.Id);
        var groups = new StorageGroups(inputs, outputs);
        foreach (ViewLayer view in layers.OfType<ViewLayer>())
        {
            groups.TryShare(view.Source, view.View);
        }

        // A group's lifetime spans every member's; state lives for every step.
        var lifetimes = new Dictionary<int, (int First, int Last)>();
        for (int step = 0; step < layers.Count; step++)
        {
            foreach (int id in layers[step].Inputs.Concat(layers[step].Outputs))
            {
                int root = groups.Root(id);
                bool variable = byId[id].IsVariable;
                (int first, int last) = variable ? (0, layers.Count - 1) : (step, step);
                lifetimes[root] = lifetimes.TryGetValue(root, out var span) ? (Math.Min(span.First, first), Math.Max(span.Last, last)) : (first, last);
            }
        }

        // Storage per group root: the caller's span, or an arena offset.
        var storage = new Dictionary<int, (StorageKind Kind, int Offset)>();
        var arenaRoots = new List<(int Root, int Size, bool Variable)>();
        foreach (int root in lifetimes.Keys.Concat(inputs).Concat(outputs).Select(groups.Root).Distinct())
        {
            if (groups.CallerStorage(root) is { } caller)
            {
                storage[root] = caller;
            }
            else
            {
                arenaRoots.Add((root, byId[root].ByteCount, byId[root].IsVariable));
            }
        }

        var placed = new List<(int Offset, int Size, int First, int Last)>();
        int arenaBytes = 0;
        IEnumerable<(int Root, int Size, bool Variable)> order = arenaRoots
            .OrderByDescending(r => r.Variable) // state first, so that it sits together at the arena's start
            .ThenByDescending(r => r.Size)
            .ThenBy(r => lifetimes[r.Root].First)
            .ThenBy(r => r.Root);
        foreach ((int root, int size, _) in order)
        {
            (int first, int last) = lifetimes[root];
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
            storage[root] = (StorageKind.Arena, offset);
            arenaBytes = Math.Max(arenaBytes, offset + size);
        }

        var planned = new List<ValueSpec>();
        foreach (ValueSpec value in values)
        {
            if (storage.TryGetValue(groups.Root(value.Id), out var place))
            {
                planned.Add(value with { Storage = place.Kind, Offset = place.Offset });
            }
        }
        return new ArenaPlan(planned, Align(arenaBytes));
    }

    private static int Align(int offset) => (offset + Alignment - 1) / Alignment * Alignment;

    /// <summary>
    /// Values that share one storage (a view and its source), kept as a union-find. A group holds at
    /// most one of the caller's spans: a view between two of them stays separate and is copied.
    /// </summary>
    private sealed class StorageGroups
    {
        private readonly Dictionary<int, int> _parent = new();
        private readonly Dictionary<int, (StorageKind Kind, int Offset)> _caller = new();

        public StorageGroups(IReadOnlyList<int> inputs, IReadOnlyList<int> outputs)
        {
            for (int i = 0; i < outputs.Count; i++)
            {
                _caller[outputs[i]] = (StorageKind.Output, i);
            }
            // An input listed as an output too stays in the input span; the output is copied from it.
            for (int i = 0; i < inputs.Count; i++)
            {
                _caller[inputs[i]] = (StorageKind.Input, i);
            }
        }

        public int Root(int id)
        {
            while (_parent.TryGetValue(id, out int parent))
            {
                id = parent;
            }
            return id;
        }

        public (StorageKind Kind, int Offset)? CallerStorage(int root) => _caller.TryGetValue(root, out var storage) ? storage : null;

        public void TryShare(int source, int view)
        {
            int a = Root(source), b = Root(view);
            if (a == b || (_caller.ContainsKey(a) && _caller.ContainsKey(b)))
            {
                return;
            }
            // The caller's span, if either has one, becomes the group's storage.
            (int root, int child) = _caller.ContainsKey(b) ? (b, a) : (a, b);
            _parent[child] = root;
        }
    }
}
