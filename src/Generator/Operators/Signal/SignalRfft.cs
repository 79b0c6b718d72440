using System;
using System.Collections.Generic;
using System.Linq;
using TinyModel.Generator.Common;
using TinyModel.Generator.Emitting;
using TinyModel.Generator.Lowering;
using TinyModel.Generator.Model;
using TinyModel.Generator.Reading;

namespace TinyModel.Generator.Operators.Signal;

/// <summary>
/// SignalRfft (TFLM signal rfft.cc, src/rfft_int16.cc): the real FFT of each int16 frame, zero-padded to
/// <c>fft_length</c>, as KISS FFT's 16-bit fixed-point <c>kiss_fftr</c> computes it (see
/// <c>TinyModel.RealFftInt16</c>); the twiddles are computed here, as <c>kiss_fftr_alloc</c> does.
/// </summary>
internal sealed class SignalRfft : SignalDefinition<SignalRfftLayer>
{
    /// <summary>TFLite's TensorType of int16, the only <c>T</c> TinyModel compiles.</summary>
    private const int TensorTypeInt16 = 7;

    public SignalRfft()
        : base("SignalRfft")
    {
    }

    public override TypeSupport Types { get; } = TypeSupport.Of(
        (new ElementType?[] { ElementType.Int16 }, new[] { ElementType.Int16 }));

    public override string Notes => "int16 (KISS FFT fixed point, bit-exact); power-of-two fft_length; options T, fft_length";

    protected override SignalRfftLayer? LowerLayer(LoweringContext context, TfliteOperator op)
    {
        if (!CheckArity(context, op, 1, 1) || !CheckRunTime(context, op, 0, "input")
            || SignalOptions.Read(context, op)?.Ints(("T", 0), ("fft_length", 1)) is not { } options)
        {
            return null;
        }
        int type = options[0], fftLength = options[1];
        ValueSpec input = context.Value(op.Inputs[0]), output = context.Value(op.Outputs[0]);
        if (type != TensorTypeInt16)
        {
            context.ReportUnsupported(op, $"option T is TensorType {type}; TinyModel compiles the int16 FFT (T = {TensorTypeInt16})");
            return null;
        }
        if (fftLength < 4 || fftLength > 1 << 16 || (fftLength & (fftLength - 1)) != 0)
        {
            context.ReportUnsupported(op, $"fft_length {fftLength} is not a power of two from 4 to 65536; TinyModel compiles KISS FFT's radix-2 and radix-4 stages");
            return null;
        }
        if (input.Shape.Count == 0 || output.Shape.Count != input.Shape.Count)
        {
            context.ReportUnsupported(op, $"the input {input.ShapeText} and output {output.ShapeText} must have the same rank, as TFLM requires");
            return null;
        }
        int inputLength = input.Shape[input.Shape.Count - 1], outputLength = output.Shape[output.Shape.Count - 1] / 2;
        int frames = inputLength == 0 ? 0 : input.ElementCount / inputLength;
        if (inputLength > fftLength || outputLength != fftLength / 2 + 1 || frames * outputLength * 2 != output.ElementCount)
        {
            context.ReportUnsupported(op, $"frames of {inputLength} samples into {outputLength} complex bins do not fit an FFT of length {fftLength} (it takes at most {fftLength} samples and gives {fftLength / 2 + 1} bins per frame)");
            return null;
        }

        int complexLength = fftLength / 2;
        int[] factors = Factors(complexLength);
        string twiddles = context.AddConstant($"Layer{op.Index}Twiddles", ElementType.Int16, Bytes(StageTwiddles(complexLength, factors)),
            $"KISS FFT's twiddles of the {complexLength}-point complex FFT, Q15 (real, imaginary), as each stage reads them");
        string superTwiddles = context.AddConstant($"Layer{op.Index}SuperTwiddles", ElementType.Int16, Bytes(SuperTwiddles(complexLength)),
            "kiss_fftr's split twiddles, Q15 (real, imaginary)");
        string factorConstant = context.AddConstant($"Layer{op.Index}Factors", ElementType.Int32, factors.SelectMany(BitConverter.GetBytes).ToArray(),
            $"KISS FFT's stages of {complexLength}: radix, remaining length");
        return new SignalRfftLayer(op.Index, new[] { input.Id }.ToEquatableArray(), new[] { output.Id }.ToEquatableArray(),
            fftLength, inputLength, frames, twiddles, superTwiddles, factorConstant);
    }

