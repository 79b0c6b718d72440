using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

public static partial class Int8Convolution
{
    /// <summary>
    /// The bounded requantization (<see cref="Int8ConvolutionShape.BoundedAccumulators"/>) of one block of 16 output
    /// channels with AVX-512, its table rows loaded once for all the pixels of a tile, four pixels narrowed, clamped and
    /// stored together.
    /// </summary>
    /// <remarks>
    /// Per pixel it computes what <c>Int8OutputStage.RequantizeBounded16</c> computes (the same operations, so the same
    /// proof), but the tile's pixels share the table's loads and the odd-lane select's constant, and four pixels share the
    /// narrowing and the clamp: two <c>vpackssdw</c> and one <c>vpacksswb</c> saturate 64 values to int8, one
    /// <c>vpmaxsb</c>/<c>vpminsb</c> clamps them (for bounds within int8, clamping after the saturation equals clamping
    /// before it), and one dword permutation puts each pixel's 16 channels side by side. This is about a third fewer
    /// operations per output than requantizing and storing each pixel on its own, which counts in layers with few input
    /// channels, where the output stage costs as much as the sums.
    /// </remarks>
    private readonly struct BoundedOutput512
    {
        private readonly Vector512<int> _evenMultipliers, _oddMultipliers, _offsets, _signs, _oddLanes;
        private readonly Vector512<uint> _shifts;
        private readonly Vector512<sbyte> _min, _max;
        private readonly bool _clampsMin, _clampsMax;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public BoundedOutput512(ref int table, nint stride, int min, int max)
        {
            ref int multipliers = ref Unsafe.Add(ref table, Int8OutputStage.MultiplierRow * stride);
            _evenMultipliers = Vector512.LoadUnsafe(ref multipliers);
            _oddMultipliers = Vector512.LoadUnsafe(ref multipliers, 1);
            _offsets = Vector512.LoadUnsafe(ref Unsafe.Add(ref table, Int8OutputStage.BoundedOffsetRow * stride));
            _signs = Vector512.LoadUnsafe(ref Unsafe.Add(ref table, Int8OutputStage.BoundedSignRow * stride));
            _shifts = Vector512.LoadUnsafe(ref Unsafe.Add(ref table, Int8OutputStage.BoundedShiftRow * stride)).AsUInt32();
            _oddLanes = Vector512.Create(0xFFFFFFFF00000000UL).AsInt32();
            _clampsMin = min != sbyte.MinValue;
            _clampsMax = max != sbyte.MaxValue;
            _min = Vector512.Create((sbyte)min);
            _max = Vector512.Create((sbyte)max);
        }

        /// <summary>Four pixels' sums of the block requantized, clamped and stored, the pixels <paramref name="next"/> values apart.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store4(Vector512<int> a, Vector512<int> b, Vector512<int> c, Vector512<int> d, ref sbyte y, nint next)
        {
            // Per 128-bit lane L: channels 4L..4L+3 of a, b, c and d, as bytes.
            Vector512<sbyte> bytes = Avx512BW.PackSignedSaturate(
                Avx512BW.PackSignedSaturate(Requantize(a), Requantize(b)), Avx512BW.PackSignedSaturate(Requantize(c), Requantize(d)));
            if (_clampsMin)
            {
                bytes = Avx512BW.Max(bytes, _min);
            }
            if (_clampsMax)
            {
                bytes = Avx512BW.Min(bytes, _max);
            }
            Vector512<sbyte> pixels = Avx512F.PermuteVar16x32(bytes.AsInt32(), Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15)).AsSByte();
            Vector256<sbyte> low = pixels.GetLower(), high = pixels.GetUpper();
            low.GetLower().StoreUnsafe(ref y);
            low.GetUpper().StoreUnsafe(ref Unsafe.Add(ref y, next));
            high.GetLower().StoreUnsafe(ref Unsafe.Add(ref y, 2 * next));
            high.GetUpper().StoreUnsafe(ref Unsafe.Add(ref y, 3 * next));
        }

        /// <summary><c>Int8OutputStage.RequantizeBounded16</c> with the block's rows in registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<int> Requantize(Vector512<int> acc)
        {
            Vector512<long> even = Avx512F.Multiply(acc, _evenMultipliers);
            Vector512<long> odd = Avx512F.Multiply(Avx512F.Shuffle(acc, 0b11_11_01_01), _oddMultipliers);
            // Bits 30-61 of each product: the even lanes' shifted down, the odd lanes' shifted up into the high half (a ? b : c).
            Vector512<int> high = Avx512F.TernaryLogic(_oddLanes, Avx512F.ShiftLeftLogical(odd, 2).AsInt32(), Avx512F.ShiftRightLogical(even, 30).AsInt32(), 0xCA);
            Vector512<int> offset = _offsets + (Avx512F.ShiftRightArithmetic(acc, 31) & _signs);
            return Avx512F.ShiftRightArithmeticVariable(high + offset, _shifts);
        }
    }
}
