namespace TinyModel.Generator.Model;

/// <summary>
/// Which runtime a model's class is written for, chosen by the <c>TinyModelFlavor</c> item metadata or
/// MSBuild property. The lowered model is the same for every flavor; only the emitters differ.
/// </summary>
internal enum ModelFlavor
{
    /// <summary>.NET (JIT and NativeAOT): spans, SIMD kernels of TinyModel.Runtime, constants read in place.</summary>
    Net,

    /// <summary>.NET nanoFramework (nanoCLR on microcontrollers): arrays, plain loops, no runtime library.</summary>
    NanoFramework,
}

internal static class ModelFlavors
{
    /// <summary>The values <c>TinyModelFlavor</c> accepts, as users write them.</summary>
    public const string Accepted = "Net (the default) or NanoFramework";

    /// <summary>Parses a <c>TinyModelFlavor</c> value (case-insensitive; empty means <see cref="ModelFlavor.Net"/>).</summary>
    public static bool TryParse(string? text, out ModelFlavor flavor)
    {
        flavor = ModelFlavor.Net;
        if (string.IsNullOrWhiteSpace(text) || string.Equals(text, "Net", System.StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (string.Equals(text, "NanoFramework", System.StringComparison.OrdinalIgnoreCase))
        {
            flavor = ModelFlavor.NanoFramework;
            return true;
        }
        return false;
    }
}
