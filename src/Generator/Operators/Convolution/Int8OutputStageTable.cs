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
    /// With <paramref name="inputOffsetShares"/> (TinyModel.Int8Convolution's table), a row follows: per channel, the
    /// bias plus its share, <c>inputOffset · Σw</c> over the window, where the kernel's dot-product path starts its sums
    /// (it multiplies the int8 values, not the values plus the offset; int32 wraps alike in any order); zeros without.
    /// With <paramref name="boundedRows"/>, three rows follow that one: the bounded requantization's offset, sign
    /// correction and shift (TinyModel.Int8Convolution.TableRows rows in all; see <see cref="AccumulatorsBounded"/>).
    /// With <paramref name="windowBounds"/> (per channel, as <see cref="AccumulatorsBounded"/> takes them), a channel whose
    /// every output is provably its zero point (<see cref="Constant"/>) gets multiplier 0 and shift 0, which every form
    /// computes exactly.
    /// </remarks>
    public static string Add(EmitContext context, LayerSpec layer, string? bias, ChannelRequantization requantization, int channels, int period = 0,
        int[]? inputOffsetShares = null, bool boundedRows = false, long[]? windowBounds = null)
    {
        int stride = Stride(channels);
        int rows = boundedRows ? Rows + 4 : inputOffsetShares is null ? Rows : Rows + 1;
        int[] table = new int[rows * stride];
        int[]? biases = bias is null ? null : Ints(context, bias);
        int[]? multipliers = requantization.Multipliers is null ? null : Ints(context, requantization.Multipliers);
        int[]? shifts = requantization.Shifts is null ? null : Ints(context, requantization.Shifts);
        for (int c = 0; c < channels; c++)
        {
            int source = period > 0 ? c % period : c;
            int shift = shifts?[source] ?? requantization.Shift;
            int multiplier = multipliers?[source] ?? requantization.Multiplier;
            if (windowBounds is not null && Constant(biases?[source] ?? 0, windowBounds[source], multiplier, shift))
            {
                multiplier = shift = 0;
            }
            int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
            int mask = (int)((1L << right) - 1);
            table[c] = biases?[source] ?? 0;
            table[stride + c] = multiplier;
            table[2 * stride + c] = left;
            table[3 * stride + c] = unchecked(1 << left);
            table[4 * stride + c] = right;
            table[5 * stride + c] = mask;
            table[6 * stride + c] = mask >> 1;
            if (inputOffsetShares is not null)
            {
                table[Rows * stride + c] = unchecked(table[c] + inputOffsetShares[c]);
            }
            if (boundedRows)
            {
                // Meaningful only where AccumulatorsBounded holds (which keeps them within int32). A dead channel
                // (multiplier 0: every output is the zero point, whatever the shift) takes e = 0.
                int e = table[stride + c] == 0 ? 0 : right;
                table[(Rows + 1) * stride + c] = unchecked((int)(1 + (e > 0 ? 1L << e : 0) + requantization.OutputZeroPoint * (2L << e)));
                table[(Rows + 2) * stride + c] = e > 0 ? -2 : 0;
                table[(Rows + 3) * stride + c] = e + 1;
            }
        }
        return context.AddConstant($"Layer{layer.NodeIndex}OutputStage", ElementType.Int32, ConstantData.ToBytes(table),
            $"bias and requantization, int32[{rows},{stride}]: bias, multiplier, left shift, 2^left shift, right shift, its mask and half its mask" +
            (inputOffsetShares is null ? "" : ", bias plus input offset × the window's weights (for int8 dot products)") +
            (boundedRows ? $"{(inputOffsetShares is null ? ", zeros" : "")}, the bounded requantization's offset, sign correction and shift" : "") +
            ", per output channel");
    }

    /// <summary>
    /// Whether TinyModel.Int8Convolution's bounded requantization is exact for every channel of a layer: no left shift,
    /// a right shift <c>e ≤ 29</c>, and <c>2·B + 2 + 2^e + |zeroPoint|·2^(e+1) &lt; 2^31</c>, where <c>B</c> bounds the
    /// channel's sum: the bias's magnitude plus <paramref name="windowBounds"/> (the largest staged magnitude times the
    /// sum of the window's weight magnitudes). Within these bounds no intermediate of that form leaves int32. A dead
    /// channel (multiplier 0) needs no bound: its product is 0 whatever the sum, and its rows take <c>e = 0</c>. With
    /// <paramref name="constantChannelsZeroed"/> (the table was added with the same <paramref name="windowBounds"/>), neither
    /// does a channel <see cref="Constant"/> proves constant: its table entry is a dead channel's.
    /// </summary>
    public static bool AccumulatorsBounded(EmitContext context, string? bias, ChannelRequantization requantization, long[] windowBounds,
        bool constantChannelsZeroed = false)
    {
        int[]? biases = bias is null ? null : Ints(context, bias);
        int[]? multipliers = requantization.Multipliers is null ? null : Ints(context, requantization.Multipliers);
        int[]? shifts = requantization.Shifts is null ? null : Ints(context, requantization.Shifts);
        for (int c = 0; c < windowBounds.Length; c++)
        {
            int multiplier = multipliers?[c] ?? requantization.Multiplier;
            if (multiplier == 0 || (constantChannelsZeroed && Constant(biases?[c] ?? 0, windowBounds[c], multiplier, shifts?[c] ?? requantization.Shift)))
            {
                continue;
            }
            int shift = shifts?[c] ?? requantization.Shift;
            if (shift > 0 || shift < -29)
            {
                return false;
            }
            long bound = System.Math.Abs((long)(biases?[c] ?? 0)) + windowBounds[c];
            if (2 * bound + 2 + (1L << -shift) + System.Math.Abs((long)requantization.OutputZeroPoint) * (2L << -shift) >= 1L << 31)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether TFLite's <c>MultiplyByQuantizedMultiplier(acc, multiplier, shift)</c> is 0 for every sum the channel can
    /// reach (<c>|acc| ≤ |bias| + windowBound</c>, and never more than 2^31): a channel whose scale is so small that its
    /// output is always the zero point (MobileNet-style models have such near-dead channels, with right shifts up to 31).
    /// </summary>
    /// <remarks>
    /// With no left shift and <c>e = −shift</c>: the rounding doubling high multiply gives <c>|h| ≤ H =
    /// floor((B·m + 2^30) / 2^31)</c> (both of its roundings move the magnitude toward that bound at most), and the
    /// rounding divide by <c>2^e</c> gives 0 for every <c>|h| &lt; 2^(e−1)</c> (ties go away from zero), that is where
    /// <c>2·H &lt; 2^e</c>, which for <c>e = 0</c> asks <c>H = 0</c>.
    /// </remarks>
    private static bool Constant(int bias, long windowBound, int multiplier, int shift)
    {
        if (multiplier == 0)
        {
            return true;
        }
        if (shift > 0 || multiplier < 0)
        {
            return false;
        }
        long bound = System.Math.Min(System.Math.Abs((long)bias) + windowBound, 1L << 31);
        long high = (bound * multiplier + (1L << 30)) >> 31;
        return 2 * high < 1L << -shift;
    }

    /// <summary>The values of an int32 constant lowering added (the bias, per-channel multipliers or shifts).</summary>
    private static int[] Ints(EmitContext context, string constant) =>
        ConstantData.As<int>(context.Constants.First(c => c.Name == constant).Data.AsImmutableArray().ToArray());
}
