using TinyModel.Generator.Common;

namespace TinyModel.Generator.Model;

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
internal sealed record ChannelRequantization(
    int Multiplier,
    int Shift,
    string? Multipliers,
    string? Shifts,
    double RealMultiplier,
    int OutputZeroPoint,
    bool WideAccumulator)
{
    public bool PerChannel => Multipliers is not null;

    /// <summary>The multiplier expression for channel <paramref name="channel"/> in generated code.</summary>
    public string MultiplierFor(string channel) => Multipliers is null ? Literals.Int(Multiplier) : $"multipliers[{channel}]";

    public string ShiftFor(string channel) => Shifts is null ? Literals.Int(Shift) : $"shifts[{channel}]";
}
