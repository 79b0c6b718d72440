using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Convolution;

/// <summary>
/// How the integer accumulators of a convolution become output values: TFLite's
/// <c>MultiplyByQuantizedMultiplier</c> with one multiplier and exponent per output channel
/// (TFLM derives them per channel even for per-tensor weights). When every channel has the same
/// pair it is written as literals; otherwise the kernel reads the constants named here.
/// </summary>
/// <param name="Multiplier">The shared Q0.31 multiplier, when <paramref name="Multipliers"/> is null.</param>
/// <param name="Shift">The shared exponent, when <paramref name="Shifts"/> is null.</param>
/// <param name="Multipliers">The constant holding one multiplier per output channel, or null.</param>
/// <param name="Shifts">The constant holding one exponent per output channel, or null.</param>
/// <param name="RealMultiplier">The real multiplier of the shared pair (or of channel 0), for the generated comment.</param>
/// <param name="OutputZeroPoint">Added after scaling (0 for int16 outputs).</param>
/// <param name="WideAccumulator">Whether the accumulator is 64-bit (16-bit activations with an int64 bias).</param>
/// <param name="Scales">The scales the per-channel pairs are derived from, when they are per channel and the filter's scales lie in the model file.</param>
internal sealed record ChannelRequantization(
    int Multiplier,
    int Shift,
    string? Multipliers,
    string? Shifts,
    double RealMultiplier,
    int OutputZeroPoint,
    bool WideAccumulator,
    ChannelScales? Scales = null)
{
    public bool PerChannel => Multipliers is not null;

    /// <summary>The multiplier expression for channel <paramref name="channel"/> in generated code.</summary>
    public string MultiplierFor(string channel) => Multipliers is null ? Literals.Int(Multiplier) : $"multipliers[{channel}]";

    public string ShiftFor(string channel) => Shifts is null ? Literals.Int(Shift) : $"shifts[{channel}]";

    /// <summary>
    /// The integer requantization of a CONV_2D or DEPTHWISE_CONV_2D: TFLM's per-channel multipliers
    /// (<c>PopulateConvolutionQuantizationParams</c>, computed in double, for per-tensor filters too, by
    /// broadcasting the one scale), after checking the zero points TFLM's kernels assume; reports and returns null otherwise.
    /// </summary>
    public static ChannelRequantization? Lower(LoweringContext context, TfliteOperator op, ConvolutionOperands operands, string prefix,
        int channels, int quantizedDimension, bool wideAccumulator)
    {
        QuantizationSpec? input = operands.InputValue.Quantization;
        QuantizationSpec? output = operands.OutputValue.Quantization;
        TfliteQuantization? filter = operands.FilterTensor.Quantization;
        if (input is null || output is null || filter is null || filter.Scale.Count == 0)
        {
            context.ReportUnsupported(op, "an integer convolution needs quantization parameters on its input, filter and output");
            return null;
        }
        if (filter.IsPerChannel && (filter.Scale.Count != channels || filter.QuantizedDimension != quantizedDimension))
        {
            context.ReportUnsupported(op, $"the filter has {filter.Scale.Count} scales along dimension {filter.QuantizedDimension}; per-channel quantization needs {channels} along dimension {quantizedDimension}");
            return null;
        }
        if (filter.ZeroPoint.Any(z => z != 0))
        {
            context.ReportUnsupported(op, "the filter has a nonzero zero point; TFLite's integer convolutions take symmetric int8 filters (zero point 0)");
            return null;
        }
        if (operands.InputValue.Type == ElementType.Int16 && (input.ZeroPoint != 0 || output.ZeroPoint != 0))
        {
            context.ReportUnsupported(op, $"int16 activations must be symmetric (zero point 0); the input has {input.ZeroPoint} and the output {output.ZeroPoint}");
            return null;
        }

        (int[] multipliers, int[] shifts) = QuantizationMath.PerChannelMultipliers(input.Scale, filter.Scale, output.Scale, channels);
        double real0 = QuantizationMath.PerChannelConvolutionMultiplier(input.Scale, filter.Scale[0], output.Scale);
        bool uniform = multipliers.All(m => m == multipliers[0]) && shifts.All(s => s == shifts[0]);
        if (uniform)
        {
            return new ChannelRequantization(multipliers[0], shifts[0], null, null, real0, output.ZeroPoint, wideAccumulator);
        }
        return new ChannelRequantization(0, 0,
            context.AddConstant(prefix + "Multipliers", ElementType.Int32, ConstantData.ToBytes(multipliers), $"per-channel requantization multipliers, int32[{channels}]"),
            context.AddConstant(prefix + "Shifts", ElementType.Int32, ConstantData.ToBytes(shifts), $"per-channel requantization exponents, int32[{channels}]"),
            real0, output.ZeroPoint, wideAccumulator,
            filter.IsPerChannel && filter.ScaleOffset > 0 ? new ChannelScales(input.Scale, output.Scale, filter.ScaleOffset, channels) : null);
    }
}
