using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

// The tiles of FloatConvolution: a block of 16 output channels for several output pixels, per vector width. Each
// walks the window in TFLM's order (filter row, run, value) and adds each product to its lane's accumulator with one
// multiply and one add, so all of them produce the same bits. The products of a step are formed before they are
// added: with each add right after its multiply, the AVX-512 tile ran about 20% slower (measured on AMD Zen 4).
public static partial class FloatConvolution
{
    /// <summary>A tile of output pixels × one block of channels, at one vector width; instantiated by <see cref="ConvolveBlock"/>.</summary>
    private interface IFloatConvolutionTiles
    {
        /// <summary>Output pixels per <see cref="Tile"/>.</summary>
        static abstract int Pixels { get; }

        /// <summary>Computes <see cref="Pixels"/> output pixels, their windows <see cref="FloatConvolutionShape.PixelStride"/> apart.</summary>
        static abstract void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid);

        /// <summary>Computes half a tile's pixels (at least one): the end of a row too short for a whole tile.</summary>
        static abstract void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid);

        /// <summary>Computes one output pixel.</summary>
        static abstract void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid);
    }

    /// <summary>512-bit vectors: a block is one vector, eight pixels share each weight load.</summary>
    private readonly struct Tiles512 : IFloatConvolutionTiles
    {
        public static int Pixels => 8;

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            EightPixels<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            FourPixels<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            OnePixel<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid);
    }

    /// <summary>256-bit vectors for a block of at most 8 channels: its low half, eight pixels share each weight load.</summary>
    private readonly struct HalfTiles256 : IFloatConvolutionTiles
    {
        public static int Pixels => 8;

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            EightPixels<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            FourPixels<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid);
    }

    /// <summary>256-bit vectors (16 registers with AVX2): a block is two vectors, four pixels share each weight load.</summary>
    private readonly struct Tiles256 : IFloatConvolutionTiles
    {
        public static int Pixels => 4;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float segment = ref row;
                for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
                {
                    ref float p0 = ref segment;
                    for (int k = 0; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                    {
                        Vector256<float> low = Vector256.LoadUnsafe(ref wp), high = Vector256.LoadUnsafe(ref wp, 8);
                        Vector256<float> x0 = Vector256.Create(p0), x1 = Vector256.Create(Unsafe.Add(ref p0, step));
                        Vector256<float> m0 = x0 * low, n0 = x0 * high, m1 = x1 * low, n1 = x1 * high;
                        a0 += m0;
                        b0 += n0;
                        a1 += m1;
                        b1 += n1;
                        Vector256<float> x2 = Vector256.Create(Unsafe.Add(ref p0, 2 * step)), x3 = Vector256.Create(Unsafe.Add(ref p0, 3 * step));
                        Vector256<float> m2 = x2 * low, n2 = x2 * high, m3 = x3 * low, n3 = x3 * high;
                        a2 += m2;
                        b2 += n2;
                        a3 += m3;
                        b3 += n3;
                    }
                }
            }
            nint channels = shape.OutputChannels;
            StorePair(a0, b0, shape, ref bias, ref y, valid);
            StorePair(a1, b1, shape, ref bias, ref Unsafe.Add(ref y, channels), valid);
            StorePair(a2, b2, shape, ref bias, ref Unsafe.Add(ref y, 2 * channels), valid);
            StorePair(a3, b3, shape, ref bias, ref Unsafe.Add(ref y, 3 * channels), valid);
        }

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid);
            OnePixel<FloatLanes256, Vector256<float>>(ref Unsafe.Add(ref x, (nint)shape.PixelStride), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)shape.OutputChannels), valid);
        }

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StorePair(Vector256<float> low, Vector256<float> high, in FloatConvolutionShape shape, ref float bias, ref float y, int valid)
        {
            FloatLanes256.Store(FloatLanes256.Finish(low, ref bias, shape.OutputMin, shape.OutputMax), ref y, valid);
            if (valid > 8)
            {
                FloatLanes256.Store(FloatLanes256.Finish(high, ref Unsafe.Add(ref bias, 8), shape.OutputMin, shape.OutputMax), ref Unsafe.Add(ref y, 8), valid - 8);
            }
        }
    }

    /// <summary>128-bit vectors (SSE, AdvSimd): a block is four vectors, two pixels share each weight load.</summary>
    private readonly struct Tiles128 : IFloatConvolutionTiles
    {
        public static int Pixels => 2;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float segment = ref row;
                for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
                {
                    ref float p0 = ref segment;
                    for (int k = 0; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                    {
                        Vector128<float> x0 = Vector128.Create(p0), x1 = Vector128.Create(Unsafe.Add(ref p0, step));
                        Vector128<float> w0 = Vector128.LoadUnsafe(ref wp), w1 = Vector128.LoadUnsafe(ref wp, 4);
                        Vector128<float> m0 = x0 * w0, m1 = x0 * w1, n0 = x1 * w0, n1 = x1 * w1;
                        a0 += m0;
                        a1 += m1;
                        b0 += n0;
                        b1 += n1;
                        Vector128<float> w2 = Vector128.LoadUnsafe(ref wp, 8), w3 = Vector128.LoadUnsafe(ref wp, 12);
                        Vector128<float> m2 = x0 * w2, m3 = x0 * w3, n2 = x1 * w2, n3 = x1 * w3;
                        a2 += m2;
                        a3 += m3;
                        b2 += n2;
                        b3 += n3;
                    }
                }
            }
            StoreBlock(a0, a1, a2, a3, shape, ref bias, ref y, valid);
            StoreBlock(b0, b1, b2, b3, shape, ref bias, ref Unsafe.Add(ref y, (nint)shape.OutputChannels), valid);
        }

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            OnePixel<FloatLanes128, Vector128<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            OnePixel<FloatLanes128, Vector128<float>>(ref x, shape, ref w, ref bias, ref y, valid);

        /// <summary>Finishes and stores one pixel's block, four lanes at a time, up to <paramref name="valid"/> channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreBlock(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3,
            in FloatConvolutionShape shape, ref float bias, ref float y, int valid)
        {
            float min = shape.OutputMin, max = shape.OutputMax;
            FloatLanes128.Store(FloatLanes128.Finish(a0, ref bias, min, max), ref y, valid);
            if (valid > 4)
            {
                FloatLanes128.Store(FloatLanes128.Finish(a1, ref Unsafe.Add(ref bias, 4), min, max), ref Unsafe.Add(ref y, 4), valid - 4);
            }
            if (valid > 8)
            {
                FloatLanes128.Store(FloatLanes128.Finish(a2, ref Unsafe.Add(ref bias, 8), min, max), ref Unsafe.Add(ref y, 8), valid - 8);
            }
            if (valid > 12)
            {
                FloatLanes128.Store(FloatLanes128.Finish(a3, ref Unsafe.Add(ref bias, 12), min, max), ref Unsafe.Add(ref y, 12), valid - 12);
            }
        }
    }

    /// <summary>No vectors: one pixel at a time, each input value times the block's row of weights, every sum in TFLM's order.</summary>
    private readonly struct ScalarTiles : IFloatConvolutionTiles
    {
        public static int Pixels => 1;

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            Single(ref x, shape, ref w, ref bias, ref y, valid);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid) =>
            Single(ref x, shape, ref w, ref bias, ref y, valid);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            BlockSums sums = default;
            nint rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
            ref float wp = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float segment = ref row;
                for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
                {
                    for (int k = 0; k < run; k++, wp = ref Unsafe.Add(ref wp, BlockChannels))
                    {
                        float value = Unsafe.Add(ref segment, k);
                        for (int lane = 0; lane < valid; lane++)
                        {
                            float product = value * Unsafe.Add(ref wp, lane);
                            sums[lane] += product;
                        }
                    }
                }
            }
            for (int lane = 0; lane < valid; lane++)
            {
                Unsafe.Add(ref y, lane) = FloatLanes1.Finish(sums[lane], ref Unsafe.Add(ref bias, lane), shape.OutputMin, shape.OutputMax);
            }
        }
    }

    /// <summary>A block's sums, on the stack.</summary>
    [InlineArray(BlockChannels)]
    private struct BlockSums
    {
        private float _first;
    }

    /// <summary>Eight pixels × one vector of a block's channels (the block's first, or only, vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightPixels<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
        ref float wp = ref w;
        ref float row = ref x;
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
        {
            ref float segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
            {
                ref float p0 = ref segment;
                ref float p4 = ref Unsafe.Add(ref segment, 4 * step);
                for (int k = 0; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), p4 = ref Unsafe.Add(ref p4, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Broadcast(p0), wv);
                    TVector m1 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 2 * step)), wv);
                    TVector m3 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 3 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                    TVector m4 = TLanes.Multiply(TLanes.Broadcast(p4), wv);
                    TVector m5 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p4, step)), wv);
                    TVector m6 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p4, 2 * step)), wv);
                    TVector m7 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p4, 3 * step)), wv);
                    a4 = TLanes.Add(a4, m4);
                    a5 = TLanes.Add(a5, m5);
                    a6 = TLanes.Add(a6, m6);
                    a7 = TLanes.Add(a7, m7);
                }
            }
        }
        float min = shape.OutputMin, max = shape.OutputMax;
        nint channels = shape.OutputChannels;
        TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, valid);
        TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, channels), valid);
        TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * channels), valid);
        TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * channels), valid);
        TLanes.Store(TLanes.Finish(a4, ref bias, min, max), ref Unsafe.Add(ref y, 4 * channels), valid);
        TLanes.Store(TLanes.Finish(a5, ref bias, min, max), ref Unsafe.Add(ref y, 5 * channels), valid);
        TLanes.Store(TLanes.Finish(a6, ref bias, min, max), ref Unsafe.Add(ref y, 6 * channels), valid);
        TLanes.Store(TLanes.Finish(a7, ref bias, min, max), ref Unsafe.Add(ref y, 7 * channels), valid);
    }

    /// <summary>Four pixels × one vector of a block's channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourPixels<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        TVector a0 = default, a1 = default, a2 = default, a3 = default;
        nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
        ref float wp = ref w;
        ref float row = ref x;
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
        {
            ref float segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
            {
                ref float p0 = ref segment;
                for (int k = 0; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Broadcast(p0), wv), m1 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 2 * step)), wv), m3 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 3 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                }
            }
        }
        float min = shape.OutputMin, max = shape.OutputMax;
        nint channels = shape.OutputChannels;
        TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, valid);
        TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, channels), valid);
        TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * channels), valid);
        TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * channels), valid);
    }

    /// <summary>One pixel's <paramref name="valid"/> channels of a block, one vector of them at a time (a row shorter than a tile, or no vectors at all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnePixel<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        nint rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
        for (int lane = 0; lane < valid; lane += TLanes.Count)
        {
            TVector a = default;
            ref float wp = ref Unsafe.Add(ref w, lane);
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride))
            {
                ref float segment = ref row;
                for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
                {
                    for (int k = 0; k < run; k++, wp = ref Unsafe.Add(ref wp, BlockChannels))
                    {
                        a = TLanes.Add(a, TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref segment, k)), TLanes.Load(ref wp)));
                    }
                }
            }
            TLanes.Store(TLanes.Finish(a, ref Unsafe.Add(ref bias, lane), shape.OutputMin, shape.OutputMax), ref Unsafe.Add(ref y, lane), valid - lane);
        }
    }
}
