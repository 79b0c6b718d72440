using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TinyModel;

public static partial class ReductionKernels
{
    /// <summary>
    /// The blocks each output of a reduction combines (its reduced axes but the innermost group): one block (one group of
    /// reduced axes), <c>count</c> blocks <c>stride</c> apart (two groups), or a table of offsets in input memory order
    /// (three or more groups, the outer ones walked as one odometer when the model is compiled). The kernels visit the
    /// blocks in that order, so a float column meets its values as TFLM's loop does.
    /// </summary>
    private readonly ref struct Blocks
    {
        // Four fields at most, so that the JIT keeps them in registers (a larger struct stays in memory).

        /// <summary>The offsets of a table's blocks; empty for a progression.</summary>
        private readonly ReadOnlySpan<int> _offsets;

        private readonly int _stride;

        /// <summary><paramref name="count"/> blocks, block <c>b</c> at <c>b · stride</c>.</summary>
        public Blocks(int count, int stride)
        {
            if (count < 1 || stride < 0)
            {
                throw new ArgumentOutOfRangeException(count < 1 ? "blocks" : "blockStride", count < 1 ? count : stride, "A reduction combines at least one block, and blocks follow one another.");
            }
            _offsets = default;
            _stride = stride;
            Count = count;
        }

        /// <summary>A block per offset (each at least 0), in the order given.</summary>
        public Blocks(ReadOnlySpan<int> offsets)
        {
            if (offsets.IsEmpty)
            {
                throw new ArgumentOutOfRangeException("blockOffsets", 0, "A reduction combines at least one block.");
            }
            foreach (int offset in offsets)
            {
                if (offset < 0)
                {
                    throw new ArgumentOutOfRangeException("blockOffsets", offset, "A block's offset is at least 0.");
                }
            }
            _offsets = offsets;
            _stride = 0;
            Count = offsets.Length;
        }

        /// <summary>One block at offset 0: a reduction over one group of axes.</summary>
        public static Blocks One => new(1, 0);

        /// <summary>How many blocks.</summary>
        public int Count { get; }

        /// <summary>The largest block offset (the span the kernels read ends this far past the first block's end).</summary>
        public int Extent()
        {
            if (_offsets.IsEmpty)
            {
                return checked((Count - 1) * _stride);
            }
            int extent = 0;
            foreach (int offset in _offsets)
            {
                extent = Math.Max(extent, offset);
            }
            return extent;
        }

        /// <summary>Where block <paramref name="b"/> (less than <see cref="Count"/>) starts, in elements.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Offset(int b) => _offsets.IsEmpty ? b * _stride : Unsafe.Add(ref MemoryMarshal.GetReference(_offsets), b);
    }
}
