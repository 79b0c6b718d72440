using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TinyModel;

/// <summary>
/// The int8 kernel generated CONV_2D layers with a 3×3 window, stride 1 and no dilation call when it pays: Winograd's
/// F(2×2, 3×3) in integers, 16 multiplies per 2×2 output pixels and input channel instead of 36 (or F(4×4, 3×3), 36
/// per 4×4 output pixels instead of 144), bit-identical to TensorFlow Lite Micro's direct sum under a bound the
/// generator proves per layer.
/// </summary>
/// <remarks>
/// <para>
/// <b>Input.</b> The staged image (int16 <c>x + inputOffset</c>, zeros in the padding, as <see cref="Int8Convolution.Stage"/>
/// writes it) is cut into 4×4 windows two pixels apart; each becomes <c>V = Bᵀ d B</c> with
/// <c>Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]]</c>: sums and differences of four staged values, within
/// ±1020, exact in int16.
/// </para>
/// <para>
/// <b>Weights</b> are transformed by the generator: <c>U = G g Gᵀ</c> with <c>G = [[2,0,0],[1,1,1],[1,−1,1],[0,0,2]]</c>
/// (Winograd's G times 2, so that every entry is an integer), within ±1152, as int16, packed per block of 16 output
/// channels: for each of the 16 positions of the 4×4 transform, each pair <c>j</c> of input channels, 16 channels × 2
/// values (channel <c>2j</c>, then <c>2j + 1</c>, of output channel 0, then 1, ...), zero beyond the last channel.
/// </para>
/// <para>
/// <b>Products.</b> Per position, <c>M = Σ U · V</c> over the input channels, a pair at a time with the pairwise
/// multiply-add (each pair of products within ±2.4 M, exact in int32); int32 sums wrap, so their order is free.
/// </para>
/// <para>
/// <b>Output.</b> <c>Y = Aᵀ M A</c> with <c>Aᵀ = [[1,1,1,0],[0,1,−1,−1]]</c> is 4 times each output pixel's sum of
/// staged values times weights, modulo 2^32. While that sum lies within ±(2^29 − 1) (the generator checks
/// <c>Σ|w| · max|x + inputOffset|</c> per output channel and uses the direct kernel otherwise), <c>Y</c> is exact in
/// int32 and <c>Y &gt;&gt; 2</c> is the sum itself; the bias is then added (wrapping as TFLM's accumulator does) and the
/// result requantized with the output-stage table of <see cref="Int8Convolution"/>.
/// </para>
/// <para>
/// The transformed tiles of a strip of the image (at most <see cref="TransformedValues"/> int16 values) and the
/// products of 8 tiles live on the stack: 57 KiB.
/// </para>
/// <para>
/// <b>4×4 tiles</b> (<see cref="Int8WinogradShape.TileSize"/> 4, Winograd's F(4×4, 3×3): 36 products per 16 output
/// pixels and input channel instead of 144) follow the same steps with 6×6 transforms, scaled to integers: see
/// <c>Int8WinogradConvolution.LargeTiles.cs</c>. Their output transform is 576 times the sum, so they are exact for
/// smaller sums (within ±(2^25 − 1)), which the generator proves per layer in the same way.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Int8WinogradConvolution
{
    /// <summary>The instruction set <see cref="Convolve"/>'s multiplication uses on this machine.</summary>
    public static InstructionTier Tier
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => InstructionTiers.Int16Pairs;
    }

    /// <summary>
    /// The int16 values of the transformed tiles of a strip of the image, at most: enough for 8 tiles of
    /// <see cref="Int8WinogradShape.MaxInputChannels"/> channels at 16 positions, or of
    /// <see cref="Int8WinogradShape.MaxInputChannelsLargeTiles"/> at 36 (on the stack, 39 KiB).
    /// </summary>
    private const int TransformedValues = LargePositions * (GroupTiles * Int8WinogradShape.MaxInputChannelsLargeTiles + PlanePadding);

    /// <summary>
    /// The int16 values a strip's transformed tiles should hold (16 KiB): they and the block's weights then stay in
    /// the first-level cache while every block of output channels reads them (with 32 KiB, the layers of
    /// pretrainedResnet_quant ran 10-40% slower).
    /// </summary>
    private const int StripValues = 8 * 1024;

    /// <summary>Positions of a 2×2 tile's 4×4 transform.</summary>
    private const int Positions = 16;

    /// <summary>Positions of a 4×4 tile's 6×6 transform.</summary>
    private const int LargePositions = 36;

    /// <summary>Tiles whose products are kept at once (the widest micro-kernel's).</summary>
    private const int GroupTiles = 8;

    /// <summary>The int32 products of one tile: up to 36 positions × 16 output channels.</summary>
    private const int TileProducts = LargePositions * 16;

    /// <summary>
    /// Computes every output pixel of a layer: each 2×2 tile's transformed windows times the transformed weights,
    /// transformed back, divided by 4, plus the bias, requantized and clamped to int8.
    /// </summary>
    /// <param name="staged">The staged input image (see <see cref="Int8WinogradShape"/>).</param>
    /// <param name="shape">The layer's sizes and output range.</param>
    /// <param name="weights">The transformed, packed weights (see the class remarks).</param>
    /// <param name="outputStage">The bias and requantization table of <see cref="Int8Convolution"/>.</param>
    /// <param name="output">The output image, <see cref="Int8WinogradShape.OutputChannels"/> values per pixel.</param>
    /// <exception cref="ArgumentException">A span is too short for the shape, or the output is not the shape's size.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convolve(ReadOnlySpan<short> staged, in Int8WinogradShape shape, ReadOnlySpan<short> weights,
        ReadOnlySpan<int> outputStage, Span<sbyte> output)
    {
        int channels = shape.OutputChannels;
        if (channels <= 0)
        {
            throw new ArgumentException("The shape is uninitialized.", nameof(shape));
        }
        if (output.Length != shape.OutputHeight * shape.OutputWidth * channels)
        {
            throw new ArgumentException($"The output holds {output.Length} values, not {shape.OutputHeight}×{shape.OutputWidth}×{channels}.", nameof(output));
        }
        if (staged.Length < shape.StagedValues)
        {
            ThrowTooShort(nameof(staged), shape.StagedValues, staged.Length);
        }
        long weightsNeeded = (long)shape.Blocks * shape.BlockWeights;
        if (weights.Length < weightsNeeded)
        {
            ThrowTooShort(nameof(weights), weightsNeeded, weights.Length);
        }
        int stride = Int8Convolution.OutputStageStride(channels);
        int tableRows = shape.BoundedAccumulators ? Int8Convolution.TableRows : Int8Convolution.OutputStageRows;
        if (outputStage.Length < tableRows * stride)
        {
            ThrowTooShort(nameof(outputStage), tableRows * stride, outputStage.Length);
        }

        Span<short> transformed = stackalloc short[TransformedValues];
        Span<int> products = stackalloc int[GroupTiles * TileProducts + LargeScratch];
        ref short x = ref MemoryMarshal.GetReference(staged);
        ref short u = ref MemoryMarshal.GetReference(weights);
        ref int table = ref MemoryMarshal.GetReference(outputStage);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        ref short v = ref MemoryMarshal.GetReference(transformed);
        ref int m = ref MemoryMarshal.GetReference(products);
        int tiles = shape.TilesX * shape.TilesY;
        // Whole groups of tiles, at least one.
        int strip = Math.Max(GroupTiles, StripValues / (shape.Positions * 2 * shape.Pairs)) / GroupTiles * GroupTiles;
        for (int first = 0; first < tiles; first += strip)
        {
            int count = Math.Min(strip, tiles - first);
            TransformInput(ref x, shape, first, count, ref v);
            var tileSet = new TileSet(first, count);
            switch (Tier)
            {
                case InstructionTier.Avx512:
                    Multiply<Avx512Kernels>(ref v, tileSet, shape, ref u, ref table, stride, ref m, ref y);
                    break;
                case InstructionTier.Avx2:
                    Multiply<Avx2Kernels>(ref v, tileSet, shape, ref u, ref table, stride, ref m, ref y);
                    break;
                case InstructionTier.Sse or InstructionTier.AdvSimd:
                    Multiply<Vector128Kernels>(ref v, tileSet, shape, ref u, ref table, stride, ref m, ref y);
                    break;
                default:
                    MultiplyScalar(ref v, tileSet, shape, ref u, ref table, stride, ref y);
                    break;
            }
        }
    }

    /// <summary>Values between the planes of transformed tiles beyond their own: planes a multiple of 4 KiB apart would make the transform's stores alias (the CPU's store forwarding compares addresses modulo 4 KiB).</summary>
    private const int PlanePadding = 32;

    /// <summary>Values from one position's transformed tiles to the next's.</summary>
    private static nint Plane(int count, int tileValues) => (nint)count * tileValues + PlanePadding;

    /// <summary>A strip of tiles, numbered row by row over the image: its first tile and how many.</summary>
    private readonly record struct TileSet(int First, int Count);

    /// <summary>The micro-kernels of one instruction set: products of a group of tiles (or of one) at one position, and the output transform of a tile.</summary>
    private interface IKernels
    {
        /// <summary>Tiles whose products <see cref="Products"/> computes at once (at most <see cref="GroupTiles"/> of the class).</summary>
        static abstract int GroupTiles { get; }

        /// <summary>
        /// One position's products of a group of tiles × 16 channels: <paramref name="values"/> is the first tile's
        /// transformed values (the next tile's <paramref name="tileValues"/> further), <paramref name="weights"/> the
        /// position's weights of the block; tile <c>t</c>'s sums go to <paramref name="m"/> + <c>t · TileProducts</c>.
        /// </summary>
        static abstract void Products(ref short values, int tileValues, ref short weights, int pairs, ref int m);

        /// <summary>As <see cref="Products"/>, for one tile.</summary>
        static abstract void Products1(ref short values, ref short weights, int pairs, ref int m);

        /// <summary>As <see cref="Products"/>, for four tiles (a layer of fewer than <see cref="GroupTiles"/> tiles), where the kernels have a four-tile form; else does nothing and returns false.</summary>
        static abstract bool Products4(ref short values, int tileValues, ref short weights, int pairs, ref int m);

        /// <summary>
        /// One tile's output transform, bias and requantization for a block of 16 channels (<paramref name="valid"/> of
        /// them real): <paramref name="table"/> and <paramref name="y"/> are at the block's first channel.
        /// </summary>
        static abstract void Output(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid);

        /// <summary>As <see cref="Output"/>, for a 4×4 tile (see <c>LargeTiles.cs</c>), with <see cref="LargeScratch"/> values of <paramref name="scratch"/>.</summary>
        static abstract void OutputLarge(ref int m, in Int8WinogradShape shape, TilePixels pixel, ref int table, int stride, ref sbyte y, int valid, ref int scratch);
    }

    /// <summary>Every block of 16 output channels of a strip of tiles, a group of tiles at a time, with the micro-kernels of <typeparamref name="TKernels"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply<TKernels>(ref short v, TileSet tiles, in Int8WinogradShape shape, ref short u, ref int table, int stride, ref int m, ref sbyte y)
        where TKernels : struct, IKernels
    {
        int channels = shape.OutputChannels, pairs = shape.Pairs, tileValues = 2 * pairs, count = tiles.Count, positions = shape.Positions;
        int groupTiles = TKernels.GroupTiles;
        bool large = shape.TileSize == 4;
        nint plane = Plane(count, tileValues);
        for (int c = 0; c < channels; c += 16)
        {
            ref short blockU = ref Unsafe.Add(ref u, (nint)(c / 16) * shape.BlockWeights);
            ref int blockTable = ref Unsafe.Add(ref table, c);
            int valid = Math.Min(16, channels - c);
            // Whole groups; the last group ends at the last tile, recomputing (and rewriting, identically) what it overlaps.
            for (int g = 0; g < count; g += groupTiles)
            {
                int start = count >= groupTiles && g > count - groupTiles ? count - groupTiles : g;
                int group = Math.Min(groupTiles, count - start);
                for (int xi = 0; xi < positions; xi++)
                {
                    ref short values = ref Unsafe.Add(ref v, xi * plane + (nint)start * tileValues);
                    ref short weights = ref Unsafe.Add(ref blockU, (nint)xi * pairs * 32);
                    if (group == groupTiles)
                    {
                        TKernels.Products(ref values, tileValues, ref weights, pairs, ref Unsafe.Add(ref m, xi * 16));
                    }
                    else
                    {
                        int t = group >= 4 && TKernels.Products4(ref values, tileValues, ref weights, pairs, ref Unsafe.Add(ref m, xi * 16)) ? 4 : 0;
                        for (; t < group; t++)
                        {
                            TKernels.Products1(ref Unsafe.Add(ref values, t * tileValues), ref weights, pairs, ref Unsafe.Add(ref m, t * TileProducts + xi * 16));
                        }
                    }
                }
                var pixel = new TilePixels(shape, tiles.First + start);
                for (int t = 0; t < group; t++, pixel.Next(shape))
                {
                    if (large)
                    {
                        TKernels.OutputLarge(ref Unsafe.Add(ref m, t * TileProducts), shape, pixel, ref blockTable, stride, ref Unsafe.Add(ref y, c), valid,
                            ref Unsafe.Add(ref m, GroupTiles * TileProducts));
                    }
                    else
                    {
                        TKernels.Output(ref Unsafe.Add(ref m, t * TileProducts), shape, pixel, ref blockTable, stride, ref Unsafe.Add(ref y, c), valid);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes <c>V = Bᵀ d B</c> of tiles <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1:
    /// position <c>ξ</c> of tile <c>t</c> of the strip at <c>(ξ · count + t) · 2 · pairs</c>, the channels in order
    /// (a zero after an odd last one); 4×4 tiles by <see cref="TransformWindowsLarge"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(ref short x, in Int8WinogradShape shape, int first, int count, ref short v)
    {
        int ic = shape.InputChannels, tilesX = shape.TilesX;
        int tileValues = 2 * shape.Pairs;
        nint row = (nint)shape.StagedWidth * ic, plane = Plane(count, tileValues);
        int wide = Vector256.IsHardwareAccelerated ? ic / 16 * 16 : 0;
        int narrow = Vector128.IsHardwareAccelerated ? ic / 8 * 8 : 0;
        int size = shape.TileSize;
        Span<short> scratch = stackalloc short[size == 4 ? LargePositions * 16 : 0];
        int ty = first / tilesX, tx = first % tilesX;
        for (int t = 0; t < count; t++, tx = tx + 1 == tilesX ? 0 : tx + 1, ty = tx == 0 ? ty + 1 : ty)
        {
            ref short window = ref Unsafe.Add(ref x, size * ty * row + (nint)size * tx * ic);
            ref short target = ref Unsafe.Add(ref v, (nint)t * tileValues);
            if (size == 4)
            {
                TransformWindowsLarge(ref window, row, ic, ref target, plane, wide, narrow, tileValues, ref MemoryMarshal.GetReference(scratch));
                continue;
            }
            int c = 0;
            for (; c < wide; c += 16)
            {
                TransformInput16(ref Unsafe.Add(ref window, c), row, ic, ref Unsafe.Add(ref target, c), plane);
            }
            for (; c < narrow; c += 8)
            {
                TransformInput8(ref Unsafe.Add(ref window, c), row, ic, ref Unsafe.Add(ref target, c), plane);
            }
            for (; c < tileValues; c++)
            {
                TransformInput1(ref Unsafe.Add(ref window, c), row, ic, ref Unsafe.Add(ref target, c), plane, c < ic);
            }
        }
    }

    /// <summary>The transform of 16 channels of one window (see <see cref="TransformInput1"/>), in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInput16(ref short d, nint row, nint pixel, ref short v, nint plane)
    {
        // Bᵀ d, column by column: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3.
        ref short c0 = ref d, c1 = ref Unsafe.Add(ref d, pixel), c2 = ref Unsafe.Add(ref d, 2 * pixel), c3 = ref Unsafe.Add(ref d, 3 * pixel);
        Vector256<short> d10 = Vector256.LoadUnsafe(ref c0, (nuint)row), d20 = Vector256.LoadUnsafe(ref c0, (nuint)(2 * row));
        Vector256<short> d11 = Vector256.LoadUnsafe(ref c1, (nuint)row), d21 = Vector256.LoadUnsafe(ref c1, (nuint)(2 * row));
        Vector256<short> d12 = Vector256.LoadUnsafe(ref c2, (nuint)row), d22 = Vector256.LoadUnsafe(ref c2, (nuint)(2 * row));
        Vector256<short> d13 = Vector256.LoadUnsafe(ref c3, (nuint)row), d23 = Vector256.LoadUnsafe(ref c3, (nuint)(2 * row));
        // Then (Bᵀ d) B, row by row: the same combinations of the columns.
        Row16(Vector256.LoadUnsafe(ref c0) - d20, Vector256.LoadUnsafe(ref c1) - d21, Vector256.LoadUnsafe(ref c2) - d22, Vector256.LoadUnsafe(ref c3) - d23, ref v, plane);
        Row16(d10 + d20, d11 + d21, d12 + d22, d13 + d23, ref Unsafe.Add(ref v, 4 * plane), plane);
        Row16(d20 - d10, d21 - d11, d22 - d12, d23 - d13, ref Unsafe.Add(ref v, 8 * plane), plane);
        Row16(d10 - Vector256.LoadUnsafe(ref c0, (nuint)(3 * row)), d11 - Vector256.LoadUnsafe(ref c1, (nuint)(3 * row)),
            d12 - Vector256.LoadUnsafe(ref c2, (nuint)(3 * row)), d13 - Vector256.LoadUnsafe(ref c3, (nuint)(3 * row)), ref Unsafe.Add(ref v, 12 * plane), plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row16(Vector256<short> e0, Vector256<short> e1, Vector256<short> e2, Vector256<short> e3, ref short v, nint plane)
    {
        (e0 - e2).StoreUnsafe(ref v);
        (e1 + e2).StoreUnsafe(ref v, (nuint)plane);
        (e2 - e1).StoreUnsafe(ref v, (nuint)(2 * plane));
        (e1 - e3).StoreUnsafe(ref v, (nuint)(3 * plane));
    }

    /// <summary>The transform of 8 channels of one window (see <see cref="TransformInput1"/>), in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInput8(ref short d, nint row, nint pixel, ref short v, nint plane)
    {
        // Bᵀ d, column by column: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3.
        ref short c0 = ref d, c1 = ref Unsafe.Add(ref d, pixel), c2 = ref Unsafe.Add(ref d, 2 * pixel), c3 = ref Unsafe.Add(ref d, 3 * pixel);
        Vector128<short> d10 = Vector128.LoadUnsafe(ref c0, (nuint)row), d20 = Vector128.LoadUnsafe(ref c0, (nuint)(2 * row));
        Vector128<short> d11 = Vector128.LoadUnsafe(ref c1, (nuint)row), d21 = Vector128.LoadUnsafe(ref c1, (nuint)(2 * row));
        Vector128<short> d12 = Vector128.LoadUnsafe(ref c2, (nuint)row), d22 = Vector128.LoadUnsafe(ref c2, (nuint)(2 * row));
        Vector128<short> d13 = Vector128.LoadUnsafe(ref c3, (nuint)row), d23 = Vector128.LoadUnsafe(ref c3, (nuint)(2 * row));
        // Then (Bᵀ d) B, row by row: the same combinations of the columns.
        Row8(Vector128.LoadUnsafe(ref c0) - d20, Vector128.LoadUnsafe(ref c1) - d21, Vector128.LoadUnsafe(ref c2) - d22, Vector128.LoadUnsafe(ref c3) - d23, ref v, plane);
        Row8(d10 + d20, d11 + d21, d12 + d22, d13 + d23, ref Unsafe.Add(ref v, 4 * plane), plane);
        Row8(d20 - d10, d21 - d11, d22 - d12, d23 - d13, ref Unsafe.Add(ref v, 8 * plane), plane);
        Row8(d10 - Vector128.LoadUnsafe(ref c0, (nuint)(3 * row)), d11 - Vector128.LoadUnsafe(ref c1, (nuint)(3 * row)),
            d12 - Vector128.LoadUnsafe(ref c2, (nuint)(3 * row)), d13 - Vector128.LoadUnsafe(ref c3, (nuint)(3 * row)), ref Unsafe.Add(ref v, 12 * plane), plane);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row8(Vector128<short> e0, Vector128<short> e1, Vector128<short> e2, Vector128<short> e3, ref short v, nint plane)
    {
        (e0 - e2).StoreUnsafe(ref v);
        (e1 + e2).StoreUnsafe(ref v, (nuint)plane);
        (e2 - e1).StoreUnsafe(ref v, (nuint)(2 * plane));
        (e1 - e3).StoreUnsafe(ref v, (nuint)(3 * plane));
    }

    /// <summary>
    /// The transform of one channel of one window: <paramref name="d"/> is the window's top left value (rows
    /// <paramref name="row"/> apart, pixels <paramref name="pixel"/> apart), position <c>4i + j</c> goes
    /// <c>(4i + j) · plane</c> values after <paramref name="v"/>; zeros where <paramref name="present"/> is false.
    /// </summary>
    private static void TransformInput1(ref short d, nint row, nint pixel, ref short v, nint plane, bool present)
    {
        Span<int> e = stackalloc int[16];
        for (int j = 0; j < 4; j++)
        {
            ref short column = ref Unsafe.Add(ref d, j * pixel);
            int d0 = present ? column : 0, d1 = present ? Unsafe.Add(ref column, row) : 0;
            int d2 = present ? Unsafe.Add(ref column, 2 * row) : 0, d3 = present ? Unsafe.Add(ref column, 3 * row) : 0;
            e[j] = d0 - d2;
            e[4 + j] = d1 + d2;
            e[8 + j] = d2 - d1;
            e[12 + j] = d1 - d3;
        }
        for (int i = 0; i < 4; i++)
        {
            Unsafe.Add(ref v, (4 * i) * plane) = (short)(e[4 * i] - e[4 * i + 2]);
            Unsafe.Add(ref v, (4 * i + 1) * plane) = (short)(e[4 * i + 1] + e[4 * i + 2]);
            Unsafe.Add(ref v, (4 * i + 2) * plane) = (short)(e[4 * i + 2] - e[4 * i + 1]);
            Unsafe.Add(ref v, (4 * i + 3) * plane) = (short)(e[4 * i + 1] - e[4 * i + 3]);
        }
    }

    /// <summary>
    /// The output transform of one 16-channel lane set, scalar: <c>Y = Aᵀ M A</c> from the 16 positions'
    /// products (<paramref name="m"/>, 16 apart), as the four pixels' exact sums (<c>Y / 4</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Y00, int Y01, int Y10, int Y11) TransformOutput(ref int m, nint apart)
    {
        int r00 = M(ref m, apart, 0) + M(ref m, apart, 4) + M(ref m, apart, 8), r01 = M(ref m, apart, 1) + M(ref m, apart, 5) + M(ref m, apart, 9);
        int r02 = M(ref m, apart, 2) + M(ref m, apart, 6) + M(ref m, apart, 10), r03 = M(ref m, apart, 3) + M(ref m, apart, 7) + M(ref m, apart, 11);
        int r10 = M(ref m, apart, 4) - M(ref m, apart, 8) - M(ref m, apart, 12), r11 = M(ref m, apart, 5) - M(ref m, apart, 9) - M(ref m, apart, 13);
        int r12 = M(ref m, apart, 6) - M(ref m, apart, 10) - M(ref m, apart, 14), r13 = M(ref m, apart, 7) - M(ref m, apart, 11) - M(ref m, apart, 15);
        return (unchecked(r00 + r01 + r02) >> 2, unchecked(r01 - r02 - r03) >> 2, unchecked(r10 + r11 + r12) >> 2, unchecked(r11 - r12 - r13) >> 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int M(ref int m, nint apart, int position) => Unsafe.Add(ref m, position * apart);

    /// <summary>The scalar path: every output channel of every tile, one at a time, from the same transformed values and weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyScalar(ref short v, TileSet tiles, in Int8WinogradShape shape, ref short u, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels, pairs = shape.Pairs, tileValues = 2 * pairs, positions = shape.Positions;
        nint plane = Plane(tiles.Count, tileValues);
        Span<int> products = stackalloc int[LargePositions + LargeScratch];
        ref int m = ref MemoryMarshal.GetReference(products);
        for (int t = 0; t < tiles.Count; t++)
        {
            for (int c = 0; c < channels; c++)
            {
                // Channel c is lane c % 16 of block c / 16: its two weights of position ξ, pair j at (ξ · pairs + j) · 32 + lane · 2.
                ref short blockU = ref Unsafe.Add(ref u, (nint)(c / 16) * shape.BlockWeights + (c % 16) * 2);
                for (int xi = 0; xi < positions; xi++)
                {
                    ref short values = ref Unsafe.Add(ref v, xi * plane + (nint)t * tileValues);
                    ref short wp = ref Unsafe.Add(ref blockU, (nint)xi * pairs * 32);
                    int sum = 0;
                    for (int j = 0; j < pairs; j++, wp = ref Unsafe.Add(ref wp, 32))
                    {
                        sum += Unsafe.Add(ref values, 2 * j) * wp + Unsafe.Add(ref values, 2 * j + 1) * Unsafe.Add(ref wp, 1);
                    }
                    Unsafe.Add(ref m, xi) = sum;
                }
                ref int lane = ref Unsafe.Add(ref table, c);
                var pixel = new TilePixels(shape, tiles.First + t);
                if (positions == LargePositions)
                {
                    OutputLargeScalar(ref m, shape, pixel, ref lane, stride, ref Unsafe.Add(ref y, c), ref Unsafe.Add(ref m, LargePositions));
                    continue;
                }
                (int y00, int y01, int y10, int y11) = TransformOutput(ref m, 1);
                int zeroPoint = shape.OutputZeroPoint, min = shape.OutputMin, max = shape.OutputMax;
                bool right = pixel.Right(shape), below = pixel.Below(shape);
                ref sbyte origin = ref Unsafe.Add(ref y, pixel.Origin + c);
                origin = Int8OutputStage.Requantize(unchecked(y00 + lane), ref lane, stride, zeroPoint, min, max);
                if (right)
                {
                    Unsafe.Add(ref origin, channels) = Int8OutputStage.Requantize(unchecked(y01 + lane), ref lane, stride, zeroPoint, min, max);
                }
                if (below)
                {
                    nint under = (nint)shape.OutputWidth * channels;
                    Unsafe.Add(ref origin, under) = Int8OutputStage.Requantize(unchecked(y10 + lane), ref lane, stride, zeroPoint, min, max);
                    if (right)
                    {
                        Unsafe.Add(ref origin, under + channels) = Int8OutputStage.Requantize(unchecked(y11 + lane), ref lane, stride, zeroPoint, min, max);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A tile's output pixels: where its top left pixel starts (in values from the output's start), and which of its
    /// rows and columns lie inside the output (not all of the last ones when the width or height is not a multiple of
    /// the tile size). Stepped from tile to tile without dividing.
    /// </summary>
    private struct TilePixels
    {
        private int _oy, _ox;

        public TilePixels(in Int8WinogradShape shape, int tile)
        {
            _oy = shape.TileSize * (tile / shape.TilesX);
            _ox = shape.TileSize * (tile % shape.TilesX);
            Origin = ((nint)_oy * shape.OutputWidth + _ox) * shape.OutputChannels;
        }

        /// <summary>The tile's columns inside the output.</summary>
        public readonly int Columns(in Int8WinogradShape shape) => Math.Min(shape.TileSize, shape.OutputWidth - _ox);

        /// <summary>The tile's rows inside the output.</summary>
        public readonly int Rows(in Int8WinogradShape shape) => Math.Min(shape.TileSize, shape.OutputHeight - _oy);

        /// <summary>The top left pixel's first value.</summary>
        public nint Origin { get; private set; }

        /// <summary>Whether the tile's right column lies inside the output.</summary>
        public readonly bool Right(in Int8WinogradShape shape) => _ox + 1 < shape.OutputWidth;

        /// <summary>Whether the tile's lower row lies inside the output.</summary>
        public readonly bool Below(in Int8WinogradShape shape) => _oy + 1 < shape.OutputHeight;

        /// <summary>Moves to the next tile, row by row.</summary>
        public void Next(in Int8WinogradShape shape)
        {
            _ox += shape.TileSize;
            if (_ox >= shape.OutputWidth)
            {
                _ox = 0;
                _oy += shape.TileSize;
            }
            Origin = ((nint)_oy * shape.OutputWidth + _ox) * shape.OutputChannels;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooShort(string parameterName, long needed, int actual) =>
        throw new ArgumentException($"The span holds {actual} values; the shape needs at least {needed}.", parameterName);
}
