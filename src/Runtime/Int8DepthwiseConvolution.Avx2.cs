using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TinyModel;

/// <summary>The AVX2 path of <see cref="Int8DepthwiseConvolution"/>: 16 channels per 256-bit vector pair, a last block of 8 or fewer in 128-bit vectors.</summary>
public static partial class Int8DepthwiseConvolution
{
    private static void ConvolveRowAvx2(ref short x, in Int8DepthwiseShape shape, int pixels, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        nint pixelStride = shape.PixelStride;
        Sums256 sums = default;
        for (int c = 0; c < channels; c += 16)
        {
            ref byte blockW = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, (nint)(c / 16) * pairs * 32));
            ref int blockTable = ref Unsafe.Add(ref table, c);
            ref short blockX = ref Unsafe.Add(ref x, c);
            int valid = channels - c < 16 ? channels - c : 16;
            for (int p = 0; p < pixels; p += 2)
            {
                int count = pixels - p >= 2 ? 2 : 1;
                ref short first = ref Unsafe.Add(ref blockX, p * pixelStride);
                if (valid > 8)
                {
                    Tile16Avx2(ref first, pixelStride, count, ref blockW, ref taps, pairs, ref sums);
                    for (int i = 0; i < count; i++)
                    {
                        Vector256<int> low = sums[2 * i] + Vector256.LoadUnsafe(ref blockTable);
                        Vector256<int> high = sums[2 * i + 1] + Vector256.LoadUnsafe(ref blockTable, 8);
                        Vector128<sbyte> values = Int8OutputStage.Requantize16(low, high, ref blockTable, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
                        Int8OutputStage.Store(values, ref Unsafe.Add(ref y, (nint)(p + i) * channels + c), valid);
                    }
                }
                else
                {
                    Tile8Avx2(ref first, pixelStride, count, ref blockW, ref taps, pairs, ref sums);
                    for (int i = 0; i < count; i++)
                    {
                        // Lanes 0-3 of sums[2i] and 4-7 of sums[2i + 1] hold channels 0-3 and 4-7.
                        Vector128<int> low = sums[2 * i].GetLower() + Vector128.LoadUnsafe(ref blockTable);
                        Vector128<int> high = sums[2 * i + 1].GetLower() + Vector128.LoadUnsafe(ref blockTable, 4);
                        Vector128<short> words = Int8OutputStage.Requantize8(low, high, ref blockTable, stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
                        Int8OutputStage.Store(Sse2.PackSignedSaturate(words, words), ref Unsafe.Add(ref y, (nint)(p + i) * channels + c), valid);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One or two pixels × 16 channels, without the bias: per pair of taps, the two taps' staged values interleaved
    /// (within 128-bit lanes) and multiplied by their weight pairs.
    /// </summary>
    private static void Tile16Avx2(ref short x, nint pixelStride, int count, ref byte w, ref int taps, int pairs, ref Sums256 sums)
    {
        Vector256<int> low0 = Vector256<int>.Zero, high0 = Vector256<int>.Zero, low1 = Vector256<int>.Zero, high1 = Vector256<int>.Zero;
        ref short x1 = ref Unsafe.Add(ref x, count > 1 ? pixelStride : 0);
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 32))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector256<short> wLow = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp).AsSByte());
            Vector256<short> wHigh = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref wp, 16).AsSByte());
            Vector256<short> xa = Vector256.LoadUnsafe(ref x, a), xb = Vector256.LoadUnsafe(ref x, b);
            low0 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
            high0 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
            xa = Vector256.LoadUnsafe(ref x1, a);
            xb = Vector256.LoadUnsafe(ref x1, b);
            low1 += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(xa, xb), wLow);
            high1 += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(xa, xb), wHigh);
        }
        // low: channels 0-3 | 8-11; high: 4-7 | 12-15. Through memory, as in Int8Convolution's tiles.
        sums[0] = Avx2.Permute2x128(low0, high0, 0x20);
        sums[1] = Avx2.Permute2x128(low0, high0, 0x31);
        sums[2] = Avx2.Permute2x128(low1, high1, 0x20);
        sums[3] = Avx2.Permute2x128(low1, high1, 0x31);
    }

    /// <summary>One or two pixels × 8 channels (or fewer), in 128-bit vectors; the weights are a 16-channel block's first half.</summary>
    private static void Tile8Avx2(ref short x, nint pixelStride, int count, ref byte w, ref int taps, int pairs, ref Sums256 sums)
    {
        Vector128<int> low0 = Vector128<int>.Zero, high0 = Vector128<int>.Zero, low1 = Vector128<int>.Zero, high1 = Vector128<int>.Zero;
        ref short x1 = ref Unsafe.Add(ref x, count > 1 ? pixelStride : 0);
        ref byte wp = ref w;
        for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 32))
        {
            nuint a = (nuint)Unsafe.Add(ref taps, 2 * k), b = (nuint)Unsafe.Add(ref taps, 2 * k + 1);
            Vector128<short> wLow = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref wp)).AsSByte());
            Vector128<short> wHigh = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref wp, 16))).AsSByte());
            Vector128<short> xa = Vector128.LoadUnsafe(ref x, a), xb = Vector128.LoadUnsafe(ref x, b);
            low0 += Sse2.MultiplyAddAdjacent(Sse2.UnpackLow(xa, xb), wLow);
            high0 += Sse2.MultiplyAddAdjacent(Sse2.UnpackHigh(xa, xb), wHigh);
            xa = Vector128.LoadUnsafe(ref x1, a);
            xb = Vector128.LoadUnsafe(ref x1, b);
            low1 += Sse2.MultiplyAddAdjacent(Sse2.UnpackLow(xa, xb), wLow);
            high1 += Sse2.MultiplyAddAdjacent(Sse2.UnpackHigh(xa, xb), wHigh);
        }
        sums[0] = low0.ToVector256Unsafe();
        sums[1] = high0.ToVector256Unsafe();
        sums[2] = low1.ToVector256Unsafe();
        sums[3] = high1.ToVector256Unsafe();
    }

    /// <summary>The sums of a tile: 2 pixels × 16 channels.</summary>
    [InlineArray(4)]
    private struct Sums256
    {
        private Vector256<int> _element;
    }
}