    protected override void EmitLayer(SourceWriter writer, SignalRfftLayer layer, EmitContext context)
    {
        WriteSummary(writer, layer, context,
            $"{layer.Frames} frame{(layer.Frames == 1 ? "" : "s")} of {layer.InputLength} samples, zero-padded to {layer.FftLength}, through KISS FFT's 16-bit real FFT",
            $"(every stage scaled down, so the bins are the spectrum divided by {layer.FftLength}); {layer.FftLength / 2 + 1} complex bins per frame.");
        writer.OpenBlock(context.Signature(layer));
        writer.WriteLine($"{EmitContext.Span}<short> scratch = stackalloc short[{layer.FftLength}];");
        int bins = 2 * (layer.FftLength / 2 + 1);
        writer.OpenBlock($"for (int frame = 0; frame < {layer.Frames}; frame++)");
        writer.WriteLine($"global::TinyModel.RealFftInt16.Transform(input.Slice(frame * {layer.InputLength}, {layer.InputLength}), {context.Constant(layer.Twiddles)}, {context.Constant(layer.SuperTwiddles)},");
        writer.WriteLine($"    {context.Constant(layer.Factors)}, scratch, output.Slice(frame * {bins}, {bins}));");
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary><c>kiss_fft_alloc</c>'s twiddles: <c>exp(-2πi·k/n)</c> as <c>floor(0.5 + 32767·cos)</c>, <c>floor(0.5 + 32767·sin)</c>.</summary>
    internal static short[] Twiddles(int n)
    {
        const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
        var values = new short[2 * n];
        for (int i = 0; i < n; i++)
        {
            double phase = -2 * pi * i / n;
            values[2 * i] = Q15(Math.Cos(phase));
            values[2 * i + 1] = Q15(Math.Sin(phase));
        }
        return values;
    }

    /// <summary>
    /// The twiddles stage by stage, in the order of <paramref name="factors"/> (see <c>TinyModel.RealFftInt16.Transform</c>):
    /// for a stage of radix p, m butterflies per group and stride s, run j = 1..p-1 holds twiddle j·k·s for k = 0..m-1.
    /// </summary>
    internal static short[] StageTwiddles(int n, int[] factors)
    {
        short[] all = Twiddles(n);
        var values = new List<short>();
        int stride = 1;
        for (int f = 0; f < factors.Length; f += 2)
        {
            int p = factors[f], m = factors[f + 1];
            for (int j = 1; j < p; j++)
            {
                for (int k = 0; k < m; k++)
                {
                    values.Add(all[2 * (j * k * stride)]);
                    values.Add(all[2 * (j * k * stride) + 1]);
                }
            }
            stride *= p;
        }
        return values.ToArray();
    }

    /// <summary><c>kiss_fftr_alloc</c>'s super-twiddles: phase <c>-π·((k + 1) / n + 1/2)</c> for k below n/2.</summary>
    internal static short[] SuperTwiddles(int n)
    {
        var values = new short[n];
        for (int i = 0; i < n / 2; i++)
        {
            double phase = -3.14159265358979323846264338327 * ((double)(i + 1) / n + .5);
            values[2 * i] = Q15(Math.Cos(phase));
            values[2 * i + 1] = Q15(Math.Sin(phase));
        }
        return values;
    }

    private static short Q15(double x) => (short)Math.Floor(.5 + 32767 * x);

    /// <summary><c>kf_factor</c>: radix 4 while it divides, then 2, as (radix, remaining length) pairs.</summary>
    internal static int[] Factors(int n)
    {
        var factors = new List<int>();
        while (n > 1)
        {
            int p = n % 4 == 0 ? 4 : 2;
            n /= p;
            factors.Add(p);
            factors.Add(n);
        }
        return factors.ToArray();
    }

    private static byte[] Bytes(short[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}

/// <summary>SignalRfft of <c>Frames</c> frames of <c>InputLength</c> int16 samples into complex int16 bins.</summary>
/// <param name="Twiddles">The constant of the complex FFT's twiddles.</param>
/// <param name="SuperTwiddles">The constant of the real split's twiddles.</param>
/// <param name="Factors">The constant of the radix stages.</param>
internal sealed record SignalRfftLayer(
    int NodeIndex,
    EquatableArray<int> Inputs,
    EquatableArray<int> Outputs,
    int FftLength,
    int InputLength,
    int Frames,
    string Twiddles,
    string SuperTwiddles,
    string Factors)
    : SignalLayer(NodeIndex, "SignalRfft", Inputs, Outputs);
