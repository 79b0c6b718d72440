using System.Runtime.CompilerServices;

namespace TinyModel;

/// <summary>The scalar path of <see cref="Int8DepthwiseConvolution"/>: the same packed weights, one channel at a time.</summary>
public static partial class Int8DepthwiseConvolution
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvolveRowScalar(ref short x, in Int8DepthwiseShape shape, in PixelGrid grid, int pixels, ref sbyte w, ref int table, int stride, ref int taps, int pairs, ref sbyte y)
    {
        int channels = shape.Channels;
        for (int p = 0; p < pixels; p++)
        {
            ref short pixel = ref Unsafe.Add(ref x, grid.Offset(p));
            for (int c = 0; c < channels; c++)
            {
                ref sbyte wp = ref Unsafe.Add(ref w, (nint)(c / 32) * pairs * 64 + WeightOffset(c % 32));
                int acc = Unsafe.Add(ref table, c);
                for (int k = 0; k < pairs; k++, wp = ref Unsafe.Add(ref wp, 64))
                {
                    acc += Unsafe.Add(ref pixel, Unsafe.Add(ref taps, 2 * k) + c) * wp + Unsafe.Add(ref pixel, Unsafe.Add(ref taps, 2 * k + 1) + c) * Unsafe.Add(ref wp, 1);
                }
                Unsafe.Add(ref y, (nint)p * channels + c) = Int8OutputStage.Requantize(acc, ref Unsafe.Add(ref table, c), stride, shape.OutputZeroPoint, shape.OutputMin, shape.OutputMax);
            }
        }
    }
}
