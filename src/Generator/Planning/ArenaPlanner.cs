using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Model;
using TinyModel.Generator.Operators.DataMovement;

namespace TinyModel.Generator.Planning;

/// <summary>The memory plan of a model: the storage of every value, the arena size, and the least any plan could need.</summary>
/// <param name="LowerBoundBytes">
/// The largest total size of the arena values live at one step: no plan can use less (alignment aside).
/// </param>
internal sealed record ArenaPlan(IReadOnlyList<ValueSpec> Values, int ArenaBytes, int LowerBoundBytes);

/// <summary>
/// Assigns every value its storage. Model inputs and outputs live in the caller's spans. Views
/// (RESHAPE and the like) share their source's storage, and so does the output of an element-wise
/// layer that is its input's last reader (in place). Variable tensors (layer state) keep arena space
/// of their own for the instance's life, at the start of the arena. Every other group of values gets
/// an arena offset from its lifetime (the steps between its first writer and its last reader):
/// several placement orders are tried (largest first, longest-lived first, largest area first),
/// each placing a block at the lowest offset free for its whole lifetime, and the smallest plan wins.
/// </summary>
internal static class ArenaPlanner
{
    /// <summary>Offsets are aligned so that any element type, and SIMD loads, start aligned.</summary>
    public const int Alignment = 16;

    /// <param name="pageBytes">
    /// 0 for one arena; otherwise the arena is split into pages of this many bytes (a multiple of <see cref="Alignment"/>;
    /// the nanoFramework flavor, whose objects have a size limit): a block that fits in a page is placed inside one, and a
    /// larger block starts at a page boundary, taking whole pages.
    /// </param>
    public static ArenaPlan Plan(IReadOnlyList<ValueSpec> values, IReadOnlyList<int> inputs, IReadOnlyList<int> outputs, IReadOnlyList<LayerSpec> layers, int pageBytes = 0)
    {
        var byId = values.ToDictionary(v => v.Id);
        var groups = new StorageGroups(inputs, outputs);
        foreach (ViewLayer view in layers.OfType<ViewLayer>())
        {
            groups.TryShare(view.Source, view.View);
        }
        ShareInPlace(layers, byId, groups);
        Dictionary<int, (int First, int Last)> lifetimes = Lifetimes(layers, byId, groups);

        // Storage per group root: the caller's span, or an arena block.
        var storage = new Dictionary<int, (StorageKind Kind, int Offset)>();
        var blocks = new List<Block>();
        foreach (int root in lifetimes.Keys.Concat(inputs).Concat(outputs).Select(groups.Root).Distinct())
        {
            if (groups.CallerStorage(root) is { } caller)
            {
                storage[root] = caller;
            }
            else
            {
                blocks.Add(new Block(root, byId[root].ByteCount, byId[root].IsVariable, lifetimes[root].First, lifetimes[root].Last));
            }
        }

        (Dictionary<int, int> offsets, int arenaBytes) = Orders(blocks).Select(order => Place(order, pageBytes)).OrderBy(p => p.ArenaBytes).First();
        foreach (KeyValuePair<int, int> placed in offsets)
        {
            storage[placed.Key] = (StorageKind.Arena, placed.Value);
        }

        var planned = new List<ValueSpec>();
        foreach (ValueSpec value in values)
        {
            if (storage.TryGetValue(groups.Root(value.Id), out var place))
            {
                planned.Add(value with { Storage = place.Kind, Offset = place.Offset });
            }
        }
        return new ArenaPlan(planned, Align(arenaBytes), LowerBound(blocks, layers.Count));
    }

    private sealed record Block(int Root, int Size, bool Variable, int First, int Last);

    /// <summary>Lets an element-wise layer's output take over an input that no later layer reads.</summary>
    private static void ShareInPlace(IReadOnlyList<LayerSpec> layers, Dictionary<int, ValueSpec> byId, StorageGroups groups)
    {
        for (int step = 0; step < layers.Count; step++)
        {
            LayerSpec layer = layers[step];
            if (layer.Outputs.Count == 0 || layer.InPlaceInputs.Count == 0)
            {
                continue;
            }
            ValueSpec output = byId[layer.Outputs[0]];
            foreach (int position in layer.InPlaceInputs)
            {
                ValueSpec input = byId[layer.Inputs[position]];
                int root = groups.Root(input.Id);
                bool sameLayout = input.ByteCount == output.ByteCount && input.Type.Size() == output.Type.Size();
                // The caller's input span is read-only, and state must survive the call.
                bool writable = groups.CallerStorage(root)?.Kind != StorageKind.Input && !input.IsVariable && !output.IsVariable;
                if (sameLayout && writable && Lifetimes(layers, byId, groups)[root].Last == step && groups.TryShare(input.Id, output.Id))
                {
                    break;
                }
            }
        }
    }

