using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>The scalar path of <see cref="Int8Convolution"/>, for machines without SIMD: the same packed weights, one channel at a time.</summary>
public static partial class Int8Convolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowScalar(ref short x, in Int8ConvolutionShape shape, int pixels, ref sbyte w, ref int table, int stride, ref sbyte y)
    {
        int channels = shape.OutputChannels;
        int blockWeights = shape.BlockWeights;
        int rows = shape.Rows, segments = shape.Segments, pairs = shape.Pairs;
        for (int p = 0; p < pixels; p++)
        {
            ref short pixel = ref Unsafe.Add(ref x, (nint)p * shape.PixelStride);
            for (int c = 0; c < channels; c++)
            {
                // Channel c is lane c % 16 of block c / 16: its two weights of pair j sit at j · 32 + lane · 2.
                ref sbyte wp = ref Unsafe.Add(ref w, (nint)(c / 16) * blockWeights + (c % 16) * 2);
                int acc = Unsafe.Add(ref table, c);
                for (int r = 0; r < rows; r++)
                {
                    for (int s = 0; s < segments; s++)
                    {
                        ref short run = ref Unsafe.Add(ref pixel, (nint)r * shape.RowStride + (nint)s * shape.SegmentStride);
                        for (int j = 0; j < pairs; j++, wp = ref Unsafe.Add(ref wp, 32))
                        {
                            acc += Unsafe.Add(ref run, 2 * j) * wp + Unsafe.Add(ref run, 2 * j + 1) * Unsafe.Add(ref wp, 1);
                        }
                    }
                }
                Unsafe.Add(ref y, (nint)p * shape.OutputPixelStride + c) = Int8OutputStage.Requantize(acc, ref Unsafe.Add(ref table, c), stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
            }
        }
    }
}
