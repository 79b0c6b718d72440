using System;
using System.Linq;
using TinyModel.Generator.Operators;
using TinyModel.Tests.Infrastructure;

namespace TinyModel.Tests.Operators.Examples;

/// <summary>Example models of TFLM's signal-library custom operators, small and with the options each reads.</summary>
internal static class SignalExamples
{
    private static byte[] Int16s(int count, Func<int, int> value) => Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes((short)value(i))).ToArray();

    [OperatorExample("SignalWindow")]
    public static TfliteModelBuilder Window(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 8 });
        int weights = b.Constant("w", TfliteType.Int16, new[] { 8 }, Int16s(8, i => 4096 * i));
        int output = b.Tensor("y", TfliteType.Int16, new[] { 8 });
        return b.CustomOperator("SignalWindow", new[] { input, weights }, new[] { output }, FlexBufferWriter.Ints(("shift", 12))).Inputs(input).Outputs(output);
    }

    [OperatorExample("SignalFftAutoScale")]
    public static TfliteModelBuilder FftAutoScale(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 8 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 8 });
        int shift = b.Tensor("shift", TfliteType.Int32, Array.Empty<int>());
        return b.CustomOperator("SignalFftAutoScale", new[] { input }, new[] { output, shift }, FlexBufferWriter.Ints()).Inputs(input).Outputs(output, shift);
    }

    [OperatorExample("SignalRfft")]
    public static TfliteModelBuilder Rfft(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 6 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 10 });
        return b.CustomOperator("SignalRfft", new[] { input }, new[] { output }, FlexBufferWriter.Ints(("T", 7), ("fft_length", 8))).Inputs(input).Outputs(output);
    }

    [OperatorExample("SignalEnergy")]
    public static TfliteModelBuilder Energy(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.Int16, new[] { 10 });
        int output = b.Tensor("y", TfliteType.UInt32, new[] { 5 });
        return b.CustomOperator("SignalEnergy", new[] { input }, new[] { output }, FlexBufferWriter.Ints(("end_index", 5), ("start_index", 0))).Inputs(input).Outputs(output);
    }

    [OperatorExample("SignalFilterBank")]
    public static TfliteModelBuilder FilterBank(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.UInt32, new[] { 5 });
        int weights = b.Constant("weights", TfliteType.Int16, new[] { 4 }, Int16s(4, i => 1000 * (i + 1)));
        int unweights = b.Constant("unweights", TfliteType.Int16, new[] { 4 }, Int16s(4, i => 4096 - 1000 * (i + 1)));
        int frequencyStarts = b.Constant("frequency_starts", TfliteType.Int16, new[] { 3 }, Int16s(3, i => i));
        int weightStarts = b.Constant("weight_starts", TfliteType.Int16, new[] { 3 }, Int16s(3, i => i));
        int widths = b.Constant("widths", TfliteType.Int16, new[] { 3 }, Int16s(3, _ => 2));
        int output = b.Tensor("y", TfliteType.UInt64, new[] { 2 });
        return b.CustomOperator("SignalFilterBank", new[] { input, weights, unweights, frequencyStarts, weightStarts, widths }, new[] { output },
            FlexBufferWriter.Ints(("num_channels", 2))).Inputs(input).Outputs(output);
    }

    [OperatorExample("SignalFilterBankSquareRoot")]
    public static TfliteModelBuilder SquareRoot(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.UInt64, new[] { 4 });
        int scaleBits = b.Tensor("scale_bits", TfliteType.Int32, Array.Empty<int>());
        int output = b.Tensor("y", TfliteType.UInt32, new[] { 4 });
        return b.CustomOperator("SignalFilterBankSquareRoot", new[] { input, scaleBits }, new[] { output }, FlexBufferWriter.Ints()).Inputs(input, scaleBits).Outputs(output);
    }

    [OperatorExample("SignalFilterBankSpectralSubtraction")]
    public static TfliteModelBuilder SpectralSubtraction(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.UInt32, new[] { 4 });
        int output = b.Tensor("y", TfliteType.UInt32, new[] { 4 });
        int estimate = b.Tensor("noise", TfliteType.UInt32, new[] { 4 });
        return b.CustomOperator("SignalFilterBankSpectralSubtraction", new[] { input }, new[] { output, estimate }, SpectralSubtractionOptions(4)).Inputs(input).Outputs(output, estimate);
    }

    /// <summary>The options of micro_speech's audio preprocessor, for <paramref name="channels"/> channels.</summary>
    public static byte[] SpectralSubtractionOptions(int channels, bool clamping = false) => FlexBufferWriter.Map(new (string, long, bool)[]
    {
        ("alternate_one_minus_smoothing", 15729, false), ("alternate_smoothing", 655, false), ("clamping", clamping ? 1 : 0, true),
        ("min_signal_remaining", 819, false), ("num_channels", channels, false), ("one_minus_smoothing", 15729, false),
        ("smoothing", 655, false), ("smoothing_bits", 10, false), ("spectral_subtraction_bits", 14, false),
    }, width: 2);

    [OperatorExample("SignalPCAN")]
    public static TfliteModelBuilder Pcan(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.UInt32, new[] { 4 });
        int noise = b.Tensor("noise", TfliteType.UInt32, new[] { 4 });
        int lut = b.Constant("gain_lut", TfliteType.Int16, new[] { 125 }, Int16s(125, i => 100 + i));
        int output = b.Tensor("y", TfliteType.UInt32, new[] { 4 });
        return b.CustomOperator("SignalPCAN", new[] { input, noise, lut }, new[] { output }, FlexBufferWriter.Ints(("snr_shift", 6))).Inputs(input, noise).Outputs(output);
    }

    [OperatorExample("SignalFilterBankLog")]
    public static TfliteModelBuilder Log(int code, TypeCombination types)
    {
        var b = new TfliteModelBuilder();
        int input = b.Tensor("x", TfliteType.UInt32, new[] { 4 });
        int output = b.Tensor("y", TfliteType.Int16, new[] { 4 });
        return b.CustomOperator("SignalFilterBankLog", new[] { input }, new[] { output }, FlexBufferWriter.Ints(("input_correction_bits", 3), ("output_scale", 1600))).Inputs(input).Outputs(output);
    }
}