    /// <summary>The first and last step that touches each group; state lives for every step.</summary>
    private static Dictionary<int, (int First, int Last)> Lifetimes(IReadOnlyList<LayerSpec> layers, Dictionary<int, ValueSpec> byId, StorageGroups groups)
    {
        var lifetimes = new Dictionary<int, (int First, int Last)>();
        for (int step = 0; step < layers.Count; step++)
        {
            foreach (int id in layers[step].Inputs.Concat(layers[step].Outputs))
            {
                int root = groups.Root(id);
                (int first, int last) = byId[id].IsVariable ? (0, layers.Count - 1) : (step, step);
                lifetimes[root] = lifetimes.TryGetValue(root, out var span) ? (Math.Min(span.First, first), Math.Max(span.Last, last)) : (first, last);
            }
        }
        return lifetimes;
    }

    /// <summary>Placement orders to try. State always goes first, so that it sits together at the arena's start.</summary>
    private static IEnumerable<IEnumerable<Block>> Orders(List<Block> blocks)
    {
        IOrderedEnumerable<Block> State() => blocks.OrderByDescending(b => b.Variable);
        yield return State().ThenByDescending(b => b.Size).ThenBy(b => b.First).ThenBy(b => b.Root);
        yield return State().ThenByDescending(b => b.Last - b.First).ThenByDescending(b => b.Size).ThenBy(b => b.Root);
        yield return State().ThenByDescending(b => (long)b.Size * (b.Last - b.First + 1)).ThenBy(b => b.Root);
        yield return State().ThenBy(b => b.First).ThenByDescending(b => b.Size).ThenBy(b => b.Root);
    }

    /// <summary>Places blocks in the given order, each at the lowest aligned offset free for its whole lifetime.</summary>
    private static (Dictionary<int, int> Offsets, int ArenaBytes) Place(IEnumerable<Block> order, int pageBytes)
    {
        var placed = new List<(int Offset, Block Block)>();
        var offsets = new Dictionary<int, int>();
        int arenaBytes = 0;
        foreach (Block block in order)
        {
            int offset = 0;
            // Walk the blocks live at the same time in address order and take the first gap that fits.
            foreach (var other in placed.Where(p => p.Block.First <= block.Last && block.First <= p.Block.Last).OrderBy(p => p.Offset))
            {
                if (offset + block.Size <= other.Offset)
                {
                    break;
                }
                offset = Math.Max(offset, WithinPages(Align(other.Offset + other.Block.Size), block.Size, pageBytes));
            }
            placed.Add((offset, block));
            offsets[block.Root] = offset;
            arenaBytes = Math.Max(arenaBytes, offset + block.Size);
        }
        return (offsets, arenaBytes);
    }

    /// <summary>
    /// The first offset from <paramref name="offset"/> where a block of <paramref name="size"/> bytes keeps to the pages:
    /// inside one page when it fits in one, else from a page's start; <paramref name="offset"/> itself when there are no pages.
    /// </summary>
    private static int WithinPages(int offset, int size, int pageBytes)
    {
        if (pageBytes == 0 || (size <= pageBytes && offset / pageBytes == (offset + size - 1) / pageBytes))
        {
            return offset;
        }
        return (offset + pageBytes - 1) / pageBytes * pageBytes;
    }

    private static int LowerBound(List<Block> blocks, int steps)
    {
        int best = 0;
        for (int step = 0; step < steps; step++)
        {
            best = Math.Max(best, blocks.Where(b => b.First <= step && step <= b.Last).Sum(b => b.Size));
        }
        return best;
    }

    private static int Align(int offset) => (offset + Alignment - 1) / Alignment * Alignment;

    /// <summary>
    /// Values that share one storage (a view and its source, an in-place output and its input), kept as
    /// a union-find. A group holds at most one of the caller's spans: a view between two of them stays
    /// separate and is copied.
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

        public bool TryShare(int a, int b)
        {
            int rootA = Root(a), rootB = Root(b);
            if (rootA == rootB || (_caller.ContainsKey(rootA) && _caller.ContainsKey(rootB)))
            {
                return false;
            }
            // The caller's span, if either has one, becomes the group's storage.
            (int root, int child) = _caller.ContainsKey(rootB) ? (rootB, rootA) : (rootA, rootB);
            _parent[child] = root;
            return true;
        }
    }
}
