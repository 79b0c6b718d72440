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

        /// <summary>
        /// Computes <see cref="Pixels"/> output pixels, their windows <see cref="FloatConvolutionShape.PixelStride"/> apart: the
        /// first pixel's window without its first <paramref name="lead"/> values of each row (<paramref name="x"/> is its value
        /// after them), the last pixel's without its last <paramref name="trail"/> (taps in the padding, skipped).
        /// </summary>
        static abstract void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail);

        /// <summary>Computes half a tile's pixels (at least one): the end of a row too short for a whole tile.</summary>
        static abstract void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail);

        /// <summary>Computes one output pixel.</summary>
        static abstract void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail);
    }

    /// <summary>512-bit vectors: a block is one vector, eight pixels share each weight load.</summary>
    private readonly struct Tiles512 : IFloatConvolutionTiles
    {
        public static int Pixels => 8;

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            EightPixels<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            FourPixels<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            OnePixel<FloatLanes512, Vector512<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);
    }

    /// <summary>256-bit vectors for a block of at most 8 channels: its low half, eight pixels share each weight load.</summary>
    private readonly struct HalfTiles256 : IFloatConvolutionTiles
    {
        public static int Pixels => 8;

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            EightPixels<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            FourPixels<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);
    }

    /// <summary>256-bit vectors (16 registers with AVX2): a block is two vectors, four pixels share each weight load.</summary>
    private readonly struct Tiles256 : IFloatConvolutionTiles
    {
        public static int Pixels => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            if ((lead | trail) != 0)
            {
                EdgeTile(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);
            }
            else
            {
                WholeTile(ref x, shape, ref w, ref bias, ref y, valid);
            }
        }

        /// <summary>
        /// A tile at an edge of the image, as <see cref="WholeTile"/> but the first pixel's first <paramref name="lead"/> values
        /// of each row and the last pixel's last <paramref name="trail"/> skipped (kept apart: the cuts would take its registers).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        private static void EdgeTile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride;
            int rows = shape.Rows, run = shape.Run, body = run - trail;
            nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
            ref float rowW = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
            {
                // One run per row (the kernel cuts only undilated windows); p0 is the first pixel's value at k, pixel i's is i steps on.
                ref float wp = ref rowW;
                int k = 0;
                for (ref float q1 = ref Unsafe.Add(ref row, step - lead); k < lead; k++, q1 = ref Unsafe.Add(ref q1, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    Vector256<float> low = Vector256.LoadUnsafe(ref wp), high = Vector256.LoadUnsafe(ref wp, 8);
                    Vector256<float> x1 = Vector256.Create(q1), x2 = Vector256.Create(Unsafe.Add(ref q1, step)), x3 = Vector256.Create(Unsafe.Add(ref q1, 2 * step));
                    Vector256<float> m1 = x1 * low, n1 = x1 * high, m2 = x2 * low, n2 = x2 * high, m3 = x3 * low, n3 = x3 * high;
                    a1 += m1;
                    b1 += n1;
                    a2 += m2;
                    b2 += n2;
                    a3 += m3;
                    b3 += n3;
                }
                ref float p0 = ref row;
                for (; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    Vector256<float> low = Vector256.LoadUnsafe(ref wp), high = Vector256.LoadUnsafe(ref wp, 8);
                    Vector256<float> x0 = Vector256.Create(p0), x1 = Vector256.Create(Unsafe.Add(ref p0, step)), x2 = Vector256.Create(Unsafe.Add(ref p0, 2 * step));
                    Vector256<float> m0 = x0 * low, n0 = x0 * high, m1 = x1 * low, n1 = x1 * high, m2 = x2 * low, n2 = x2 * high;
                    a0 += m0;
                    b0 += n0;
                    a1 += m1;
                    b1 += n1;
                    a2 += m2;
                    b2 += n2;
                    if (k < body)
                    {
                        Vector256<float> x3 = Vector256.Create(Unsafe.Add(ref p0, 3 * step));
                        Vector256<float> m3 = x3 * low, n3 = x3 * high;
                        a3 += m3;
                        b3 += n3;
                    }
                }
            }
            nint channels = shape.OutputPixelStride;
            StorePair(a0, b0, shape, ref bias, ref y, valid);
            StorePair(a1, b1, shape, ref bias, ref Unsafe.Add(ref y, channels), valid);
            StorePair(a2, b2, shape, ref bias, ref Unsafe.Add(ref y, 2 * channels), valid);
            StorePair(a3, b3, shape, ref bias, ref Unsafe.Add(ref y, 3 * channels), valid);
        }

        /// <summary>Four whole windows × the block's two vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WholeTile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
            nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
            ref float rowW = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
            {
                ref float wp = ref rowW;
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
            nint channels = shape.OutputPixelStride;
            StorePair(a0, b0, shape, ref bias, ref y, valid);
            StorePair(a1, b1, shape, ref bias, ref Unsafe.Add(ref y, channels), valid);
            StorePair(a2, b2, shape, ref bias, ref Unsafe.Add(ref y, 2 * channels), valid);
            StorePair(a3, b3, shape, ref bias, ref Unsafe.Add(ref y, 3 * channels), valid);
        }

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, 0);
            OnePixel<FloatLanes256, Vector256<float>>(ref Unsafe.Add(ref x, (nint)shape.PixelStride - lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)shape.OutputPixelStride), valid, 0, trail);
        }

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            OnePixel<FloatLanes256, Vector256<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            if ((lead | trail) != 0)
            {
                EdgeTile(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);
            }
            else
            {
                WholeTile(ref x, shape, ref w, ref bias, ref y, valid);
            }
        }

        /// <summary>A tile at an edge of the image: each pixel alone, its window cut (kept out of <see cref="WholeTile"/>, whose registers it would take).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void EdgeTile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            OnePixel<FloatLanes128, Vector128<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, 0);
            OnePixel<FloatLanes128, Vector128<float>>(ref Unsafe.Add(ref x, (nint)shape.PixelStride - lead), shape, ref w, ref bias, ref Unsafe.Add(ref y, (nint)shape.OutputPixelStride), valid, 0, trail);
        }

        /// <summary>Two whole windows × the block's four vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WholeTile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run;
            nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
            ref float rowW = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
            {
                ref float wp = ref rowW;
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
            StoreBlock(b0, b1, b2, b3, shape, ref bias, ref Unsafe.Add(ref y, (nint)shape.OutputPixelStride), valid);
        }

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            OnePixel<FloatLanes128, Vector128<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            OnePixel<FloatLanes128, Vector128<float>>(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

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

        public static void Tile(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            Single(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        public static void Half(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail) =>
            Single(ref x, shape, ref w, ref bias, ref y, valid, lead, trail);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Single(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        {
            BlockSums sums = default;
            nint rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
            int rows = shape.Rows, segments = shape.Segments, run = shape.Run - lead - trail;
            nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
            ref float rowW = ref w;
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
            {
                ref float wp = ref Unsafe.Add(ref rowW, (nint)lead * BlockChannels);
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

    /// <summary>
    /// Eight pixels × one vector of a block's channels (the block's first, or only, vector). The first pixel's first
    /// <paramref name="lead"/> values of each row and the last pixel's last <paramref name="trail"/> are padding, skipped:
    /// <paramref name="x"/> is the first pixel's value after its lead, and the other pixels' windows start <c>step - lead</c>
    /// further on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightPixels<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        TVector a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run, body = run - trail;
        nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
        ref float rowW = ref w;
        ref float row = ref x;
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
        {
            ref float wp = ref rowW;
            ref float segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
            {
                int k = 0;
                if (lead > 0)
                {
                    // The first pixel's taps in the padding: pixels 1 to 7 alone.
                    ref float q1 = ref Unsafe.Add(ref segment, step - lead);
                    ref float q4 = ref Unsafe.Add(ref q1, 3 * step);
                    for (; k < lead; k++, q1 = ref Unsafe.Add(ref q1, 1), q4 = ref Unsafe.Add(ref q4, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                    {
                        TVector wv = TLanes.Load(ref wp);
                        TVector m1 = TLanes.Multiply(TLanes.Broadcast(q1), wv);
                        TVector m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q1, step)), wv);
                        TVector m3 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q1, 2 * step)), wv);
                        a1 = TLanes.Add(a1, m1);
                        a2 = TLanes.Add(a2, m2);
                        a3 = TLanes.Add(a3, m3);
                        TVector m4 = TLanes.Multiply(TLanes.Broadcast(q4), wv);
                        TVector m5 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q4, step)), wv);
                        TVector m6 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q4, 2 * step)), wv);
                        TVector m7 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q4, 3 * step)), wv);
                        a4 = TLanes.Add(a4, m4);
                        a5 = TLanes.Add(a5, m5);
                        a6 = TLanes.Add(a6, m6);
                        a7 = TLanes.Add(a7, m7);
                    }
                }
                ref float p0 = ref segment;
                ref float p4 = ref Unsafe.Add(ref segment, 4 * step);
                for (; k < body; k++, p0 = ref Unsafe.Add(ref p0, 1), p4 = ref Unsafe.Add(ref p4, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
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
                // The last pixel's taps in the padding: pixels 0 to 6 alone.
                for (; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), p4 = ref Unsafe.Add(ref p4, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
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
                    a4 = TLanes.Add(a4, m4);
                    a5 = TLanes.Add(a5, m5);
                    a6 = TLanes.Add(a6, m6);
                }
            }
        }
        float min = shape.OutputMin, max = shape.OutputMax;
        nint channels = shape.OutputPixelStride;
        TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, valid);
        TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, channels), valid);
        TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * channels), valid);
        TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * channels), valid);
        TLanes.Store(TLanes.Finish(a4, ref bias, min, max), ref Unsafe.Add(ref y, 4 * channels), valid);
        TLanes.Store(TLanes.Finish(a5, ref bias, min, max), ref Unsafe.Add(ref y, 5 * channels), valid);
        TLanes.Store(TLanes.Finish(a6, ref bias, min, max), ref Unsafe.Add(ref y, 6 * channels), valid);
        TLanes.Store(TLanes.Finish(a7, ref bias, min, max), ref Unsafe.Add(ref y, 7 * channels), valid);
    }

    /// <summary>Four pixels × one vector of a block's channels; <paramref name="lead"/> and <paramref name="trail"/> as <see cref="EightPixels"/> takes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourPixels<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        TVector a0 = default, a1 = default, a2 = default, a3 = default;
        nint step = shape.PixelStride, rowStride = shape.RowStride, segmentStride = shape.SegmentStride;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run, body = run - trail;
        nint weightRow = (nint)shape.PackedRowValues * BlockChannels;
        ref float rowW = ref w;
        ref float row = ref x;
        for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
        {
            ref float wp = ref rowW;
            ref float segment = ref row;
            for (int s = 0; s < segments; s++, segment = ref Unsafe.Add(ref segment, segmentStride))
            {
                int k = 0;
                // The first pixel's taps in the padding: pixels 1 to 3 alone.
                for (ref float q1 = ref Unsafe.Add(ref segment, step - lead); k < lead; k++, q1 = ref Unsafe.Add(ref q1, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m1 = TLanes.Multiply(TLanes.Broadcast(q1), wv), m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q1, step)), wv);
                    TVector m3 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref q1, 2 * step)), wv);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                }
                ref float p0 = ref segment;
                for (; k < body; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Broadcast(p0), wv), m1 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 2 * step)), wv), m3 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 3 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                    a3 = TLanes.Add(a3, m3);
                }
                // The last pixel's taps in the padding: pixels 0 to 2 alone.
                for (; k < run; k++, p0 = ref Unsafe.Add(ref p0, 1), wp = ref Unsafe.Add(ref wp, BlockChannels))
                {
                    TVector wv = TLanes.Load(ref wp);
                    TVector m0 = TLanes.Multiply(TLanes.Broadcast(p0), wv), m1 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, step)), wv);
                    TVector m2 = TLanes.Multiply(TLanes.Broadcast(Unsafe.Add(ref p0, 2 * step)), wv);
                    a0 = TLanes.Add(a0, m0);
                    a1 = TLanes.Add(a1, m1);
                    a2 = TLanes.Add(a2, m2);
                }
            }
        }
        float min = shape.OutputMin, max = shape.OutputMax;
        nint channels = shape.OutputPixelStride;
        TLanes.Store(TLanes.Finish(a0, ref bias, min, max), ref y, valid);
        TLanes.Store(TLanes.Finish(a1, ref bias, min, max), ref Unsafe.Add(ref y, channels), valid);
        TLanes.Store(TLanes.Finish(a2, ref bias, min, max), ref Unsafe.Add(ref y, 2 * channels), valid);
        TLanes.Store(TLanes.Finish(a3, ref bias, min, max), ref Unsafe.Add(ref y, 3 * channels), valid);
    }

    /// <summary>One pixel's <paramref name="valid"/> channels of a block, one vector of them at a time (a row shorter than a tile, or no vectors at all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OnePixel<TLanes, TVector>(ref float x, in FloatConvolutionShape shape, ref float w, ref float bias, ref float y, int valid, int lead, int trail)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        nint rowStride = shape.RowStride, segmentStride = shape.SegmentStride, weightRow = (nint)shape.PackedRowValues * BlockChannels;
        int rows = shape.Rows, segments = shape.Segments, run = shape.Run - lead - trail;
        for (int lane = 0; lane < valid; lane += TLanes.Count)
        {
            TVector a = default;
            ref float rowW = ref Unsafe.Add(ref w, lane);
            ref float row = ref x;
            for (int r = 0; r < rows; r++, row = ref Unsafe.Add(ref row, rowStride), rowW = ref Unsafe.Add(ref rowW, weightRow))
            {
                ref float wp = ref Unsafe.Add(ref rowW, (nint)lead * BlockChannels);
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
