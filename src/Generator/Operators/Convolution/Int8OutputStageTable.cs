using System.Linq;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// The output stage of the .NET flavor's int8 convolution kernels (TinyModel.Int8Convolution and
/// TinyModel.Int8DepthwiseConvolution): one int32 table per layer holding, per output channel, the bias and
/// everything TFLite's <c>MultiplyByQuantizedMultiplier</c> needs in the form the vector code reads it.
/// </summary>
internal static class Int8OutputStageTable
{
    /// <summary>Rows of the table: bias, multiplier, left shift, 2^left shift, right shift, its mask, half its mask.</summary>
    private const int Rows = 7;

    /// <summary>Entries per row: the channels rounded up to 16, plus 8 (TinyModel.Int8Convolution.OutputStageStride).</summary>
    private static int Stride(int channels) => (channels + 15) / 16 * 16 + 8;

    /// <summary>
    /// Adds the table of a layer with <paramref name="channels"/> output channels; returns its name. With a
    /// <paramref name="period"/>, entry <c>c</c> describes channel <c>c % period</c>: the kernel sees several pixels of
    /// <paramref name="period"/> channels as one pixel of <paramref name="channels"/>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="inputOffsetShares"/> (TinyModel.Int8Convolution's table), one row follows: per channel, the
    /// bias plus its share, <c>inputOffset · Σw</c> over the window, where the kernel's dot-product path starts its sums
    /// (it multiplies the int8 values, not the values plus the offset). int32 wraps alike in any order.
    /// </remarks>
    public static string Add(EmitContext context, LayerSpec layer, string? bias, ChannelRequantization requantization, int channels, int period = 0,
        int[]? inputOffsetShares = null)
    {
        int stride = Stride(channels);
        int rows = inputOffsetShares is null ? Rows : Rows + 1;
        int[] table = new int[rows * stride];
        int[]? biases = bias is null ? null : Ints(context, bias);
        int[]? multipliers = requantization.Multipliers is null ? null : Ints(context, requantization.Multipliers);
        int[]? shifts = requantization.Shifts is null ? null : Ints(context, requantization.Shifts);
        for (int c = 0; c < channels; c++)
        {
            int source = period > 0 ? c % period : c;
            int shift = shifts?[source] ?? requantization.Shift;
            int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
            int mask = (int)((1L << right) - 1);
            table[c] = biases?[source] ?? 0;
            table[stride + c] = multipliers?[source] ?? requantization.Multiplier;
            table[2 * stride + c] = left;
            table[3 * stride + c] = unchecked(1 << left);
            table[4 * stride + c] = right;
            table[5 * stride + c] = mask;
            table[6 * stride + c] = mask >> 1;
            if (inputOffsetShares is not null)
            {
                table[Rows * stride + c] = unchecked(table[c] + inputOffsetShares[c]);
            }
        }
        return context.AddConstant($"Layer{layer.NodeIndex}OutputStage", ElementType.Int32, ConstantData.ToBytes(table),
            $"bias and requantization, int32[{rows},{stride}]: bias, multiplier, left shift, 2^left shift, right shift, its mask and half its mask" +
            (inputOffsetShares is null ? "" : ", bias plus input offset × the window's weights (for int8 dot products)") + ", per output channel");
    }

    /// <summary>The values of an int32 constant lowering added (the bias, per-channel multipliers or shifts).</summary>
    private static int[] Ints(EmitContext context, string constant) =>
        ConstantData.As<int>(context.Constants.First(c => c.Name == constant).Data.AsImmutableArray().ToArray());
}
